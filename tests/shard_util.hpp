#pragma once
// What the tests of `check --shard` and `kblint merge` share: running every shard of a run, and a
// generated fleet that exercises what sharding must keep apart (clusters, snapshots without a
// cluster, files that fail to load, an incomplete cluster, waivers used by one shard only, a baseline).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/test_util.hpp"

namespace kbl::test {

/// The JSON reports of `kblint check ARGS --shard K/N -f json` for K = 1..N, run in `cwd`, written
/// to `dir`/shardN-K.json; their paths, in order.
inline std::vector<std::string> run_shards(const std::vector<std::string>& args, std::uint32_t n, const std::string& dir,
                                           const std::string& cwd = "", const std::vector<std::string>& env = {}) {
    std::vector<std::string> files;
    for (std::uint32_t k = 1; k <= n; ++k) {
        std::string out = dir + "/shard" + std::to_string(n) + "-" + std::to_string(k) + ".json";
        std::vector<std::string> argv = {"check"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--shard", std::to_string(k) + "/" + std::to_string(n), "-f", "json", "-o", out});
        run_output r = run_kblint(argv, cwd, env);
        INFO(r.err);
        REQUIRE((r.status == 0 || r.status == 1 || r.status == 2));
        files.push_back(out);
    }
    return files;
}

/// `text` with the cluster name of its `[cluster]` table set to `name` (removed when `name` is empty).
inline std::string with_cluster(std::string text, const std::string& name) {
    const std::string key = "[cluster]\nname = \"";
    std::size_t at = text.find(key);
    REQUIRE(at != std::string::npos);
    std::size_t value = at + key.size() - 1;
    std::size_t end = text.find('\n', value);
    if (name.empty())
        text.erase(at + 10, end + 1 - (at + 10));
    else
        text.replace(value, text.find('"', value + 1) + 1 - value, "\"" + name + "\"");
    return text;
}

/// Write the cluster `GEN-<i>` (the two nodes of the fixture folder `fixture`) under `root`/fleet/c<i>.
inline void write_cluster(const std::string& root, int i, const std::string& fixture) {
    for (const char* node : {"NODE1", "NODE2"}) {
        std::string text = read_file(src_path("fixtures/" + fixture + "/" + node + ".toml"));
        write_file(root + "/fleet/c" + std::to_string(i) + "/" + node + ".toml", with_cluster(text, "GEN-" + std::to_string(i)));
    }
}

/// A fleet under `root`/fleet: ten two-node clusters GEN-0..GEN-9 from the fixtures (findings of
/// several rules, runbooks), three snapshots that name no cluster (fleet/solo), a file that is not
/// TOML in GEN-3's folder (so GEN-3 is incomplete) and one that is not UTF-8.
inline void make_fleet(const std::string& root) {
    const std::vector<std::string> fixtures = {"Q241573-072", "Q241573-070", "Q241573-010",  "healthy",     "Q241573-074",
                                               "KBL-001",     "Q241573-071", "runbook-late-stop", "Q241573-077", "Q235698-001"};
    for (int i = 0; i < static_cast<int>(fixtures.size()); ++i) write_cluster(root, i, fixtures[static_cast<std::size_t>(i)]);
    const std::vector<std::string> solo = {"healthy", "Q241573-070", "Q241573-073"};
    for (std::size_t j = 0; j < solo.size(); ++j) {
        std::string text = with_cluster(read_file(src_path("fixtures/" + solo[j] + "/NODE1.toml")), "");
        std::size_t at = text.find("netbios_name = \"NODE1\"");
        REQUIRE(at != std::string::npos);
        text.replace(at, 22, "netbios_name = \"SOLO" + std::to_string(j) + "\"");
        write_file(root + "/fleet/solo/solo" + std::to_string(j) + ".toml", text);
    }
    write_file(root + "/fleet/c3/broken.toml", "a = [\n");
    write_file(root + "/fleet/solo/bad-utf8.toml", "x = \"\xff\xfe\"\n");
}

/// The line and column (1-based) just after the first `needle` of `text` that follows `after`:
/// where a report writes the value of a key (`"options": ` -> the value).
inline std::pair<std::size_t, std::size_t> place_after(const std::string& text, std::string_view needle,
                                                       std::string_view after = {}) {
    std::size_t from = after.empty() ? 0 : text.find(after);
    REQUIRE(from != std::string::npos);
    std::size_t at = text.find(needle, from);
    REQUIRE(at != std::string::npos);
    std::size_t line_start = text.rfind('\n', at);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    std::size_t line = 1;
    for (std::size_t i = 0; i < line_start; ++i) line += text[i] == '\n' ? 1 : 0;
    return {line, at + needle.size() - line_start + 1};
}

} // namespace kbl::test
