// Fail closed: a run that could not evaluate everything never exits 0 or 1, whatever --fail-on
// says, and still reports what it could; a bug is exit 4 with a request for a report.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "proc_util.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using kbl::test::timed_output;

namespace {

constexpr double bound_s = 120.0;

timed_output run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    timed_output r = kbl::test::run_kblint_within(bound_s, args, "", env);
    INFO("exit " << r.status << " in " << r.seconds << " s\nstderr: " << r.err.substr(0, 2000));
    REQUIRE_FALSE(r.timed_out);
    return r;
}

// `pairs` two-node clusters, each in its own folder and with its own cluster name: every other one
// is the healthy fixture, the rest the Q241573-010 fixture (one error finding per cluster).
void write_clusters(const std::string& dir, int pairs) {
    std::string text[2][2];
    const char* fixtures[2] = {"fixtures/healthy/", "fixtures/Q241573-010/"};
    const char* nodes[2] = {"NODE1.toml", "NODE2.toml"};
    for (int f = 0; f < 2; ++f)
        for (int n = 0; n < 2; ++n) text[f][n] = kbl::test::read_file(kbl::test::src_path(std::string(fixtures[f]) + nodes[n]));
    for (int i = 0; i < pairs; ++i) {
        std::string folder = dir + "/c" + std::to_string(10000 + i);
        for (int n = 0; n < 2; ++n) {
            std::string t = text[i % 2][n];
            std::size_t at = t.find("\nname = \"", t.find("[cluster]")) + 1;
            t.replace(at, t.find('\n', at) - at, "name = \"C" + std::to_string(i) + "\"");
            kbl::test::write_file(folder + "/" + nodes[n], t);
        }
    }
}

} // namespace

TEST_CASE("fail closed: one bad snapshot among 2,000 is exit 2 whatever --fail-on says", "[failclosed]") {
    // 2,000 snapshot files (1,000 clusters; 400 in a sanitizer build) rather than 10,000: 10,000
    // take 16 s per run in a release build and several times that under the sanitizers, and the
    // code path is the same.
    const int pairs = kbl::test::scale(1000);
    std::string dir = kbl::test::temp_dir("failclosed");
    write_clusters(dir + "/snaps", pairs);
    timed_output clean = run({"check", "-f", "json", "-j", "2", dir + "/snaps"});
    REQUIRE(clean.status == 1);
    auto reference = nlohmann::json::parse(clean.out);
    REQUIRE(reference["findings"].size() == static_cast<std::size_t>(pairs / 2));

    kbl::test::write_file(dir + "/snaps/c10100/zz-bad.toml", "[node]\nnetbios_name = \"BAD\n");
    // No SECTIONs: each would write the 2,000 files and run the reference again.
    for (std::string level : {"never", "error"}) {
        INFO("--fail-on " << level);
        timed_output r = run({"check", "-f", "json", "-j", "2", "--fail-on", level, dir + "/snaps"});
        CHECK(r.status == 2);
        CHECK(r.err == "kblint: 1 input error; see the report\n");
        auto doc = nlohmann::json::parse(r.out);
        REQUIRE(doc["errors"].size() == 1);
        CHECK(doc["errors"][0]["file"] == dir + "/snaps/c10100/zz-bad.toml");
        CHECK(doc["errors"][0]["line"] == 2);
        CHECK(doc["errors"][0]["column"] == 20);
        // Every finding of the files that loaded is still in the report, unchanged.
        CHECK(doc["summary"]["snapshots"] == 2 * pairs);
        CHECK(doc["findings"] == reference["findings"]);
    }
    for (std::string level : {"info", "warning"}) {
        INFO("text report, --fail-on " << level);
        timed_output r = run({"check", "-q", "-j", "2", "--fail-on", level, dir + "/snaps"});
        CHECK(r.status == 2);
        CHECK(r.out.find(dir + "/snaps/c10100/zz-bad.toml:2:20: error: ") == 0);
    }
}

TEST_CASE("fail closed: a bad rule file among good ones is exit 2 whatever --fail-on says", "[failclosed]") {
    std::string dir = kbl::test::temp_dir("failclosed-rules");
    kbl::test::write_file(dir + "/rules/bad.kbl", "rule X-1 {\n  severity eror\n}\n");
    for (std::string level : {"never", "error"}) {
        timed_output r = run({"check", "--fail-on", level, "-r", dir + "/rules", "fixtures/healthy"});
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(dir + "/rules/bad.kbl:2:") == 0);
    }
}

TEST_CASE("fail closed: an internal error is exit 4 with a request for a report, never 0", "[failclosed]") {
    std::string dir = kbl::test::temp_dir("failclosed-internal");
    const std::vector<std::string> hook = {"KBLINT_TEST_INTERNAL_ERROR=1"};
    const std::string message =
        "kblint: internal error: internal error injected by KBLINT_TEST_INTERNAL_ERROR; please report this at the "
        "kblint issue tracker with the command and inputs\n";
    for (std::string jobs : {"1", "2"}) {
        DYNAMIC_SECTION("-j " << jobs) {
            // With several worker threads the exception is thrown on a worker, not on main().
            timed_output r = run({"check", "-j", jobs, "fixtures"}, hook);
            CHECK(r.status == 4);
            CHECK(r.out.empty());
            CHECK(r.err == message);
            timed_output never = run({"check", "-j", jobs, "--fail-on", "never", "fixtures/healthy"}, hook);
            CHECK(never.status == 4);
        }
    }
    SECTION("the report file is left as it was") {
        std::string out = dir + "/report.json";
        kbl::test::write_file(out, "old report\n");
        timed_output r = run({"check", "-f", "json", "-o", out, "fixtures/healthy"}, hook);
        CHECK(r.status == 4);
        CHECK(kbl::test::read_file(out) == "old report\n");
        CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    }
    SECTION("without the hook the same run is clean") {
        CHECK(run({"check", "fixtures/healthy"}).status == 0);
    }
}

TEST_CASE("fail closed: a report that cannot be written is exit 2, not a pass", "[failclosed]") {
    timed_output r = kbl::test::wait_kblint(kbl::test::spawn_kblint({"check", "fixtures/healthy"}, "", {}, "/dev/full"), bound_s);
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: cannot write to standard output: no space left on device\n");
}
