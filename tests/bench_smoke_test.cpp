// bench/run.sh --smoke: every step of the benchmark works on small fleets (generation, the toml++
// floor, kblint -j1 and -j2, the simple pack's counts against the generator's). Nothing is timed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/proc_util.hpp"
#include "tests/test_util.hpp"

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// The row of the table for `workload` and `run`, or "" when there is none.
std::string row(const std::vector<std::string>& lines, const std::string& workload, const std::string& run) {
    for (const auto& l : lines)
        if (l.rfind(workload, 0) == 0 && l.find("  " + run + "  ") != std::string::npos) return l;
    return "";
}

} // namespace

TEST_CASE("bench: run.sh --smoke generates, runs and checks every row", "[bench]") {
    if (!kbl::test::have_shared("bench/gen_snapshots.py", "the benchmark workload")) return;
    const std::string build = std::filesystem::path(KBLINT_BIN).parent_path().string();
    const auto r = kbl::test::wait_kblint(
        kbl::test::spawn_kblint({"bench/run.sh", "--smoke", build}, "", {}, "", 0, "/bin/bash"), 600);
    INFO(r.out << r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.status == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 14);
    CHECK(lines[0].empty());
    CHECK(lines[1].rfind("machine: ", 0) == 0);
    CHECK(lines[2].rfind("fleets: 40 snapshots each; builtin ", 0) == 0);
    CHECK(lines[3] == "workload  run                           wall s   x floor   cpu s  cpu x floor    RSS MiB  check");
    const auto ends_with = [](const std::string& s, const std::string& tail) {
        return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
    };
    CHECK(row(lines, "builtin", "toml++ parse only (floor)").find("  nodes=40 bytes=") != std::string::npos);
    // The healthy fixture pair: no findings (the number of built-in rules is not this test's business).
    CHECK(row(lines, "builtin", "kblint -j1").find("  0 errors, 0 warnings, 0 infos in 40 snapshots, 20 clusters, ") !=
          std::string::npos);
    CHECK(ends_with(row(lines, "builtin", "kblint -j2"), "  same report as -j1"));
    CHECK(ends_with(row(lines, "simple", "toml++ parse only (floor)"), "  counts ok"));
    CHECK(ends_with(row(lines, "simple", "kblint -j1"), "  counts ok"));
    CHECK(ends_with(row(lines, "simple", "kblint -j2"), "  same report as -j1"));
    CHECK(ends_with(row(lines, "other", "kblint rules"), "  load and compile the built-in pack"));
    CHECK(row(lines, "other", "kblint, one 2-node cluster").find("  0 errors, 0 warnings, 0 infos in 2 snapshots, 1 cluster, ") !=
          std::string::npos);
    CHECK(row(lines, "other", "kblint, 1000-step runbook")
              .find("  0 errors, 0 warnings, 0 infos in 2 snapshots, 1 cluster, 1 runbook, ") != std::string::npos);
    CHECK(lines.back() == "JavaScript peers: skipped (--smoke or --no-peers)");
}
