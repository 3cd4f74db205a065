#include "checker/engine/shard.hpp"

#include <charconv>

#include <fmt/format.h>

#include "checker/engine/engine.hpp"
#include "checker/engine/eval.hpp"
#include "checker/engine/eval_util.hpp"
#include "common/hash.hpp"

namespace kbl {

namespace {

std::optional<std::uint32_t> number(std::string_view s) {
    std::uint32_t v = 0;
    if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// The key a cluster is sharded by: its cluster id as the engine compares it (case and surrounding
// white space aside), or the file name of a snapshot that names no cluster.
std::string cluster_key(const cluster_entry& c, const std::vector<snap::snapshot>& norm) {
    if (c.name.empty()) return norm[c.members.front()].file->name();
    return upper(trim(c.name));
}

} // namespace

std::optional<shard_spec> parse_shard(std::string_view text, std::string& error) {
    std::size_t slash = text.find('/');
    std::optional<std::uint32_t> k = slash == std::string_view::npos ? std::nullopt : number(text.substr(0, slash));
    std::optional<std::uint32_t> n = slash == std::string_view::npos ? std::nullopt : number(text.substr(slash + 1));
    if (!k || !n) {
        error = "expected K/N, such as 2/5: shard K of N";
        return std::nullopt;
    }
    if (*n == 0) {
        error = "the number of shards N must be at least 1";
        return std::nullopt;
    }
    if (*k == 0 || *k > *n) {
        error = fmt::format("the shard K must be from 1 to {}", *n);
        return std::nullopt;
    }
    return shard_spec{*k, *n};
}

std::uint64_t shard_hash(std::string_view key) {
    fnv1a h;
    h.text(key);
    // FNV-1a's low bits depend on the low bits of the bytes alone: MurmurHash3's finalizer (fmix64)
    // spreads every bit over the ones a small modulo keeps ("CLUSA" and "CLUSE" stay apart).
    std::uint64_t x = h.h;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

std::uint32_t shard_of(std::string_view key, std::uint32_t count) {
    return static_cast<std::uint32_t>(shard_hash(key) % count) + 1;
}

void keep_shard(const shard_spec& s, std::vector<snap::snapshot>& norm, eval_world& w, check_result& res) {
    std::vector<char> kept_cluster(w.clusters.size(), 0);
    std::vector<std::uint32_t> new_cluster(w.clusters.size(), 0);
    std::vector<cluster_entry> clusters;
    for (std::uint32_t ci = 0; ci < w.clusters.size(); ++ci) {
        if (shard_of(cluster_key(w.clusters[ci], norm), s.count) != s.index) continue;
        kept_cluster[ci] = 1;
        new_cluster[ci] = static_cast<std::uint32_t>(clusters.size());
        clusters.push_back({w.clusters[ci].name, {}});
        res.shard.ordinals.push_back(ci);
    }
    std::vector<snap::snapshot> kept;
    std::vector<snap_entry> snaps;
    for (std::uint32_t i = 0; i < norm.size(); ++i) {
        std::uint32_t ci = w.snaps[i].cluster;
        if (!kept_cluster[ci]) continue;
        res.shard.cluster_of_file.emplace(norm[i].file->name(), ci);
        snap_entry e = w.snaps[i];
        e.cluster = new_cluster[ci];
        clusters[e.cluster].members.push_back(static_cast<std::uint32_t>(kept.size()));
        snaps.push_back(std::move(e));
        kept.push_back(std::move(norm[i]));
    }
    norm = std::move(kept);
    for (std::size_t i = 0; i < snaps.size(); ++i) snaps[i].s = &norm[i];
    w.snaps = std::move(snaps);
    w.clusters = std::move(clusters);
    res.snapshots = norm.size();
}

} // namespace kbl
