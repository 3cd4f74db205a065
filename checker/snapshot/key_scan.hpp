#pragma once
// The string at one key path of a TOML file, learnt by a flat scan of its bytes without a parse
// (`kblint check` groups the files of a fleet by cluster before it parses them). The scan is exact
// for every valid TOML file or says it is unsure; an invalid file fails its full parse later anyway.
#include <string>
#include <string_view>
#include <vector>

namespace kbl::snap {

enum class scan_outcome : unsigned char {
    found,   ///< a string is written at the path (its value in `value`)
    absent,  ///< no string at the path: nothing there, another kind of value, or a path through an array
    unsure,  ///< the scan cannot tell (an escape, a multi-line string, an inline table on the path...)
};

struct key_scan {
    scan_outcome outcome = scan_outcome::unsure;
    std::string value;
};

/// The string at `path` (plain keys, compared exactly) in the TOML text `text`.
key_scan scan_string_at(std::string_view text, const std::vector<std::string>& path);

} // namespace kbl::snap
