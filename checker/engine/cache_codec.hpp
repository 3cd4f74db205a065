#pragma once
// The bytes of a result cache entry's results (result_cache.hpp): a cluster's findings, errors,
// evaluation log, not evaluated rules, timelines, checked list and its files' load errors, in a
// compact binary form. Sources are written as references (a file of the pack, a file of the
// cluster) or, for any other, inline. Reading never trusts the bytes: any overrun or impossible
// value makes the whole read fail.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/result_cache.hpp"

namespace kbl {

/// What the sources of an entry are resolved against.
struct codec_sources {
    const std::vector<source_ptr>* pack_files = nullptr;                  ///< the pack's files, by index
    const std::map<const source_file*, std::uint32_t>* pack_index = nullptr;  ///< the same, by pointer
    const group_files* group = nullptr;                                   ///< the cluster's files
};

/// Append the results `r` to `out`.
void encode_group(const group_result& r, const codec_sources& src, std::string& out);

/// The results encoded in `bytes` (the whole of them); false when they are malformed.
bool decode_group(std::string_view bytes, const codec_sources& src, group_result& r);

/// A second 64-bit hash of `s`, independent of FNV-1a (multiply and rotate over 8-byte words).
std::uint64_t mix_hash(std::string_view s, std::uint64_t seed = 0);

/// Two 64-bit hashes of `s` with independent constants, in one pass over 8-byte words (a file's
/// bytes, where FNV-1a's byte at a time would be the warm run's largest cost).
std::array<std::uint64_t, 2> content_hash(std::string_view s);

} // namespace kbl
