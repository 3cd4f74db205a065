// Rule unit tests (checker/rule_test.hpp, `kblint test`): test files are checked completely
// (every problem located, with "did you mean"), cases compare the exact set of findings, and the
// command prints the failing cases with their differences and closes with `N passed, N failed`.
// The pack and the test files are under tests/data/ruletest (always with --no-builtin).
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "checker/engine/engine.hpp"
#include "checker/ruletest/rule_test.hpp"
#include "tests/test_util.hpp"

namespace {

using kbl::test::run_kblint;
using kbl::test::run_output;
namespace rt = kbl::ruletest;

const std::vector<std::string> pack_args = {"--no-builtin", "-r", "tests/data/ruletest/pack"};

std::vector<std::string> args(std::vector<std::string> head) {
    head.insert(head.begin() + 1, pack_args.begin(), pack_args.end());
    return head;
}

const kbl::pack& farm_pack() {
    static const auto loaded = [] {
        std::string path = kbl::test::src_path("tests/data/ruletest/pack/farm.kbl");
        auto src = std::make_shared<const kbl::source_file>(path, kbl::test::read_file(path));
        return kbl::load_pack({src});
    }();
    REQUIRE(loaded.p);
    return *loaded.p;
}

// The test file `text`, loaded as if it were tests/data/ruletest/NAME: its diagnostics as
// `line:col: severity: message`.
std::vector<std::string> problems(const std::string& text, std::size_t* cases = nullptr) {
    kbl::diagnostics errs;
    rt::run_options opt;
    auto loaded = rt::load_test_file(farm_pack(), kbl::test::src_path("tests/data/ruletest/inline.toml"), text, opt, errs);
    if (cases != nullptr) *cases = loaded ? loaded->size() : 0;
    std::vector<std::string> out;
    for (const auto& d : errs)
        out.push_back(fmt::format("{}:{}: {}: {}", d.where.line, d.where.column,
                                  d.severity == kbl::diag_severity::error ? "error" : "warning", d.message));
    return out;
}

rt::case_result run_one(const std::string& text) {
    kbl::diagnostics errs;
    rt::run_options opt;
    auto loaded = rt::load_test_file(farm_pack(), kbl::test::src_path("tests/data/ruletest/inline.toml"), text, opt, errs);
    REQUIRE(errs.empty());
    REQUIRE(loaded);
    REQUIRE(loaded->size() == 1);
    return rt::run_case(farm_pack(), loaded->front(), opt);
}

const std::string web1_case = R"(
[[case]]
name = "web1"
snapshots = ["snaps/web1.toml"]
# what follows starts at line 6
)";

} // namespace

TEST_CASE("test files: a valid file gives its cases and no diagnostic", "[ruletest]") {
    std::size_t cases = 0;
    CHECK(problems(web1_case + "[[case.expect]]\nrule = \"FARM-001\"\n", &cases).empty());
    CHECK(cases == 1);
    CHECK(problems("# nothing\n", &cases).empty());
    CHECK(cases == 0);
    CHECK(problems("case = []\n", &cases).empty());
    CHECK(cases == 0);
}

TEST_CASE("test files: every problem is reported at its place", "[ruletest]") {
    SECTION("invalid TOML") {
        CHECK(problems("[[case]]\nname = \n") ==
              std::vector<std::string>{"2:8: error: invalid key-value pair: expected value, saw '\\n'"});
    }
    SECTION("unknown keys get a suggestion") {
        CHECK(problems("[[cases]]\nname = \"x\"\n") ==
              std::vector<std::string>{"1:3: error: unknown key 'cases' at the top level, did you mean 'case'?"});
        CHECK(problems(web1_case + "snapshot = []\nexpected = []\nfoo = 1\n") ==
              std::vector<std::string>{
                  "6:1: error: unknown key 'snapshot' in a case, did you mean 'snapshots'?",
                  "7:1: error: unknown key 'expected' in a case, did you mean 'expect'?",
                  "8:1: error: unknown key 'foo' in a case (expected name, only, skip, snapshots, files, expect or absent)"});
        CHECK(problems(web1_case + "[[case.expect]]\nrule = \"FARM-001\"\nnod = \"web1\"\n") ==
              std::vector<std::string>{"8:1: error: unknown key 'nod' in an 'expect' entry, did you mean 'node'?"});
        CHECK(problems(web1_case + "[[case.absent]]\nrule = \"FARM-001\"\nlines = 3\n") ==
              std::vector<std::string>{"8:1: error: unknown key 'lines' in an 'absent' entry, did you mean 'line'?"});
    }
    SECTION("a case needs a name and snapshots") {
        CHECK(problems("[[case]]\nsnapshots = [\"snaps\"]\n") ==
              std::vector<std::string>{"1:1: error: a case needs a 'name'"});
        CHECK(problems("[[case]]\nname = \"\"\nfiles = {}\n") ==
              std::vector<std::string>{"2:8: error: 'name' must not be empty"});
        CHECK(problems("[[case]]\nname = \"x\"\n") == std::vector<std::string>{"1:1: error: case 'x' has no snapshot"});
        CHECK(problems(web1_case + web1_case) ==
              std::vector<std::string>{"7:1: error: duplicate case name 'web1'"});
    }
    SECTION("values of the wrong type") {
        CHECK(problems("[case]\nname = \"x\"\n") ==
              std::vector<std::string>{
                  "1:1: error: 'case' must be an array of tables: write each case under '[[case]]'"});
        CHECK(problems("[[case]]\nname = 3\nsnapshots = [1]\n") ==
              std::vector<std::string>{"2:8: error: 'name' must be a string, not an integer",
                                       "3:13: error: 'snapshots' must be an array of strings, not an array"});
        CHECK(problems(web1_case + "files = \"a.toml\"\n") ==
              std::vector<std::string>{"6:9: error: 'files' must be a table, not a string"});
        CHECK(problems(web1_case + "[case.files]\n\"a.toml\" = 1\n") ==
              std::vector<std::string>{"7:12: error: inline snapshot 'a.toml' must be a string of TOML text, not an integer"});
        CHECK(problems(web1_case + "[case.expect]\nrule = \"FARM-001\"\n") ==
              std::vector<std::string>{
                  "6:1: error: 'expect' must be an array of tables: write each entry under '[[case.expect]]'"});
        CHECK(problems(web1_case + "[[case.expect]]\nrule = \"FARM-001\"\nstep = 0\nline = \"8\"\nstatus = \"failed\"\n"
                                   "[[case.expect]]\nrule = \"FARM-001\"\nstatus = \"waived\"\n") ==
              std::vector<std::string>{"8:8: error: 'step' must be a positive integer, not 0",
                                       "9:8: error: 'line' must be a positive integer, not a string",
                                       "10:10: error: invalid status 'failed', did you mean 'fail'?",
                                       "13:10: error: invalid status 'waived' (expected fail or unknown)"});
    }
    SECTION("rules that do not exist or are not evaluated") {
        CHECK(problems(web1_case + "[[case.expect]]\nnode = \"web1\"\n") ==
              std::vector<std::string>{"6:1: error: an 'expect' entry needs a 'rule'"});
        CHECK(problems(web1_case + "[[case.expect]]\nrule = \"FARM-01\"\n[[case.absent]]\nrule = \"WEB-*\"\n") ==
              std::vector<std::string>{"7:8: error: unknown rule 'FARM-01', did you mean 'FARM-001'?",
                                       "9:8: error: no rule matches 'WEB-*'"});
        CHECK(problems(web1_case + "only = [\"FARM-002\"]\n[[case.expect]]\nrule = \"FARM-001\"\n") ==
              std::vector<std::string>{
                  "8:8: error: rule 'FARM-001' is not evaluated in this case: 'only' or 'skip' leave it out"});
        CHECK(problems(web1_case + "only = [\"FRAM-001\"]\n") ==
              std::vector<std::string>{"2:1: error: case 'web1' evaluates no rule: 'only' and 'skip' leave out every rule",
                                       "6:9: warning: 'only' glob 'FRAM-001' matches no rule, did you mean 'FARM-001'?"});
        CHECK(problems(web1_case + "skip = \"FARM-00?\"\n") ==
              std::vector<std::string>{"2:1: error: case 'web1' evaluates no rule: 'only' and 'skip' leave out every rule"});
    }
    SECTION("snapshots that do not exist or do not load") {
        CHECK(problems("[[case]]\nname = \"x\"\nsnapshots = [\"snaps/web9.toml\", \"pack/\"]\n") ==
              std::vector<std::string>{"3:14: error: no such snapshot file or folder 'snaps/web9.toml'",
                                       "3:33: error: no snapshot ('*.toml') found under 'pack/'"});
        CHECK(problems("[[case]]\nname = \"x\"\nsnapshots = [\"pack/farm.kbl\"]\n").size() == 1);
        kbl::diagnostics errs;
        rt::run_options opt;
        rt::load_test_file(farm_pack(), "t.toml", "[[case]]\nname = \"x\"\n[case.files]\n\"a.toml\" = '''\n[host\n'''\n",
                           opt, errs);
        REQUIRE(errs.size() == 1);
        CHECK(errs[0].name() == "t.toml#x/a.toml");
        CHECK(errs[0].where == kbl::pos{1, 6});
        REQUIRE(errs[0].notes.size() == 1);
        CHECK(errs[0].notes[0].message == "in the inline snapshot 'a.toml' of case 'x'");
        CHECK(errs[0].notes[0].where == kbl::pos{4, 12});
    }
}

TEST_CASE("cases: expectations match distinct findings, extras and absent ones fail", "[ruletest]") {
    SECTION("exact set") {
        rt::case_result r = run_one(web1_case + "[[case.expect]]\nrule = \"FARM-001\"\nline = 8\ncolumn = 8\n");
        CHECK(r.passed());
        CHECK(r.findings == 1);
    }
    SECTION("a missing and an unexpected finding") {
        rt::case_result r = run_one(web1_case + "[[case.expect]]\nrule = \"FARM-001\"\nnode = \"web2\"\n");
        CHECK(!r.passed());
        REQUIRE(r.missing.size() == 1);
        CHECK(rt::describe(r.missing[0]) == "FARM-001 node=web2");
        REQUIRE(r.unexpected.size() == 1);
        CHECK(rt::describe(r.unexpected[0]) ==
              "FARM-001 node=web1 " + kbl::test::src_path("tests/data/ruletest/snaps/web1.toml") +
                  ":8:8 fail: port 8080 on web1 is neither 80 nor 443");
    }
    SECTION("one finding cannot answer two expectations") {
        rt::case_result r = run_one(web1_case + "[[case.expect]]\nrule = \"FARM-001\"\n[[case.expect]]\nrule = \"FARM-*\"\n");
        CHECK(r.missing.size() == 1);
        CHECK(r.unexpected.empty());
    }
    SECTION("absent") {
        rt::case_result r = run_one(web1_case +
                                    "[[case.expect]]\nrule = \"FARM-001\"\n[[case.absent]]\nrule = \"FARM-001\"\nnode = \"web2\"\n");
        CHECK(r.passed());
        r = run_one(web1_case + "[[case.absent]]\nrule = \"FARM-001\"\nline = 8\n");
        REQUIRE(r.absent_found.size() == 1);
        CHECK(r.unexpected.empty());
        CHECK(rt::describe(r.absent_found[0].first) == "FARM-001 line=8");
    }
}

TEST_CASE("matches: every constraint of an expectation", "[ruletest]") {
    kbl::finding f;
    f.rule = "FARM-004";
    f.node = "web4";
    f.cluster = "Green";
    f.st = kbl::status::unknown;
    f.message = "the Balancer on web4 is 'running'";
    f.loc.file = std::make_shared<const kbl::source_file>("a/b/web4.toml", "");
    f.loc.where = kbl::pos{7, 1};
    f.step = kbl::step_ref{2, "upgrade_web"};
    rt::expectation e;
    e.rule = "farm-00?";
    CHECK(rt::matches(e, f));
    e.node = "WEB4";
    e.cluster = "green";
    e.step = 2;
    e.file = "web4.toml";
    e.line = 7;
    e.column = 1;
    e.st = kbl::status::unknown;
    e.message = "'running'";
    CHECK(rt::matches(e, f));
    CHECK(rt::describe(e) ==
          "farm-00? node=WEB4 cluster=green step=2 file=web4.toml line=7 column=1 status=unknown message=\"'running'\"");
    e.file = "b/web4.toml";
    CHECK(rt::matches(e, f));
    e.file = "/b/web4.toml";
    CHECK(!rt::matches(e, f));
    e.file = "web4.toml";
    e.step = 1;
    CHECK(!rt::matches(e, f));
    e.step = 2;
    e.st = kbl::status::fail;
    CHECK(!rt::matches(e, f));
    e.st.reset();
    e.message = "stopped";
    CHECK(!rt::matches(e, f));
    e.message.reset();
    e.column = 2;
    CHECK(!rt::matches(e, f));
}

TEST_CASE("kblint test: every case passes", "[ruletest][cli]") {
    run_output r = run_kblint(args({"test", "tests/data/ruletest/tests/pass"}));
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "8 passed, 0 failed\n");

    run_output v = run_kblint(args({"test", "-v", "tests/data/ruletest/tests/pass/farm.toml"}));
    CHECK(v.status == 0);
    CHECK(v.out == "PASS tests/data/ruletest/tests/pass/farm.toml:3: the snapshots on disk give FARM-001 twice and FARM-002 once\n"
                   "PASS tests/data/ruletest/tests/pass/farm.toml:25: a specific expectation is not starved by a general one\n"
                   "PASS tests/data/ruletest/tests/pass/farm.toml:37: only and skip select the rules\n"
                   "PASS tests/data/ruletest/tests/pass/farm.toml:50: a cluster finding names its cluster and the node "
                   "it blames\n"
                   "4 passed, 0 failed\n");
}

TEST_CASE("kblint test: failing cases and their differences", "[ruletest][cli]") {
    run_output r = run_kblint(args({"test", "tests/data/ruletest/tests/fail", "tests/data/ruletest/tests/pass"}));
    CHECK(r.status == 1);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "FAIL tests/data/ruletest/tests/fail/farm.toml:4: a finding on the wrong node and an extra one\n"
          "  - expected: FARM-001 node=web2 line=8\n"
          "  + unexpected: FARM-001 node=web1 tests/data/ruletest/snaps/web1.toml:8:8 fail: port 8080 on web1 is "
          "neither 80 nor 443\n"
          "FAIL tests/data/ruletest/tests/fail/farm.toml:20: a forbidden finding\n"
          "  ! absent but found: FARM-002 node=web2 tests/data/ruletest/snaps/web2.toml:9:7 fail: TLS is off on web2\n"
          "FAIL tests/data/ruletest/tests/fail/farm.toml:29: a step finding is expected at another step\n"
          "  - expected: FARM-004 step=2 status=unknown message=\"stopped\"\n"
          "  + unexpected: FARM-004 node=web4 step=1 tests/data/ruletest/tests/fail/farm.toml#a step finding is "
          "expected at another step/web4.toml:7:1 fail: the Balancer on web4 is 'running' at the upgrade\n"
          "9 passed, 3 failed\n");

    SECTION("--filter selects cases by name") {
        run_output f = run_kblint(args({"test", "--filter", "*pass*", "--filter", "A FORBIDDEN*",
                                        "tests/data/ruletest/tests/fail"}));
        CHECK(f.status == 1);
        CHECK(f.out == "FAIL tests/data/ruletest/tests/fail/farm.toml:20: a forbidden finding\n"
                       "  ! absent but found: FARM-002 node=web2 tests/data/ruletest/snaps/web2.toml:9:7 fail: TLS is "
                       "off on web2\n"
                       "1 passed, 1 failed\n");
        run_output p = run_kblint(args({"test", "--filter", "this one passes", "tests/data/ruletest/tests/fail"}));
        CHECK(p.status == 0);
        CHECK(p.out == "1 passed, 0 failed\n");
    }
}

TEST_CASE("kblint test: exit 3 when no case is found", "[ruletest][cli]") {
    run_output r = run_kblint(args({"test", "tests/data/ruletest/empty"}));
    CHECK(r.status == 3);
    CHECK(r.out == "0 passed, 0 failed\n");
    CHECK(r.err == "kblint: no test case found under 'tests/data/ruletest/empty'\n");

    r = run_kblint(args({"test", "--filter", "nothing*", "tests/data/ruletest/tests/pass"}));
    CHECK(r.status == 3);
    CHECK(r.out == "0 passed, 0 failed\n");
    CHECK(r.err == "kblint: no case name matches --filter 'nothing*'\n");

    // Without PATH: rules/tests of the current folder.
    std::string dir = kbl::test::temp_dir("ruletest-default");
    r = run_kblint(args({"test"}), dir);
    CHECK(r.status == 3);
    CHECK(r.err == "kblint: no test case found: 'rules/tests' does not exist (give test files or folders as PATH)\n");
    kbl::test::write_file(dir + "/rules/tests/t.toml",
                          "[[case]]\nname = \"x\"\nsnapshots = [\"" +
                              kbl::test::src_path("tests/data/ruletest/snaps/web2.toml") +
                              "\"]\nonly = [\"FARM-002\"]\n[[case.expect]]\nrule = \"FARM-002\"\n");
    std::vector<std::string> pack = {"test", "--no-builtin", "-r", kbl::test::src_path("tests/data/ruletest/pack")};
    r = run_kblint(pack, dir);
    CHECK(r.status == 0);
    CHECK(r.out == "1 passed, 0 failed\n");
}

TEST_CASE("kblint test: exit 2 on an invalid test file, nothing run", "[ruletest][cli]") {
    run_output r = run_kblint(args({"test", "tests/data/ruletest/bad", "tests/data/ruletest/tests/pass"}));
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("tests/data/ruletest/bad/typos.toml:3:1: error: case 'typos' evaluates no rule: 'only' and "
                     "'skip' leave out every rule [test-file]\n 3 | [[case]]\n   | ^\n") == 0);
    CHECK(r.err.find("\ntests/data/ruletest/bad/typos.toml:5:1: error: unknown key 'snapshot' in a case, did you mean "
                     "'snapshots'? [test-file]\n") != std::string::npos);
    CHECK(r.err.find("\ntests/data/ruletest/bad/typos.toml#no snapshot/bad.toml:2:8: error: ") != std::string::npos);
    CHECK(r.err.find("\ntests/data/ruletest/bad/typos.toml:23:14: note: in the inline snapshot 'bad.toml' of case "
                     "'no snapshot'\n") != std::string::npos);
    std::string last = "kblint: 11 errors in the test files; no test was run\n";
    CHECK(r.err.substr(r.err.size() - last.size()) == last);

    r = run_kblint(args({"test", "tests/data/ruletest/no-such-folder"}));
    CHECK(r.status == 2);
    CHECK(r.err == "tests/data/ruletest/no-such-folder: error: no such file or folder [io]\n\n"
                   "kblint: 1 error in the test files; no test was run\n");

    r = run_kblint({"test", "--no-builtin", "tests/data/ruletest/tests/pass"});
    CHECK(r.status == 2);
}

TEST_CASE("kblint test: the built-in pack passes its own rule tests", "[ruletest][cli][builtin]") {
    if (!std::filesystem::exists(kbl::test::src_path("rules/tests"))) return;
    run_output r = run_kblint({"test"});
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find("FAIL ") == std::string::npos);
    CHECK(r.out.ends_with(" passed, 0 failed\n"));
}
