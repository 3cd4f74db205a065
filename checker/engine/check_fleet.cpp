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
#include <vector>

#include "checker/engine/cluster_run.hpp"
#include "checker/engine/fleet.hpp"

namespace kbl {

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
    cluster_runner runner(run.p, w, norm, run.rules, run.opt.keep_evaluated, run.opt.keep_timelines);
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
