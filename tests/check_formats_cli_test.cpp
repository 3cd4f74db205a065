// `kblint check` reaches every format of the one format table (checker/report/formats.cpp), and
// --statistics, from the command line.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_util.hpp"

using kbl::test::run_kblint;

TEST_CASE("check: -f concise is one line per finding, then the summary", "[cli][formats]") {
    auto r = run_kblint({"check", "-f", "concise", "fixtures/Q241573-010"});
    CHECK(r.status == 1);
    CHECK(r.out ==
          "fixtures/Q241573-010/NODE2.toml:165:1: error: ClusSvc on NODE2 is 'running' at step 1, where the Option Pack "
          "is removed from this node [Q241573-010]\n"
          "1 error, 0 warnings, 0 infos in 2 snapshots, 1 cluster, 1 runbook, 105 rules\n");
}

TEST_CASE("check: -f gitlab is GitLab Code Quality JSON", "[cli][formats]") {
    auto r = run_kblint({"check", "-f", "gitlab", "fixtures/Q241573-010"});
    CHECK(r.status == 1);
    auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc.size() == 1);
    CHECK(doc[0]["check_name"] == "Q241573-010");
    CHECK(doc[0]["severity"] == "major");
    CHECK(doc[0]["location"]["path"] == "fixtures/Q241573-010/NODE2.toml");
    CHECK(doc[0]["location"]["lines"]["begin"] == 165);
}

TEST_CASE("check: --statistics counts the findings of each rule on stderr", "[cli][formats]") {
    auto r = run_kblint({"check", "-q", "--statistics", "fixtures/Q241573-010"});
    CHECK(r.status == 1);
    CHECK(r.err.find("count  rule         severity  title\n"
                     "    1  Q241573-010  error     Cluster service still running when IIS is uninstalled\n") !=
          std::string::npos);
}

TEST_CASE("check: --format names come from the format table, with did-you-mean", "[cli][formats]") {
    auto r = run_kblint({"check", "-f", "concis", "fixtures/Q241573-010"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: invalid value 'concis' for '--format', did you mean 'concise'?\n");
    auto help = run_kblint({"check", "--help"});
    CHECK(help.out.find("report format: text, concise, json, sarif, junit, github, gitlab or html") != std::string::npos);
}
