// SARIF 2.1.0 reports (`--format sarif`): whole outputs compared with golden files under
// tests/golden/sarif/, and every SARIF log these tests produce validated against the OASIS schema
// (../shared/sarif/sarif-schema-2.1.0.json) by tests/validate_sarif.py. Also: reports of a few
// hundred snapshots are byte-identical whatever --jobs is.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/report/report.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

// Write each SARIF text to a file of a fresh folder and validate them all in one python3 run.
void validate_all(const std::vector<std::string>& logs) {
    std::string dir = temp_dir("sarif");
    std::vector<std::string> files;
    for (std::size_t i = 0; i < logs.size(); ++i) {
        files.push_back(fmt::format("{}/{}.sarif", dir, i));
        write_file(files.back(), logs[i]);
    }
    require_valid_sarif(files);
}

} // namespace

// A report of the binary run from the repository root: its %SRCROOT% is that folder (a path of
// this machine). Check it, then drop it, so that the rest compares byte for byte with the golden file.
std::string without_source_root(const std::string& out) {
    auto doc = nlohmann::ordered_json::parse(out);
    auto& run = doc["runs"][0];
    std::string root = "file://" + std::filesystem::canonical(src_path("")).string() + "/";
    CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root);
    run.erase("originalUriBaseIds");
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

TEST_CASE("sarif: the farm report, byte for byte, validates against the schema", "[sarif]") {
    run_output r = run_kblint(with_pack({"check", "-f", "sarif", "tests/data/snaps/farm"}));
    CHECK(r.status == 1);
    CHECK(r.err.empty());
    check_golden_in("sarif", "farm.sarif", without_source_root(r.out));
    validate_all({r.out});

    json doc = json::parse(r.out);
    CHECK(doc["version"] == "2.1.0");
    REQUIRE(doc["runs"].size() == 1);
    const json& run = doc["runs"][0];
    CHECK(run["tool"]["driver"]["name"] == "kblint");
    CHECK(run["tool"]["driver"]["version"] == "0.1.0");
    CHECK(run["tool"]["driver"]["rules"].size() == 3);
    CHECK(run["invocations"][0]["executionSuccessful"] == true);
    CHECK(run["invocations"][0]["exitCode"] == 1);
    REQUIRE(run["results"].size() == 3);
    const json& first = run["results"][0];
    CHECK(first["ruleId"] == "WEB-001");
    CHECK(run["tool"]["driver"]["rules"][first["ruleIndex"].get<std::size_t>()]["id"] == "WEB-001");
    CHECK(first["level"] == "error");
    const json& where = first["locations"][0]["physicalLocation"];
    CHECK(where["artifactLocation"]["uri"] == "tests/data/snaps/farm/web1.toml");
    CHECK(where["region"]["startLine"] == 8);
    CHECK(where["region"]["startColumn"] == 8);

    // The fingerprints are the JSON report's.
    json report = json::parse(run_kblint(with_pack({"check", "-f", "json", "tests/data/snaps/farm"})).out);
    for (std::size_t i = 0; i < 3; ++i)
        CHECK(run["results"][i]["partialFingerprints"]["kblintFingerprint/v1"] == report["findings"][i]["fingerprint"]);
    // Levels: error, warning, note.
    CHECK(run["results"][1]["level"] == "note");
    CHECK(run["results"][2]["level"] == "warning");
    CHECK(run["results"][1]["properties"]["status"] == "unknown");
}

TEST_CASE("sarif: every kind of finding, hostile text, suppressions and baseline states", "[sarif]") {
    kbl::report r = sample_ci_report();
    std::string out = kbl::render_sarif(r);
    check_golden_in("sarif", "sample.sarif", out);
    validate_all({out});

    json doc = json::parse(out);
    const json& run = doc["runs"][0];
    CHECK(run["tool"]["driver"]["informationUri"] == "https://kblint.example/docs");
    CHECK(run["columnKind"] == "unicodeCodePoints");
    const json& results = run["results"];
    REQUIRE(results.size() == 5);
    int waived = 0, unchanged = 0, fresh = 0, baselined = 0;
    for (const auto& res : results) {
        if (res.contains("suppressions") && res["baselineState"] == "unchanged") {
            // A baselined result is suppressed too, so that code scanning closes its alert.
            ++baselined;
            CHECK(res["suppressions"][0]["kind"] == "external");
            CHECK(res["suppressions"][0]["justification"] == "in the baseline");
        } else if (res.contains("suppressions")) {
            ++waived;
            CHECK(res["ruleId"] == "Q241573-011");
            CHECK(res["suppressions"][0]["kind"] == "external");
            CHECK(res["suppressions"][0]["justification"] == "the change window is <Friday> & \"approved\"");
        }
        if (res["baselineState"] == "unchanged") ++unchanged;
        if (res["baselineState"] == "new") ++fresh;
        if (res["ruleId"] == "KBL-009") {
            // `"nœud" = ...`: byte column 11 is code point column 10.
            CHECK(res["locations"][0]["physicalLocation"]["region"]["startColumn"] == 10);
            CHECK(res["baselineState"] == "unchanged");
        }
        if (res["ruleId"] == "Q241573-010") {
            REQUIRE(res["relatedLocations"].size() == 1);
            CHECK(res["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 6);
            CHECK(res["relatedLocations"][0]["message"]["text"] == "'services.ClusSvc.state' read here");
            CHECK(res["properties"]["step"]["index"] == 1);
        }
    }
    CHECK(waived == 1);
    CHECK(baselined == 1);
    CHECK(unchanged == 1);
    CHECK(fresh == 4);
    // A file name with ',', ' ', ':' and '%' is a percent-encoded relative URI.
    CHECK(out.find("\"uri\": \"snaps/lone%2C%20odd%3Aname%25.toml\",\n                  \"uriBaseId\": \"%SRCROOT%\"") !=
          std::string::npos);
    // The input error and both notifications.
    const json& notes = run["invocations"][0]["toolExecutionNotifications"];
    REQUIRE(notes.size() == 3);
    CHECK(notes[0]["level"] == "error");
    CHECK(notes[0]["descriptor"]["id"] == "toml");
    CHECK(notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2);
    CHECK(notes[1]["descriptor"]["id"] == "waiver-expired");
    CHECK(notes[2]["descriptor"]["id"] == "waiver-unused");
    CHECK(notes[2]["level"] == "warning");
}

TEST_CASE("sarif: input errors, waivers and baselines from the command line", "[sarif]") {
    std::vector<std::string> logs;

    run_output bad = run_kblint(with_pack({"check", "-f", "sarif", "tests/data/snaps/bad", "tests/data/snaps/farm"}));
    CHECK(bad.status == 2);
    CHECK(bad.err == "kblint: 1 input error; see the report\n");
    json doc = json::parse(bad.out);
    CHECK(doc["runs"][0]["invocations"][0]["executionSuccessful"] == false);
    CHECK(doc["runs"][0]["invocations"][0]["exitCode"] == 2);
    const json& note = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    CHECK(note["level"] == "error");
    CHECK(note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tests/data/snaps/bad/broken.toml");
    CHECK(note["locations"][0]["physicalLocation"]["region"]["startLine"] == 5);
    logs.push_back(bad.out);

    run_output waived = run_kblint(with_pack({"check", "-f", "sarif", "--waivers", "tests/data/waivers/farm.toml",
                                              "tests/data/snaps/farm"}),
                                   "", {"KBLINT_TODAY=2026-11-23"});
    CHECK(waived.status == 0);
    CHECK(waived.err.empty());
    check_golden_in("sarif", "farm_waived.sarif", without_source_root(waived.out));
    logs.push_back(waived.out);

    std::string dir = temp_dir("sarif-baseline");
    run_output base = run_kblint(with_pack({"check", "-f", "json", "--only", "WEB-002", "-o", dir + "/base.json",
                                            "tests/data/snaps/farm"}));
    CHECK(base.status == 0);
    run_output later = run_kblint(with_pack({"check", "-f", "sarif", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
    CHECK(later.status == 1);
    doc = json::parse(later.out);
    std::vector<std::string> states;
    for (const auto& res : doc["runs"][0]["results"])
        states.push_back(res["ruleId"].get<std::string>() + " " + res["baselineState"].get<std::string>());
    CHECK(states == std::vector<std::string>{"WEB-001 new", "WEB-003 new", "WEB-002 unchanged"});
    logs.push_back(later.out);

    run_output nothing = run_kblint(with_pack({"check", "-f", "sarif", "tests/data/snaps/empty"}));
    CHECK(nothing.status == 3);
    CHECK(json::parse(nothing.out)["runs"][0]["invocations"][0]["exitCode"] == 3);
    logs.push_back(nothing.out);
    validate_all(logs);
}

TEST_CASE("sarif: the validator rejects an invalid log", "[sarif]") {
    // Guards the guard: a log with an unknown level must fail validation.
    if (!have_shared("sarif/sarif-schema-2.1.0.json", "SARIF 2.1.0 schema validation")) return;
    kbl::report r = sample_ci_report();
    json doc = json::parse(kbl::render_sarif(r));
    doc["runs"][0]["results"][0]["level"] = "fatal";
    std::string file = temp_dir("sarif-invalid") + "/bad.sarif";
    write_file(file, doc.dump());
    run_output v = run_program({python3(), src_path("tests/validate_sarif.py"),
                                shared_path("sarif/sarif-schema-2.1.0.json"), file});
    CHECK(v.status == 1);
    CHECK(v.out.find("/runs/0/results/0/level: 'fatal' is not one of") != std::string::npos);
}

TEST_CASE("reports of a few hundred snapshots are byte-identical for -j1 and -j4", "[sarif][parallel]") {
    // 100 clusters of 3 nodes, in nested folders, with every kind of result.
    std::string dir = temp_dir("parallel");
    constexpr int clusters = 100;
    for (int c = 0; c < clusters; ++c) {
        for (int n = 0; n < 3; ++n) {
            int k = c * 3 + n;
            std::string text = fmt::format("[host]\nname = \"node-{:03}\"\n\n[farm]\nname = \"farm-{:02}\"\n", k, c);
            if (k % 5 != 0) text += fmt::format("\n[web]\nport = {}\ntls = {}\n", k % 7 == 0 ? 8080 : 443, k % 4 != 0);
            if (k % 3 != 0) text += fmt::format("\n[services.Logger]\nstate = \"{}\"\n", k % 11 == 0 ? "stopped" : "running");
            write_file(fmt::format("{}/group-{}/farm-{:02}/node-{:03}.toml", dir, c % 4, c, k), text);
        }
    }
    for (const char* format : {"json", "sarif", "junit", "html", "github"}) {
        INFO(format);
        run_output one = run_kblint(with_pack({"check", "-f", format, "-j", "1", dir}));
        run_output four = run_kblint(with_pack({"check", "-f", format, "-j", "4", dir}));
        CHECK(one.status == 1);
        CHECK(four.status == one.status);
        CHECK(four.out == one.out);
        CHECK(four.err == one.err);
        if (std::string(format) == "json") {
            json doc = json::parse(one.out);
            CHECK(doc["summary"]["snapshots"] == 300);
            CHECK(doc["summary"]["clusters"] == clusters);
            CHECK(doc["findings"].size() > 100);
        }
        if (std::string(format) == "sarif") validate_all({one.out});
    }
}

namespace {

// The SARIF Multitool (npm `@microsoft/sarif-multitool`), found or installed by
// tests/tools/sarif-multitool.sh; empty, with the reason in `why`, when it cannot be had.
std::string find_multitool(std::string& why) {
    run_output r = run_program({"sh", src_path("tests/tools/sarif-multitool.sh")});
    why = r.err;
    if (r.status != 0 || r.out.empty()) return {};
    return r.out.substr(0, r.out.find('\n'));
}

} // namespace

TEST_CASE("sarif: the official validator (SARIF Multitool) reports no error and no warning", "[sarif][multitool]") {
    std::string why;
    std::string tool = find_multitool(why);
    if (tool.empty()) {
        const char* strict = std::getenv("KBLINT_REQUIRE_SHARED");
        if (strict != nullptr && std::string(strict) == "1") FAIL("the SARIF Multitool is needed in CI: " << why);
        WARN("*** SKIPPED: the SARIF Multitool could not be had (" << why << "); SARIF was NOT checked by it ***");
        return;
    }
    std::string dir = temp_dir("multitool");
    std::vector<std::string> files;
    for (const char* golden : {"farm.sarif", "farm_waived.sarif", "sample.sarif"}) {
        files.push_back(dir + "/" + golden);
        write_file(files.back(), read_file(src_path(std::string("tests/golden/sarif/") + golden)));
    }
    kbl::report rooted = sample_ci_report();
    rooted.source_root = "/work/repo";
    files.push_back(dir + "/rooted.sarif");
    write_file(files.back(), kbl::render_sarif(rooted));
    // Absolute names under the source root become relative to %SRCROOT%.
    kbl::report absolute = rooted;
    kbl::finding f = absolute.findings.front();
    f.loc.file = std::make_shared<const kbl::source_file>("/work/repo/snaps/WEB1.toml", "[node]\n");
    f.loc.where = {1, 1};
    f.related.clear();
    absolute.findings = {f};
    std::string abs_text = kbl::render_sarif(absolute);
    CHECK(abs_text.find("\"uri\": \"snaps/WEB1.toml\",\n") != std::string::npos);
    CHECK(abs_text.find("\"originalUriBaseIds\": {\n        \"%SRCROOT%\": {\n          \"uri\": \"file:///work/repo/\"") !=
          std::string::npos);
    files.push_back(dir + "/absolute.sarif");
    write_file(files.back(), abs_text);
    // Runbook timelines as code flows (--show-runbook), on the fixtures' runbooks.
    files.push_back(dir + "/runbooks.sarif");
    REQUIRE(kbl::test::run_kblint({"check", "--show-runbook", "-f", "sarif", "-o", files.back(), src_path("fixtures")}).status == 1);
    REQUIRE(read_file(files.back()).find("\"codeFlows\"") != std::string::npos);
    for (const auto& f : files) {
        run_output r = run_program({tool, "validate", f});
        INFO(f << "\n" << r.out << r.err);
        CHECK(r.status == 0);
        CHECK(r.out.find(": error ") == std::string::npos);
        CHECK(r.out.find(": warning ") == std::string::npos);
    }
}
