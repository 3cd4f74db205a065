// `kblint check --shard K/N`: which clusters a shard checks (a stable hash of the cluster id, the
// file name for a snapshot outside any cluster), every cluster and every input error in exactly one
// shard, and the usage errors of the flag.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/engine/eval_util.hpp"
#include "checker/engine/shard.hpp"
#include "tests/shard_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

// The FNV-1a 64 test vectors of its authors (Fowler, Noll, Vo): "", "a" and "foobar".
constexpr std::uint64_t fnv_empty = 0xcbf29ce484222325ull;
constexpr std::uint64_t fnv_a = 0xaf63dc4c8601ec8cull;
constexpr std::uint64_t fnv_foobar = 0x85944171f73967e8ull;

json load(const std::string& path) { return json::parse(read_file(path)); }

// cluster (or, outside any cluster, file) -> the shards whose report says they evaluated it.
std::map<std::string, std::set<std::uint32_t>> units_by_shard(const std::vector<std::string>& reports) {
    std::map<std::string, std::set<std::uint32_t>> out;
    for (std::uint32_t k = 0; k < reports.size(); ++k) {
        json r = load(reports[k]);
        for (const auto& g : r["shard"]["evaluated"])
            out[g["cluster"].is_null() ? g["file"].get<std::string>() : g["cluster"].get<std::string>()].insert(k + 1);
    }
    return out;
}

using error_key = std::tuple<std::string, std::string, std::string>;  // file, line, message

std::multiset<error_key> errors_of(const json& report) {
    std::multiset<error_key> out;
    for (const auto& e : report["errors"]) out.emplace(e["file"], e["line"].dump(), e["message"]);
    return out;
}

} // namespace

TEST_CASE("shard: K/N with K from 1 to N, anything else refused with the reason", "[shard]") {
    std::string why;
    auto s = kbl::parse_shard("2/3", why);
    REQUIRE(s.has_value());
    CHECK(s->index == 2);
    CHECK(s->count == 3);
    CHECK(kbl::parse_shard("1/1", why)->count == 1);
    for (const char* bad : {"3", "2/", "/3", "a/b", "-1/3", "1/3/4", "+1/3", "1 /3", "99999999999/99999999999"}) {
        INFO(bad);
        CHECK_FALSE(kbl::parse_shard(bad, why).has_value());
        CHECK(why == "expected K/N, such as 2/5: shard K of N");
    }
    CHECK_FALSE(kbl::parse_shard("1/0", why).has_value());
    CHECK(why == "the number of shards N must be at least 1");
    CHECK_FALSE(kbl::parse_shard("0/3", why).has_value());
    CHECK(why == "the shard K must be from 1 to 3");
    CHECK_FALSE(kbl::parse_shard("4/3", why).has_value());
    CHECK(why == "the shard K must be from 1 to 3");
}

// MurmurHash3's fmix64, as its author (Austin Appleby) published it.
constexpr std::uint64_t fmix64(std::uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

TEST_CASE("shard: a key falls in shard (fmix64(FNV-1a 64 of its bytes) mod N) + 1, on every machine", "[shard]") {
    CHECK(kbl::shard_hash("") == fmix64(fnv_empty));
    CHECK(kbl::shard_hash("a") == fmix64(fnv_a));
    CHECK(kbl::shard_hash("foobar") == fmix64(fnv_foobar));
    for (std::uint32_t n : {1u, 2u, 3u, 7u, 1000u}) {
        INFO(n);
        CHECK(kbl::shard_of("", n) == fmix64(fnv_empty) % n + 1);
        CHECK(kbl::shard_of("a", n) == fmix64(fnv_a) % n + 1);
        CHECK(kbl::shard_of("foobar", n) == fmix64(fnv_foobar) % n + 1);
    }
    // Keys that differ only above the two low bits of a byte do not all share a shard of 4 (plain
    // FNV-1a puts these four in one).
    std::set<std::uint32_t> shards;
    for (const char* key : {"CLUSA", "CLUSE", "CLUSI", "CLUSM", "CLUSQ", "CLUSU"}) shards.insert(kbl::shard_of(key, 4));
    CHECK(shards.size() > 1);
}

TEST_CASE("check --shard: every cluster of fixtures/ is checked by exactly one shard, the one its id hashes to",
          "[shard][cli]") {
    std::string dir = temp_dir("shard-fixtures");
    json single = json::parse(run_kblint({"check", "-f", "json", "fixtures"}).out);
    std::map<std::string, std::set<std::uint32_t>> all = units_by_shard(run_shards({"fixtures"}, 1, dir));
    REQUIRE(all.size() == single["summary"]["clusters"].get<std::size_t>());
    REQUIRE(all.size() == 19);
    for (std::uint32_t n : {1u, 2u, 3u}) {
        INFO("N = " << n);
        std::vector<std::string> reports = run_shards({"fixtures"}, n, dir);
        std::map<std::string, std::set<std::uint32_t>> by_shard = units_by_shard(reports);
        CHECK(by_shard.size() == all.size());
        for (const auto& [cluster, shards] : all) {
            INFO(cluster);
            REQUIRE(by_shard[cluster].size() == 1);
            CHECK(*by_shard[cluster].begin() == kbl::shard_of(kbl::upper(cluster), n));
        }
        std::size_t snapshots = 0, clusters = 0, findings = 0;
        for (const auto& path : reports) {
            json r = load(path);
            snapshots += r["summary"]["snapshots"].get<std::size_t>();
            clusters += r["summary"]["clusters"].get<std::size_t>();
            findings += r["findings"].size();
            for (const auto& f : r["findings"])  // a shard reports the findings of its clusters only
                CHECK(kbl::shard_of(kbl::upper(f["cluster"].get<std::string>()), n) == r["shard"]["index"].get<std::uint32_t>());
        }
        CHECK(snapshots == 38);
        CHECK(clusters == 19);
        CHECK(findings == single["findings"].size());
    }
}

TEST_CASE("check --shard: snapshots without a cluster go by file name, and each input error is in one shard", "[shard][cli]") {
    std::string root = temp_dir("shard-fleet");
    make_fleet(root);
    json single = json::parse(run_kblint({"check", "-f", "json", "fleet"}, root).out);
    REQUIRE(single["summary"]["clusters"] == 13);
    REQUIRE(single["errors"].size() == 3);  // broken.toml, bad-utf8.toml, and GEN-3 incomplete
    for (std::uint32_t n : {2u, 3u}) {
        INFO("N = " << n);
        std::vector<std::string> reports = run_shards({"fleet"}, n, temp_dir("shard-fleet-reports"), root);
        std::map<std::string, std::set<std::uint32_t>> by_shard = units_by_shard(reports);
        REQUIRE(by_shard.size() == 13);
        for (int j = 0; j < 3; ++j) {
            std::string file = "fleet/solo/solo" + std::to_string(j) + ".toml";
            REQUIRE(by_shard[file].size() == 1);
            CHECK(*by_shard[file].begin() == kbl::shard_of(file, n));
        }
        std::multiset<error_key> errors;
        for (const auto& path : reports) {
            json r = load(path);
            for (const auto& e : errors_of(r)) errors.insert(e);
            for (const auto& e : r["errors"]) {
                std::string file = e["file"];
                std::uint32_t k = r["shard"]["index"];
                if (e["id"] == "incomplete-cluster")  // a cluster's own errors go with the cluster
                    CHECK(kbl::shard_of("GEN-3", n) == k);
                else  // a file that did not load goes by its name
                    CHECK(kbl::shard_of(file, n) == k);
            }
        }
        CHECK(errors == errors_of(single));
    }
}

TEST_CASE("check --shard: a value that is not K/N, --focus and 'kblint baseline' are usage errors", "[shard][cli]") {
    struct usage {
        std::vector<std::string> args;
        std::string err;
    };
    const std::vector<usage> cases = {
        {{"check", "--shard", "0/3", "fixtures"}, "kblint: invalid value '0/3' for '--shard': the shard K must be from 1 to 3\n"},
        {{"check", "--shard", "4/3", "fixtures"}, "kblint: invalid value '4/3' for '--shard': the shard K must be from 1 to 3\n"},
        {{"check", "--shard", "1/0", "fixtures"},
         "kblint: invalid value '1/0' for '--shard': the number of shards N must be at least 1\n"},
        {{"check", "--shard=half", "fixtures"}, "kblint: invalid value 'half' for '--shard': expected K/N, such as 2/5: shard K of N\n"},
        {{"check", "--shard", "1/2", "--focus", "fixtures/healthy/NODE1.toml", "fixtures"},
         "kblint: '--shard' and '--focus' cannot be used together\n"},
        {{"baseline", "create", "--baseline", "b.json", "--shard", "1/2", "fixtures"},
         "kblint: '--shard' does not apply to 'kblint baseline', which needs the findings of every cluster\n"},
    };
    for (const auto& c : cases) {
        INFO(c.args[2]);
        run_output r = run_kblint(c.args);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err == c.err);
    }
    CHECK(run_kblint({"check", "--help"}).out.find("  --shard K/N                 check only the clusters of shard K of N") !=
          std::string::npos);
}

TEST_CASE("check --shard: the shard key is in JSON reports only, and only with --shard", "[shard][cli]") {
    std::string dir = temp_dir("shard-key");
    CHECK_FALSE(json::parse(run_kblint({"check", "-f", "json", "fixtures/healthy"}).out).contains("shard"));
    json r = load(run_shards({"fixtures/healthy"}, 1, dir).front());
    const json& s = r["shard"];
    CHECK(s["index"] == 1);
    CHECK(s["count"] == 1);
    CHECK(s["snapshot_files"] == 2);
    CHECK(s["fail_on"] == "error");
    CHECK(s["rules"].size() == r["summary"]["rules"].get<std::size_t>());
    CHECK(s["evaluated"].size() == 3);  // NODE1, NODE2, and the cluster rules
    CHECK(s["errors"].empty());
    CHECK(s["sources"].empty());  // no finding, no error: no snippet to carry
    for (const char* key : {"pack", "options", "inputs"}) CHECK(s[key].get<std::string>().size() == 16);
    run_output text = run_kblint({"check", "--shard", "1/1", "fixtures/healthy"});
    CHECK(text.status == 0);
    CHECK(text.out == run_kblint({"check", "fixtures/healthy"}).out);
}
