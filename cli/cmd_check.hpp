#pragma once
// `kblint check PATH...`: check snapshots against the rules and report the findings.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/engine/result_cache.hpp"
#include "cli/cmd_baseline.hpp"
#include "cli/common.hpp"
#include "common/limits.hpp"

namespace kbl::cli {

/// The options of `kblint check`.
struct check_flags {
    pack_flags pack;
    std::vector<std::string> paths;
    std::string format = "text";
    std::vector<std::string> output;  ///< -o: FILE (in --format), or FORMAT:FILE; repeatable
    std::string fail_on = "error";
    std::vector<std::string> only;
    std::vector<std::string> skip;
    std::vector<std::string> exclude;  ///< globs of paths under the folders given, not read as snapshots
    unsigned jobs = 0;
    std::string color = "auto";
    bool quiet = false;
    bool verbose = false;
    bool strict_schema = false;
    bool statistics = false;
    bool show_baselined = false;
    bool show_runbook = false;  ///< `--show-runbook`: each change's timeline in the text and HTML reports
    std::size_t max_file_size = limits::max_file_bytes;
    std::uint32_t max_toml_depth = limits::max_toml_depth;
    std::size_t max_toml_values = limits::max_toml_values;
    std::uint32_t max_rule_depth = limits::max_rule_depth;
    std::uint32_t max_eval_depth = limits::max_eval_depth;
    std::uint64_t max_eval_steps = limits::max_eval_steps;
    std::uint32_t max_runbook_steps = limits::max_runbook_steps;
    std::uint32_t max_cluster_nodes = limits::max_cluster_nodes;
    std::string shard;  ///< --shard K/N: only the clusters of shard K of N (cli/check_shard.hpp)
    std::string cache;        ///< --cache DIR: the result cache (checker/engine/result_cache.hpp)
    bool no_cache = false;    ///< --no-cache: no cache, even one the project file names
    std::uint64_t cache_max_size = default_cache_max_bytes;  ///< --cache-max-size BYTES
    gate_flags gate;  ///< --baseline, --waivers, --waiver-warn-days, --focus; `kblint baseline` too
};

// Every snapshot under the paths given, loaded; errors of the files that did not load.
struct snapshot_set {
    std::vector<std::string> files;
    diagnostics errors;
    std::vector<std::string> notes;
    std::vector<snap::snapshot> snaps;
    std::vector<std::string> failed;  ///< files that were found but did not load
};

/// The snapshot files under `f.paths` (not `f.exclude`), with the errors and notes of the walk.
snapshot_set find_snapshots(const check_flags& f);

/// Load every file of `s` (within `f`'s limits) into `s.snaps`; the others go to `s.failed`, their errors to `s.errors`.
void load_snapshots(const check_flags& f, const pack& p, snapshot_set& s);

/// The report formats of `--format` (docs/cli.md).
const std::vector<std::string>& report_formats();

/// The levels of `--fail-on`.
const std::vector<std::string>& fail_levels();

/// One report a run writes: its format and where ("-" is stdout).
struct report_output {
    std::string format;
    std::string file;
};

/// The reports a run writes, from `--format` and the `-o` values: `FORMAT:FILE` writes that format
/// to FILE ('-' stdout); a plain FILE (at most one) writes `--format` there, else `--format` goes to
/// stdout. Nothing is written twice to one place. A usage error (printed) otherwise.
std::optional<int> plan_outputs(const std::string& format, const std::vector<std::string>& output,
                                std::vector<report_output>& out);

/// Declare the arguments and options of `kblint check`.
void define_check(CLI::App& sub, check_flags& f);

/// True when a failing or unknown finding is at or above `fail_on` (`never`: none is).
bool fails_at(const std::vector<finding>& findings, const std::string& fail_on);

/// The report in the format named `format` (checker/report/formats.cpp); colour (`--color`) and
/// the terminal's width apply to the formats meant for a terminal when the report goes to stdout.
/// Baselined findings are listed in text and concise only when `show_baselined`; the text report
/// says what was checked (render_checked) only when `verbose`.
std::string render_as(const report& r, const std::string& format, const std::string& color, bool quiet, bool to_stdout,
                      bool show_baselined = false, bool verbose = false);

/// Waiver warnings and stale baseline notes on stderr, one line each, as the text report leaves them.
void print_notifications(const std::vector<notification>& ns);

/// Check: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 nothing evaluated.
int run_check(const check_flags& given);

} // namespace kbl::cli
