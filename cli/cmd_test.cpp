#include "cli/cmd_test.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checker/ruletest/rule_test.hpp"
#include "cli/console.hpp"
#include "common/diagnostic.hpp"

namespace kbl::cli {

namespace {

constexpr int exit_failed = exit_findings;

constexpr std::string_view default_folder = "rules/tests";

std::string filter_list(const std::vector<std::string>& globs) {
    std::vector<std::string> q;
    for (const auto& g : globs) q.push_back(fmt::format("--filter '{}'", escape_for_terminal(g)));
    return fmt::format("{}", fmt::join(q, " or "));
}

// An expected rule the pack does not have, and nothing close: the rules may be another pack's.
void hint_other_pack(diagnostics& ds, const pack_flags& pf) {
    for (auto& d : ds)
        if (d.severity == diag_severity::error && d.message.starts_with("unknown rule '") &&
            d.message.find("did you mean") == std::string::npos)
            add_help_note(d, other_pack_hint(pf));
}

void print_test_diagnostics(const diagnostics& ds) {
    print_diagnostics(ds, color_wanted("auto", STDERR_FILENO), true);
    if (!ds.empty()) write_stream(STDERR_FILENO, "\n");
}

} // namespace

void define_test(CLI::App& sub, test_flags& f) {
    sub.add_option("PATH", f.paths,
                   "test file, or folder searched recursively for '*.toml' test files (default: rules/tests)")
        ->type_name("");
    add_rule_options(sub, f.pack);
    sub.add_option("--filter", f.filter, "run only the cases whose name matches this glob; repeatable")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    sub.add_flag("-v,--verbose", f.verbose, "also print a PASS line for each passing case");
    sub.footer(
        "Prints 'FAIL file:line: case' and its differences for each failing case, then 'N passed, N failed'.\n"
        "Exit status: 0 every case passed; 1 a case failed; 2 invalid test file or rules; 3 no case found.");
}

int run_test(const test_flags& f) {
    std::vector<std::string> roots = f.paths;
    if (roots.empty()) {
        std::error_code ec;
        if (!std::filesystem::exists(std::string(default_folder), ec)) {
            say("no test case found: '{}' does not exist (give test files or folders as PATH)", default_folder);
            return exit_nothing;
        }
        roots.emplace_back(default_folder);
    }
    int status = 0;
    pack_flags pf = f.pack;  // a copy: the project file fills in what the command line left unset
    std::shared_ptr<const pack> p = load_rule_pack(pf, status);
    if (!p) return status;

    ruletest::run_options opt;
    opt.filter = f.filter;
    ruletest::test_run r = ruletest::run_tests(*p, roots, opt);
    hint_other_pack(r.errors, pf);
    print_test_diagnostics(r.errors);
    if (has_errors(r.errors)) {
        auto n = std::count_if(r.errors.begin(), r.errors.end(),
                               [](const diagnostic& d) { return d.severity == diag_severity::error; });
        say("{} {} in the test files; no test was run", n, n == 1 ? "error" : "errors");
        return exit_usage;
    }
    if (int st = write_output(ruletest::render_test_report(r, f.verbose)); st != 0) return st;
    if (r.results.empty()) {
        if (r.cases == 0)
            say("no test case found under {}", quoted_list(roots));
        else
            say("no case name matches {}", filter_list(f.filter));
        return exit_nothing;
    }
    auto eval_errors = std::count_if(r.results.begin(), r.results.end(),
                                     [](const ruletest::case_result& c) { return !c.errors.empty(); });
    if (eval_errors != 0) {
        say("{} {} could not be evaluated (see '! error' above)", eval_errors, eval_errors == 1 ? "case" : "cases");
        return exit_usage;
    }
    return r.failed != 0 ? exit_failed : 0;
}

} // namespace kbl::cli
