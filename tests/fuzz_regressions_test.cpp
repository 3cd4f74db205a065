// Every input of fuzz/regressions/<target>/ replayed through the fuzz target's own entry point
// (fuzz/targets.cpp). Each was once a crash, a sanitizer report or a hang; it must now run cleanly
// (in the sanitizer build, under ASan and UBSan) and quickly.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fuzz/targets.hpp"
#include "tests/test_util.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> regressions(std::string_view target) {
    std::vector<fs::path> out;
    fs::path dir = fs::path(kbl::test::src_path("fuzz/regressions")) / std::string(target);
    if (!fs::is_directory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("fuzz regressions: every saved input runs cleanly through its target", "[fuzz]") {
    std::size_t total = 0;
    for (std::string_view target : kbl::fuzz::target_names) {
        for (const auto& file : regressions(target)) {
            DYNAMIC_SECTION(std::string(target) << ": " << file.filename().string()) {
                std::string bytes = kbl::test::read_file(file.string());
                auto start = std::chrono::steady_clock::now();
                CHECK(kbl::fuzz::run(target, bytes));
                double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                CHECK(seconds < 20.0);
            }
            ++total;
        }
    }
    SUCCEED(total << " regression inputs");
}

TEST_CASE("fuzz regressions: the targets accept the shipped examples", "[fuzz]") {
    // A smoke run of each entry point on ordinary inputs, so a target broken by a change to the
    // API fails here and not only in a fuzzing session.
    std::string rule = kbl::test::read_file(kbl::test::src_path("rules/q241573.kbl"));
    std::string node1 = kbl::test::read_file(kbl::test::src_path("fixtures/Q241573-010/NODE1.toml"));
    std::string node2 = kbl::test::read_file(kbl::test::src_path("fixtures/Q241573-010/NODE2.toml"));
    CHECK(kbl::fuzz::run("rules", rule));
    CHECK(kbl::fuzz::run("snapshot", node1));
    CHECK(kbl::fuzz::run("eval", node1 + std::string(kbl::fuzz::eval_separator) + node2));
    CHECK(kbl::fuzz::run("pack", rule));
    CHECK(kbl::fuzz::run("eval", ""));
    CHECK(kbl::fuzz::run("rules", std::string("\0\xff", 2)));
    CHECK_FALSE(kbl::fuzz::run("no-such-target", ""));
}
