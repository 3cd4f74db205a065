#include "checker/engine/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

#include "checker/engine/eval.hpp"
#include "common/check_ids.hpp"
#include "checker/engine/eval_util.hpp"
#include "checker/engine/fleet.hpp"
#include "checker/engine/schema_findings.hpp"
#include "checker/engine/step_check.hpp"
#include "common/stack_thread.hpp"

namespace kbl {

bool glob_match(std::string_view pat, std::string_view s) {
    auto low = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
    std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && (pat[p] == '?' || low(pat[p]) == low(s[i]))) {
            ++p;
            ++i;
        } else if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

namespace {

// Enum values are matched ignoring case and read back in the schema's spelling: rewrite them
// (copy on write: untouched subtrees are shared with the loaded snapshot).
snap::node_ptr normalize(const snap::node_ptr& n, const schema_node* sn) {
    if (!sn || !n) return n;
    if (sn->type && sn->type->alternatives.empty() && sn->type->k == ast::type_ref::kind::enum_ &&
        n->k == snap::kind::string) {
        for (const auto& v : sn->type->enum_values)
            if (v != n->str && rt::ascii_lower(v) == rt::ascii_lower(n->str)) {
                auto copy = std::make_shared<snap::node>(*n);
                copy->str = v;
                return copy;
            }
        return n;
    }
    if (n->k == snap::kind::table) {
        std::shared_ptr<snap::node> copy;
        for (std::size_t i = 0; i < n->entries.size(); ++i) {
            const schema_node* child = sn->child(n->entries[i].key);
            snap::node_ptr r = normalize(n->entries[i].value, child);
            if (r != n->entries[i].value) {
                if (!copy) copy = std::make_shared<snap::node>(*n);
                copy->entries[i].value = r;
            }
        }
        if (sn->nocase && !n->ci_keys) {
            if (!copy) copy = std::make_shared<snap::node>(*n);
            copy->ci_keys = true;
        }
        return copy ? copy : n;
    }
    if (n->k == snap::kind::array && sn->any_index) {
        std::shared_ptr<snap::node> copy;
        for (std::size_t i = 0; i < n->items.size(); ++i) {
            snap::node_ptr r = normalize(n->items[i], sn->any_index.get());
            if (r != n->items[i]) {
                if (!copy) copy = std::make_shared<snap::node>(*n);
                copy->items[i] = r;
            }
        }
        return copy ? copy : n;
    }
    return n;
}

const snap::node* walk_path(const snap::node* n, const std::vector<ast::path_seg>& path) {
    for (const auto& seg : path) {
        if (!n || seg.k != ast::path_seg::kind::key || n->k != snap::kind::table) return nullptr;
        const snap::entry* e = n->find(seg.key);
        n = e ? e->value.get() : nullptr;
    }
    return n;
}

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

std::vector<std::string> incomplete_clusters(const eval_world& w, const std::vector<std::string>& failed, diagnostics& notes) {
    std::vector<std::string> why(w.clusters.size());
    for (std::size_t ci = 0; ci < w.clusters.size(); ++ci) {
        std::vector<std::string> files;
        for (std::uint32_t m : w.clusters[ci].members) files.push_back(w.snaps[m].s->file->name());
        why[ci] = incomplete_reason(w.clusters[ci].name, files, failed);
        if (!why[ci].empty()) notes.push_back(incomplete_note(why[ci], w.snaps[w.clusters[ci].members.front()].s->file));
    }
    return why;
}

std::string file_stem(const std::string& name) {
    auto slash = name.find_last_of('/');
    std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
    auto dot = base.rfind('.');
    return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

// The declared action a step's action name means: the name itself, else the declared one it
// equals ignoring case (an enumerated value, kb-rules.md 4.7), else the name as written.
std::string declared_action(const pack& p, std::string name) {
    if (p.actions.count(name)) return name;
    for (const auto& a : p.actions)
        if (upper(a.first) == upper(name)) return a.first;
    return name;
}

} // namespace

std::vector<def_info> pack_defs(const pack& p) {
    std::vector<def_info> out;
    for (const auto& [name, d] : p.defs) out.push_back({name, d->params});
    return out;
}

call_result call_def(const pack& p, const std::string& name, const std::vector<std::string>& args) {
    call_result out;
    auto it = p.defs.find(name);
    if (it == p.defs.end()) {
        out.error = fmt::format("the rule pack has no function '{}'", name);
        return out;
    }
    const cdef& d = *it->second;
    if (d.params != args.size()) {
        out.error = fmt::format("'{}' takes {} argument{}, not {}", name, d.params, d.params == 1 ? "" : "s", args.size());
        return out;
    }
    eval_world w;
    w.p = &p;
    w.clusters.push_back({});
    evaluator ev(w, 0);
    std::vector<rt::value> vs;
    for (const auto& a : args) vs.push_back(rt::value::string(a));
    rt::value v;
    try {
        v = ev.call(d, std::move(vs));
    } catch (const eval_limit_error& e) {
        out.error = e.what();
        return out;
    }
    if (v.is_missing()) {
        out.error = v.s;
        return out;
    }
    if (v.k == rt::vkind::table && v.node) {
        for (const auto& e : v.node->entries) out.fields.emplace_back(e.key, rt::display(rt::value::from_node(*e.value, rt::origin::none)));
        out.record = std::make_shared<const snap::node>(*v.node);
    }
    out.text = rt::display(v);
    return out;
}

std::string cluster_group_key(std::string_view v) {
    v.remove_prefix(std::min(v.find_first_not_of(" \t"), v.size()));  // ignoring case and surrounding white space
    v.remove_suffix(v.size() - std::min(v.find_last_not_of(" \t") + 1, v.size()));
    return upper(std::string(v));
}

cluster_ref cluster_of(const pack& p, const snap::snapshot& norm) {
    cluster_ref c;
    if (!p.cluster_id) return c;
    const snap::node* n = walk_path(norm.root.get(), *p.cluster_id);
    if (!n || n->k != snap::kind::string) return c;
    c.key = cluster_group_key(n->str);
    if (!c.key.empty()) c.name = n->str;
    return c;
}

std::string node_name_of(const pack& p, const snap::snapshot& norm) {
    if (p.node_id)
        if (const snap::node* n = walk_path(norm.root.get(), *p.node_id); n && n->k == snap::kind::string && !n->str.empty())
            return n->str;
    return file_stem(norm.file->name());
}

// The loaded tree's root owns its nodes (convert.cpp), which the normalised tree shares: the caller
// keeps the snapshot it passes (a copy of its pointers comes here) while the result is in use.
snap::snapshot normalized(const pack& p, snap::snapshot s) {
    s.root = normalize(s.root, p.schema.get());
    return s;
}

namespace {

// Which (rule, node) pairs a cluster evaluated, with the snapshot each is about and whether the
// rule applied: a false 'when' leaves a not_evaluated entry marked not_applicable.
using eval_log = std::map<std::pair<std::string, std::string>, std::pair<std::uint32_t, bool>>;

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

// The results of one cluster (each cluster has its own slot, so workers never share one).
struct slot {
    std::vector<finding> findings;
    std::vector<not_evaluated> skipped;
    diagnostics errors;
    eval_log evaluated;
};

// A planned change or a runbook of one snapshot: the table that holds it and its steps.
struct change {
    std::uint32_t holder = 0;  ///< index of the snapshot in its cluster
    const snap::node* table = nullptr;
    std::vector<const snap::node*> steps;
};

// Everything one `check` call shares between its workers, and the evaluation of one cluster.
class cluster_runner {
public:
    cluster_runner(const pack& p, const eval_world& w, const std::vector<snap::snapshot>& norm, const std::vector<const crule*>& rules,
                   bool log_evaluations)
        : p_(p), w_(w), norm_(norm), log_(log_evaluations) {
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

    /// Evaluate cluster `ci`: the snapshot rules, and every change of its members when the pack simulates.
    void run(std::size_t ci, slot& out, bool complete) {
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

    /// Changes (planned and runbook) evaluated so far.
    std::size_t runbooks() const { return runbook_count_.load(); }

private:
    template<class F>
    static void guarded(slot& out, F&& fn) {
        try {
            fn();
        } catch (const eval_limit_error& e) {
            out.errors.push_back(limit_diagnostic(e));
        }
    }

    // The evaluation log, when the run keeps it (check_options::keep_evaluated).
    void log(slot& out, const crule& r, const std::string& node, std::uint32_t snap, std::size_t mark) const {
        if (log_) log_evaluation(out.evaluated, r, node, snap, out.skipped, mark);
    }

    // A rule run over cluster `ci`: each member for node scope, once for the others.
    void log_rule(slot& out, const crule& r, std::size_t ci, std::size_t mark) const {
        const auto& members = w_.clusters[ci].members;
        if (members.empty()) return;
        if (r.info.scope == rule_scope::node)
            for (auto m : members) log(out, r, w_.snaps[m].node_name, m, mark);
        else
            log(out, r, "", members.front(), mark);
    }

    std::vector<change> changes(std::size_t ci, diagnostics& errors) const {
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

    // Simulate one change on a world of this cluster only, whose snapshots the steps change (copy on write).
    void simulate(std::size_t ci, const change& c, slot& out) {
        runbook_count_.fetch_add(1);
        const auto& members = w_.clusters[ci].members;
        std::vector<snap::snapshot> state;
        std::vector<snap::node_ptr> keep;
        eval_world sw;
        sw.p = &p_;
        sw.lim = w_.lim;
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
        // A step whose arguments break its action's declaration: the simulation stops before it.
        const std::size_t stop = invalid_step(c);
        if (stop < rb.steps.size()) skip_past(rb, stop, out);
        for (const crule* r : on_runbook_) {
            if (stop < rb.steps.size()) break;
            std::size_t mark = out.skipped.size();
            guarded(out, [&] { ev.run_rule_runbook(*r, out.findings, out.skipped); });
            log(out, *r, "", members.front(), mark);
        }
        for (std::size_t i = 0; i < stop; ++i) run_step(ev, sw, rb, c, i, ci, out);
        ev.set_context(nullptr, &rb);
        for (const crule* r : on_final_) {
            if (stop < rb.steps.size()) break;
            std::size_t mark = out.skipped.size();
            guarded(out, [&] { ev.run_rule(*r, out.findings, out.skipped); });
            log_rule(out, *r, ci, mark);
        }
        ev.set_context(nullptr, nullptr);
    }

    // The first step of a change whose arguments break its action's declaration (step_check.hpp),
    // or the number of steps.
    std::size_t invalid_step(const change& c) const {
        const bool strict = p_.schema_strict || w_.strict_schema;
        for (std::size_t i = 0; i < c.steps.size(); ++i)
            if (!step_issues(p_, *c.steps[i], strict).empty()) return i;
        return c.steps.size();
    }

    // The rules a change leaves unevaluated when its step `stop` is invalid: its runbook and final
    // rules, and the step rules of that step and the later ones (they would judge a state the
    // runbook as written does not produce).
    void skip_past(const runbook_ctx& rb, std::size_t stop, slot& out) const {
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

    // Step `i` of a change: its before rules, its action's effects, its after rules.
    void run_step(evaluator& ev, const eval_world& sw, const runbook_ctx& rb, const change& c, std::size_t i, std::size_t ci,
                  slot& out) {
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
        for (const crule* r : on_step_)
            if (triggered(*r, ast::trigger::kind::before, sc.action)) run_step_rule(r, false);
        if (auto it = p_.actions.find(sc.action); it != p_.actions.end())
            guarded(out, [&] { ev.apply(*it->second, out.skipped); });
        for (const crule* r : on_step_)
            if (triggered(*r, ast::trigger::kind::after, sc.action)) run_step_rule(r, true);
    }

    const pack& p_;
    const eval_world& w_;
    const std::vector<snap::snapshot>& norm_;
    const bool log_;
    std::vector<const crule*> on_snapshot_, on_final_, on_runbook_, on_step_;
    std::atomic<std::size_t> runbook_count_{0};
};

bool glob_skip(const check_options& opt, const std::string& id) {
    return std::any_of(opt.skip.begin(), opt.skip.end(), [&](const auto& g) { return glob_match(g, id); });
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

// Node names and clusters of the normalised snapshots.
void group_clusters(const pack& p, const std::vector<snap::snapshot>& norm, eval_world& w) {
    std::map<std::string, std::uint32_t> cluster_index;
    for (std::uint32_t i = 0; i < norm.size(); ++i) {
        snap_entry e;
        e.s = &norm[i];
        e.node_name = node_name_of(p, norm[i]);
        cluster_ref c = cluster_of(p, norm[i]);
        std::string key = c.key.empty() ? fmt::format("\x01{}", i) : std::move(c.key);  // a cluster of its own
        auto [it, fresh] = cluster_index.emplace(key, static_cast<std::uint32_t>(w.clusters.size()));
        if (fresh) w.clusters.push_back({c.name, {}});
        w.clusters[it->second].members.push_back(i);
        e.cluster = it->second;
        w.snaps.push_back(std::move(e));
    }
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

bool same_file(const location& a, const location& b) {
    return (a.file ? a.file->name() : std::string()) == (b.file ? b.file->name() : std::string());
}

// One cluster's results, its evaluation log resolved to files (the slot's snapshots may then go).
struct cluster_out {
    std::vector<finding> findings;
    std::vector<not_evaluated> skipped;
    diagnostics errors;
    std::vector<evaluation> evaluated;
};

cluster_out take_slot(slot& s, const std::string& cluster, const std::vector<snap::snapshot>& norm, bool keep_skipped) {
    cluster_out o;
    o.evaluated.reserve(s.evaluated.size());
    for (const auto& [key, val] : s.evaluated) o.evaluated.push_back({key.first, cluster, key.second, norm[val.first].file, val.second});
    o.findings = std::move(s.findings);
    if (keep_skipped) o.skipped = std::move(s.skipped);
    o.errors = std::move(s.errors);
    return o;
}

// A cluster's results into the run's, in cluster order; the same error reached twice is reported once.
void append_cluster(cluster_out& o, check_result& res) {
    res.shard.error_marks.push_back(res.errors.size());
    std::move(o.evaluated.begin(), o.evaluated.end(), std::back_inserter(res.evaluated));
    std::move(o.findings.begin(), o.findings.end(), std::back_inserter(res.findings));
    std::move(o.skipped.begin(), o.skipped.end(), std::back_inserter(res.skipped));
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

} // namespace

check_result check(const pack& p, const std::vector<snap::snapshot>& snaps, const check_options& opt) {
    check_result res;
    res.snapshots = snaps.size();
    bool schema_check = false;
    std::vector<const crule*> rules = select_rules(p, opt, res, schema_check);

    std::vector<snap::snapshot> norm;
    norm.reserve(snaps.size());
    for (const auto& s : snaps) norm.push_back(normalized(p, s));
    eval_world w;
    w.p = &p;
    w.lim = opt.lim;
    w.strict_schema = opt.strict_schema;
    group_clusters(p, norm, w);
    if (opt.shard) keep_shard(*opt.shard, norm, w, res);
    res.clusters = w.clusters.size();
    for (std::size_t ci = 0; ci < w.clusters.size(); ++ci) record_checked(p, w, ci, res.checked);
    std::vector<char> oversized = oversized_clusters(p, w, norm, opt, res.errors);
    const std::vector<std::string> incomplete = incomplete_clusters(w, opt.failed_files, res.errors);

    cluster_runner runner(p, w, norm, rules, opt.keep_evaluated);
    std::vector<slot> slots(w.clusters.size());
    for_each_index(w.clusters.size(), opt.jobs, opt.fail_for_test, [&](std::size_t ci) {
        if (!oversized[ci]) evaluate_cluster(runner, w, ci, rules, schema_check, incomplete[ci], slots[ci]);
    });
    for (std::size_t ci = 0; ci < slots.size(); ++ci) {
        cluster_out o = take_slot(slots[ci], w.clusters[ci].name, norm, opt.keep_skipped);
        append_cluster(o, res);
    }
    sort_findings(res);
    res.runbooks = runner.runbooks();
    return res;
}

namespace {

// One cluster of a fleet checked by check_fleet, and what it gave.
struct group_out {
    std::vector<std::uint32_t> loaded;  ///< its files that loaded
    std::string name;
    std::string incomplete;  ///< why it is incomplete, as its evaluation was told
    std::optional<diagnostic> oversized, note;
    cluster_out out;
    std::size_t runbooks = 0;
    checked_list checked;
};

// What every cluster of one check_fleet call shares.
struct fleet_run {
    const pack& p;
    const fleet_files& in;
    const check_options& opt;
    const std::vector<const crule*>& rules;
    bool schema_check;
    fleet_plan& plan;
};

// The snapshots of group `g` that load, normalised; each must be in the cluster the scan put it in.
// `held` keeps the loaded trees, which the normalised ones share nodes with.
std::vector<snap::snapshot> load_group(const fleet_run& run, std::size_t g, std::vector<std::uint32_t>& loaded,
                                       std::vector<snap::snapshot>& held) {
    std::vector<snap::snapshot> norm;
    for (std::uint32_t i : run.plan.groups[g]) {
        diagnostics errs;
        std::optional<snap::snapshot> s = snap::load_snapshot_file((*run.in.files)[i], run.in.lim, run.in.ci_tables, errs);
        run.plan.errors[i] = std::move(errs);
        run.plan.failed[i] = s ? 0 : 1;
        if (!s) continue;
        held.push_back(std::move(*s));
        norm.push_back(normalized(run.p, held.back()));
        if (cluster_of(run.p, norm.back()).key != run.plan.keys[g])
            throw std::logic_error(fmt::format("the pre-scan put '{}' in another cluster than its parse", (*run.in.files)[i]));
        loaded.push_back(i);
    }
    return norm;
}

// The files that failed to load, in file order: those of `before` and those of group `g`.
std::vector<std::string> failed_names(const fleet_run& run, std::size_t g, const std::vector<std::uint32_t>& before) {
    std::vector<std::uint32_t> idx = before;
    for (std::uint32_t i : run.plan.groups[g])
        if (run.plan.failed[i]) idx.push_back(i);
    std::sort(idx.begin(), idx.end());
    idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
    std::vector<std::string> names;
    for (std::uint32_t i : idx) names.push_back((*run.in.files)[i]);
    return names;
}

// Read, parse, evaluate and release group `g`; `failed_before` are files known to have failed.
void run_group(const fleet_run& run, std::size_t g, const std::vector<std::uint32_t>& failed_before, group_out& out) {
    out = group_out{};
    std::vector<snap::snapshot> held;
    std::vector<snap::snapshot> norm = load_group(run, g, out.loaded, held);
    if (norm.empty()) return;
    eval_world w;
    w.p = &run.p;
    w.lim = run.opt.lim;
    w.strict_schema = run.opt.strict_schema;
    out.name = cluster_of(run.p, norm.front()).name;
    w.clusters.push_back({out.name, {}});
    std::vector<std::string> files;
    for (std::uint32_t k = 0; k < norm.size(); ++k) {
        w.snaps.push_back({&norm[k], node_name_of(run.p, norm[k]), 0});
        w.clusters[0].members.push_back(k);
        files.push_back(norm[k].file->name());
    }
    record_checked(run.p, w, 0, out.checked);
    out.incomplete = incomplete_reason(out.name, files, failed_names(run, g, failed_before));
    if (!out.incomplete.empty()) out.note = incomplete_note(out.incomplete, norm.front().file);
    diagnostics over;
    if (oversized_clusters(run.p, w, norm, run.opt, over).front()) {
        out.oversized = std::move(over.front());
        return;
    }
    cluster_runner runner(run.p, w, norm, run.rules, run.opt.keep_evaluated);
    slot s;
    evaluate_cluster(runner, w, 0, run.rules, run.schema_check, out.incomplete, s);
    out.out = take_slot(s, out.name, norm, run.opt.keep_skipped);
    out.runbooks = runner.runbooks();
}

std::vector<std::uint32_t> failed_indices(const fleet_plan& plan) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = 0; i < plan.failed.size(); ++i)
        if (plan.failed[i]) out.push_back(i);
    return out;
}

// The clusters' results into the run's, in the order of their first snapshot that loaded; the files'
// errors into `load`.
void assemble(std::vector<group_out>& outs, fleet_run& run, check_result& res, fleet_load& load) {
    std::vector<std::size_t> order;
    for (std::size_t g = 0; g < outs.size(); ++g)
        if (!outs[g].loaded.empty()) order.push_back(g);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return outs[a].loaded.front() < outs[b].loaded.front(); });
    res.clusters = order.size();
    for (std::size_t g : order) {
        res.snapshots += outs[g].loaded.size();
        res.runbooks += outs[g].runbooks;
        auto& c = outs[g].checked;
        std::move(c.snapshots.begin(), c.snapshots.end(), std::back_inserter(res.checked.snapshots));
        std::move(c.changes.begin(), c.changes.end(), std::back_inserter(res.checked.changes));
        if (outs[g].oversized) res.errors.push_back(std::move(*outs[g].oversized));
    }
    for (std::size_t g : order)
        if (outs[g].note) res.errors.push_back(std::move(*outs[g].note));
    for (std::size_t g : order) append_cluster(outs[g].out, res);
    sort_findings(res);
    for (std::size_t i = 0; i < run.plan.errors.size(); ++i) {
        std::move(run.plan.errors[i].begin(), run.plan.errors[i].end(), std::back_inserter(load.errors));
        if (run.plan.failed[i]) load.failed.push_back((*run.in.files)[i]);
    }
}

} // namespace

check_result check_fleet(const pack& p, const fleet_files& in, const check_options& opt, fleet_load& load) {
    check_result res;
    bool schema_check = false;
    std::vector<const crule*> rules = select_rules(p, opt, res, schema_check);
    fleet_plan plan = plan_fleet(p, in, opt.jobs);
    fleet_run run{p, in, opt, rules, schema_check, plan};
    std::vector<group_out> outs(plan.groups.size());
    const std::vector<std::uint32_t> failed_early = failed_indices(plan);
    for_each_index(outs.size(), opt.jobs, opt.fail_for_test, [&](std::size_t g) { run_group(run, g, failed_early, outs[g]); });
    // A file that failed in another cluster's worker can make a cluster incomplete: it runs again.
    const std::vector<std::uint32_t> failed_all = failed_indices(plan);
    std::vector<std::size_t> again;
    for (std::size_t g = 0; g < outs.size() && failed_all != failed_early; ++g) {
        std::vector<std::string> files;
        for (std::uint32_t i : outs[g].loaded) files.push_back(in.files->at(i));
        if (!outs[g].loaded.empty() && incomplete_reason(outs[g].name, files, failed_names(run, g, failed_all)) != outs[g].incomplete)
            again.push_back(g);
    }
    for_each_index(again.size(), opt.jobs, false, [&](std::size_t k) { run_group(run, again[k], failed_all, outs[again[k]]); });
    assemble(outs, run, res, load);
    return res;
}

} // namespace kbl
