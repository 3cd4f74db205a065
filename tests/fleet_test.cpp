// `kblint check` streams a fleet cluster by cluster (checker/engine/fleet.hpp): its reports equal
// those of the run that loads every file first (a sharded run, `--shard 1/1`, still does), for
// every -j, with files the pre-scan cannot read, files that fail only at their full parse, and the
// incomplete clusters those leave. The pre-scan keeps the bytes it read for the load.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/engine/engine.hpp"
#include "checker/engine/fleet.hpp"
#include "tests/test_util.hpp"

namespace {

using kbl::test::run_kblint;

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

// The JSON report without the shard key a sharded run adds.
std::string json_without_shard(const std::string& out) {
    auto j = nlohmann::json::parse(out);
    j.erase("shard");
    return j.dump(1);
}

// The same report from -j1, -j2 and the run that loads everything first, for text and JSON.
void same_reports(const std::string& dir, int status) {
    for (const std::string fmt : {"text", "json", "junit"}) {
        INFO(fmt);
        auto one = run_kblint({"check", "-j1", "-f", fmt, dir});
        auto two = run_kblint({"check", "-j2", "-f", fmt, dir});
        auto all = run_kblint({"check", "-j2", "--shard", "1/1", "-f", fmt, dir});
        CHECK(one.status == status);
        CHECK(two.status == status);
        CHECK(all.status == status);
        CHECK(one.out == two.out);
        CHECK(one.err == two.err);
        if (fmt == "json") CHECK(json_without_shard(one.out) == json_without_shard(all.out));
        else CHECK(one.out == all.out);
    }
    auto verbose = run_kblint({"check", "-j2", "-v", dir});
    auto verbose_all = run_kblint({"check", "-j1", "-v", "--shard", "1/1", dir});
    CHECK(verbose.err == verbose_all.err);
}

} // namespace

TEST_CASE("a streamed run reports what a run that loads every file reports, on every fixture") {
    same_reports(kbl::test::src_path("fixtures"), 1);
}

TEST_CASE("files the pre-scan cannot read and files that fail their parse late") {
    const std::string node1 = kbl::test::read_file(kbl::test::src_path("fixtures/KBL-001/NODE1.toml"));
    const std::string node2 = kbl::test::read_file(kbl::test::src_path("fixtures/KBL-001/NODE2.toml"));
    const std::string dir = kbl::test::temp_dir("fleet");
    auto named = [&](const std::string& text, const std::string& cluster) {
        return replaced(text, "name = \"WC-KBL-001\"", "name = " + cluster);
    };
    // a/: one cluster whose names the scan cannot read (an escape, a literal string).
    kbl::test::write_file(dir + "/a/n1.toml", named(node1, "\"WC-\\u0041\""));
    kbl::test::write_file(dir + "/a/n2.toml", named(node2, "'wc-a'"));
    // b/: cluster B's second file is scanned but fails its parse; cluster C beside it is incomplete.
    kbl::test::write_file(dir + "/b/b1.toml", named(node1, "\"B\""));
    kbl::test::write_file(dir + "/b/b2.toml", named(node2, "\"B\"") + "\nbroken = [\n");
    kbl::test::write_file(dir + "/b/c1.toml", named(node1, "\"C\""));
    kbl::test::write_file(dir + "/b/c2.toml", named(node2, "\"C\""));
    // d/: a file the scan is unsure of that fails its parse, and a cluster beside it.
    kbl::test::write_file(dir + "/d/bad.toml", "x = [1,\n");
    kbl::test::write_file(dir + "/d/d1.toml", named(node1, "\"D\""));
    kbl::test::write_file(dir + "/d/d2.toml", named(node2, "\"D\""));
    same_reports(dir, 2);

    auto r = run_kblint({"check", "-j2", "-f", "json", dir});
    auto j = nlohmann::json::parse(r.out);
    std::vector<std::string> messages;
    for (const auto& e : j["errors"]) messages.push_back(e["file"].get<std::string>() + ": " + e["message"].get<std::string>());
    REQUIRE(messages.size() == 5);
    CHECK(messages[2].find(dir + "/b/b1.toml: cluster 'B' is incomplete: '" + dir + "/b/b2.toml' failed to load") == 0);
    CHECK(messages[3].find(dir + "/b/c1.toml: cluster 'C' is incomplete: '" + dir + "/b/b2.toml' failed to load") == 0);
    CHECK(messages[4].find(dir + "/d/d1.toml: cluster 'D' is incomplete: '" + dir + "/d/bad.toml' failed to load") == 0);
    CHECK(j["summary"]["snapshots"] == 7);
    CHECK(j["summary"]["clusters"] == 4);
}

TEST_CASE("the grouping keeps the bytes it scanned for the load and not those it could not scan") {
    const std::string schema = "schema {\n  node_id node.name\n  cluster_id cluster.name\n"
                               "  field node.name string required\n  field cluster.name string\n}\n";
    auto res = kbl::load_pack({std::make_shared<kbl::source_file>("s.kbl", schema)});
    REQUIRE(res.p);
    const std::string dir = kbl::test::temp_dir("fleet_kept");
    const std::vector<std::string> texts = {
        "[node]\nname = \"n1\"\n[cluster]\nname = \"A\"\n",        // found
        "[node]\nname = \"n2\"\n",                                 // absent
        "[node]\nname = \"n3\"\n[cluster]\nname = \"\\u0041\"\n",  // unsure: parsed by the grouping
    };
    std::vector<std::string> files;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        files.push_back(dir + "/n" + std::to_string(i + 1) + ".toml");
        kbl::test::write_file(files.back(), texts[i]);
    }
    kbl::fleet_files in;
    in.files = &files;
    in.ci_tables = kbl::pack_ci_tables(*res.p);
    const kbl::fleet_plan plan = kbl::plan_fleet(*res.p, in, 2);
    REQUIRE(plan.kept.size() == 3);
    CHECK(plan.kept[0] == std::optional<std::string>(texts[0]));
    CHECK(plan.kept[1] == std::optional<std::string>(texts[1]));
    CHECK_FALSE(plan.kept[2].has_value());
    CHECK(plan.groups == std::vector<std::vector<std::uint32_t>>{{0, 2}, {1}});
}
