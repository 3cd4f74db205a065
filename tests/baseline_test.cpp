// Baselines (`--baseline report.json`): findings whose fingerprint is in a previous JSON report are
// `baselined`, shown in every format and never failing; fingerprints survive moved lines, renamed
// files and moved folders; a baseline that is not a kblint JSON report is an input error (exit 2),
// located.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/gate/baseline.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

std::set<std::string> fingerprints(const std::string& report) {
    std::set<std::string> out;
    json doc = json::parse(report);
    for (const auto& f : doc["findings"]) out.insert(f["fingerprint"].get<std::string>());
    return out;
}

std::vector<std::string> statuses(const std::string& report) {
    std::vector<std::string> out;
    json doc = json::parse(report);
    for (const auto& f : doc["findings"])
        out.push_back(f["rule"].get<std::string>() + " " + f["status"].get<std::string>());
    return out;
}

// Run with a baseline written from `text` and return the whole output.
run_output with_baseline(const std::string& text, const std::string& format = "text") {
    std::string file = temp_dir("baseline") + "/base.json";
    write_file(file, text);
    run_output r = run_kblint(with_pack({"check", "-f", format, "--baseline", file, "tests/data/snaps/farm"}));
    // The temporary name is replaced so that expected messages do not depend on it.
    for (std::size_t at; (at = r.err.find(file)) != std::string::npos;) r.err.replace(at, file.size(), "base.json");
    return r;
}

} // namespace

TEST_CASE("baseline: findings already in a previous report do not fail", "[baseline]") {
    std::string dir = temp_dir("baseline-run");
    run_output first = run_kblint(with_pack({"check", "-f", "json", "-o", dir + "/base.json", "tests/data/snaps/farm"}));
    CHECK(first.status == 1);

    run_output text = run_kblint(with_pack({"check", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
    CHECK(text.status == 0);
    CHECK(text.err.empty());
    check_golden_in("baseline", "farm.txt", text.out);

    run_output j = run_kblint(with_pack({"check", "-f", "json", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
    CHECK(j.status == 0);
    CHECK(statuses(j.out) == std::vector<std::string>{"WEB-001 baselined", "WEB-003 baselined", "WEB-002 baselined"});
    json doc = json::parse(j.out);
    CHECK(doc["summary"]["baselined"] == 3);
    CHECK(doc["summary"]["errors"] == 0);
    // Even --fail-on info passes: baselined findings never count.
    CHECK(run_kblint(with_pack({"check", "--fail-on", "info", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}))
              .status == 0);

    SECTION("a finding that is not in the baseline still fails") {
        run_output partial =
            run_kblint(with_pack({"check", "-f", "json", "--only", "WEB-002", "-o", dir + "/web2.json", "tests/data/snaps/farm"}));
        CHECK(partial.status == 0);
        run_output r = run_kblint(with_pack({"check", "-f", "json", "--baseline", dir + "/web2.json", "tests/data/snaps/farm"}));
        CHECK(r.status == 1);
        CHECK(statuses(r.out) == std::vector<std::string>{"WEB-001 fail", "WEB-003 unknown", "WEB-002 baselined"});
    }
    SECTION("a baseline taken with waivers covers the waived findings too") {
        run_output waived = run_kblint(with_pack({"check", "-f", "json", "--waivers", "tests/data/waivers/farm.toml", "-o",
                                                  dir + "/waived.json", "tests/data/snaps/farm"}),
                                       "", {"KBLINT_TODAY=2026-11-23"});
        CHECK(waived.status == 0);
        run_output later = run_kblint(with_pack({"check", "-f", "json", "--baseline", dir + "/waived.json", "tests/data/snaps/farm"}));
        CHECK(later.status == 0);
        CHECK(statuses(later.out) == std::vector<std::string>{"WEB-001 baselined", "WEB-003 baselined", "WEB-002 baselined"});
    }
}

TEST_CASE("baseline: fingerprints survive moved lines, renamed files and moved folders", "[baseline]") {
    std::string a = temp_dir("fp-before");
    write_file(a + "/snaps/web1.toml", read_file(src_path("tests/data/snaps/farm/web1.toml")));
    write_file(a + "/snaps/web2.toml", read_file(src_path("tests/data/snaps/farm/web2.toml")));
    run_output before = run_kblint(with_pack({"check", "-f", "json", "-o", a + "/base.json", a + "/snaps"}));
    CHECK(before.status == 1);
    std::string base = read_file(a + "/base.json");
    REQUIRE(json::parse(base)["findings"].size() == 3);

    // Same nodes, other files in other folders, tables reordered, comments and blank lines added.
    std::string b = temp_dir("fp-after");
    write_file(b + "/site/east/renamed-first.toml",
               "# moved, renamed and reordered\n\n\n[web]\ntls = true\n\n# the port is still wrong\nport = 8080\n\n"
               "[services.logger]\nstate = \"running\"\n\n[farm]\nname = \"GREEN\"\n\n[host]\nname = \"WEB1\"\n");
    write_file(b + "/other/west/deep/second.toml",
               "# a comment that moves every line down\n\n[farm]\nname = \"green\"\n[web]\ntls = false\nport = 80\n[host]\n"
               "name = \"web2\"\n");
    run_output after = run_kblint(with_pack({"check", "-f", "json", b}));
    CHECK(after.status == 1);
    CHECK(fingerprints(after.out) == fingerprints(base));
    // Every line and file changed, yet each finding is recognised.
    json doc = json::parse(after.out);
    CHECK(doc["findings"][0]["location"]["line"] != json::parse(base)["findings"][0]["location"]["line"]);

    run_output gated = run_kblint(with_pack({"check", "--baseline", a + "/base.json", "-q", b}));
    CHECK(gated.status == 0);
    CHECK(gated.out == "0 errors, 0 warnings, 0 infos (3 baselined) in 2 snapshots, 1 cluster, 3 rules\n");

    SECTION("a change in what decided the finding is a new finding") {
        std::string c = temp_dir("fp-changed");
        write_file(c + "/web1.toml", read_file(src_path("tests/data/snaps/farm/web1.toml")));
        // web2 now fails WEB-001 too: a new fingerprint (another node).
        write_file(c + "/web2.toml", "[host]\nname = \"web2\"\n[farm]\nname = \"green\"\n[web]\nport = 81\ntls = false\n");
        run_output r = run_kblint(with_pack({"check", "-f", "json", "--baseline", a + "/base.json", c}));
        CHECK(r.status == 1);
        CHECK(statuses(r.out) == std::vector<std::string>{"WEB-001 baselined", "WEB-003 baselined", "WEB-001 fail",
                                                          "WEB-002 baselined"});
    }
}

TEST_CASE("baseline: every format shows baselined findings", "[baseline]") {
    std::string dir = temp_dir("baseline-formats");
    run_kblint(with_pack({"check", "-f", "json", "-o", dir + "/base.json", "tests/data/snaps/farm"}));
    auto run = [&](const char* format) {
        run_output r = run_kblint(with_pack({"check", "-f", format, "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
        CHECK(r.status == 0);
        return r.out;
    };
    CHECK(count_of(run("text"), "(baselined) [WEB-") == 3);
    CHECK(count_of(run("sarif"), "\"baselineState\": \"unchanged\"") == 3);
    CHECK(count_of(run("junit"), "<skipped message=\"baselined: the finding is in the baseline\">") == 3);
    CHECK(count_of(run("github"), " (baselined)::") == 3);
    CHECK(count_of(run("html"), "<article class=\"") == 3);
    CHECK(count_of(run("html"), "<td class=\"baselined\"") == 3);
}

TEST_CASE("baseline: a file that is not a kblint JSON report is an input error, located", "[baseline]") {
    run_output r = with_baseline("{\n  \"kblint\": {,\n}\n");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "base.json:2:14: error: invalid JSON in the baseline: syntax error while parsing object key - unexpected ','; "
          "expected string literal [baseline]\n"
          " 2 |   \"kblint\": {,\n"
          "   |              ^\n"
          "  = help: a baseline is a report written by 'kblint check --format json'\n"
          "\n"
          "kblint: 1 error in the input files; nothing was checked\n");

    r = with_baseline("{\"kblint\": {\"version\": \"0.1.0\", \"report_version\": 2},\n \"findings\": []}\n");
    CHECK(r.status == 2);
    CHECK(r.err.rfind("base.json:1:51: error: the baseline has report version 2; this kblint reads version 1 [baseline]\n", 0) ==
          0);

    r = with_baseline("{\"summary\": {}, \"findings\": []}");
    CHECK(r.status == 2);
    CHECK(r.err.rfind("base.json:1:1: error: not a kblint JSON report: it has no 'kblint' key [baseline]\n", 0) == 0);

    r = with_baseline("[1, 2]");
    CHECK(r.status == 2);
    CHECK(r.err.rfind("base.json:1:1: error: not a kblint JSON report: the document is an array, not an object", 0) == 0);

    r = with_baseline("");
    CHECK(r.status == 2);
    CHECK(r.err.rfind("base.json:1:1: error: invalid JSON in the baseline: ", 0) == 0);

    // Every problem, each at its place.
    r = with_baseline("{\"kblint\": {\"report_version\": 1},\n"
                      " \"findings\": [\n"
                      "   {\"rule\": \"WEB-001\", \"fingerprint\": 7},\n"
                      "   {\"rule\": \"WEB-002\"},\n"
                      "   \"x\"\n"
                      " ]}\n");
    CHECK(r.status == 2);
    CHECK(count_of(r.err, ": error: ") == 3);
    CHECK(r.err.find("base.json:3:39: error: the 'fingerprint' of 'findings[0]' is an integer, not a string") !=
          std::string::npos);
    CHECK(r.err.find("base.json:4:4: error: 'findings[1]' has no 'fingerprint'") != std::string::npos);
    CHECK(r.err.find("base.json:5:4: error: 'findings[2]' is a string, not an object") != std::string::npos);

    r = with_baseline("{\"kblint\": {\"report_version\": 1}}", "sarif");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("base.json:1:1: error: not a kblint JSON report: it has no 'findings' key", 0) == 0);

    run_output missing = run_kblint(with_pack({"check", "--baseline", "tests/data/no-such-report.json", "tests/data/snaps/farm"}));
    CHECK(missing.status == 2);
    CHECK(missing.err == "tests/data/no-such-report.json: error: cannot read baseline: no such file or directory\n\n"
                         "kblint: 1 error in the input files; nothing was checked\n");
}

TEST_CASE("baseline: load_baseline reads fingerprints whatever the nesting", "[baseline]") {
    kbl::diagnostics errs;
    // Deeply nested values elsewhere in the report are skipped without recursion.
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    auto b = kbl::load_baseline("b.json",
                                "\xEF\xBB\xBF{\"kblint\": {\"report_version\": 1}, \"extra\": " + deep +
                                    ", \"findings\": [{\"fingerprint\": \"abc\", \"related\": [[[[{}]]]]}, {\"fingerprint\": \"def\"}]}",
                                errs);
    CHECK(errs.empty());
    REQUIRE(b);
    CHECK(b->fingerprints == std::set<std::string>{"abc", "def"});

    std::vector<kbl::finding> fs(2);
    fs[0].rule = "A";
    fs[0].fingerprint = "abc";
    fs[1].rule = "B";
    fs[1].fingerprint = "xyz";
    fs[1].st = kbl::status::waived;
    CHECK(kbl::apply_baseline(*b, fs) == 1);
    CHECK(fs[0].st == kbl::status::baselined);
    CHECK(fs[1].st == kbl::status::waived);
}
