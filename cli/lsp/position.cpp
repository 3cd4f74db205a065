#include "cli/lsp/position.hpp"

#include <algorithm>
#include <cctype>

#include "common/text.hpp"

namespace kbl::lsp {

namespace {

using nlohmann::json;

// Bytes of the character at `s[i]`: its UTF-8 sequence, or 1 for a byte that is not UTF-8.
std::size_t char_bytes(std::string_view s, std::size_t i) {
    std::size_t n = utf8_sequence_length(s, i);
    return n == 0 ? 1 : n;
}

bool name_char(char c, token_style style) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_' || c == '-') return true;
    return style == token_style::toml && (c == '.' || c == ':' || c == '+');
}

// End (exclusive) of a quoted string starting at `i`; the line's end when it is not closed.
std::size_t string_end(std::string_view line, std::size_t i) {
    char q = line[i];
    for (std::size_t j = i + 1; j < line.size(); ++j) {
        if (q == '"' && line[j] == '\\') {
            ++j;
            continue;
        }
        if (line[j] == q) return j + 1;
    }
    return line.size();
}

// End (exclusive) of a bracketed group starting at `i`, strings skipped; the line's end when open.
std::size_t group_end(std::string_view line, std::size_t i) {
    int depth = 0;
    for (std::size_t j = i; j < line.size(); ++j) {
        char c = line[j];
        if (c == '"' || c == '\'') {
            j = string_end(line, j) - 1;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if ((c == ']' || c == '}') && --depth == 0) {
            return j + 1;
        }
    }
    return line.size();
}

std::size_t token_end(std::string_view line, std::size_t i, token_style style) {
    if (i >= line.size()) return i;
    char c = line[i];
    if (c == '"' || c == '\'') return string_end(line, i);
    if (style == token_style::toml && (c == '[' || c == '{')) return group_end(line, i);
    if (!name_char(c, style)) return i + char_bytes(line, i);
    std::size_t j = i;
    while (j < line.size() && name_char(line[j], style)) ++j;
    return j;
}

json make_position(std::uint32_t line, std::uint32_t character) { return json{{"line", line}, {"character", character}}; }

} // namespace

std::uint32_t utf16_length(std::string_view s) {
    std::uint32_t units = 0;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = char_bytes(s, i);
        units += n == 4 ? 2 : 1;
        i += n;
    }
    return units;
}

std::size_t byte_offset(std::string_view line, std::uint32_t units) {
    std::size_t i = 0;
    std::uint32_t u = 0;
    while (i < line.size()) {
        std::size_t n = char_bytes(line, i);
        std::uint32_t w = n == 4 ? 2 : 1;
        if (u + w > units) break;
        u += w;
        i += n;
    }
    return i;
}

json to_position(const source_file& src, pos p) {
    if (!p.valid()) return make_position(0, 0);
    std::string_view line = src.line_text(p.line);
    std::size_t col = std::min<std::size_t>(p.column == 0 ? 0 : p.column - 1, line.size());
    return make_position(p.line - 1, utf16_length(line.substr(0, col)));
}

json token_range(const source_file& src, pos p, token_style style) {
    if (!p.valid()) return json{{"start", make_position(0, 0)}, {"end", make_position(0, 0)}};
    std::string_view line = src.line_text(p.line);
    std::size_t col = std::min<std::size_t>(p.column == 0 ? 0 : p.column - 1, line.size());
    std::size_t end = token_end(line, col, style);
    return json{{"start", make_position(p.line - 1, utf16_length(line.substr(0, col)))},
                {"end", make_position(p.line - 1, utf16_length(line.substr(0, end)))}};
}

json span_range(const source_file& src, pos from, pos to) {
    return json{{"start", to_position(src, from)}, {"end", to_position(src, to)}};
}

json whole_range(std::string_view text) {
    std::uint32_t lines = 0;
    std::size_t last = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') {
            ++lines;
            last = i + 1;
        }
    return json{{"start", make_position(0, 0)}, {"end", make_position(lines, utf16_length(text.substr(last)))}};
}

pos from_position(const source_file& src, std::uint32_t line, std::uint32_t character) {
    if (src.line_count() == 0) return pos{1, 1};
    std::uint32_t l = std::min(line + 1, src.line_count());
    std::string_view text = src.line_text(l);
    return pos{l, static_cast<std::uint32_t>(byte_offset(text, character) + 1)};
}

} // namespace kbl::lsp
