#include "checker/engine/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checker/engine/cluster_run.hpp"
#include "checker/engine/eval.hpp"
#include "checker/engine/eval_util.hpp"
#include "checker/engine/fleet.hpp"

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

} // namespace

std::vector<def_info> pack_defs(const pack& p) {
    std::vector<def_info> out;
    for (const auto& [name, d] : p.defs)
        if (d->module.empty()) out.push_back({name, d->params});  // the global namespace only
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
    w.trace = opt.trace;
    group_clusters(p, norm, w);
    if (opt.shard) keep_shard(*opt.shard, norm, w, res);
    res.clusters = w.clusters.size();
    for (std::size_t ci = 0; ci < w.clusters.size(); ++ci) record_checked(p, w, ci, res.checked);
    std::vector<char> oversized = oversized_clusters(p, w, norm, opt, res.errors);
    const std::vector<std::string> incomplete = incomplete_clusters(w, opt.failed_files, res.errors);

    cluster_runner runner(p, w, norm, rules, opt.keep_evaluated, opt.keep_timelines);
    std::vector<slot> slots(w.clusters.size());
    for_each_index(w.clusters.size(), opt.trace ? 1u : opt.jobs, opt.fail_for_test, [&](std::size_t ci) {
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

} // namespace kbl
