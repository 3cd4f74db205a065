#include "cli/merge_shards.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "checker/gate/baseline.hpp"
#include "common/check_ids.hpp"

namespace kbl::cli {

namespace {

diagnostic mismatch(const shard_report& s, pos where, std::string message, std::string help) {
    diagnostic d;
    d.file = s.text;
    d.where = where;
    d.message = std::move(message);
    d.check_id = std::string(check_ids::input_error);
    d.notes.push_back({diag_note::kind::help, std::move(help), nullptr, {}});
    return d;
}

// Input errors in the order of one run: by pass, then cluster (or loading error); within a cluster,
// the shard's order. An evaluation error met by an earlier cluster is reported once, as the engine does.
diagnostics merged_errors(const std::vector<shard_report>& shards) {
    struct item {
        error_place place;
        const diagnostic* d;
    };
    std::vector<item> all;
    for (const auto& s : shards)
        for (std::size_t i = 0; i < s.r.errors.size(); ++i) all.push_back({s.info.error_order[i], &s.r.errors[i]});
    std::stable_sort(all.begin(), all.end(), [](const item& a, const item& b) {
        return std::tie(a.place.p, a.place.ordinal) < std::tie(b.place.p, b.place.ordinal);
    });
    diagnostics out;
    std::vector<const diagnostic*> engine;
    for (const auto& [place, entry] : all) {
        const diagnostic* d = entry;  // clang 14 (the sanitize build) cannot capture a structured binding in a lambda
        bool again = place.p == error_place::pass::evaluation &&
                     std::any_of(engine.begin(), engine.end(), [&](const diagnostic* x) {
                         return x->name() == d->name() && x->message == d->message && x->where == d->where;
                     });
        if (again) continue;
        if (place.p != error_place::pass::loading) engine.push_back(d);
        out.push_back(*d);
    }
    return out;
}

bool is_waiver_note(const notification& n) {
    return n.kind == check_ids::waiver_expired || n.kind == check_ids::waiver_unused || n.kind == check_ids::waiver_expiring;
}

// The waiver warnings of one run. Each shard warns about every waiver its findings do not use: a
// waiver is unused only when no shard used it, and one in use warns that it expires soon in the
// shards that used it. Expired waivers warn alike everywhere. In file order, as one run warns.
std::vector<notification> merged_waiver_notes(const std::vector<shard_report>& shards) {
    struct seen {
        const notification* expired = nullptr;
        const notification* expiring = nullptr;
        const notification* unused = nullptr;
        std::size_t unused_in = 0;
    };
    std::map<std::tuple<std::string, std::uint32_t, std::uint32_t>, seen> by_waiver;
    for (const auto& s : shards)
        for (const auto& n : s.r.notifications) {
            if (!is_waiver_note(n)) continue;
            seen& w = by_waiver[{n.file, n.where.line, n.where.column}];
            if (n.kind == check_ids::waiver_expired) w.expired = &n;
            if (n.kind == check_ids::waiver_expiring) w.expiring = &n;
            if (n.kind == check_ids::waiver_unused) {
                w.unused = &n;
                ++w.unused_in;
            }
        }
    std::vector<notification> out;
    for (const auto& [key, w] : by_waiver) {
        if (w.expired) out.push_back(*w.expired);
        else if (w.unused_in == shards.size()) out.push_back(*w.unused);
        else if (w.expiring) out.push_back(*w.expiring);
    }
    return out;
}

// Baseline entries no finding matched: those a shard could match and did not (its stale ones),
// unless another shard's finding matched them; in the baseline's order (rule id, fingerprint).
std::vector<baseline_entry> merged_stale(const std::vector<shard_report>& shards) {
    std::set<std::pair<std::string, std::string>> matched;
    for (const auto& s : shards)
        for (const auto& f : s.r.findings)
            if (f.st == status::baselined) matched.emplace(f.rule, f.fingerprint);
    std::map<std::pair<std::string, std::string>, baseline_entry> stale;
    for (const auto& s : shards)
        for (const auto& e : s.r.stale_baseline)
            if (!matched.contains({e.rule, e.fingerprint})) stale.emplace(std::make_pair(e.rule, e.fingerprint), e);
    std::vector<baseline_entry> out;
    for (auto& [key, e] : stale) out.push_back(std::move(e));
    return out;
}

// Findings in report order: by file name first, and each file's findings come from one shard, in its order.
std::vector<finding> merged_findings(std::vector<shard_report>& shards) {
    std::vector<finding> out;
    for (auto& s : shards) std::move(s.r.findings.begin(), s.r.findings.end(), std::back_inserter(out));
    std::stable_sort(out.begin(), out.end(), [](const finding& a, const finding& b) {
        const std::string& fa = a.loc.file ? a.loc.file->name() : std::string();
        const std::string& fb = b.loc.file ? b.loc.file->name() : std::string();
        return fa < fb;
    });
    return out;
}

// The entries of a list of every shard (`list` of its report, `order` of its shard key: each
// entry's cluster ordinal) cluster by cluster, in the order of one run.
template <class T>
std::vector<T> in_run_order(std::vector<shard_report>& shards, std::vector<T>& (*list)(shard_report&),
                            const std::vector<std::uint32_t>& (*order)(const shard_report&)) {
    std::vector<std::pair<std::uint32_t, T>> all;
    for (auto& s : shards)
        for (std::size_t i = 0; i < list(s).size(); ++i) all.emplace_back(order(s).at(i), std::move(list(s)[i]));
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<T> out;
    out.reserve(all.size());
    for (auto& [ordinal, e] : all) out.push_back(std::move(e));
    return out;
}

std::vector<evaluation>& evaluated_of(shard_report& s) { return s.r.evaluated; }
const std::vector<std::uint32_t>& evaluated_order(const shard_report& s) { return s.info.evaluated_order; }
std::vector<checked_snapshot>& snapshots_of(shard_report& s) { return s.r.checked.snapshots; }
const std::vector<std::uint32_t>& snapshots_order(const shard_report& s) { return s.info.checked_snapshot_order; }
std::vector<checked_change>& changes_of(shard_report& s) { return s.r.checked.changes; }
const std::vector<std::uint32_t>& changes_order(const shard_report& s) { return s.info.checked_change_order; }
std::vector<timeline>& timelines_of(shard_report& s) { return s.r.timelines; }
const std::vector<std::uint32_t>& timelines_order(const shard_report& s) { return s.info.timeline_order; }

} // namespace

diagnostics shard_mismatches(const std::vector<shard_report>& shards) {
    diagnostics out;
    if (shards.empty()) return out;
    const shard_report& first = shards.front();
    const std::string run_help = "give the reports of the shards of one run, each once";
    std::map<std::uint32_t, const shard_report*> seen;
    for (const auto& s : shards) {
        const shard_spec& k = s.info.spec;
        if (k.count != first.info.spec.count) {
            out.push_back(mismatch(s, s.count_at, fmt::format("the report is shard {} of {}, but '{}' is shard {} of {}", k.index, k.count,
                                                              first.name, first.info.spec.index, first.info.spec.count), run_help));
            continue;
        }
        if (s.info.pack != first.info.pack)
            out.push_back(mismatch(s, s.pack_at, fmt::format("the report was written with another rule pack than '{}'", first.name),
                                   "run every shard with the same rules and kblint"));
        if (s.info.options != first.info.options)
            out.push_back(mismatch(s, s.options_at,
                                   fmt::format("the report was written with other options than '{}' (rule selection, limits, "
                                               "--strict-schema, --fail-on, waivers, baseline or date)", first.name),
                                   "run every shard with the same options on the same day"));
        if (s.r.show_runbook != first.r.show_runbook)
            out.push_back(mismatch(s, s.options_at,
                                   fmt::format("the report was written {} --show-runbook, and '{}' {}", s.r.show_runbook ? "with" : "without",
                                               first.name, first.r.show_runbook ? "with it" : "without it"),
                                   "run every shard with the same options on the same day"));
        if (s.info.inputs != first.info.inputs)
            out.push_back(mismatch(s, s.inputs_at, fmt::format("the report was written over other snapshot files than '{}'", first.name),
                                   "run every shard with the same paths from the same folder"));
        auto [it, fresh] = seen.emplace(k.index, &s);
        if (!fresh)
            out.push_back(mismatch(s, s.index_at, fmt::format("the report is shard {} of {} again: so is '{}'", k.index, k.count,
                                                              it->second->name), run_help));
    }
    return out;
}

std::vector<std::uint32_t> missing_shards(const std::vector<shard_report>& shards) {
    std::vector<std::uint32_t> out;
    if (shards.empty()) return out;
    std::set<std::uint32_t> given;
    for (const auto& s : shards) given.insert(s.info.spec.index);
    for (std::uint32_t k = 1; k <= shards.front().info.spec.count; ++k)
        if (!given.contains(k)) out.push_back(k);
    return out;
}

merged_report merge_shards(std::vector<shard_report> shards) {
    std::sort(shards.begin(), shards.end(), [](const shard_report& a, const shard_report& b) { return a.info.spec.index < b.info.spec.index; });
    merged_report m;
    report& r = m.r;
    const shard_report& first = shards.front();
    m.snapshot_files = first.info.snapshot_files;
    m.fail_on = first.info.fail_on;
    r.version = first.r.version;
    r.rules = first.r.rules;
    r.summary.rules = first.r.summary.rules;
    for (const auto& s : shards) {
        r.summary.snapshots += s.r.summary.snapshots;
        r.summary.clusters += s.r.summary.clusters;
        r.summary.runbooks += s.r.summary.runbooks;
        r.baseline = r.baseline || s.r.baseline;
    }
    r.errors = merged_errors(shards);
    r.notifications = merged_waiver_notes(shards);
    for (const auto& s : shards)
        for (const auto& n : s.r.notifications)
            if (!is_waiver_note(n) && n.kind != check_ids::baseline_stale &&
                std::none_of(r.notifications.begin(), r.notifications.end(), [&](const notification& x) {
                    return x.kind == n.kind && x.file == n.file && x.where == n.where && x.message == n.message;
                }))
                r.notifications.push_back(n);
    r.stale_baseline = merged_stale(shards);
    std::vector<notification> stale = stale_notes(r.stale_baseline);
    r.notifications.insert(r.notifications.end(), stale.begin(), stale.end());
    r.findings = merged_findings(shards);
    r.evaluated = in_run_order(shards, evaluated_of, evaluated_order);
    r.checked.snapshots = in_run_order(shards, snapshots_of, snapshots_order);
    r.checked.changes = in_run_order(shards, changes_of, changes_order);
    r.show_runbook = first.r.show_runbook;
    r.timelines = in_run_order(shards, timelines_of, timelines_order);
    count_findings(r);
    return m;
}

} // namespace kbl::cli
