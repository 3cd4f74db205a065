#pragma once
// The built-in rule pack, embedded at build time from rules/*.kbl by kblint_embed_pack
// (cli/embed_pack.cpp).
#include <string_view>
#include <vector>

namespace kbl {

/// One embedded rule file: its name (`rules/x.kbl`), bytes and AST (parser/ast_codec.hpp's image).
struct builtin_file {
    std::string_view name;
    std::string_view text;
    std::string_view image;
};

/// Every file of the built-in pack, in name order.
const std::vector<builtin_file>& builtin_rule_files();

} // namespace kbl
