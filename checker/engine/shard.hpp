#pragma once
// Sharding a fleet: `kblint check --shard K/N` checks only the clusters that fall in shard K of N,
// so that N CI runners share the work, and `kblint merge` joins their JSON reports into the report
// of one run. A cluster falls in a shard by a stable hash of its cluster id (of its file name for a
// snapshot that names no cluster), so every runner of a matrix agrees whatever machine it runs on.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/snapshot/snapshot.hpp"

namespace kbl {

struct eval_world;    // checker/engine/eval.hpp
struct check_result;  // checker/engine/engine.hpp

/// Shard `index` of `count`, both 1-based.
struct shard_spec {
    std::uint32_t index = 1;
    std::uint32_t count = 1;
};

/// `K/N` (decimal digits, K from 1 to N); nullopt with the reason in `error` otherwise.
std::optional<shard_spec> parse_shard(std::string_view text, std::string& error);

/// The hash a key is sharded by: FNV-1a 64 of its bytes, mixed by MurmurHash3's 64-bit finalizer.
std::uint64_t shard_hash(std::string_view key);

/// The shard (1 to `count`) a key falls in: shard_hash(key) modulo `count`, plus one.
std::uint32_t shard_of(std::string_view key, std::uint32_t count);

/// Where what a sharded run checked sits in the run over the whole fleet, so that `kblint merge`
/// can put the reports of the shards back in the order of one run.
struct shard_trace {
    std::vector<std::uint32_t> ordinals;  ///< per cluster checked: its index among every cluster of the fleet
    std::map<std::string, std::uint32_t> cluster_of_file;  ///< snapshot file checked -> ordinal of its cluster
    std::vector<std::size_t> error_marks;  ///< per cluster checked: the entries of `errors` before its own
};

/// Keep only the clusters of shard `s` in `w` and their snapshots in `norm` (both in their order),
/// recording in `res.shard` where they were; `res.snapshots` counts the snapshots kept.
void keep_shard(const shard_spec& s, std::vector<snap::snapshot>& norm, eval_world& w, check_result& res);

} // namespace kbl
