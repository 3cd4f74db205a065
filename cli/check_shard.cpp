#include "cli/check_shard.hpp"

#include <fmt/format.h>

#include "checker/engine/pack.hpp"
#include "cli/console.hpp"
#include "common/check_ids.hpp"
#include "common/hash.hpp"

namespace kbl::cli {

namespace {

constexpr char field_end = '\x1f';

// A fingerprint of fields, each ended by a separator so that ("ab", "c") differs from ("a", "bc").
class fingerprint {
public:
    fingerprint& add(std::string_view s) {
        h_.text(s);
        h_.byte(static_cast<unsigned char>(field_end));
        return *this;
    }
    fingerprint& add(std::uint64_t n) { return add(fmt::format("{}", n)); }
    fingerprint& add(const std::vector<std::string>& list) {
        add(list.size());
        for (const auto& s : list) add(s);
        return *this;
    }
    fingerprint& add(pos p) { return add(p.line).add(p.column); }
    [[nodiscard]] std::string hex() const { return fmt::format("{:016x}", h_.h); }

private:
    fnv1a h_;
};

std::string pack_fingerprint(const pack& p) {
    fingerprint h;
    h.add(p.files.size());
    for (const auto& f : p.files) h.add(f->name()).add(f->text());
    return h.hex();
}

// The waiver file and the baseline as loaded: what they waive and hold, and where.
void add_gate(fingerprint& h, const gate_inputs& g, std::string_view today, int warn_days) {
    h.add(g.waivers ? g.waivers->name : std::string("-"));
    if (g.waivers) {
        h.add(today).add(static_cast<std::uint64_t>(warn_days)).add(g.waivers->waivers.size());
        for (const auto& w : g.waivers->waivers)
            h.add(w.rule).add(w.node).add(w.cluster).add(w.reason).add(w.expires).add(w.approved_by).add(w.where);
    }
    h.add(g.base ? g.base->name : std::string("-"));
    if (g.base) {
        h.add(g.base->entries.size());
        for (const auto& e : g.base->entries)
            h.add(e.rule).add(e.fingerprint).add(e.cluster).add(e.node).add(e.path).add(e.step).add(e.file).add(e.where);
    }
}

// Everything besides the pack and the snapshots that changes the findings, their status or the exit status.
std::string options_fingerprint(const check_flags& f, const gate_inputs& g, std::string_view today) {
    fingerprint h;
    h.add(f.only).add(f.skip).add(f.exclude).add(f.fail_on).add(f.strict_schema ? "strict" : "-");
    h.add(f.max_file_size).add(f.max_toml_depth).add(f.max_toml_values).add(f.max_rule_depth);
    h.add(f.max_eval_depth).add(f.max_eval_steps).add(f.max_runbook_steps).add(f.max_cluster_nodes);
    add_gate(h, g, today, f.gate.waiver_warn_days);
    return h.hex();
}

// The place in one run's order of each error of the engine (after the `loading` ones).
void engine_error_order(const check_result& res, std::vector<error_place>& out) {
    const shard_trace& t = res.shard;
    std::size_t before_clusters = t.error_marks.empty() ? res.errors.size() : t.error_marks.front();
    std::size_t c = 0;
    for (std::size_t j = 0; j < res.errors.size(); ++j) {
        const diagnostic& d = res.errors[j];
        if (j < before_clusters) {
            auto it = t.cluster_of_file.find(d.name());
            std::uint32_t ordinal = it == t.cluster_of_file.end() ? 0 : it->second;
            bool incomplete = d.check_id == check_ids::incomplete_cluster;
            out.push_back({incomplete ? error_place::pass::incomplete : error_place::pass::cluster_size, ordinal});
            continue;
        }
        while (c + 1 < t.error_marks.size() && t.error_marks[c + 1] <= j) ++c;
        out.push_back({error_place::pass::evaluation, t.ordinals[c]});
    }
}

} // namespace

std::optional<int> validate_shard(const check_flags& f) {
    if (f.shard.empty()) return std::nullopt;
    std::string why;
    if (!parse_shard(f.shard, why)) return usage_error("invalid value '{}' for '--shard': {}", shown(f.shard), why);
    if (!f.gate.focus.empty()) return usage_error("'--shard' and '--focus' cannot be used together");
    if (writes_baseline(f.gate))
        return usage_error("'--shard' does not apply to 'kblint baseline', which needs the findings of every cluster");
    return std::nullopt;
}

std::optional<shard_spec> shard_flag(const check_flags& f) {
    std::string why;
    return f.shard.empty() ? std::nullopt : parse_shard(f.shard, why);
}

std::vector<std::uint32_t> keep_shard_errors(const check_flags& f, diagnostics& errors) {
    std::optional<shard_spec> s = shard_flag(f);
    std::vector<std::uint32_t> order;
    if (!s) return order;
    diagnostics kept;
    for (std::uint32_t i = 0; i < errors.size(); ++i) {
        if (shard_of(errors[i].name(), s->count) != s->index) continue;
        order.push_back(i);
        kept.push_back(std::move(errors[i]));
    }
    errors = std::move(kept);
    return order;
}

std::shared_ptr<const shard_info> shard_report_info(const shard_run& run, const report& r) {
    auto info = std::make_shared<shard_info>();
    info->spec = *shard_flag(run.flags);
    info->pack = pack_fingerprint(run.p);
    info->options = options_fingerprint(run.flags, run.gate, run.today);
    fingerprint inputs;
    info->inputs = inputs.add(run.files).hex();
    info->snapshot_files = run.files.size();
    info->fail_on = run.flags.fail_on;
    for (std::uint32_t i : run.load_order) info->error_order.push_back({error_place::pass::loading, i});
    engine_error_order(run.result, info->error_order);
    const auto& of_file = run.result.shard.cluster_of_file;
    for (const auto& e : r.evaluated) {
        auto it = e.file ? of_file.find(e.file->name()) : of_file.end();
        info->evaluated_order.push_back(it == of_file.end() ? 0 : it->second);
    }
    auto ordinal = [&](const std::string& file) {
        auto it = of_file.find(file);
        return it == of_file.end() ? 0u : it->second;
    };
    for (const auto& s : r.checked.snapshots) info->checked_snapshot_order.push_back(ordinal(s.file));
    for (const auto& c : r.checked.changes) info->checked_change_order.push_back(ordinal(c.file));
    for (const auto& t : r.timelines) info->timeline_order.push_back(ordinal(t.file ? t.file->name() : std::string()));
    return info;
}

} // namespace kbl::cli
