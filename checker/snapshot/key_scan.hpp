#pragma once
// The string at one key path of a TOML file, learnt by a flat scan of its bytes without a parse
// (`kblint check` groups the files of a fleet by cluster before it parses them). The scan is exact
// for every valid TOML file or says it is unsure; an invalid file fails its full parse later anyway.
// The same pass bounds the nesting depth and counts the values the load's limit scan would find
// (prescan.cpp), so that the load of bytes it read need not scan them again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checker/snapshot/snapshot.hpp"

namespace kbl::snap {

enum class scan_outcome : unsigned char {
    found,   ///< a string is written at the path (its value in `value`)
    absent,  ///< no string at the path: nothing there, another kind of value, or a path through an array
    unsure,  ///< the scan cannot tell (an escape, a multi-line string, an inline table on the path...)
};

struct key_scan {
    scan_outcome outcome = scan_outcome::unsure;
    std::string value;
    /// When sure and `limits_known`: at least the deepest nesting and the number of values the load's
    /// limit scan counts (a key, a header or a value that scan could read otherwise clears it).
    bool limits_known = false;
    std::uint32_t depth = 0;
    std::size_t values = 0;
};

/// The string at `path` (plain keys, compared exactly) in the TOML text `text`.
key_scan scan_string_at(std::string_view text, const std::vector<std::string>& path);

/// True when `k` shows its file within the depth and value limits of `lim`: the load of those bytes
/// may skip its limit scan (load_snapshot's `limits_checked`), whose errors it would never give.
bool within_limits(const key_scan& k, const load_limits& lim);

} // namespace kbl::snap
