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

    run_output text = run_kblint(with_pack({"check", "--show-baselined", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
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
    SECTION("a report taken with waivers never records the waived findings") {
        // Changed: a waived finding in a report used as a baseline used to be baselined for good,
        // so that its waiver's expiry never took effect.
        run_output waived = run_kblint(with_pack({"check", "-f", "json", "--waivers", "tests/data/waivers/farm.toml", "-o",
                                                  dir + "/waived.json", "tests/data/snaps/farm"}),
                                       "", {"KBLINT_TODAY=2026-11-23"});
        CHECK(waived.status == 0);
        run_output later = run_kblint(with_pack({"check", "-f", "json", "--baseline", dir + "/waived.json", "tests/data/snaps/farm"}));
        CHECK(later.status == 1);
        CHECK(statuses(later.out) == std::vector<std::string>{"WEB-001 fail", "WEB-003 baselined", "WEB-002 baselined"});
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

TEST_CASE("baseline: every format shows baselined findings (text and concise with --show-baselined)", "[baseline]") {
    std::string dir = temp_dir("baseline-formats");
    run_kblint(with_pack({"check", "-f", "json", "-o", dir + "/base.json", "tests/data/snaps/farm"}));
    auto run = [&](const char* format, const char* show = "--color=never") {
        run_output r = run_kblint(with_pack({"check", "-f", format, show, "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
        CHECK(r.status == 0);
        return r.out;
    };
    CHECK(count_of(run("text", "--show-baselined"), "(baselined) [WEB-") == 3);
    CHECK(count_of(run("concise", "--show-baselined"), "(baselined) [WEB-") == 3);
    CHECK(count_of(run("text"), "(baselined) [WEB-") == 0);
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
          "  = help: a baseline is written by 'kblint baseline create' (a report of 'kblint check --format json' is read "
          "too)\n"
          "\n"
          "kblint: 1 error in the input files; nothing was checked\n");

    r = with_baseline("{\"kblint\": {\"version\": \"0.1.0\", \"report_version\": 2},\n \"findings\": []}\n");
    CHECK(r.status == 2);
    CHECK(r.err.rfind("base.json:1:51: error: the baseline has report version 2; this kblint reads version 1 [baseline]\n", 0) ==
          0);

    r = with_baseline("{\"summary\": {}, \"findings\": []}");
    CHECK(r.status == 2);
    CHECK(r.err.rfind("base.json:1:1: error: not a kblint baseline: it has no 'kblint' key [baseline]\n", 0) == 0);

    r = with_baseline("[1, 2]");
    CHECK(r.status == 2);
    CHECK(r.err.rfind("base.json:1:1: error: not a kblint baseline: the document is an array, not an object", 0) == 0);

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
    CHECK(r.err.rfind("base.json:1:1: error: not a kblint baseline: it has no 'findings' key", 0) == 0);

    run_output missing = run_kblint(with_pack({"check", "--baseline", "tests/data/no-such-report.json", "tests/data/snaps/farm"}));
    CHECK(missing.status == 2);
    CHECK(missing.err == "tests/data/no-such-report.json: error: cannot read baseline: no such file or directory\n\n"
                         "kblint: 1 error in the input files; nothing was checked\n");
}

TEST_CASE("baseline: load_baseline reads fingerprints whatever the nesting, within the depth limit", "[baseline]") {
    kbl::diagnostics errs;
    // Wide values elsewhere in the report are skipped as they are read.
    std::string wide = "[";
    for (int i = 0; i < 100000; ++i) wide += "0,";
    wide += "0]";
    auto b = kbl::load_baseline("b.json",
                                "\xEF\xBB\xBF{\"kblint\": {\"report_version\": 1}, \"extra\": " + wide +
                                    ", \"findings\": [{\"rule\": \"A\", \"fingerprint\": \"abc\", \"related\": [[[[{}]]]]},"
                                    " {\"rule\": \"B\", \"fingerprint\": \"def\", \"step\": {\"index\": 1}},"
                                    " {\"rule\": \"C\", \"fingerprint\": \"ghi\", \"status\": \"waived\"}]}",
                                64, errs);
    CHECK(errs.empty());
    REQUIRE(b);
    REQUIRE(b->entries.size() == 2);  // never the waived one
    CHECK(b->entries[0].fingerprint == "abc");
    CHECK(b->entries[1].rule == "B");

    std::vector<kbl::finding> fs(3);
    fs[0].rule = "A";
    fs[0].fingerprint = "abc";
    fs[1].rule = "B";
    fs[1].fingerprint = "xyz";
    fs[1].st = kbl::status::waived;
    fs[2].rule = "B";  // the right fingerprint under another rule id: no match
    fs[2].fingerprint = "abc";
    auto stale = kbl::apply_baseline(*b, fs);
    CHECK(fs[0].st == kbl::status::baselined);
    CHECK(fs[1].st == kbl::status::waived);
    CHECK(fs[2].st == kbl::status::fail);
    REQUIRE(stale.size() == 1);
    CHECK(stale[0].rule == "B");

    // A finding an expired waiver matches is never baselined.
    fs[0].st = kbl::status::fail;
    stale = kbl::apply_baseline(*b, fs, {true, false, false});
    CHECK(fs[0].st == kbl::status::fail);
    CHECK(stale.size() == 2);

    // Nesting deeper than the snapshot limit is an error at the bracket that goes too deep.
    std::string deep = "{\"kblint\": {\"baseline_version\": 1}, \"entries\": [], \"x\": " + std::string(100000, '[');
    errs.clear();
    CHECK_FALSE(kbl::load_baseline("deep.json", deep + std::string(100000, ']') + "}", 64, errs));
    REQUIRE(errs.size() == 1);
    CHECK(kbl::render_diagnostic(errs[0], false).rfind(
              "deep.json:1:120: error: the baseline nests deeper than 64 levels (--max-toml-depth) [baseline]\n", 0) == 0);
}

namespace {

// The test pack by absolute path, for runs in a project folder.
std::vector<std::string> project_pack() { return {"--no-builtin", "-r", src_path("tests/data/pack")}; }

// project/.git, project/.kblint.toml naming the baseline, the farm's two snapshots under `folder`.
std::string farm_project(const std::string& tag, const std::string& folder = "snaps") {
    std::string dir = temp_project(tag);
    write_file(dir + "/.kblint.toml", "baseline = \"kblint-baseline.json\"\n");
    write_file(dir + "/" + folder + "/web1.toml", read_file(src_path("tests/data/snaps/farm/web1.toml")));
    write_file(dir + "/" + folder + "/web2.toml", read_file(src_path("tests/data/snaps/farm/web2.toml")));
    return dir;
}

run_output in_project(const std::string& dir, std::vector<std::string> args, const std::string& today = "2026-11-23") {
    return run_kblint(with_pack(std::move(args), project_pack()), dir, {"KBLINT_TODAY=" + today});
}

const std::string web1_waiver = "[[waiver]]\nrule = \"WEB-001\"\nnode = \"web1\"\nreason = \"behind the proxy\"\n"
                                "expires = 2026-12-31\n";

} // namespace

TEST_CASE("baseline: regenerated under an active waiver, the finding fails once the waiver expires", "[baseline]") {
    std::string dir = farm_project("baseline-waived");
    write_file(dir + "/.kblint-waivers.toml", web1_waiver);
    run_output made = in_project(dir, {"baseline", "create", "snaps"});
    CHECK(made.status == 0);
    CHECK(made.err == "kblint: wrote 'kblint-baseline.json': 2 entries (1 waived finding not recorded)\n");
    CHECK(read_file(dir + "/kblint-baseline.json").find("\"WEB-001\"") == std::string::npos);

    run_output held = in_project(dir, {"check", "-f", "json", "snaps"}, "2026-12-31");
    CHECK(held.status == 0);
    CHECK(statuses(held.out) == std::vector<std::string>{"WEB-001 waived", "WEB-003 baselined", "WEB-002 baselined"});

    run_output expired = in_project(dir, {"check", "-f", "json", "snaps"}, "2027-01-01");
    CHECK(expired.status == 1);
    CHECK(statuses(expired.out) == std::vector<std::string>{"WEB-001 fail", "WEB-003 baselined", "WEB-002 baselined"});

    SECTION("an expired waiver takes effect even over a baseline that holds its finding") {
        write_file(dir + "/none.toml", "");
        CHECK(in_project(dir, {"baseline", "create", "--waivers", "none.toml", "snaps"}).status == 0);
        CHECK(read_file(dir + "/kblint-baseline.json").find("\"WEB-001\"") != std::string::npos);
        CHECK(in_project(dir, {"check", "-q", "snaps"}, "2026-12-31").status == 0);
        run_output late = in_project(dir, {"check", "-f", "json", "snaps"}, "2027-01-01");
        CHECK(late.status == 1);
        CHECK(statuses(late.out) == std::vector<std::string>{"WEB-001 fail", "WEB-003 baselined", "WEB-002 baselined"});
    }
}

TEST_CASE("baseline: create writes sorted entries whose hints do not churn", "[baseline]") {
    std::string a = farm_project("baseline-create");
    run_output made = in_project(a, {"baseline", "create", "snaps"});
    CHECK(made.status == 0);
    CHECK(made.out.empty());
    CHECK(made.err == "kblint: wrote 'kblint-baseline.json': 3 entries (0 waived findings not recorded)\n");
    std::string base = read_file(a + "/kblint-baseline.json");
    check_golden_in("baseline", "farm.baseline.json", base);

    // The same nodes in a renamed folder, with moved lines: the file is written again byte for byte.
    std::string b = farm_project("baseline-renamed", "site/east/renamed");
    write_file(b + "/site/east/renamed/web1.toml", "# moved\n\n" + read_file(src_path("tests/data/snaps/farm/web1.toml")));
    CHECK(in_project(b, {"baseline", "create", "site"}).status == 0);
    CHECK(read_file(b + "/kblint-baseline.json") == base);

    // The file that was written gates the run it came from.
    CHECK(in_project(a, {"check", "-q", "snaps"}).out == "0 errors, 0 warnings, 0 infos (3 baselined) in 2 snapshots, 1 cluster, 3 rules\n");

    SECTION("usage errors: no file named, a report option") {
        std::string c = temp_project("baseline-usage");
        write_file(c + "/snaps/web1.toml", read_file(src_path("tests/data/snaps/farm/web1.toml")));
        run_output none = in_project(c, {"baseline", "create", "snaps"});
        CHECK(none.status == 2);
        CHECK(none.err == "kblint: no baseline file: give '--baseline FILE' or set 'baseline' in .kblint.toml\n");
        run_output fmt = in_project(a, {"baseline", "create", "-f", "json", "snaps"});
        CHECK(fmt.status == 2);
        CHECK(fmt.err == "kblint: '--format' does not apply to 'kblint baseline', which writes the baseline file\n");
        run_output bad = in_project(a, {"baseline", "remove", "snaps"});
        CHECK(bad.status == 2);
        CHECK(bad.err == "kblint: ACTION: unknown action 'remove' (expected create or update) (run 'kblint baseline --help' for "
                         "usage)\n");
        CHECK(in_project(a, {"baseline", "crate", "snaps"}).err.rfind("kblint: ACTION: unknown action 'crate', did you mean 'create'?", 0) ==
              0);
    }
    SECTION("nothing is written when an input is invalid") {
        write_file(a + "/snaps/broken.toml", "[host\n");
        run_output broken = in_project(a, {"baseline", "create", "snaps"});
        CHECK(broken.status == 2);
        CHECK(broken.err.find("snaps/broken.toml:1:6: error: ") == 0);
        CHECK(broken.err.find("kblint: the baseline 'kblint-baseline.json' was not written\n") != std::string::npos);
        CHECK(read_file(a + "/kblint-baseline.json") == base);
    }
}

TEST_CASE("baseline: a fixed finding leaves a stale entry, reported, and update drops it without adding", "[baseline]") {
    std::string dir = farm_project("baseline-stale");
    REQUIRE(in_project(dir, {"baseline", "create", "snaps"}).status == 0);
    // web1's port is fixed; web2 gets a new finding (port 81).
    write_file(dir + "/snaps/web1.toml", "[host]\nname = \"web1\"\n[farm]\nname = \"GREEN\"\n[web]\nport = 80\ntls = true\n"
                                         "[services.logger]\nstate = \"running\"\n");
    write_file(dir + "/snaps/web2.toml", "[host]\nname = \"web2\"\n[farm]\nname = \"green\"\n[web]\nport = 81\ntls = false\n");

    run_output text = in_project(dir, {"check", "snaps"});
    CHECK(text.status == 1);  // the new finding
    CHECK(text.err ==
          "kblint-baseline.json:4:5: note: stale baseline entry for 'WEB-001' on 'web1' at 'web.port': no finding matches "
          "it any more; 'kblint baseline update' drops it [baseline-stale]\n");
    // An entry whose rule was not evaluated, or whose cluster was not given, is not stale.
    run_output only = in_project(dir, {"check", "--only", "WEB-002", "snaps"});
    CHECK(only.status == 0);
    CHECK(only.err.empty());
    CHECK(in_project(dir, {"baseline", "update", "--only", "WEB-002", "snaps"}).status == 0);
    CHECK(count_of(read_file(dir + "/kblint-baseline.json"), "\"rule\": ") == 3);
    run_output j = in_project(dir, {"check", "-f", "json", "snaps"});
    json doc = json::parse(j.out);
    REQUIRE(doc["stale_baseline"].size() == 1);
    CHECK(doc["stale_baseline"][0]["rule"] == "WEB-001");
    CHECK(doc["stale_baseline"][0]["node"] == "web1");
    CHECK(doc["stale_baseline"][0]["line"] == 4);
    CHECK(doc["notifications"][0]["kind"] == "baseline-stale");
    CHECK(json::parse(run_kblint(with_pack({"check", "-f", "json", "tests/data/snaps/farm"})).out).count("stale_baseline") == 0);
    // SARIF: the stale entry is a result with baselineState "absent", so code scanning closes its alert.
    json sarif = json::parse(in_project(dir, {"check", "-f", "sarif", "snaps"}).out);
    std::vector<json> absent;
    for (const auto& res : sarif["runs"][0]["results"])
        if (res["baselineState"] == "absent") absent.push_back(res);
    REQUIRE(absent.size() == 1);
    CHECK(absent[0]["ruleId"] == "WEB-001");
    CHECK(absent[0]["kind"] == "pass");
    CHECK(absent[0]["message"]["text"] == "fixed since the baseline: WEB-001 on web1");
    CHECK(absent[0]["partialFingerprints"]["kblintFingerprint/v1"] == doc["stale_baseline"][0]["fingerprint"]);

    run_output updated = in_project(dir, {"baseline", "update", "snaps"});
    CHECK(updated.status == 0);
    CHECK(updated.err.find("kblint: updated 'kblint-baseline.json': 2 entries kept, 1 stale entry dropped\n") != std::string::npos);
    std::string after = read_file(dir + "/kblint-baseline.json");
    CHECK(count_of(after, "\"rule\": ") == 2);
    CHECK(after.find("\"WEB-001\"") == std::string::npos);  // web2's new WEB-001 was not added
    run_output still = in_project(dir, {"check", "-f", "json", "snaps"});
    CHECK(still.status == 1);
    CHECK(json::parse(still.out)["stale_baseline"].empty());
}

TEST_CASE("baseline: the snapshot limits apply to a baseline", "[baseline]") {
    std::string dir = temp_dir("baseline-limits");
    REQUIRE(run_kblint(with_pack({"check", "-f", "json", "-o", dir + "/base.json", "tests/data/snaps/farm"})).status == 1);
    // A report nests four levels deep and more (findings[].ref): over --max-toml-depth 3.
    run_output deep = run_kblint(with_pack({"check", "--max-toml-depth", "3", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
    CHECK(deep.status == 2);
    CHECK(deep.err.rfind(dir + "/base.json:29:14: error: the baseline nests deeper than 3 levels (--max-toml-depth) [baseline]\n", 0) ==
          0);
    run_output big = run_kblint(with_pack({"check", "--max-file-size", "100", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
    CHECK(big.status == 2);
    CHECK(big.err.rfind(dir + "/base.json: error: cannot read baseline: it is over the limit of 100 bytes (--max-file-size)\n", 0) == 0);
}

TEST_CASE("gate: --focus reports only the clusters of the files named, never less than it must", "[baseline]") {
    std::string dir = farm_project("focus", "snaps/green");
    REQUIRE(in_project(dir, {"baseline", "create", "snaps"}).status == 0);
    write_file(dir + "/snaps/blue/web3.toml", "[host]\nname = \"web3\"\n[farm]\nname = \"blue\"\n[web]\nport = 8443\ntls = true\n"
                                             "[services.logger]\nstate = \"running\"\n");
    auto rules_of = [](const run_output& r) {
        std::vector<std::string> out;
        json doc = json::parse(r.out);
        for (const auto& f : doc["findings"]) out.push_back(f["rule"].get<std::string>() + " " + f["node"].get<std::string>());
        return out;
    };
    // web2 changed: its cluster (web1 and web2, all baselined) passes; blue's new finding is not reported.
    run_output green = in_project(dir, {"check", "-f", "json", "--focus", "snaps/green/web2.toml", "snaps"});
    CHECK(green.status == 0);
    CHECK(rules_of(green) == std::vector<std::string>{"WEB-001 web1", "WEB-003 web2", "WEB-002 web2"});
    run_output blue = in_project(dir, {"check", "-f", "json", "--focus", "./snaps/blue/web3.toml", "snaps"});
    CHECK(blue.status == 1);
    CHECK(rules_of(blue) == std::vector<std::string>{"WEB-001 web3"});
    // A focus file that did not load: everything is reported, the error included.
    write_file(dir + "/snaps/blue/web4.toml", "[host\n");
    run_output broken = in_project(dir, {"check", "-f", "json", "--focus", "snaps/blue/web4.toml", "snaps"});
    CHECK(broken.status == 2);
    CHECK(rules_of(broken).size() == 4);
    CHECK(json::parse(broken.out)["errors"][0]["file"] == "snaps/blue/web4.toml");
}
