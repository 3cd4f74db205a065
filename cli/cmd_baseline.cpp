#include "cli/cmd_baseline.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <set>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/choices.hpp"
#include "cli/common.hpp"
#include "cli/exit_status.hpp"

namespace kbl::cli {

namespace {

constexpr std::string_view default_waiver_file = ".kblint-waivers.toml";
constexpr int max_warn_days = 3660;

bool given(const CLI::App& sub, const char* name) {
    const CLI::Option* o = sub.get_option_no_throw(name);
    return o != nullptr && o->count() > 0;
}

// Waiver warnings and stale-entry notes, one line each, as `kblint check` prints them in text.
void print_notes(const std::vector<notification>& ns) {
    for (const auto& n : ns) {
        std::string place = escape_for_terminal(n.file);
        if (n.where.valid()) place += fmt::format(":{}:{}", n.where.line, n.where.column);
        fmt::print(stderr, "{}: {}: {} [{}]\n", place, n.level, escape_for_terminal(n.message), n.kind);
    }
}

} // namespace

void add_gate_options(CLI::App& sub, gate_flags& f) {
    sub.add_option("--baseline", f.baseline,
                   "baseline file (or a previous JSON report): findings in it are reported as baselined and do not fail")
        ->type_name("FILE");
    sub.add_option("--waivers", f.waivers, "TOML waiver file (default: .kblint-waivers.toml when present)")
        ->type_name("FILE");
    sub.add_option("--waiver-warn-days", f.waiver_warn_days,
                   "warn about waivers in use that stop waiving within N days (0: never)")
        ->type_name("N")
        ->capture_default_str()
        ->check(
            [](const std::string& v) {
                return v.find_first_not_of("0123456789") == std::string::npos && !v.empty() && v.size() <= 4 &&
                               std::stoi(v) <= max_warn_days
                           ? std::string()
                           : fmt::format("'{}' is not a number of days from 0 to {}", v, max_warn_days);
            },
            "DAYS");
    sub.add_option("--focus", f.focus,
                   "report only the clusters that hold this snapshot (the others are loaded, not reported); "
                   "repeatable; the pre-commit hook passes the staged files")
        ->type_name("FILE")
        ->allow_extra_args(false);
}

void apply_gate_config(const project_config& cfg, const CLI::App& sub, gate_flags& f) {
    if (cfg.baseline && !given(sub, "--baseline")) f.baseline = *cfg.baseline;
    if (cfg.waivers && !given(sub, "--waivers")) f.waivers = *cfg.waivers;
    if (cfg.waiver_warn_days && !given(sub, "--waiver-warn-days")) f.waiver_warn_days = *cfg.waiver_warn_days;
}

gate_inputs load_gate(const gate_flags& f, std::size_t max_bytes, std::uint32_t max_depth, diagnostics& errs) {
    gate_inputs in;
    std::string waiver_path = f.waivers;
    std::error_code ec;
    if (waiver_path.empty() && std::filesystem::is_regular_file(default_waiver_file, ec))
        waiver_path = std::string(default_waiver_file);
    if (!waiver_path.empty())
        if (auto text = read_input(waiver_path, "waiver file", max_bytes, errs))
            in.waivers = load_waivers(waiver_path, std::move(*text), errs);
    if (!f.baseline.empty() && f.action != "create")
        if (auto text = read_input(f.baseline, "baseline", max_bytes, errs))
            in.base = load_baseline(f.baseline, std::move(*text), max_depth, errs);
    return in;
}

namespace {

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Keep only what concerns the clusters (or, outside any cluster, the snapshots) of the --focus files,
// when the evaluations name the cluster of each of them.
void keep_focus(const std::vector<std::string>& focus, report& r) {
    std::set<std::string> files, seen, clusters, nodes;
    for (const auto& f : focus) files.insert(std::filesystem::path(f).lexically_normal().generic_string());
    for (const auto& ev : r.evaluated) {
        if (!ev.file || !files.contains(ev.file->name())) continue;
        seen.insert(ev.file->name());
        if (!ev.cluster.empty()) clusters.insert(upper(ev.cluster));
        if (ev.cluster.empty() && !ev.node.empty()) nodes.insert(upper(ev.node));
    }
    // A file whose cluster the run cannot name (it failed to load, or only cluster rules ran on
    // another member): everything is reported, never less.
    if (seen.size() != files.size()) return;
    auto wanted = [&](const std::string& cluster, const std::string& node, const source_ptr& file) {
        if (!cluster.empty()) return clusters.contains(upper(cluster));
        return (file && files.contains(file->name())) || (!node.empty() && nodes.contains(upper(node)));
    };
    std::erase_if(r.findings, [&](const finding& fd) { return !wanted(fd.cluster, fd.node, fd.loc.file); });
    std::erase_if(r.evaluated, [&](const evaluation& ev) { return !wanted(ev.cluster, ev.node, ev.file); });
    std::erase_if(r.stale_baseline, [&](const baseline_entry& e) { return !wanted(e.cluster, e.node, nullptr); });
}

} // namespace

void apply_gate(const gate_inputs& in, const gate_flags& f, std::string_view today, report& r) {
    std::vector<bool> expired;
    if (in.waivers) {
        waiver_outcome w = apply_waivers(*in.waivers, r.findings, today, f.waiver_warn_days);
        r.notifications = std::move(w.notifications);
        expired = std::move(w.expired_match);
    }
    r.baseline = in.base.has_value();
    if (in.base) r.stale_baseline = in_scope(apply_baseline(*in.base, r.findings, expired), r.evaluated);
    if (!f.focus.empty()) keep_focus(f.focus, r);
    std::vector<notification> notes = stale_notes(r.stale_baseline);
    r.notifications.insert(r.notifications.end(), notes.begin(), notes.end());
}

void define_baseline(CLI::App& sub, gate_flags& f, const std::function<void(CLI::App&)>& define_check_options) {
    f.command = &sub;
    with_choices(sub.add_option("ACTION", f.action,
                   "create: record every failing finding (never a waived one); update: drop the entries no finding "
                   "matches any more, add nothing")
        ->required()
        ->check(
            [](const std::string& v) {
                if (v == "create" || v == "update") return std::string();
                std::string near = closest_match(v, {"create", "update"});
                return near.empty() ? fmt::format("unknown action '{}' (expected create or update)", escape_for_terminal(v))
                                    : fmt::format("unknown action '{}', did you mean '{}'?", escape_for_terminal(v), near);
            },
            "create|update")
        ->type_name(""),
        {"create", "update"});
    define_check_options(sub);
    sub.footer(
        "The baseline file is --baseline FILE or the project file's 'baseline'. It holds one entry per line,\n"
        "sorted by rule id and fingerprint; cluster, node, key path and step are hints that never decide a match.\n"
        "The check runs with every option of 'kblint check' (rules, --only/--skip, waivers, limits).\n"
        "Exit status: 0 written; 2 usage error or invalid input (nothing written); 3 nothing evaluated; 4 internal error.");
}

bool writes_baseline(const gate_flags& f) { return !f.action.empty(); }

std::optional<int> check_baseline_usage(const gate_flags& f) {
    if (!writes_baseline(f)) return std::nullopt;
    for (const char* option : {"--format", "--output"}) {
        if (f.command == nullptr || !given(*f.command, option)) continue;
        fmt::print(stderr, "kblint: '{}' does not apply to 'kblint baseline', which writes the baseline file\n", option);
        return exit_usage;
    }
    if (!f.baseline.empty()) return std::nullopt;
    fmt::print(stderr, "kblint: no baseline file: give '--baseline FILE' or set 'baseline' in {}\n", config_file_name);
    return exit_usage;
}

int write_baseline(const report& r, const gate_inputs& in, const gate_flags& f, int status) {
    print_notes(r.notifications);
    if (status != exit_clean && status != exit_findings) {
        // Nothing is written from a run that could not evaluate everything.
        std::string text = render_text(r, {false, true});
        std::fwrite(text.data(), 1, text.size(), stderr);
        fmt::print(stderr, "kblint: the baseline '{}' was not written\n", escape_for_terminal(f.baseline));
        return status;
    }
    bool create = f.action == "create";
    std::vector<baseline_entry> entries;
    std::set<std::pair<std::string, std::string>> keys;
    std::size_t waived = 0;
    for (const auto& fd : r.findings) {
        if (fd.st == status::waived) ++waived;
        bool keep = create ? (fd.st == status::fail || fd.st == status::unknown) : fd.st == status::baselined;
        if (!keep) continue;
        entries.push_back(entry_of(fd));
        keys.emplace(entries.back().rule, entries.back().fingerprint);
    }
    if (!create && in.base) {
        // Entries this run could not see (rules filtered out, snapshots not given) are kept as they are.
        std::set<std::pair<std::string, std::string>> stale;
        for (const auto& e : r.stale_baseline) stale.emplace(e.rule, e.fingerprint);
        for (const auto& e : in.base->entries)
            if (!stale.contains({e.rule, e.fingerprint}) && keys.emplace(e.rule, e.fingerprint).second) entries.push_back(e);
    }
    std::string bytes = render_baseline(entries);
    if (auto err = write_file_atomically(f.baseline, bytes)) {
        fmt::print(stderr, "kblint: cannot write '{}': {}\n", escape_for_terminal(f.baseline), *err);
        return exit_usage;
    }
    std::size_t kept = keys.size();
    if (create)
        fmt::print(stderr, "kblint: wrote '{}': {} ({} not recorded)\n", escape_for_terminal(f.baseline),
                   plural(kept, "entry", "entries"), plural(waived, "waived finding", "waived findings"));
    else
        fmt::print(stderr, "kblint: updated '{}': {} kept, {} dropped\n", escape_for_terminal(f.baseline),
                   plural(kept, "entry", "entries"), plural(r.stale_baseline.size(), "stale entry", "stale entries"));
    return exit_clean;
}

} // namespace kbl::cli
