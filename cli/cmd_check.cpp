#include "cli/cmd_check.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checker/gate/baseline.hpp"
#include "checker/gate/waivers.hpp"
#include "checker/report/formats.hpp"
#include "checker/report/report.hpp"
#include "checker/report/terminal.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "cli/choices.hpp"
#include "cli/check_shard.hpp"
#include "cli/config.hpp"
#include "cli/console.hpp"
#include "cli/cmd_version.hpp"
#include "common/fs.hpp"

namespace kbl::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view default_waiver_file = ".kblint-waivers.toml";

bool on_stdout(const report_output& o) { return o.file == "-"; }

// Whether one of `outs` writes `format` to stdout.
bool format_on_stdout(const std::vector<report_output>& outs, std::string_view format) {
    return std::any_of(outs.begin(), outs.end(), [&](const report_output& o) { return on_stdout(o) && o.format == format; });
}

bool any_format(const std::vector<report_output>& outs, std::string_view format) {
    return std::any_of(outs.begin(), outs.end(), [&](const report_output& o) { return o.format == format; });
}

// Usage errors of the flags themselves.
std::optional<int> validate(const check_flags& f) {
    if (auto st = check_choice("--format", f.format, report_formats())) return st;
    if (auto st = check_choice("--fail-on", f.fail_on, fail_levels())) return st;
    if (auto st = check_choice("--color", f.color, color_modes())) return st;
    if (f.quiet && f.verbose) return usage_error("'--quiet' and '--verbose' cannot be used together");
    if (auto st = validate_shard(f)) return st;
    if (f.max_rule_depth > limits::hard_max_rule_depth)
        return usage_error("'--max-rule-depth {}' is over {}, the deepest kblint supports", f.max_rule_depth,
                           limits::hard_max_rule_depth);
    if (f.max_eval_depth > limits::hard_max_eval_depth)
        return usage_error("'--max-eval-depth {}' is over {}, the deepest kblint supports", f.max_eval_depth,
                           limits::hard_max_eval_depth);
    return std::nullopt;
}

// Today's date, or KBLINT_TODAY when set (tests pin it); a usage error when that is not a date.
std::optional<int> today_date(std::string& today) {
    today = utc_today();
    if (const char* pinned = std::getenv("KBLINT_TODAY"); pinned != nullptr && *pinned != '\0') {
        if (!is_date(pinned))
            return usage_error("invalid KBLINT_TODAY '{}' (expected a date such as 2026-11-23)", shown(pinned));
        today = pinned;
    }
    return std::nullopt;
}

// The project file's values for what the command line left unset (flags win); `rules` and
// `no_builtin` are already applied.
void apply_config(const project_config& cfg, check_flags& f) {
    auto given = [&](const char* name) { return flag_given(f.pack, name); };
    if (cfg.fail_on && !given("--fail-on")) f.fail_on = *cfg.fail_on;
    if (f.pack.app != nullptr) apply_gate_config(cfg, *f.pack.app, f.gate);
    if (cfg.skip && !given("--skip")) f.skip = *cfg.skip;
    if (cfg.only && !given("--only")) f.only = *cfg.only;
    if (cfg.format && !given("--format")) f.format = *cfg.format;
    if (cfg.exclude && !given("--exclude")) f.exclude = *cfg.exclude;
    if (cfg.cache && !given("--cache")) f.cache = *cfg.cache;
}

// Print every diagnostic of a project, waiver or baseline file; the exit status of an invalid input.
int input_file_errors(const diagnostics& errs, bool color) {
    print_diagnostics(errs, color, true);
    write_stream(STDERR_FILENO, "\n");
    say("{} in the input files; nothing was checked", plural(error_count(errs), "error", "errors"));
    return exit_usage;
}

// The project file, the waiver file and the baseline, each named in `read` once read.
struct gate_files {
    gate_inputs in;
    std::vector<std::string> read;
};

std::optional<int> read_project_file(check_flags& f, bool color, gate_files& g) {
    diagnostics errs;
    auto take = [&](const project_config& cfg) {
        g.read.push_back(cfg.file);
        apply_config(cfg, f);
    };
    if (!apply_project_file(f.pack, f.max_file_size, errs, take)) return input_file_errors(errs, color);
    return std::nullopt;
}

std::optional<int> read_gate_files(const check_flags& f, bool color, gate_files& g) {
    std::error_code ec;
    if (!f.gate.waivers.empty()) g.read.push_back(f.gate.waivers);
    else if (fs::is_regular_file(default_waiver_file, ec)) g.read.push_back(std::string(default_waiver_file));
    if (!f.gate.baseline.empty()) g.read.push_back(f.gate.baseline);
    diagnostics errs;
    g.in = load_gate(f.gate, f.max_file_size, f.max_toml_depth, errs);
    if (!errs.empty()) return input_file_errors(errs, color);
    return std::nullopt;
}

// A warning for each --only/--skip glob that matches no rule of the pack.
void warn_unmatched_globs(std::string_view option, const std::vector<std::string>& globs,
                          const std::vector<rule_info>& rules) {
    std::vector<std::string> ids;
    ids.reserve(rules.size());
    for (const auto& r : rules) ids.push_back(r.id);
    for (const auto& g : globs) {
        if (std::any_of(ids.begin(), ids.end(), [&](const std::string& id) { return glob_match(g, id); })) continue;
        std::string near = closest_match(g, ids);
        if (near.empty())
            say("warning: '{} {}' matches no rule", option, shown(g));
        else
            say("warning: '{} {}' matches no rule, did you mean '{}'?", option, shown(g), near);
    }
}

// `-o` onto a file this run reads would destroy it: refused, by device and inode.
std::optional<int> refuse_overwriting_input(const std::string& output, const std::vector<const std::vector<std::string>*>& inputs) {
    std::optional<io::file_id> out = io::identify(output);
    if (!out || !out->regular) return std::nullopt;
    for (const auto* list : inputs)
        for (const auto& in : *list)
            if (io::identify(in) == out) {
                if (in == output)
                    return usage_error("cannot write '{}': it is an input of this run, and inputs are never modified",
                                       shown(output));
                return usage_error("cannot write '{}': it is the same file as '{}', an input of this run",
                                   shown(output), shown(in));
            }
    return std::nullopt;
}

std::optional<int> refuse_overwriting_inputs(const std::vector<report_output>& outs,
                                             const std::vector<const std::vector<std::string>*>& inputs) {
    for (const auto& o : outs)
        if (!on_stdout(o))
            if (auto st = refuse_overwriting_input(o.file, inputs)) return st;
    return std::nullopt;
}

} // namespace

snapshot_set find_snapshots(const check_flags& f) {
    snapshot_set s;
    s.files = find_inputs(f.paths, ".toml", true, s.errors, s.notes, f.exclude);
    return s;
}

void load_snapshots(const check_flags& f, const pack& p, snapshot_set& s) {
    snap::load_limits lim{f.max_file_size, f.max_toml_depth, f.max_toml_values};
    std::vector<std::string> ci_tables = pack_ci_tables(p);
    s.snaps.reserve(s.files.size());
    for (const auto& file : s.files)
        if (auto sn = snap::load_snapshot_file(file, lim, ci_tables, s.errors)) s.snaps.push_back(std::move(*sn));
        else s.failed.push_back(file);
}

namespace {

// The evaluation log is built only for what reads it: the reports that list what was checked
// (JUnit, HTML), baselines (which entries are in scope), --focus and shards.
bool needs_evaluations(const check_flags& f, const std::vector<report_output>& outs) {
    return any_format(outs, "junit") || any_format(outs, "html") || !f.gate.baseline.empty() || !f.gate.focus.empty() ||
           writes_baseline(f.gate) || !f.shard.empty();
}

check_options evaluation_options(const check_flags& f, const snapshot_set& s, const std::vector<report_output>& outs) {
    check_options opt;
    opt.failed_files = s.failed;
    opt.strict_schema = f.strict_schema;
    opt.only = f.only;
    opt.skip = f.skip;
    opt.lim.max_depth = f.max_eval_depth;
    opt.lim.max_steps = f.max_eval_steps;
    opt.lim.max_runbook_steps = f.max_runbook_steps;
    opt.lim.max_cluster_nodes = f.max_cluster_nodes;
    // Test hook: tests/failclosed_test.cpp shows that a bug during evaluation ends in exit 4.
    if (const char* hook = std::getenv("KBLINT_TEST_INTERNAL_ERROR"); hook != nullptr && *hook != '\0')
        opt.fail_for_test = true;
    opt.shard = shard_flag(f);
    opt.jobs = f.jobs != 0 ? f.jobs : std::max(1u, std::thread::hardware_concurrency());
    opt.keep_evaluated = needs_evaluations(f, outs);
    opt.keep_skipped = f.verbose;
    opt.keep_timelines = f.show_runbook;
    return opt;
}

// The cache's notes (not under -q: they never change a result) and, with -v, what it did.
void report_cache(const check_flags& f, result_cache& cache) {
    for (const auto& n : cache.take_notes())
        if (!f.quiet) say("note: {}", n);
    if (!f.verbose) return;
    cache_stats st = cache.stats();
    say("note: cache '{}': {} clusters reused, {} evaluated, {} entries written, {} evicted", shown(f.cache), st.hits,
        st.misses, st.written, st.evicted);
}

// Check the snapshots found. A sharded run loads every file first (each shard reports the load
// errors of its share of all the files); any other run streams the fleet cluster by cluster.
check_result load_and_check(const check_flags& f, const pack& p, snapshot_set& s, const std::vector<report_output>& outs) {
    if (!f.shard.empty()) {
        if (!f.cache.empty() && !f.no_cache && !f.quiet) say("note: a sharded run does not use the cache '{}'", shown(f.cache));
        load_snapshots(f, p, s);
        return check(p, s.snaps, evaluation_options(f, s, outs));
    }
    fleet_files in{&s.files, {f.max_file_size, f.max_toml_depth, f.max_toml_values}, pack_ci_tables(p)};
    fleet_load load;
    std::optional<result_cache> cache;
    if (!f.cache.empty() && !f.no_cache) cache.emplace(f.cache, f.cache_max_size, std::string(kblint_version));
    check_options opt = evaluation_options(f, s, outs);
    check_result res = check_fleet(p, in, opt, load, cache ? &*cache : nullptr);
    if (cache) report_cache(f, *cache);
    std::move(load.errors.begin(), load.errors.end(), std::back_inserter(s.errors));
    s.failed = std::move(load.failed);
    return res;
}

bool selected(const std::string& id, const std::vector<std::string>& only, const std::vector<std::string>& skip) {
    auto matches = [&](const std::string& g) { return glob_match(g, id); };
    if (!only.empty() && std::none_of(only.begin(), only.end(), matches)) return false;
    return std::none_of(skip.begin(), skip.end(), matches);
}

std::optional<severity> threshold(const std::string& fail_on) {
    if (fail_on == "error") return severity::error;
    if (fail_on == "warning") return severity::warning;
    if (fail_on == "info") return severity::info;
    return std::nullopt;
}

// The report of a run, its exit status included (SARIF records it).
report build_report(const check_flags& f, check_result& res, snapshot_set& s, gate_files& g,
                    std::vector<rule_info> all_rules, const std::string& today) {
    report r;
    r.version = std::string(kblint_version);
    r.information_uri = std::string(kblint_homepage);
    std::error_code ec;
    r.source_root = fs::current_path(ec).string();  // SARIF: relative URIs under %SRCROOT%
    r.findings = std::move(res.findings);
    r.errors = std::move(s.errors);
    r.errors.insert(r.errors.end(), res.errors.begin(), res.errors.end());
    for (auto& ri : all_rules)
        if (selected(ri.id, f.only, f.skip)) r.rules.push_back(std::move(ri));
    r.evaluated = std::move(res.evaluated);
    r.checked = std::move(res.checked);
    r.timelines = std::move(res.timelines);
    r.show_runbook = f.show_runbook;
    r.summary.snapshots = res.snapshots;
    r.summary.clusters = res.clusters;
    r.summary.runbooks = res.runbooks;
    r.summary.rules = res.rules;
    apply_gate(g.in, f.gate, today, r);
    count_findings(r);
    r.exit_status = check_exit_status(has_errors(r.errors), s.files.empty() || res.rules == 0, fails_at(r.findings, f.fail_on));
    return r;
}

// Every report of the run written, stdout last; a usage error when one could not be.
int write_reports(const report& r, const check_flags& f, const std::vector<report_output>& outs) {
    for (const auto& o : outs) {
        if (on_stdout(o)) continue;
        std::string bytes = render_as(r, o.format, f.color, f.quiet, false, f.show_baselined, f.verbose);
        if (auto err = write_file_atomically(o.file, bytes)) return usage_error("cannot write '{}': {}", shown(o.file), *err);
    }
    for (const auto& o : outs)
        if (on_stdout(o) && write_stdout(render_as(r, o.format, f.color, f.quiet, true, f.show_baselined, f.verbose)) != exit_clean)
            return exit_usage;
    return exit_clean;
}

} // namespace

bool fails_at(const std::vector<finding>& findings, const std::string& fail_on) {
    std::optional<severity> level = threshold(fail_on);
    return level && std::any_of(findings.begin(), findings.end(), [&](const finding& fd) {
               return (fd.st == status::fail || fd.st == status::unknown) && fd.sev >= *level;
           });
}

std::optional<int> plan_outputs(const std::string& format, const std::vector<std::string>& output,
                                std::vector<report_output>& out) {
    out.clear();
    std::optional<std::string> plain;
    for (const auto& o : output) {
        std::size_t colon = o.find(':');
        if (colon != std::string::npos && find_report_format(o.substr(0, colon)) != nullptr) {
            out.push_back({o.substr(0, colon), o.substr(colon + 1)});
            if (out.back().file.empty()) return usage_error("'-o {}' names no file (write '-o {}FILE', or '-' for stdout)", shown(o), shown(o));
            continue;
        }
        if (plain)
            return usage_error("'-o' is given twice without a format ('{}' and '{}'): name the format of each, as in "
                               "'-o sarif:{}'", shown(*plain), shown(o), shown(o));
        plain = o;
    }
    bool typed_stdout = std::any_of(out.begin(), out.end(), [](const report_output& o) { return o.file == "-"; });
    if (plain) out.insert(out.begin(), {format, *plain});
    else if (!typed_stdout) out.insert(out.begin(), {format, "-"});
    for (std::size_t i = 0; i < out.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (out[i].file == out[j].file)
                return usage_error("two reports would be written to '{}' ({} and {})",
                                   out[i].file == "-" ? std::string("standard output") : shown(out[i].file), out[j].format,
                                   out[i].format);
    return std::nullopt;
}

std::string render_as(const report& r, const std::string& format_name, const std::string& color, bool quiet,
                      bool to_stdout, bool show_baselined, bool verbose) {
    const report_format* format = find_report_format(format_name);
    text_options topt;
    topt.quiet = quiet;
    topt.show_baselined = show_baselined;
    topt.verbose = verbose;
    if (format->terminal && to_stdout) {
        topt.color = color_wanted(color, STDOUT_FILENO);
        topt.width = terminal_columns(STDOUT_FILENO, process_env()).value_or(0);
    }
    return format->render(r, topt);
}

void print_notifications(const std::vector<notification>& ns) {
    for (const auto& n : ns) {
        std::string place = shown(n.file);
        if (n.where.valid()) place += fmt::format(":{}:{}", n.where.line, n.where.column);
        write_stream(STDERR_FILENO, fmt::format("{}: {}: {} [{}]\n", place.empty() ? std::string("kblint") : place,
                                                shown(n.level), shown(n.message), shown(n.kind)));
    }
}

namespace {

void print_notes(const std::vector<not_evaluated>& skipped, const std::vector<std::string>& walk_notes) {
    for (const auto& s : skipped) {
        if (s.node.empty())
            say("note: rule '{}' not evaluated: {}", shown(s.rule), shown(s.reason));
        else
            say("note: rule '{}' not evaluated on '{}': {}", shown(s.rule), shown(s.node), shown(s.reason));
    }
    for (const auto& n : walk_notes) say("note: {}", shown(n));
}

// What stderr says after the report: notifications, the GitHub summary, notes and why the status.
void print_epilogue(const check_flags& f, const std::vector<report_output>& outs, const report& r,
                    const check_result& res, const snapshot_set& s, const std::vector<std::string>& walk_notes) {
    const bool text_shown = format_on_stdout(outs, "text");
    if (any_format(outs, "text") && !f.quiet) print_notifications(r.notifications);
    if (any_format(outs, "github") && !text_shown && !format_on_stdout(outs, "concise")) print_block(render_summary(r));
    if (f.verbose) print_notes(res.skipped, walk_notes);
    if (r.exit_status == exit_usage) {
        if (!text_shown)
            say("{}; see the report", plural(error_count(r.errors), "input error", "input errors"));
    } else if (s.files.empty()) {
        say("no snapshot found under {}", quoted_list(f.paths));
    } else if (res.rules == 0) {
        if (f.only.empty() && f.skip.empty())
            say("the rule pack holds no rule; nothing was checked");
        else
            say("every rule was filtered out by --only/--skip");
    }
}

} // namespace

const std::vector<std::string>& report_formats() {
    static const std::vector<std::string> formats = report_format_names();
    return formats;
}

const std::vector<std::string>& fail_levels() {
    static const std::vector<std::string> levels = {"error", "warning", "info", "never"};
    return levels;
}

namespace {

// The "Limits" group: the bounds on input size and on evaluation (README, Hardening).
void add_limit_options(CLI::App& sub, check_flags& f) {
    sub.add_option("--max-file-size", f.max_file_size, "largest snapshot or rule file read")
        ->type_name("BYTES")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-toml-depth", f.max_toml_depth, "deepest nesting of tables and arrays in a snapshot")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-toml-values", f.max_toml_values, "most values (array elements included) in a snapshot")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-rule-depth", f.max_rule_depth, "deepest nesting of expressions in a rule file")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-eval-depth", f.max_eval_depth, "deepest recursion while evaluating a rule")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-eval-steps", f.max_eval_steps, "evaluation steps allowed for one rule on one node or cluster")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-runbook-steps", f.max_runbook_steps, "most steps in one runbook")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-cluster-nodes", f.max_cluster_nodes, "most snapshots (nodes) in one cluster")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
}

} // namespace

void define_check(CLI::App& sub, check_flags& f) {
    sub.add_option("PATH", f.paths, "snapshot file, or folder searched recursively for '*.toml' files")
        ->required()
        ->type_name("");
    add_rule_options(sub, f.pack);
    with_choices(sub.add_option("-f,--format", f.format, "report format: " + choice_list(report_formats()))
                     ->type_name("NAME")
                     ->capture_default_str(),
                 report_formats());
    sub.add_option("-o,--output", f.output,
                   "write the report to FILE (replaced atomically) instead of stdout, '-' is stdout; FORMAT:FILE writes "
                   "that format there, the --format report still going to stdout (repeatable: -o sarif:kblint.sarif "
                   "-o junit:junit.xml)")
        ->type_name("[FORMAT:]FILE")
        ->allow_extra_args(false);
    with_choices(sub.add_option("--fail-on", f.fail_on,
                                "lowest severity that makes the exit status 1: error, warning, info or never")
                     ->type_name("LEVEL")
                     ->capture_default_str(),
                 fail_levels());
    sub.add_option("--only", f.only, "check only the rules whose id matches this glob; repeatable")
        ->type_name("ID")
        ->allow_extra_args(false);
    sub.add_option("--skip", f.skip, "do not check the rules whose id matches this glob; repeatable")
        ->type_name("ID")
        ->allow_extra_args(false);
    sub.add_option("--exclude", f.exclude,
                   "do not read the paths matching this glob under a folder given ('**' crosses folders; without '/' "
                   "it matches a name at any depth); repeatable")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    sub.add_option("-j,--jobs", f.jobs, "worker threads (default: the number of cores)")->type_name("N");
    with_choices(sub.add_option("--color", f.color,
                                "colour in text output: auto (a terminal, NO_COLOR unset; FORCE_COLOR and CLICOLOR_FORCE "
                                "force it, TERM=dumb turns it off), always or never")
                     ->type_name("WHEN")
                     ->capture_default_str(),
                 color_modes());
    sub.add_flag("-q,--quiet", f.quiet, "print only input errors and the summary line");
    sub.add_flag("-v,--verbose", f.verbose, "also list the rules that were not evaluated and the files passed over, and why");
    sub.add_flag("--show-baselined", f.show_baselined,
                 "list baselined findings in the text and concise reports too (else only counted)");
    sub.add_flag("--show-runbook", f.show_runbook,
                 "after the findings, show each runbook and planned change as a timeline: per step its node, action, "
                 "the state it changed and its findings (every format but JUnit, GitHub and GitLab)");
    sub.add_flag("--statistics", f.statistics, "after the report, print on stderr how many findings each rule gave, by severity");
    sub.add_flag("--strict-schema", f.strict_schema, "report snapshot keys the pack's schema does not declare");
    sub.add_option("--shard", f.shard,
                   "check only the clusters of shard K of N (K from 1 to N), for N CI runners; 'kblint merge' joins "
                   "their JSON reports")
        ->type_name("K/N");
    sub.add_option("--cache", f.cache,
                   "reuse the results of each cluster whose files, rule pack and options are unchanged, kept in DIR "
                   "(created when missing); the reports are the same")
        ->type_name("DIR");
    sub.add_flag("--no-cache", f.no_cache, "do not use the cache, even one the project file names");
    sub.add_option("--cache-max-size", f.cache_max_size,
                   "after the run, remove the least recently used cache entries until they fit in BYTES")
        ->type_name("BYTES")
        ->capture_default_str();
    add_limit_options(sub, f);
    add_gate_options(sub, f.gate);
    sub.footer(
        "Exit status: 0 no finding at or above --fail-on; 1 at least one; 2 usage error or invalid input;\n"
        "3 nothing evaluated (no snapshot found, or every rule filtered out); 4 internal error.");
}

int run_check(const check_flags& given) {
    check_flags f = given;  // a copy: the project file fills in what the command line left unset
    std::string today;
    if (auto st = validate(f)) return *st;
    if (auto st = today_date(today)) return *st;
    const bool err_color = color_wanted(f.color, STDERR_FILENO);

    // The project file, then the waiver and baseline files: every problem reported, nothing checked.
    gate_files g;
    if (auto st = read_project_file(f, err_color, g)) return *st;
    std::vector<report_output> outs;
    if (auto st = plan_outputs(f.format, f.output, outs)) return *st;
    if (auto st = check_baseline_usage(f.gate)) return *st;
    if (auto st = read_gate_files(f, err_color, g)) return *st;

    loaded_pack pk = load_rules(f.pack, {f.max_file_size, f.max_rule_depth, err_color, f.quiet});
    if (!pk.p) return pk.status;
    std::vector<rule_info> all_rules = pack_rules(*pk.p);
    if (!f.quiet) {
        warn_unmatched_globs("--only", f.only, all_rules);
        warn_unmatched_globs("--skip", f.skip, all_rules);
    }

    snapshot_set s = find_snapshots(f);
    if (auto st = refuse_overwriting_inputs(outs, {&s.files, &pk.files, &g.read})) return *st;
    progress_line progress(fmt::format("checking {}", plural(s.files.size(), "snapshot", "snapshots")));
    check_result res = load_and_check(f, *pk.p, s, outs);
    progress.stop();
    std::vector<std::uint32_t> load_order = keep_shard_errors(f, s.errors);
    report r = build_report(f, res, s, g, std::move(all_rules), today);
    if (!f.shard.empty()) r.shard = shard_report_info({f, *pk.p, g.in, today, s.files, load_order, res}, r);
    if (writes_baseline(f.gate)) return write_baseline(r, g.in, f.gate, r.exit_status);

    if (int st = write_reports(r, f, outs); st != exit_clean) return st;
    std::vector<std::string> walk_notes = std::move(pk.notes);
    walk_notes.insert(walk_notes.end(), s.notes.begin(), s.notes.end());
    print_epilogue(f, outs, r, res, s, walk_notes);
    if (f.statistics) write_stream(STDERR_FILENO, render_statistics(r));
    return r.exit_status;
}

} // namespace kbl::cli
