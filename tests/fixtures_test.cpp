// Golden findings of the built-in pack: every folder of fixtures/ (a two-node cluster) is checked
// with the embedded rules and must give exactly the findings of its expected.txt; the example
// pack for another product (examples/webserver) likewise, with --no-builtin.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <filesystem>
#include <sstream>

#include "tests/test_util.hpp"

namespace fs = std::filesystem;

namespace {

// `RULE NODE FILE:LINE:COL STATUS` per finding of a JSON report, in report order.
std::vector<std::string> finding_lines(const std::string& json) {
    auto j = nlohmann::json::parse(json);
    std::vector<std::string> out;
    for (const auto& f : j.at("findings")) {
        std::string file = fs::path(f.at("location").at("file").get<std::string>()).filename().string();
        out.push_back(f.at("rule").get<std::string>() + " " + f.at("node").get<std::string>() + " " + file + ":" +
                      std::to_string(f.at("location").at("line").get<int>()) + ":" +
                      std::to_string(f.at("location").at("column").get<int>()) + " " + f.at("status").get<std::string>());
    }
    return out;
}

std::vector<std::string> expected_lines(const std::string& path) {
    std::istringstream in(kbl::test::read_file(path));
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') out.push_back(line);
    return out;
}

} // namespace

TEST_CASE("every fixture folder gives exactly its expected findings", "[fixtures]") {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(kbl::test::src_path("fixtures")))
        if (e.is_directory()) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    REQUIRE(dirs.size() >= 17);
    for (const auto& d : dirs) {
        INFO(d.filename().string());
        auto r = kbl::test::run_kblint({"check", "--format", "json", "--fail-on", "never", d.string()});
        REQUIRE(r.status == 0);
        CHECK(finding_lines(r.out) == expected_lines((d / "expected.txt").string()));
    }
}

TEST_CASE("each broken fixture fires its own rule and only that rule", "[fixtures]") {
    static const std::regex rule_id("^[A-Z]+[0-9]*-[0-9]+$");
    for (const auto& e : fs::directory_iterator(kbl::test::src_path("fixtures"))) {
        std::string rule = e.path().filename().string();
        if (!e.is_directory() || !std::regex_match(rule, rule_id)) continue;
        INFO(rule);
        auto lines = expected_lines((e.path() / "expected.txt").string());
        REQUIRE(!lines.empty());
        for (const auto& l : lines) CHECK(l.rfind(rule + " ", 0) == 0);
    }
    CHECK(expected_lines(kbl::test::src_path("fixtures/healthy/expected.txt")).empty());
    // The bundled runbook example over the healthy baseline is safe; with the ClusSvc stop moved
    // after the uninstall it fires Q241573-010 at the uninstall step, and nothing else.
    CHECK(expected_lines(kbl::test::src_path("fixtures/runbook/expected.txt")).empty());
    auto late = expected_lines(kbl::test::src_path("fixtures/runbook-late-stop/expected.txt"));
    REQUIRE(late.size() == 1);
    CHECK(late[0].rfind("Q241573-010 NODE2 NODE1.toml:", 0) == 0);
    auto r = kbl::test::run_kblint({"check", "fixtures/runbook-late-stop"});
    CHECK(r.status == 1);
    CHECK(r.out.find("ClusSvc on NODE2 is 'running'") != std::string::npos);
    CHECK(r.out.find("in step 2 'uninstall_ntop'") != std::string::npos);
}

TEST_CASE("all fixture clusters checked together give the union of their findings", "[fixtures]") {
    auto r = kbl::test::run_kblint({"check", "--format", "json", "--fail-on", "never", "fixtures"});
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    std::size_t expected = 0, folders = 0;
    for (const auto& e : fs::directory_iterator(kbl::test::src_path("fixtures")))
        if (e.is_directory()) {
            expected += expected_lines((e.path() / "expected.txt").string()).size();
            ++folders;
        }
    CHECK(j.at("findings").size() == expected);
    CHECK(j.at("summary").at("clusters").get<std::size_t>() == folders);
    CHECK(j.at("summary").at("snapshots").get<std::size_t>() == 2 * folders);
}

TEST_CASE("a rule pack for another product runs with --no-builtin", "[fixtures]") {
    auto r = kbl::test::run_kblint({"check", "--no-builtin", "-r", "examples/webserver", "--format", "json",
                                    "examples/webserver/snapshots"});
    CHECK(r.status == 1);
    CHECK(finding_lines(r.out) == expected_lines(kbl::test::src_path("examples/webserver/expected.txt")));
    auto text = kbl::test::run_kblint({"check", "--no-builtin", "-r", "examples/webserver", "examples/webserver/snapshots"});
    CHECK(text.status == 1);
    CHECK(text.out.find("[WEB-001]") != std::string::npos);
    // Its rule tests: the sample pool's exact findings, and inline hosts that pass and fail.
    auto t = kbl::test::run_kblint({"test", "--no-builtin", "-r", "examples/webserver", "examples/webserver/tests"});
    CHECK(t.status == 0);
    CHECK(t.out == "2 passed, 0 failed\n");
}
