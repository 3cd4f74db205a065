// check_fleet (engine.hpp): a fleet read, parsed, evaluated and released cluster by cluster on the
// workers; the evaluation of each cluster is cluster_run.hpp's, as for `check`.
#include "checker/engine/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "checker/engine/cache_codec.hpp"
#include "checker/engine/cluster_run.hpp"
#include "checker/engine/fleet.hpp"
#include "checker/engine/result_cache.hpp"
#include "common/fs.hpp"

namespace kbl {

namespace {

using group_out = group_result;

// What every cluster of one check_fleet call shares.
struct fleet_run {
    const pack& p;
    const fleet_files& in;
    const check_options& opt;
    const std::vector<const crule*>& rules;
    bool schema_check;
    fleet_plan& plan;
    result_cache* cache;  ///< null: no cache
};

// File `i`, the `k`th of its group, loaded from the bytes the cache read (`read`), else from those
// the grouping kept (its scan found them within the limits: not counted again), else read now. The
// kept bytes are taken either way: released with the snapshot.
std::optional<snap::snapshot> load_group_file(const fleet_run& run, std::uint32_t i, const group_files* read, std::size_t k,
                                              diagnostics& errs) {
    const std::string& name = (*run.in.files)[i];
    std::optional<std::string> kept = std::exchange(run.plan.kept[i], std::nullopt);
    if (read) return snap::load_snapshot(name, read->bytes[k], run.in.lim, run.in.ci_tables, errs);
    if (!kept) return snap::load_snapshot_file(name, run.in.lim, run.in.ci_tables, errs);
    return snap::load_snapshot(name, std::move(*kept), run.in.lim, run.in.ci_tables, errs, true);
}

// The snapshots of group `g` that load, normalised; each must be in the cluster the scan put it in.
// `held` keeps the loaded trees, which the normalised ones share nodes with.
// `read`: the files' bytes when the cache read them (a file is then never read twice).
std::vector<snap::snapshot> load_group(const fleet_run& run, std::size_t g, const group_files* read,
                                       std::vector<std::uint32_t>& loaded, std::vector<snap::snapshot>& held) {
    std::vector<snap::snapshot> norm;
    for (std::size_t k = 0; k < run.plan.groups[g].size(); ++k) {
        const std::uint32_t i = run.plan.groups[g][k];
        diagnostics errs;
        std::optional<snap::snapshot> s = load_group_file(run, i, read, k, errs);
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
void evaluate_group(const fleet_run& run, std::size_t g, const std::vector<std::uint32_t>& failed_before,
                    const group_files* read, group_out& out) {
    out = group_out{};
    std::vector<snap::snapshot> held;
    std::vector<snap::snapshot> norm = load_group(run, g, read, out.loaded, held);
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
    if (!out.incomplete.empty()) out.note = std::make_shared<const diagnostic>(incomplete_note(out.incomplete, norm.front().file));
    diagnostics over;
    if (oversized_clusters(run.p, w, norm, run.opt, over).front()) {
        out.oversized = std::make_shared<const diagnostic>(std::move(over.front()));
        return;
    }
    cluster_runner runner(run.p, w, norm, run.rules, run.opt.keep_evaluated, run.opt.keep_timelines);
    slot s;
    evaluate_cluster(runner, w, 0, run.rules, run.schema_check, out.incomplete, s);
    out.out = take_slot(s, out.name, norm, run.opt.keep_skipped);
    out.runbooks = runner.runbooks();
}

// The bytes of `files` read into it; false when one cannot be read or is not the file the grouping
// hashed (it changed since).
bool read_hashed(const fleet_run& run, group_files& files) {
    std::vector<std::string> bytes;
    for (std::size_t k = 0; k < files.names.size(); ++k) {
        io::read_result r = io::read_file(files.names[k], run.in.lim.max_file_bytes);
        if (!r.ok() || r.text.size() != files.sizes[k] || content_hash(r.text) != files.file_hash[k]) return false;
        bytes.push_back(std::move(r.text));
    }
    files.bytes = std::move(bytes);
    return true;
}

// The files of group `g` for the cache: hashed by the grouping (read here only when an entry needs
// them), else read now; nullopt when one cannot be read (the group is then checked without the
// cache, its read error reported as without it).
std::optional<group_files> read_group(const fleet_run& run, std::size_t g) {
    group_files files;
    const bool hashed = std::all_of(run.plan.groups[g].begin(), run.plan.groups[g].end(),
                                    [&](std::uint32_t i) { return !run.plan.hashed.empty() && run.plan.hashed[i]; });
    for (std::uint32_t i : run.plan.groups[g]) {
        files.names.push_back((*run.in.files)[i]);
        if (hashed) {
            files.sizes.push_back(run.plan.sizes[i]);
            files.file_hash.push_back(run.plan.hashes[i]);
            continue;
        }
        io::read_result r = io::read_file((*run.in.files)[i], run.in.lim.max_file_bytes);
        if (!r.ok()) return std::nullopt;
        files.bytes.push_back(std::move(r.text));
    }
    run.cache->key(files);
    return files;
}

// Group `g` from its cache entry, its files' load errors into the plan. `exact`: only an entry
// evaluated as incomplete (or not) for the same reason as this run's `failed_before` would.
bool cached_group(const fleet_run& run, std::size_t g, const std::vector<std::uint32_t>& failed_before,
                  const group_files& files, bool exact, group_out& out) {
    if (!run.cache->load(files, out)) return false;
    const std::vector<std::uint32_t>& members = run.plan.groups[g];
    for (std::size_t k = 0; k < members.size(); ++k) {
        run.plan.errors[members[k]] = std::move(out.file_errors[k]);
        run.plan.failed[members[k]] = out.file_failed[k];
    }
    std::vector<std::string> names;
    for (std::uint32_t& k : out.loaded) {
        names.push_back(files.names[k]);
        k = members[k];
    }
    out.file_errors.clear();
    out.file_failed.clear();
    if (!exact || out.loaded.empty()) return true;
    return incomplete_reason(out.name, names, failed_names(run, g, failed_before)) == out.incomplete;
}

// The entry of group `g` just evaluated: its loaded files and load errors by their place in the group.
void store_group(const fleet_run& run, std::size_t g, const group_files& files, group_out& out) {
    const std::vector<std::uint32_t>& members = run.plan.groups[g];
    group_out entry = out;  // then its file indices made relative to the group
    entry.loaded.clear();
    entry.file_errors.clear();
    entry.file_failed.clear();
    for (std::uint32_t i : out.loaded)
        entry.loaded.push_back(static_cast<std::uint32_t>(std::find(members.begin(), members.end(), i) - members.begin()));
    for (std::uint32_t i : members) {
        entry.file_errors.push_back(run.plan.errors[i]);
        entry.file_failed.push_back(run.plan.failed[i]);
    }
    run.cache->store(files, entry);
}

// Group `g` from the cache when it holds it, else evaluated (and then written to the cache).
void run_group(const fleet_run& run, std::size_t g, const std::vector<std::uint32_t>& failed_before, bool exact,
               group_out& out) {
    std::optional<group_files> files;
    if (run.cache != nullptr) files = read_group(run, g);
    if (files && files->bytes.size() != files->names.size()) {
        group_files* f = &*files;
        f->read_bytes = [&run, f] {
            f->changed = !read_hashed(run, *f);
            return !f->changed;
        };
    }
    const bool reused = files && cached_group(run, g, failed_before, *files, exact, out);
    if (run.cache != nullptr) run.cache->count(reused);
    if (reused) return;
    if (files && files->bytes.size() != files->names.size() && !files->read_bytes()) files.reset();  // changed: no entry
    evaluate_group(run, g, failed_before, files ? &*files : nullptr, out);
    if (files) store_group(run, g, *files, out);
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
        if (outs[g].oversized) res.errors.push_back(*outs[g].oversized);
    }
    for (std::size_t g : order)
        if (outs[g].note) res.errors.push_back(*outs[g].note);
    for (std::size_t g : order) append_cluster(outs[g].out, res);
    sort_findings(res);
    for (std::size_t i = 0; i < run.plan.errors.size(); ++i) {
        std::move(run.plan.errors[i].begin(), run.plan.errors[i].end(), std::back_inserter(load.errors));
        if (run.plan.failed[i]) load.failed.push_back((*run.in.files)[i]);
    }
}

} // namespace

check_result check_fleet(const pack& p, const fleet_files& in, const check_options& opt, fleet_load& load) {
    return check_fleet(p, in, opt, load, nullptr);
}

check_result check_fleet(const pack& p, const fleet_files& in, const check_options& opt, fleet_load& load,
                         result_cache* with_cache) {
    check_result res;
    bool schema_check = false;
    std::vector<const crule*> rules = select_rules(p, opt, res, schema_check);
    result_cache* cache = opt.fail_for_test || opt.trace != nullptr ? nullptr : with_cache;
    fleet_plan plan = plan_fleet(p, in, opt.jobs, cache != nullptr);
    if (cache != nullptr && !cache->begin(p, opt, in.lim)) cache = nullptr;
    fleet_run run{p, in, opt, rules, schema_check, plan, cache};
    std::vector<group_out> outs(plan.groups.size());
    const std::vector<std::uint32_t> failed_early = failed_indices(plan);
    for_each_index(outs.size(), opt.jobs, opt.fail_for_test, [&](std::size_t g) { run_group(run, g, failed_early, false, outs[g]); });
    // A file that failed in another cluster's worker can make a cluster incomplete: it runs again
    // An entry read above was evaluated with the reason of the run that wrote it: checked here too.
    const std::vector<std::uint32_t> failed_all = failed_indices(plan);
    std::vector<std::size_t> again;
    for (std::size_t g = 0; g < outs.size() && (cache != nullptr || failed_all != failed_early); ++g) {
        std::vector<std::string> files;
        for (std::uint32_t i : outs[g].loaded) files.push_back(in.files->at(i));
        if (!outs[g].loaded.empty() && incomplete_reason(outs[g].name, files, failed_names(run, g, failed_all)) != outs[g].incomplete)
            again.push_back(g);
    }
    for_each_index(again.size(), opt.jobs, false, [&](std::size_t k) { run_group(run, again[k], failed_all, true, outs[again[k]]); });
    assemble(outs, run, res, load);
    if (cache != nullptr) cache->finish();
    return res;
}

} // namespace kbl
