#include "cli/cmd_merge.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checker/report/formats.hpp"
#include "checker/report/read_report.hpp"
#include "checker/report/terminal.hpp"
#include "cli/choices.hpp"
#include "cli/cmd_check.hpp"
#include "cli/cmd_version.hpp"
#include "cli/config.hpp"
#include "cli/console.hpp"
#include "cli/merge_shards.hpp"
#include "common/fs.hpp"

namespace kbl::cli {

namespace {


bool to_stdout(const merge_flags& f) { return f.output.empty() || f.output == "-"; }

std::optional<int> validate(const merge_flags& f) {
    if (auto st = check_choice("--format", f.format, report_formats())) return st;
    if (!f.fail_on.empty())
        if (auto st = check_choice("--fail-on", f.fail_on, fail_levels())) return st;
    if (auto st = check_choice("--color", f.color, color_modes())) return st;
    if (to_stdout(f)) return std::nullopt;
    std::optional<io::file_id> out = io::identify(f.output);
    if (!out || !out->regular) return std::nullopt;
    for (const auto& in : f.reports)
        if (io::identify(in) == out)
            return usage_error("cannot write '{}': it is the same file as '{}', a report being merged", shown(f.output), shown(in));
    return std::nullopt;
}

// Every report, read; nullopt after printing every problem.
std::optional<std::vector<shard_report>> read_reports(const merge_flags& f, bool color) {
    diagnostics errs;
    std::vector<shard_report> shards;
    for (const auto& name : f.reports)
        if (auto text = read_input(name, "report", f.max_file_size, errs))
            if (auto s = read_shard_report(name, std::move(*text), kblint_version, errs)) shards.push_back(std::move(*s));
    if (errs.empty()) errs = shard_mismatches(shards);
    if (!errs.empty()) {
        print_diagnostics(errs, color, true);
        write_stream(STDERR_FILENO, "\n");
        say("{} in the reports; nothing was merged", plural(error_count(errs), "error", "errors"));
        return std::nullopt;
    }
    std::vector<std::uint32_t> missing = missing_shards(shards);
    if (missing.empty()) return shards;
    std::vector<std::string> names;
    for (auto k : missing) names.push_back(fmt::format("{} of {}", k, shards.front().info.spec.count));
    say("no report of shard {} was given: 'kblint merge' needs the report of every shard; nothing was merged",
        fmt::join(names, ", "));
    return std::nullopt;
}

// The exit status `kblint check` gives the run: input errors, then nothing evaluated, then findings.
int merged_status(const merged_report& m, const std::string& fail_on) {
    return check_exit_status(has_errors(m.r.errors), m.snapshot_files == 0 || m.r.summary.rules == 0,
                             fails_at(m.r.findings, fail_on));
}

std::string render(const report& r, const merge_flags& f) {
    return render_as(r, f.format, f.color, f.quiet, to_stdout(f), f.show_baselined);
}

// What stderr says after the report, as after `kblint check`.
void print_epilogue(const merge_flags& f, const merged_report& m) {
    if (f.format == "text" && !f.quiet) print_notifications(m.r.notifications);
    if (f.format == "github") print_block(render_summary(m.r));
    if (m.r.exit_status == exit_usage && (f.format != "text" || !to_stdout(f)))
        say("{}; see the report", plural(error_count(m.r.errors), "input error", "input errors"));
    else if (m.r.exit_status == exit_nothing && m.snapshot_files == 0)
        say("the shards found no snapshot; nothing was checked");
    else if (m.r.exit_status == exit_nothing)
        say("the shards checked no rule; nothing was checked");
}

} // namespace

void define_merge(CLI::App& sub, merge_flags& f) {
    sub.add_option("REPORT", f.reports, "the JSON report of each shard (kblint check --shard K/N -f json)")
        ->required()
        ->type_name("");
    with_choices(sub.add_option("-f,--format", f.format, "report format: " + choice_list(report_formats()))
                     ->type_name("NAME")
                     ->capture_default_str(),
                 report_formats());
    sub.add_option("-o,--output", f.output, "write the report to FILE (replaced atomically) instead of stdout; '-' is stdout")
        ->type_name("FILE");
    with_choices(sub.add_option("--fail-on", f.fail_on,
                                "lowest severity that makes the exit status 1: error, warning, info or never (default: the "
                                "shards' --fail-on)")
                     ->type_name("LEVEL"),
                 fail_levels());
    with_choices(sub.add_option("--color", f.color, "colour in text output: auto (a terminal and NO_COLOR unset), always or never")
                     ->type_name("WHEN")
                     ->capture_default_str(),
                 color_modes());
    sub.add_flag("-q,--quiet", f.quiet, "print only input errors and the summary line");
    sub.add_flag("--show-baselined", f.show_baselined,
                 "list baselined findings in the text and concise reports too (else only counted)");
    sub.add_option("--max-file-size", f.max_file_size, "largest report read")->type_name("BYTES")->capture_default_str();
    sub.footer(
        "The reports must be those of every shard of one run: the same N, rule pack, options and snapshot\n"
        "files. The report is byte for byte the report of one 'kblint check' over the whole fleet.\n"
        "Exit status: 0 no finding at or above --fail-on; 1 at least one; 2 usage error, an invalid or\n"
        "missing report, or input errors in the run; 3 nothing evaluated.");
}

int run_merge(const merge_flags& f) {
    if (auto st = validate(f)) return *st;
    const bool err_color = color_wanted(f.color, STDERR_FILENO);
    std::optional<std::vector<shard_report>> shards = read_reports(f, err_color);
    if (!shards) return exit_usage;
    merged_report m = merge_shards(std::move(*shards));
    m.r.information_uri = std::string(kblint_homepage);
    std::error_code ec;
    m.r.source_root = std::filesystem::current_path(ec).string();
    m.r.exit_status = merged_status(m, f.fail_on.empty() ? m.fail_on : f.fail_on);
    std::string bytes = render(m.r, f);
    if (to_stdout(f)) {
        if (write_stdout(bytes) != exit_clean) return exit_usage;
    } else if (auto err = write_file_atomically(f.output, bytes)) {
        return usage_error("cannot write '{}': {}", shown(f.output), *err);
    }
    print_epilogue(f, m);
    return m.r.exit_status;
}

} // namespace kbl::cli
