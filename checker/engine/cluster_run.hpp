#pragma once
// The evaluation of one cluster (internal to checker/engine/), which `check` (engine.cpp) and
// `check_fleet` (check_fleet.cpp) share: the rules selected, the clusters over the size limit, the
// incomplete clusters, each cluster's snapshot rules and simulated changes, and its results joined
// into the run's.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "checker/engine/engine.hpp"
#include "checker/engine/eval.hpp"
#include "checker/engine/step_check.hpp"

namespace kbl {

/// Which (rule, node) pairs a cluster evaluated, with the snapshot each is about and whether the
/// rule applied: a false 'when' leaves a not_evaluated entry marked not_applicable.
using eval_log = std::map<std::pair<std::string, std::string>, std::pair<std::uint32_t, bool>>;

/// The results of one cluster (each cluster has its own slot, so workers never share one).
struct slot {
    std::vector<finding> findings;
    std::vector<not_evaluated> skipped;
    diagnostics errors;
    eval_log evaluated;
    std::vector<timeline> timelines;
};

/// A planned change or a runbook of one snapshot: the table that holds it and its steps.
struct change {
    std::uint32_t holder = 0;  ///< index of the snapshot in its cluster
    const snap::node* table = nullptr;
    std::vector<const snap::node*> steps;
};

/// The step rules of one action, in the pack's order: those triggered before it and after it.
struct step_rules {
    std::vector<const crule*> before, after;
};

/// One cluster's results, its evaluation log resolved to files (the slot's snapshots may then go).
struct cluster_out {
    std::vector<finding> findings;
    std::vector<not_evaluated> skipped;
    diagnostics errors;
    std::vector<evaluation> evaluated;
    std::vector<timeline> timelines;
};

/// Everything one `check` call shares between its workers, and the evaluation of one cluster.
class cluster_runner {
public:
    /// The rules of a run sorted by trigger; `log_evaluations`: keep the evaluation log;
    /// `record_timelines`: keep each change's timeline (check_options::keep_timelines).
    cluster_runner(const pack& p, const eval_world& w, const std::vector<snap::snapshot>& norm,
                   const std::vector<const crule*>& rules, bool log_evaluations, bool record_timelines = false);

    /// Evaluate cluster `ci`: the snapshot rules, and every change of its members when the pack simulates.
    void run(std::size_t ci, slot& out, bool complete);

    /// Changes (planned and runbook) evaluated so far.
    std::size_t runbooks() const;

private:
    /// `fn()`, an evaluation limit it hits reported in `out.errors`.
    template<class F>
    static void guarded(slot& out, F&& fn);

    /// The evaluation log, when the run keeps it (check_options::keep_evaluated).
    void log(slot& out, const crule& r, const std::string& node, std::uint32_t snap, std::size_t mark) const;

    /// A rule run over cluster `ci`: each member for node scope, once for the others.
    void log_rule(slot& out, const crule& r, std::size_t ci, std::size_t mark) const;

    /// The changes of cluster `ci`: each member's planned change and runbook; an over-long runbook
    /// is an error in `errors` instead.
    std::vector<change> changes(std::size_t ci, diagnostics& errors) const;

    /// Simulate one change on a world of this cluster only, whose snapshots the steps change (copy on write).
    void simulate(std::size_t ci, const change& c, slot& out);

    /// The first step of a change whose arguments break its action's declaration (step_check.hpp),
    /// or the number of steps.
    std::size_t invalid_step(const change& c) const;

    /// The rules a change leaves unevaluated when its step `stop` is invalid: its runbook and final
    /// rules, and the step rules of that step and the later ones (they would judge a state the
    /// runbook as written does not produce).
    void skip_past(const runbook_ctx& rb, std::size_t stop, slot& out) const;

    /// Step `i` of a change: its before rules, its action's effects, its after rules.
    /// The timeline of change `c` before its simulation: its steps, their nodes and actions.
    timeline start_timeline(std::size_t ci, const change& c, const runbook_ctx& rb, const eval_world& sw,
                            std::size_t stop) const;

    /// The step rules of each action of `rb`, looked up once per action instead of once per step.
    std::map<std::string, step_rules> rules_by_action(const runbook_ctx& rb) const;

    void run_step(evaluator& ev, const eval_world& sw, const runbook_ctx& rb, const change& c, std::size_t i, std::size_t ci,
                  const step_rules& rules, slot& out);

    const pack& p_;
    const eval_world& w_;
    const std::vector<snap::snapshot>& norm_;
    const bool log_;
    const bool timelines_;
    std::vector<const crule*> on_snapshot_, on_final_, on_runbook_, on_step_;
    std::atomic<std::size_t> runbook_count_{0};
};

/// The rules selected by --only/--skip; the others are listed as skipped in `res`. `schema_check`:
/// the engine's schema check is selected (by its id, like a rule).
std::vector<const crule*> select_rules(const pack& p, const check_options& opt, check_result& res, bool& schema_check);

/// Per cluster of `w`: over --max-cluster-nodes (not evaluated), with an error in `errors`.
std::vector<char> oversized_clusters(const pack& p, const eval_world& w, const std::vector<snap::snapshot>& norm,
                                     const check_options& opt, diagnostics& errors);

/// Why a named cluster is incomplete: a member in the folder of a file in `failed`; empty when it is not.
std::string incomplete_reason(const std::string& cluster, const std::vector<std::string>& member_files,
                              const std::vector<std::string>& failed);

/// The note of an incomplete cluster, on its first snapshot.
diagnostic incomplete_note(const std::string& why, source_ptr first);

/// Cluster `ci` of `w`: the schema findings and the rules (only the node rules of an incomplete cluster).
void evaluate_cluster(cluster_runner& runner, const eval_world& w, std::size_t ci, const std::vector<const crule*>& rules,
                      bool schema_check, const std::string& incomplete, slot& out);

/// The results of `s`, cluster `cluster` of the snapshots `norm`; the not evaluated rules only if `keep_skipped`.
cluster_out take_slot(slot& s, const std::string& cluster, const std::vector<snap::snapshot>& norm, bool keep_skipped);

/// A cluster's results into the run's, in cluster order; the same error reached twice is reported once.
void append_cluster(cluster_out& o, check_result& res);

/// The findings in report order; the same finding reached twice is reported once.
void sort_findings(check_result& res);

} // namespace kbl
