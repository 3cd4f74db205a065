#include "checker/engine/cluster_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checker/engine/eval_util.hpp"
#include "checker/engine/schema_findings.hpp"
#include "checker/engine/step_check.hpp"
#include "common/check_ids.hpp"

namespace kbl {

namespace {

// An evaluation limit hit while evaluating a rule, as a diagnostic located in the snapshot that
// was evaluated (the data caused it), with a note at the rule's expression where it was hit.
diagnostic limit_diagnostic(const eval_limit_error& e) {
    diagnostic d;
    d.file = e.subject_file ? e.subject_file : e.file;
    d.where = e.subject_file ? e.subject_where : e.where;
    d.message = e.what();
    d.check_id = check_ids::limit;
    if (e.subject_file && e.file) d.notes.push_back({diag_note::kind::note, "the limit was hit here", e.file, e.where});
    return d;
}

std::string folder_of(const std::string& path) {
    return std::filesystem::path(path).lexically_normal().parent_path().string();
}

// The declared action a step's action name means: the name itself, else the declared one it
// equals ignoring case (an enumerated value, kb-rules.md 4.7), else the name as written.
std::string declared_action(const pack& p, std::string name) {
    if (p.actions.count(name)) return name;
    for (const auto& a : p.actions)
        if (upper(a.first) == upper(name)) return a.first;
    return name;
}

void log_evaluation(eval_log& log, const crule& r, const std::string& node, std::uint32_t snap,
                    const std::vector<not_evaluated>& skipped, std::size_t mark) {
    bool applied = std::none_of(skipped.begin() + static_cast<std::ptrdiff_t>(mark), skipped.end(), [&](const not_evaluated& s) {
        return s.rule == r.info.id && s.node == node && s.not_applicable;
    });
    auto [it, fresh] = log.emplace(std::make_pair(r.info.id, node), std::make_pair(snap, applied));
    if (!fresh) it->second.second = it->second.second || applied;
}

bool has_trigger(const crule& r, ast::trigger::kind k) {
    return std::any_of(r.triggers.begin(), r.triggers.end(), [&](const ctrigger& t) { return t.k == k; });
}

bool triggered(const crule& r, ast::trigger::kind k, const std::string& action) {
    for (const auto& t : r.triggers)
        if (t.k == k && std::find(t.actions.begin(), t.actions.end(), action) != t.actions.end()) return true;
    return false;
}

std::optional<std::string> key_string(const snap::node* n, const std::optional<std::vector<ast::path_seg>>& path) {
    if (!path || !n) return std::nullopt;
    const snap::node* v = walk_path(n, *path);
    if (!v || v->k != snap::kind::string) return std::nullopt;
    return v->str;
}

bool glob_skip(const check_options& opt, const std::string& id) {
    return std::any_of(opt.skip.begin(), opt.skip.end(), [&](const auto& g) { return glob_match(g, id); });
}

bool same_file(const location& a, const location& b) {
    return (a.file ? a.file->name() : std::string()) == (b.file ? b.file->name() : std::string());
}

} // namespace

// A named cluster with a member in the folder of a snapshot that failed to load may have lost that
// member: it is incomplete (the reason names the first such file), else the reason is empty.
std::string incomplete_reason(const std::string& cluster, const std::vector<std::string>& member_files,
                              const std::vector<std::string>& failed) {
    if (cluster.empty() || failed.empty()) return {};
    std::set<std::string> folders;
    for (const auto& m : member_files) folders.insert(folder_of(m));
    for (const auto& bad : failed)
        if (folders.contains(folder_of(bad))) return fmt::format("cluster '{}' is incomplete: '{}' failed to load", cluster, bad);
    return {};
}

// The note of an incomplete cluster, on its first snapshot.
diagnostic incomplete_note(const std::string& why, source_ptr first) {
    diagnostic d;
    d.severity = diag_severity::note;
    d.file = std::move(first);
    d.message = fmt::format("{}; only its node rules were evaluated, on the files that loaded", why);
    d.check_id = check_ids::incomplete_cluster;
    return d;
}

cluster_runner::cluster_runner(const pack& p, const eval_world& w, const std::vector<snap::snapshot>& norm,
                               const std::vector<const crule*>& rules, bool log_evaluations, bool record_timelines)
    : p_(p), w_(w), norm_(norm), log_(log_evaluations), timelines_(record_timelines) {
    for (const crule* r : rules) {
        if (r->info.scope == rule_scope::runbook) {
            on_runbook_.push_back(r);
            continue;
        }
        if (has_trigger(*r, ast::trigger::kind::snapshot)) on_snapshot_.push_back(r);
        if (has_trigger(*r, ast::trigger::kind::final)) on_final_.push_back(r);
        if (has_trigger(*r, ast::trigger::kind::before) || has_trigger(*r, ast::trigger::kind::after)) on_step_.push_back(r);
    }
}

void cluster_runner::run(std::size_t ci, slot& out, bool complete) {
    evaluator ev(w_, static_cast<std::uint32_t>(ci));
    bool simulates = (p_.planned || p_.runbook) &&
                     (!on_runbook_.empty() || !on_step_.empty() || !on_final_.empty() || !p_.actions.empty());
    if (complete && simulates) {
        try {
            for (const change& c : changes(ci, out.errors)) simulate(ci, c, out);
        } catch (const eval_limit_error& e) {
            out.errors.push_back(limit_diagnostic(e));
        }
    }
    for (const crule* r : on_snapshot_) {
        if (!complete && r->info.scope != rule_scope::node) continue;
        std::size_t mark = out.skipped.size();
        guarded(out, [&] { ev.run_rule(*r, out.findings, out.skipped); });
        log_rule(out, *r, ci, mark);
    }
}

std::size_t cluster_runner::runbooks() const { return runbook_count_.load(); }

template<class F>
void cluster_runner::guarded(slot& out, F&& fn) {
    try {
        fn();
    } catch (const eval_limit_error& e) {
        out.errors.push_back(limit_diagnostic(e));
    }
}

void cluster_runner::log(slot& out, const crule& r, const std::string& node, std::uint32_t snap, std::size_t mark) const {
    if (log_) log_evaluation(out.evaluated, r, node, snap, out.skipped, mark);
}

void cluster_runner::log_rule(slot& out, const crule& r, std::size_t ci, std::size_t mark) const {
    const auto& members = w_.clusters[ci].members;
    if (members.empty()) return;
    if (r.info.scope == rule_scope::node)
        for (auto m : members) log(out, r, w_.snaps[m].node_name, m, mark);
    else
        log(out, r, "", members.front(), mark);
}

std::vector<change> cluster_runner::changes(std::size_t ci, diagnostics& errors) const {
    std::vector<change> out;
    const auto& members = w_.clusters[ci].members;
    for (std::uint32_t hk = 0; hk < members.size(); ++hk) {
        const snap::node* root = norm_[members[hk]].root.get();
        if (p_.planned)
            if (const snap::node* pl = walk_path(root, *p_.planned); pl && pl->k == snap::kind::table)
                out.push_back({hk, pl, {pl}});
        if (!p_.runbook) continue;
        const snap::node* rb = walk_path(root, *p_.runbook);
        if (!rb || rb->k != snap::kind::array) continue;
        // Sequence rules look at every earlier step from each step: the cost grows with the
        // square of the length, so an over-long runbook is an input error.
        if (rb->items.size() > w_.lim.max_runbook_steps) {
            diagnostic d;
            d.file = norm_[members[hk]].file;
            d.where = rb->items[w_.lim.max_runbook_steps]->where;
            d.message = fmt::format("runbook has {} steps, over the limit of {} (--max-runbook-steps)", rb->items.size(),
                                    w_.lim.max_runbook_steps);
            d.check_id = check_ids::limit;
            errors.push_back(std::move(d));
            continue;
        }
        std::vector<ast::path_seg> parent(p_.runbook->begin(), p_.runbook->end() - 1);
        const snap::node* holder = parent.empty() ? root : walk_path(root, parent);
        change c{hk, holder ? holder : rb, {}};
        for (const auto& item : rb->items) c.steps.push_back(item.get());
        out.push_back(std::move(c));
    }
    return out;
}

void cluster_runner::simulate(std::size_t ci, const change& c, slot& out) {
    runbook_count_.fetch_add(1);
    const auto& members = w_.clusters[ci].members;
    std::vector<snap::snapshot> state;
    std::vector<snap::node_ptr> keep;
    eval_world sw;
    sw.p = &p_;
    sw.lim = w_.lim;
    sw.trace = w_.trace;
    sw.strict_schema = w_.strict_schema;
    sw.state = &state;
    sw.keep = &keep;
    state.reserve(members.size());
    for (auto m : members) state.push_back(norm_[m]);
    sw.clusters.push_back({w_.clusters[ci].name, {}});
    for (std::uint32_t k = 0; k < members.size(); ++k) {
        snap_entry e = w_.snaps[members[k]];
        e.s = &state[k];
        e.cluster = 0;
        sw.snaps.push_back(std::move(e));
        sw.clusters[0].members.push_back(k);
    }
    runbook_ctx rb;
    rb.holder = c.holder;
    rb.table = rt::value::from_node(*c.table, c.holder);
    std::map<std::pair<std::string, std::string>, std::uint32_t> seen;  // (action, upper(node)) -> steps
    for (const snap::node* sn : c.steps) {
        rb.steps.push_back(rt::value::from_node(*sn, c.holder));
        rb.actions.push_back(declared_action(p_, key_string(sn, p_.step_action).value_or("")));
        std::string on = upper(key_string(sn, p_.step_node).value_or(sw.snaps[c.holder].node_name));
        rb.ordinals.push_back(++seen[{rb.actions.back(), on}]);
    }
    evaluator ev(sw, 0);
    ev.set_context(nullptr, &rb);
    const std::size_t first_finding = out.findings.size();
    // A step whose arguments break its action's declaration: the simulation stops before it.
    const std::size_t stop = invalid_step(c);
    if (stop < rb.steps.size()) skip_past(rb, stop, out);
    for (const crule* r : on_runbook_) {
        if (stop < rb.steps.size()) break;
        std::size_t mark = out.skipped.size();
        guarded(out, [&] { ev.run_rule_runbook(*r, out.findings, out.skipped); });
        log(out, *r, "", members.front(), mark);
    }
    std::optional<timeline> tl;
    if (timelines_) tl = start_timeline(ci, c, rb, sw, stop);
    const std::map<std::string, step_rules> by_action = rules_by_action(rb);
    for (std::size_t i = 0; i < stop; ++i) {
        std::vector<snap::node_ptr> before;
        if (tl)
            for (const auto& s : state) before.push_back(s.root);
        run_step(ev, sw, rb, c, i, ci, by_action.at(rb.actions[i]), out);
        if (tl)
            for (std::size_t k = 0; k < state.size(); ++k)
                diff_state(before[k], state[k].root, sw.snaps[k].node_name, tl->steps[i].effects);
    }
    ev.set_context(nullptr, &rb);
    const std::size_t final_mark = out.findings.size();
    for (const crule* r : on_final_) {
        if (stop < rb.steps.size()) break;
        std::size_t mark = out.skipped.size();
        guarded(out, [&] { ev.run_rule(*r, out.findings, out.skipped); });
        log_rule(out, *r, ci, mark);
    }
    ev.set_context(nullptr, nullptr);
    if (tl) {
        attach_findings(*tl, out.findings, first_finding, final_mark);
        out.timelines.push_back(std::move(*tl));
    }
}

timeline cluster_runner::start_timeline(std::size_t ci, const change& c, const runbook_ctx& rb, const eval_world& sw,
                                        std::size_t stop) const {
    timeline t;
    t.file = sw.snaps[c.holder].s->file;
    t.planned = c.steps.size() == 1 && c.steps.front() == c.table;
    t.cluster = w_.clusters[ci].name;
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
        timeline_step st;
        st.index = static_cast<std::uint32_t>(i + 1);
        st.node = key_string(c.steps[i], p_.step_node).value_or(sw.snaps[c.holder].node_name);
        st.action = rb.actions[i];
        st.line = c.steps[i]->where.line;
        st.simulated = i < stop;
        t.steps.push_back(std::move(st));
    }
    return t;
}

std::size_t cluster_runner::invalid_step(const change& c) const {
    const bool strict = p_.schema_strict || w_.strict_schema;
    for (std::size_t i = 0; i < c.steps.size(); ++i)
        if (!step_issues(p_, *c.steps[i], strict).empty()) return i;
    return c.steps.size();
}

void cluster_runner::skip_past(const runbook_ctx& rb, std::size_t stop, slot& out) const {
    std::string why = fmt::format("not evaluated: step {} ('{}') has arguments that break its action's declaration, and the "
                                  "simulation stops before it", stop + 1, rb.actions[stop]);
    std::set<std::string> ids;
    for (const crule* r : on_runbook_) ids.insert(r->info.id);
    for (const crule* r : on_final_) ids.insert(r->info.id);
    for (const crule* r : on_step_)
        for (std::size_t i = stop; i < rb.actions.size(); ++i)
            if (triggered(*r, ast::trigger::kind::before, rb.actions[i]) || triggered(*r, ast::trigger::kind::after, rb.actions[i]))
                ids.insert(r->info.id);
    for (const auto& id : ids) out.skipped.push_back({id, "", why});
}

std::map<std::string, step_rules> cluster_runner::rules_by_action(const runbook_ctx& rb) const {
    std::map<std::string, step_rules> out;
    for (const auto& action : rb.actions) {
        auto [it, fresh] = out.try_emplace(action);
        if (!fresh) continue;
        for (const crule* r : on_step_) {
            if (triggered(*r, ast::trigger::kind::before, action)) it->second.before.push_back(r);
            if (triggered(*r, ast::trigger::kind::after, action)) it->second.after.push_back(r);
        }
    }
    return out;
}

void cluster_runner::run_step(evaluator& ev, const eval_world& sw, const runbook_ctx& rb, const change& c, std::size_t i,
                              std::size_t ci, const step_rules& rules, slot& out) {
    const auto& members = w_.clusters[ci].members;
    step_ctx sc;
    sc.step = rb.steps[i];
    sc.index = static_cast<std::int64_t>(i + 1);
    sc.action = rb.actions[i];
    auto named = key_string(c.steps[i], p_.step_node);
    sc.target_name = named.value_or(sw.snaps[c.holder].node_name);
    sc.target = named ? ev.find_node(*named) : c.holder;
    ev.set_context(&sc, &rb);
    auto run_step_rule = [&](const crule* r, bool after) {
        std::size_t mark = out.skipped.size();
        guarded(out, [&] { ev.run_rule_step(*r, out.findings, out.skipped, after); });
        if (r->info.scope != rule_scope::node)
            log(out, *r, "", members.front(), mark);
        else if (sc.target != rt::origin::none)
            log(out, *r, sw.snaps[sc.target].node_name, members[sc.target], mark);
    };
    for (const crule* r : rules.before) run_step_rule(r, false);
    if (auto it = p_.actions.find(sc.action); it != p_.actions.end())
        guarded(out, [&] { ev.apply(*it->second, out.skipped); });
    for (const crule* r : rules.after) run_step_rule(r, true);
}

// The rules selected by --only/--skip; the others are listed as skipped. The engine's schema check
// is selected by its id like a rule (it is not a rule of the pack: not counted, not listed).
std::vector<const crule*> select_rules(const pack& p, const check_options& opt, check_result& res, bool& schema_check) {
    auto select = [&](const std::string& id) {
        bool on = opt.only.empty() || std::any_of(opt.only.begin(), opt.only.end(), [&](const auto& g) { return glob_match(g, id); });
        bool off = std::any_of(opt.skip.begin(), opt.skip.end(), [&](const auto& g) { return glob_match(g, id); });
        return on && !off;
    };
    std::vector<const crule*> rules;
    for (const auto& r : p.rules) {
        if (select(r->info.id)) rules.push_back(r.get());
        else res.skipped.push_back({r->info.id, "", glob_skip(opt, r->info.id) ? "skipped by --skip" : "not selected by --only"});
    }
    schema_check = engine_checks_schema(p) && select(schema_rule_info(p).id);
    res.rules = rules.size();
    return rules;
}

// A cluster over --max-cluster-nodes is not evaluated: cross-node rules compare every pair of its
// nodes, so their cost grows with the square of its size (or faster).
std::vector<char> oversized_clusters(const pack& p, const eval_world& w, const std::vector<snap::snapshot>& norm,
                                     const check_options& opt, diagnostics& errors) {
    std::vector<char> oversized(w.clusters.size(), 0);
    for (std::size_t ci = 0; ci < w.clusters.size(); ++ci) {
        const auto& members = w.clusters[ci].members;
        if (members.size() <= opt.lim.max_cluster_nodes) continue;
        oversized[ci] = 1;
        const std::uint32_t first_over = members[opt.lim.max_cluster_nodes];
        const snap::node* named = p.cluster_id ? walk_path(norm[first_over].root.get(), *p.cluster_id) : nullptr;
        diagnostic d;
        d.file = norm[first_over].file;
        d.where = named ? named->where : pos{1, 1};
        d.message = fmt::format("cluster '{}' has {} nodes, over the limit of {} (--max-cluster-nodes)", w.clusters[ci].name,
                                members.size(), opt.lim.max_cluster_nodes);
        d.check_id = check_ids::limit;
        errors.push_back(std::move(d));
    }
    return oversized;
}

cluster_out take_slot(slot& s, const std::string& cluster, const std::vector<snap::snapshot>& norm, bool keep_skipped) {
    cluster_out o;
    o.evaluated.reserve(s.evaluated.size());
    for (const auto& [key, val] : s.evaluated) o.evaluated.push_back({key.first, cluster, key.second, norm[val.first].file, val.second});
    o.findings = std::move(s.findings);
    if (keep_skipped) o.skipped = std::move(s.skipped);
    o.errors = std::move(s.errors);
    o.timelines = std::move(s.timelines);
    return o;
}

// A cluster's results into the run's, in cluster order; the same error reached twice is reported once.
void append_cluster(cluster_out& o, check_result& res) {
    res.shard.error_marks.push_back(res.errors.size());
    std::move(o.evaluated.begin(), o.evaluated.end(), std::back_inserter(res.evaluated));
    std::move(o.findings.begin(), o.findings.end(), std::back_inserter(res.findings));
    std::move(o.skipped.begin(), o.skipped.end(), std::back_inserter(res.skipped));
    std::move(o.timelines.begin(), o.timelines.end(), std::back_inserter(res.timelines));
    for (auto& d : o.errors) {
        bool dup = std::any_of(res.errors.begin(), res.errors.end(),
                               [&](const diagnostic& x) { return x.name() == d.name() && x.message == d.message && x.where == d.where; });
        if (!dup) res.errors.push_back(std::move(d));
    }
}

// The findings in report order; the same finding reached twice is reported once.
void sort_findings(check_result& res) {
    std::stable_sort(res.findings.begin(), res.findings.end(), finding_less);
    res.findings.erase(std::unique(res.findings.begin(), res.findings.end(),
                                   [](const finding& a, const finding& b) {
                                       return a.rule == b.rule && a.fingerprint == b.fingerprint && a.message == b.message &&
                                              a.loc.where == b.loc.where && a.st == b.st && same_file(a.loc, b.loc);
                                   }),
                       res.findings.end());
}

// Cluster `ci` of `w`: the schema findings and the rules (only the node rules of an incomplete cluster).
void evaluate_cluster(cluster_runner& runner, const eval_world& w, std::size_t ci, const std::vector<const crule*>& rules,
                      bool schema_check, const std::string& incomplete, slot& out) {
    if (schema_check) schema_findings(w, static_cast<std::uint32_t>(ci), out.findings);
    if (!incomplete.empty())
        for (const crule* r : rules)
            if (r->info.scope != rule_scope::node || !has_trigger(*r, ast::trigger::kind::snapshot))
                out.skipped.push_back({r->info.id, "", fmt::format("not evaluated: {}", incomplete)});
    runner.run(ci, out, incomplete.empty());
}

} // namespace kbl
