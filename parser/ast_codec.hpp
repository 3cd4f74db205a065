#pragma once
// A parsed rule file as bytes and back: the built-in pack is parsed once, at build time
// (cli/pack_image_gen.cpp), and `kblint` decodes its files' ASTs at startup instead of parsing
// them again. The bytes are a native-endian image for the binary that made them, not a portable
// format: nothing outside the build reads or writes them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parser/ast.hpp"

namespace kbl {

/// The AST of `f` (whose `src` holds the text it was parsed from) as bytes, with a header that
/// names the parse's nesting limit and the text's size.
std::string encode_ast(const ast::file& f, std::uint32_t max_depth);

/// The AST `encode_ast` wrote for `src`, or nullopt when `image` is not one (a wrong header,
/// another text's size, a nesting limit above `max_depth`, truncated or trailing bytes): the
/// caller then parses `src` itself.
std::optional<ast::file> decode_ast(std::string_view image, const source_ptr& src, std::uint32_t max_depth);

} // namespace kbl
