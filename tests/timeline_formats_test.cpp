// Runbook timelines (`check --show-runbook`) beyond text and HTML: the JSON report's last key
// `runbooks` (absent without the flag), SARIF code flows on the findings raised at a step, a note
// per effect in the concise report, and `kblint merge` of shards written with the flag.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/shard_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

const std::string fixture = "fixtures/runbook-late-stop";

run_output check_runbook(const std::string& format) {
    return run_kblint({"check", "--show-runbook", "-f", format, fixture});
}

} // namespace

TEST_CASE("timeline formats: JSON gets a last key 'runbooks' with the flag, and nothing else changes", "[timeline][json]") {
    run_output with = check_runbook("json");
    run_output plain = run_kblint({"check", "-f", "json", fixture});
    REQUIRE(with.status == 1);
    REQUIRE(plain.status == 1);
    // The report without the flag is the one with the flag up to the new key.
    const std::string key = ",\n  \"runbooks\": [";
    std::size_t at = with.out.find(key);
    REQUIRE(at != std::string::npos);
    CHECK(with.out.substr(0, at) + "\n}\n" == plain.out);
    CHECK(plain.out.find("\"runbooks\": [") == std::string::npos);

    std::string last_key;
    const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(with.out);
    for (const auto& item : ordered.items()) last_key = item.key();
    CHECK(last_key == "runbooks");
    json doc = json::parse(with.out);
    REQUIRE(doc["runbooks"].size() == 1);
    const json& rb = doc["runbooks"][0];
    CHECK(rb["file"] == "fixtures/runbook-late-stop/NODE1.toml");
    CHECK(rb["kind"] == "runbook");
    CHECK(rb["cluster"] == "WC-runbook-late-stop");
    REQUIRE(rb["steps"].size() == 25);
    const json& step2 = rb["steps"][1];
    CHECK(step2["index"] == 2);
    CHECK(step2["node"] == "NODE2");
    CHECK(step2["action"] == "uninstall_ntop");
    CHECK(step2["simulated"] == true);
    CHECK(step2["effects"][0] == json{{"change", "set"}, {"node", "NODE2"}, {"path", "os.pending.restart"}, {"before", "false"},
                                      {"after", "true"}});
    CHECK(step2["effects"].back() == json{{"change", "removed"}, {"node", "NODE2"}, {"path", "mts.packages"}, {"before", "Utilities"},
                                          {"after", nullptr}});
    // The finding raised at step 2, named by rule and fingerprint: the report's first finding.
    REQUIRE(step2["findings"].size() == 1);
    CHECK(step2["findings"][0]["rule"] == doc["findings"][0]["rule"]);
    CHECK(step2["findings"][0]["fingerprint"] == doc["findings"][0]["fingerprint"]);
    CHECK(rb["steps"][15]["effects"].empty());
    CHECK(rb["whole"].empty());
    CHECK(rb["end_state"].empty());
}

TEST_CASE("timeline formats: SARIF gives a finding raised at a step the code flow of the steps before it", "[timeline][sarif]") {
    run_output with = check_runbook("sarif");
    REQUIRE(with.status == 1);
    json doc = json::parse(with.out);
    const json& result = doc["runs"][0]["results"][0];
    REQUIRE(result.contains("codeFlows"));
    const json& flow = result["codeFlows"][0];
    CHECK(flow["message"]["text"] == "runbook fixtures/runbook-late-stop/NODE1.toml: steps 1 to 2");
    const json& locs = flow["threadFlows"][0]["locations"];
    REQUIRE(locs.size() == 2);
    CHECK(locs[1]["location"]["physicalLocation"]["artifactLocation"] ==
          json{{"uri", "fixtures/runbook-late-stop/NODE1.toml"}, {"uriBaseId", "%SRCROOT%"}});
    CHECK(locs[1]["executionOrder"] == 2);
    CHECK(locs[1]["importance"] == "essential");
    CHECK(locs[0]["importance"] == "important");
    CHECK(locs[1]["state"]["NODE2 os.pending.restart"] == json{{"text", "false -> true"}});
    // Without the flag: no code flow, the report as it always was.
    run_output plain = run_kblint({"check", "-f", "sarif", fixture});
    CHECK(plain.out.find("codeFlows") == std::string::npos);
    json stripped = doc;
    for (auto& r : stripped["runs"][0]["results"]) r.erase("codeFlows");
    CHECK(stripped == json::parse(plain.out));
    std::string dir = temp_dir("timeline-sarif");
    write_file(dir + "/runbook.sarif", with.out);
    require_valid_sarif({dir + "/runbook.sarif"});
}

TEST_CASE("timeline formats: concise gives a note per effect of each step, in the gcc form", "[timeline][concise]") {
    run_output with = check_runbook("concise");
    REQUIRE(with.status == 1);
    check_golden_in("timeline", "runbook-late-stop.concise.txt", with.out);
    run_output plain = run_kblint({"check", "-f", "concise", fixture});
    CHECK(plain.out.find(": note: step ") == std::string::npos);
    CHECK(run_kblint({"check", "-q", "--show-runbook", "-f", "concise", fixture}).out == run_kblint({"check", "-q", "-f", "concise", fixture}).out);
}

TEST_CASE("timeline formats: merged shards written with --show-runbook print the timelines as one run", "[timeline][merge]") {
    std::string root = temp_dir("timeline-merge");
    make_fleet(root);
    std::string dir = temp_dir("timeline-merge-shards");
    for (std::uint32_t n : {1u, 3u}) {
        std::vector<std::string> reports = run_shards({"--show-runbook", "fleet"}, n, dir, root);
        for (const char* format : {"text", "json", "sarif", "concise", "html"}) {
            INFO(format << ", " << n << " shards");
            run_output single = run_kblint({"check", "--show-runbook", "-f", format, "fleet"}, root);
            std::vector<std::string> args = {"merge", "-f", format};
            args.insert(args.end(), reports.begin(), reports.end());
            run_output merged = run_kblint(args, root);
            CHECK(merged.status == single.status);
            CHECK(merged.out == single.out);
            CHECK(merged.err == single.err);
        }
    }
    json one = json::parse(run_kblint({"check", "--show-runbook", "-f", "json", "fleet"}, root).out);
    // Every change the run simulated has its timeline, in the order of "checked".
    REQUIRE(one["runbooks"].size() == 3);
    REQUIRE(one["checked"]["changes"].size() == 3);
    for (std::size_t i = 0; i < 3; ++i) CHECK(one["runbooks"][i]["file"] == one["checked"]["changes"][i]["file"]);
}

TEST_CASE("timeline formats: shards written with and without --show-runbook are not merged", "[timeline][merge]") {
    std::string root = temp_dir("timeline-mixed");
    make_fleet(root);
    std::vector<std::string> with = run_shards({"--show-runbook", "fleet"}, 2, temp_dir("timeline-with"), root);
    std::vector<std::string> without = run_shards({"fleet"}, 2, temp_dir("timeline-without"), root);
    run_output r = run_kblint({"merge", with[0], without[1]}, root);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(": error: the report was written without --show-runbook, and '" + with[0] + "' with it [input-error]\n") !=
          std::string::npos);
}
