#include "engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "eval.hpp"

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

    // Evaluate clusters in parallel; each cluster's results go to its own slot.
    struct slot {
        std::vector<finding> findings;
        std::vector<not_evaluated> skipped;
        diagnostics errors;
    };
    std::vector<slot> slots(w.clusters.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (;;) {
            std::size_t ci = next.fetch_add(1);
            if (ci >= w.clusters.size()) return;
            evaluator ev(w, static_cast<std::uint32_t>(ci));
            for (const crule* r : rules) {
                try {
                    ev.run_rule(*r, slots[ci].findings, slots[ci].skipped);
                } catch (const eval_limit_error& e) {
                    diagnostic d;
                    d.file = e.file;
                    d.where = e.where;
                    d.message = e.what();
                    d.check_id = "limit";
                    slots[ci].errors.push_back(std::move(d));
                }
            }
        }
    };
    unsigned jobs = std::max(1u, std::min<unsigned>(opt.jobs, static_cast<unsigned>(std::max<std::size_t>(1, w.clusters.size()))));
    if (jobs == 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }
    for (auto& s : slots) {
        for (auto& f : s.findings) res.findings.push_back(std::move(f));
        for (auto& k : s.skipped) res.skipped.push_back(std::move(k));
        for (auto& d : s.errors) {
            bool dup = std::any_of(res.errors.begin(), res.errors.end(), [&](const diagnostic& x) {
                return x.message == d.message && x.where == d.where;
            });
            if (!dup) res.errors.push_back(std::move(d));
        }
    }
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
