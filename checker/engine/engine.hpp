#pragma once
// The engine's public face: load a rule pack, load snapshots, evaluate, return findings as values.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "checker/engine/finding.hpp"
#include "common/limits.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "checker/engine/checked.hpp"
#include "checker/engine/compile.hpp"
#include "checker/engine/shard.hpp"
#include "checker/engine/timeline.hpp"

namespace kbl {

class trace_recorder;

struct eval_limits {
    std::uint32_t max_depth = limits::max_eval_depth;
    std::uint64_t max_steps = limits::max_eval_steps;
    std::uint32_t max_runbook_steps = limits::max_runbook_steps;
    std::uint32_t max_cluster_nodes = limits::max_cluster_nodes;
};

struct check_options {
    std::vector<std::string> only;  ///< globs over rule ids; empty = all
    std::vector<std::string> skip;  ///< globs over rule ids
    eval_limits lim;
    unsigned jobs = 1;
    /// `--strict-schema`: keys the schema does not declare are violations (as `strict` in the schema block).
    bool strict_schema = false;
    /// Snapshot files that failed to load: the clusters they may belong to are incomplete.
    std::vector<std::string> failed_files;
    /// `--shard K/N`: only the clusters of that shard are checked (checker/engine/shard.hpp).
    std::optional<shard_spec> shard;
    /// The evaluation log (`check_result::evaluated`): JUnit, HTML, baselines, --focus and shards read it.
    bool keep_evaluated = true;
    /// The rules not evaluated (`check_result::skipped`): `--verbose` prints them.
    bool keep_skipped = true;
    /// The timeline of each planned change and runbook (`check_result::timelines`): `--show-runbook`.
    bool keep_timelines = false;
    /// `explain --trace`: every rule evaluation is recorded there (checker/engine/trace.hpp); the run uses one thread.
    trace_recorder* trace = nullptr;
    /// Test hook (KBLINT_TEST_INTERNAL_ERROR): evaluating the first cluster throws, as a bug would.
    bool fail_for_test = false;
};

/// A rule that applied nowhere or was filtered out, with the reason (for --verbose).
struct not_evaluated {
    std::string rule;
    std::string node;
    std::string reason;
    bool not_applicable = false;  ///< a 'when' was false (or read missing data): the rule does not apply
};

/// One rule evaluated on one node (node scope) or once on a cluster (cluster and runbook scope),
/// for reports that list what was checked (JUnit test cases, the HTML matrix).
struct evaluation {
    std::string rule;
    std::string cluster;  ///< cluster name as written; empty for a snapshot that names no cluster
    std::string node;     ///< node name for node scope; empty otherwise
    source_ptr file;      ///< the node's snapshot, or the first snapshot of the cluster
    bool applied = true;  ///< false when a 'when' condition was false (the rule does not apply)
};

struct check_result {
    std::vector<finding> findings;   ///< sorted with finding_less
    diagnostics errors;              ///< evaluation errors (limits hit), located in rule files
    std::vector<not_evaluated> skipped;
    std::vector<evaluation> evaluated;  ///< cluster by cluster in file order, each sorted by rule then node
    std::size_t snapshots = 0;
    std::size_t clusters = 0;
    std::size_t runbooks = 0;
    std::size_t rules = 0;           ///< rules selected for evaluation
    std::vector<timeline> timelines;  ///< each change simulated, cluster by cluster (keep_timelines)
    shard_trace shard;               ///< where the clusters and errors of a sharded run sit in the fleet's
    checked_list checked;            ///< the snapshots that loaded and their changes, cluster by cluster (checked.hpp)
};

/// Evaluate the selected rules of `p` over the loaded snapshots. An exception escaping the
/// evaluation of any cluster (a bug) is rethrown here, on the calling thread, after every worker ended.
check_result check(const pack& p, const std::vector<snap::snapshot>& snaps, const check_options& opt);

/// The snapshot files of a fleet to check without holding it (check_fleet).
struct fleet_files {
    const std::vector<std::string>* files = nullptr;  ///< in the order of the run
    snap::load_limits lim = snap::default_load_limits();
    std::vector<std::string> ci_tables;  ///< pack_ci_tables
};

/// What loading a fleet's files gave: their errors, file by file in order, and the files that failed.
struct fleet_load {
    diagnostics errors;
    std::vector<std::string> failed;
};

/// The result of loading every file in order and calling `check` with the files that failed as
/// `failed_files` (`opt.shard` and `opt.failed_files` aside), without holding the fleet: the files
/// are grouped by cluster before they are parsed (fleet.hpp), then each cluster is read, parsed,
/// evaluated and released on the worker threads. Peak memory follows the largest cluster, not the fleet.
check_result check_fleet(const pack& p, const fleet_files& in, const check_options& opt, fleet_load& load);

/// The cluster of a snapshot: the key its cluster is grouped by (its cluster id without surrounding
/// white space, in upper case; empty for a snapshot that names no cluster) and the name as written.
struct cluster_ref {
    std::string key;
    std::string name;
};
/// The cluster of a normalised snapshot (`normalized`).
cluster_ref cluster_of(const pack& p, const snap::snapshot& norm);
/// The grouping key of a cluster id as written (empty when it is only white space).
std::string cluster_group_key(std::string_view id);
/// The node name of a normalised snapshot: its node id, else its file name without extension.
std::string node_name_of(const pack& p, const snap::snapshot& norm);
/// The snapshot as the engine reads it: enum values in the schema's spelling, case-insensitive tables marked.
snap::snapshot normalized(const pack& p, snap::snapshot s);

/// The value of calling a `def` of the pack (no snapshot in scope): a record's fields in order, or a
/// single display text; `error` is set when the def is unknown, has another arity, or yields a missing value.
struct call_result {
    std::string error;
    std::vector<std::pair<std::string, std::string>> fields;  ///< when the value is a record
    std::string text;                                        ///< display form of the value
    snap::node_ptr record;                                   ///< the record with typed values (for JSON)
};

/// Call `def name(args...)` with string arguments (used by `kblint decode`).
call_result call_def(const pack& p, const std::string& name, const std::vector<std::string>& args);

/// A `def` of the pack: its name and number of parameters.
struct def_info {
    std::string name;
    std::uint32_t params = 0;
};

/// The pack's global `def`s (not those of modules), sorted by name (`kblint decode` lists the
/// one-parameter `decode_*` ones).
std::vector<def_info> pack_defs(const pack& p);

/// True when `id` matches the glob `pattern` (`*` and `?`, case-insensitive).
bool glob_match(std::string_view pattern, std::string_view id);

} // namespace kbl
