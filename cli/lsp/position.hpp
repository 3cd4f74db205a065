#pragma once
// Positions: kblint's are 1-based lines and byte columns (common/source.hpp); LSP's are 0-based
// lines and columns in UTF-16 code units. A byte that is not UTF-8 counts as one unit (U+FFFD).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/source.hpp"

namespace kbl::lsp {

/// UTF-16 code units in `s`.
std::uint32_t utf16_length(std::string_view s);

/// The byte offset in `line` of UTF-16 column `units` (the line's length when past its end; the
/// start of a character whose second unit `units` falls in).
std::size_t byte_offset(std::string_view line, std::uint32_t units);

/// How far a diagnostic's range reaches from its start.
enum class token_style {
    kbl,   ///< a name (`[A-Za-z0-9_]`, and `-` in rule ids), a string, or one character
    toml,  ///< a key or bare value (also `.`, `:`, `+`), a string, a `[...]`/`{...}` on the line, or one character
};

/// The LSP Position of `p` in `src`.
nlohmann::json to_position(const source_file& src, pos p);

/// The LSP Range of the token that starts at `p` (see token_style); empty at the end of a line.
nlohmann::json token_range(const source_file& src, pos p, token_style style);

/// The range from `from` to `to` (1-based, `to` just past the end).
nlohmann::json span_range(const source_file& src, pos from, pos to);

/// The Range of all of `text`.
nlohmann::json whole_range(std::string_view text);

/// The 1-based byte position of an LSP position, clamped to the text.
pos from_position(const source_file& src, std::uint32_t line, std::uint32_t character);

} // namespace kbl::lsp
