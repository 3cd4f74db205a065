#pragma once
// The one stable hash: the same value on every build, compiler and machine (never std::hash), for
// fingerprints that outlive a run and for the shard a cluster falls in.
#include <cstdint>
#include <string_view>

namespace kbl {

/// 64-bit FNV-1a, fed byte by byte.
struct fnv1a {
    static constexpr std::uint64_t offset = 14695981039346656037ull;
    static constexpr std::uint64_t prime = 1099511628211ull;
    std::uint64_t h = offset;

    /// Add one byte.
    void byte(unsigned char c) {
        h ^= c;
        h *= prime;
    }
    /// Add the bytes of `s`.
    void text(std::string_view s) {
        for (char c : s) byte(static_cast<unsigned char>(c));
    }
    /// Add the bytes of `s` with ASCII letters in upper case.
    void upper_text(std::string_view s) {
        for (char c : s) byte(static_cast<unsigned char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
    }
};

} // namespace kbl
