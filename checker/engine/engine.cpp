#include "checker/engine/engine.hpp"
#include "common/check_ids.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "checker/engine/eval.hpp"
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

// An evaluation limit hit while evaluating a rule, as a diagnostic located in the rule file.
diagnostic limit_diagnostic(const eval_limit_error& e) {
    diagnostic d;
    d.file = e.file;
    d.where = e.where;
    d.message = e.what();
    d.check_id = check_ids::limit;
    return d;
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return s;
}

std::string file_stem(const std::string& name) {
    auto slash = name.find_last_of('/');
    std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
    auto dot = base.rfind('.');
    return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
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

check_result check(const pack& p, const std::vector<snap::snapshot>& snaps, const check_options& opt) {
    check_result res;
    res.snapshots = snaps.size();

    // Rule selection.
    std::vector<const crule*> rules;
    for (const auto& r : p.rules) {
        bool on = opt.only.empty() ||
                  std::any_of(opt.only.begin(), opt.only.end(), [&](const auto& g) { return glob_match(g, r->info.id); });
        bool off = std::any_of(opt.skip.begin(), opt.skip.end(), [&](const auto& g) { return glob_match(g, r->info.id); });
        if (on && !off) rules.push_back(r.get());
        else res.skipped.push_back({r->info.id, "", off ? "skipped by --skip" : "not selected by --only"});
    }
    res.rules = rules.size();

    // Normalised snapshots, node names and clusters.
    std::vector<snap::snapshot> norm;
    norm.reserve(snaps.size());
    for (const auto& s : snaps) norm.push_back(snap::snapshot{s.file, normalize(s.root, p.schema.get())});
    eval_world w;
    w.p = &p;
    w.lim = opt.lim;
    std::map<std::string, std::uint32_t> cluster_index;
    for (std::uint32_t i = 0; i < norm.size(); ++i) {
        snap_entry e;
        e.s = &norm[i];
        e.node_name = file_stem(norm[i].file->name());
        if (p.node_id)
            if (const snap::node* n = walk_path(norm[i].root.get(), *p.node_id); n && n->k == snap::kind::string && !n->str.empty())
                e.node_name = n->str;
        std::string key = fmt::format("\x01{}", i);  // a cluster of its own
        std::string name;
        if (p.cluster_id)
            if (const snap::node* n = walk_path(norm[i].root.get(), *p.cluster_id); n && n->k == snap::kind::string && !n->str.empty()) {
                key = upper(n->str);
                name = n->str;
            }
        auto [it, fresh] = cluster_index.emplace(key, static_cast<std::uint32_t>(w.clusters.size()));
        if (fresh) w.clusters.push_back({name, {}});
        w.clusters[it->second].members.push_back(i);
        e.cluster = it->second;
        w.snaps.push_back(std::move(e));
    }
    res.clusters = w.clusters.size();

    // A cluster over --max-cluster-nodes is not evaluated: cross-node rules compare every pair of
    // its nodes, so their cost grows with the square of its size (or faster).
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
        d.message = fmt::format("cluster '{}' has {} nodes, over the limit of {} (--max-cluster-nodes)",
                                w.clusters[ci].name, members.size(), opt.lim.max_cluster_nodes);
        d.check_id = check_ids::limit;
        res.errors.push_back(std::move(d));
    }

    // Which rules run where.
    auto has = [](const crule& r, ast::trigger::kind k) {
        return std::any_of(r.triggers.begin(), r.triggers.end(), [&](const ctrigger& t) { return t.k == k; });
    };
    std::vector<const crule*> on_snapshot, on_final, on_runbook, on_step;
    for (const crule* r : rules) {
        if (r->info.scope == rule_scope::runbook) {
            on_runbook.push_back(r);
            continue;
        }
        if (has(*r, ast::trigger::kind::snapshot)) on_snapshot.push_back(r);
        if (has(*r, ast::trigger::kind::final)) on_final.push_back(r);
        if (has(*r, ast::trigger::kind::before) || has(*r, ast::trigger::kind::after)) on_step.push_back(r);
    }
    auto triggered = [](const crule& r, ast::trigger::kind k, const std::string& action) {
        for (const auto& t : r.triggers)
            if (t.k == k && std::find(t.actions.begin(), t.actions.end(), action) != t.actions.end()) return true;
        return false;
    };
    auto key_string = [](const snap::node* n, const std::optional<std::vector<ast::path_seg>>& path) -> std::optional<std::string> {
        if (!path || !n) return std::nullopt;
        const snap::node* v = walk_path(n, *path);
        if (!v || v->k != snap::kind::string) return std::nullopt;
        return v->str;
    };
    std::atomic<std::size_t> runbook_count{0};

    // Which (rule, node) pairs a cluster evaluated, with the snapshot each is about and whether the
    // rule applied: a false 'when' leaves a not_evaluated entry marked not_applicable.
    using eval_log = std::map<std::pair<std::string, std::string>, std::pair<std::uint32_t, bool>>;
    auto log_evaluation = [](eval_log& log, const crule& r, const std::string& node, std::uint32_t snap,
                             const std::vector<not_evaluated>& skipped, std::size_t mark) {
        bool applied = std::none_of(skipped.begin() + static_cast<std::ptrdiff_t>(mark), skipped.end(), [&](const not_evaluated& s) {
            return s.rule == r.info.id && s.node == node && s.not_applicable;
        });
        auto [it, fresh] = log.emplace(std::make_pair(r.info.id, node), std::make_pair(snap, applied));
        if (!fresh) it->second.second = it->second.second || applied;
    };
    // A rule run over cluster `ci`: each member for node scope, once for the others.
    auto log_rule = [&](eval_log& log, const crule& r, std::size_t ci, const std::vector<not_evaluated>& skipped, std::size_t mark) {
        const auto& members = w.clusters[ci].members;
        if (members.empty()) return;
        if (r.info.scope == rule_scope::node)
            for (auto m : members) log_evaluation(log, r, w.snaps[m].node_name, m, skipped, mark);
        else
            log_evaluation(log, r, "", members.front(), skipped, mark);
    };

    // Simulate every planned change and runbook of cluster `ci`.
    auto simulate = [&](std::size_t ci, std::vector<finding>& findings, std::vector<not_evaluated>& skipped, diagnostics& errors,
                        eval_log& log) {
        const auto& members = w.clusters[ci].members;
        for (std::uint32_t hk = 0; hk < members.size(); ++hk) {
            const snap::node* root = norm[members[hk]].root.get();
            std::vector<const snap::node*> tables;  // [planned] and/or [runbook]
            std::vector<std::vector<const snap::node*>> step_lists;
            if (p.planned)
                if (const snap::node* pl = walk_path(root, *p.planned); pl && pl->k == snap::kind::table) {
                    tables.push_back(pl);
                    step_lists.push_back({pl});
                }
            if (p.runbook)
                if (const snap::node* rb = walk_path(root, *p.runbook); rb && rb->k == snap::kind::array) {
                    // Sequence rules look at every earlier step from each step: the cost grows with
                    // the square of the length, so an over-long runbook is an input error.
                    if (rb->items.size() > w.lim.max_runbook_steps) {
                        diagnostic d;
                        d.file = norm[members[hk]].file;
                        d.where = rb->items[w.lim.max_runbook_steps]->where;
                        d.message = fmt::format("runbook has {} steps, over the limit of {} (--max-runbook-steps)",
                                                rb->items.size(), w.lim.max_runbook_steps);
                        d.check_id = check_ids::limit;
                        errors.push_back(std::move(d));
                    } else {
                        std::vector<ast::path_seg> parent(p.runbook->begin(), p.runbook->end() - 1);
                        const snap::node* holder = parent.empty() ? root : walk_path(root, parent);
                        tables.push_back(holder ? holder : rb);
                        std::vector<const snap::node*> list;
                        for (const auto& item : rb->items) list.push_back(item.get());
                        step_lists.push_back(std::move(list));
                    }
                }
            for (std::size_t t = 0; t < tables.size(); ++t) {
                runbook_count.fetch_add(1);
                // A world of this cluster only, whose snapshots the steps change (copy on write).
                std::vector<snap::snapshot> state;
                std::vector<snap::node_ptr> keep;
                eval_world sw;
                sw.p = &p;
                sw.lim = w.lim;
                sw.state = &state;
                sw.keep = &keep;
                state.reserve(members.size());
                for (auto m : members) state.push_back(norm[m]);
                sw.clusters.push_back({w.clusters[ci].name, {}});
                for (std::uint32_t k = 0; k < members.size(); ++k) {
                    snap_entry e = w.snaps[members[k]];
                    e.s = &state[k];
                    e.cluster = 0;
                    sw.snaps.push_back(std::move(e));
                    sw.clusters[0].members.push_back(k);
                }
                runbook_ctx rb;
                rb.holder = hk;
                rb.table = rt::value::from_node(*tables[t], hk);
                for (const snap::node* sn : step_lists[t]) {
                    rb.steps.push_back(rt::value::from_node(*sn, hk));
                    rb.actions.push_back(key_string(sn, p.step_action).value_or(""));
                }
                evaluator ev(sw, 0);
                auto guarded = [&](auto&& fn, const crule* r) {
                    try {
                        fn();
                    } catch (const eval_limit_error& e) {
                        errors.push_back(limit_diagnostic(e));
                        (void)r;
                    }
                };
                ev.set_context(nullptr, &rb);
                for (const crule* r : on_runbook) {
                    std::size_t mark = skipped.size();
                    guarded([&] { ev.run_rule_runbook(*r, findings, skipped); }, r);
                    log_evaluation(log, *r, "", members.front(), skipped, mark);
                }
                for (std::size_t i = 0; i < rb.steps.size(); ++i) {
                    step_ctx sc;
                    sc.step = rb.steps[i];
                    sc.index = static_cast<std::int64_t>(i + 1);
                    sc.action = rb.actions[i];
                    auto named = key_string(step_lists[t][i], p.step_node);
                    sc.target_name = named.value_or(sw.snaps[hk].node_name);
                    sc.target = named ? ev.find_node(*named) : hk;
                    ev.set_context(&sc, &rb);
                    auto run_step_rule = [&](const crule* r, bool after) {
                        std::size_t mark = skipped.size();
                        guarded([&] { ev.run_rule_step(*r, findings, skipped, after); }, r);
                        if (r->info.scope != rule_scope::node)
                            log_evaluation(log, *r, "", members.front(), skipped, mark);
                        else if (sc.target != rt::origin::none)
                            log_evaluation(log, *r, sw.snaps[sc.target].node_name, members[sc.target], skipped, mark);
                    };
                    for (const crule* r : on_step)
                        if (triggered(*r, ast::trigger::kind::before, sc.action)) run_step_rule(r, false);
                    if (auto it = p.actions.find(sc.action); it != p.actions.end())
                        guarded([&] { ev.apply(*it->second, skipped); }, nullptr);
                    for (const crule* r : on_step)
                        if (triggered(*r, ast::trigger::kind::after, sc.action)) run_step_rule(r, true);
                }
                ev.set_context(nullptr, &rb);
                for (const crule* r : on_final) {
                    std::size_t mark = skipped.size();
                    guarded([&] { ev.run_rule(*r, findings, skipped); }, r);
                    log_rule(log, *r, ci, skipped, mark);
                }
                ev.set_context(nullptr, nullptr);
            }
        }
    };

    // Evaluate clusters in parallel; each cluster's results go to its own slot.
    struct slot {
        std::vector<finding> findings;
        std::vector<not_evaluated> skipped;
        diagnostics errors;
        eval_log evaluated;
    };
    std::vector<slot> slots(w.clusters.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (;;) {
            std::size_t ci = next.fetch_add(1);
            if (ci >= w.clusters.size()) return;
            if (oversized[ci]) continue;
            evaluator ev(w, static_cast<std::uint32_t>(ci));
            if ((p.planned || p.runbook) && (!on_runbook.empty() || !on_step.empty() || !on_final.empty() || !p.actions.empty())) {
                try {
                    simulate(ci, slots[ci].findings, slots[ci].skipped, slots[ci].errors, slots[ci].evaluated);
                } catch (const eval_limit_error& e) {
                    slots[ci].errors.push_back(limit_diagnostic(e));
                }
            }
            for (const crule* r : on_snapshot) {
                std::size_t mark = slots[ci].skipped.size();
                try {
                    ev.run_rule(*r, slots[ci].findings, slots[ci].skipped);
                } catch (const eval_limit_error& e) {
                    slots[ci].errors.push_back(limit_diagnostic(e));
                }
                log_rule(slots[ci].evaluated, *r, ci, slots[ci].skipped, mark);
            }
        }
    };
    unsigned jobs = std::max(1u, std::min<unsigned>(opt.jobs, static_cast<unsigned>(std::max<std::size_t>(1, w.clusters.size()))));
    // An exception other than a limit is a bug: it must reach main() (exit 4), not std::terminate.
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto guarded_worker = [&] {
        try {
            if (opt.fail_for_test) throw std::logic_error("internal error injected by KBLINT_TEST_INTERNAL_ERROR");
            worker();
        } catch (...) {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            next.store(w.clusters.size());
        }
    };
    // Even with one job, evaluation runs on a thread of its own: one with a large stack.
    {
        std::vector<std::unique_ptr<stack_thread>> threads;
        for (unsigned t = 0; t < jobs; ++t) threads.push_back(std::make_unique<stack_thread>(guarded_worker));
        for (auto& t : threads) t->join();
    }
    if (failure) std::rethrow_exception(failure);
    for (std::size_t ci = 0; ci < slots.size(); ++ci) {
        auto& s = slots[ci];
        for (const auto& [key, val] : s.evaluated)
            res.evaluated.push_back({key.first, w.clusters[ci].name, key.second, norm[val.first].file, val.second});
        for (auto& f : s.findings) res.findings.push_back(std::move(f));
        for (auto& k : s.skipped) res.skipped.push_back(std::move(k));
        for (auto& d : s.errors) {
            bool dup = std::any_of(res.errors.begin(), res.errors.end(), [&](const diagnostic& x) {
                return x.message == d.message && x.where == d.where;
            });
            if (!dup) res.errors.push_back(std::move(d));
        }
    }
    res.runbooks = runbook_count.load();
    std::stable_sort(res.findings.begin(), res.findings.end(), finding_less);
    // The same finding reached twice (e.g. two paths to one value) is reported once.
    res.findings.erase(std::unique(res.findings.begin(), res.findings.end(),
                                   [](const finding& a, const finding& b) {
                                       return a.rule == b.rule && a.fingerprint == b.fingerprint && a.message == b.message &&
                                              a.loc.where == b.loc.where && a.st == b.st;
                                   }),
                       res.findings.end());
    return res;
}

} // namespace kbl
