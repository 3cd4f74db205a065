#pragma once
// Rule unit tests (`kblint test`): TOML files of cases, each naming snapshots (files on disk or
// inline TOML text) and the exact set of findings the rules must give on them. Loading checks the
// test files completely (located diagnostics, "did you mean" for unknown keys and rule ids) before
// anything runs; running returns each case's differences as values; rendering turns them into text.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/diagnostic.hpp"
#include "checker/engine/engine.hpp"
#include "checker/engine/finding.hpp"
#include "checker/snapshot/snapshot.hpp"

namespace kbl::ruletest {

/// One `[[case.expect]]` or `[[case.absent]]` entry: a rule id (or glob) and optional constraints
/// that a finding must all meet to match it.
struct expectation {
    std::string rule;
    std::optional<std::string> node;     ///< compared ignoring case
    std::optional<std::string> cluster;  ///< compared ignoring case
    std::optional<std::uint32_t> step;   ///< 1-based step index of a step finding
    std::optional<std::string> file;     ///< base name of the location's file (or a trailing part of its path)
    std::optional<std::uint32_t> line;
    std::optional<std::uint32_t> column;
    std::optional<status> st;            ///< fail or unknown
    std::optional<std::string> message;  ///< a substring of the message
    pos where;                           ///< the entry's table in the test file
};

/// True when finding `f` meets every constraint of `e`.
bool matches(const expectation& e, const finding& f);

/// One case, checked and with its snapshots loaded.
struct test_case {
    std::string name;
    source_ptr file;  ///< the test file
    pos where;        ///< the `[[case]]` table
    std::vector<std::string> only;
    std::vector<std::string> skip;
    std::vector<snap::snapshot> snapshots;
    std::vector<expectation> expect;
    std::vector<expectation> absent;
};

/// The outcome of one case: what differs between the expected and the actual findings.
struct case_result {
    std::string file;  ///< the test file's name
    pos where;
    std::string name;
    std::vector<expectation> missing;                          ///< expected, not found
    std::vector<finding> unexpected;                           ///< found, not expected
    std::vector<std::pair<expectation, finding>> absent_found;  ///< found although an `absent` entry forbids it
    diagnostics errors;                                        ///< evaluation errors (a limit was hit)
    std::size_t findings = 0;                                  ///< findings the rules gave

    [[nodiscard]] bool passed() const {
        return missing.empty() && unexpected.empty() && absent_found.empty() && errors.empty();
    }
};

struct run_options {
    std::vector<std::string> filter;  ///< globs over case names; empty = every case
    snap::load_limits lim = snap::default_load_limits();
    eval_limits eval;
};

/// Everything a run produced. When `errors` holds an error no case was run (`results` is empty).
struct test_run {
    diagnostics errors;                ///< invalid test files and snapshots; warnings too
    std::vector<case_result> results;  ///< in file order, then case order; only cases that pass the filter
    std::size_t files = 0;             ///< test files found
    std::size_t cases = 0;             ///< cases found, before the filter
    std::size_t passed = 0;
    std::size_t failed = 0;
};

/// Load every test file named in `roots` (files, or folders searched recursively for `*.toml`, in
/// sorted order), check them against the pack and the options, and run the cases that pass the filter.
test_run run_tests(const pack& p, const std::vector<std::string>& roots, const run_options& opt);

/// Load one test file's text (named `name`) into checked cases; snapshot paths are relative to the
/// folder of `name`. Problems are appended to `errs`; nullopt when the file is not valid TOML.
std::optional<std::vector<test_case>> load_test_file(const pack& p, std::string name, std::string text,
                                                     const run_options& opt, diagnostics& errs);

/// Run one case: evaluate its rules over its snapshots and compare with its expectations.
case_result run_case(const pack& p, const test_case& c, const run_options& opt);

/// `  - expected: RULE node=N step=S line=L`: the constraints of an expectation, on one line.
std::string describe(const expectation& e);

/// `RULE node=N step=S file:line:col status: message`: a finding on one line.
std::string describe(const finding& f);

/// The text report: a `FAIL file:line: name` block per failing case with its differences (and a
/// `PASS` line per passing case when `verbose`), then the closing line `N passed, N failed`.
std::string render_test_report(const test_run& r, bool verbose);

} // namespace kbl::ruletest
