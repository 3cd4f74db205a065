#pragma once
// The built-in rule pack, embedded at build time from rules/*.kbl.
#include <string_view>
#include <vector>

namespace kbl {

/// One embedded rule file: its name (`rules/x.kbl`) and bytes.
struct builtin_file {
    std::string_view name;
    std::string_view text;
};

/// Every file of the built-in pack, in name order.
const std::vector<builtin_file>& builtin_rule_files();

} // namespace kbl
