// Positions in a snapshot: toml++ counts columns in code points and starts line 1 after a BOM;
// kbl::pos counts bytes of the file as written.
#include <algorithm>
#include <cstring>

#include "checker/snapshot/internal.hpp"

namespace kbl::snap::detail {

namespace {

// True when no byte of `s` from `i` on is above 0x7F (eight bytes at a time).
bool ascii_from(std::string_view s, std::size_t i) {
    for (std::uint64_t w = 0; i + 8 <= s.size(); i += 8) {
        std::memcpy(&w, s.data() + i, 8);
        if ((w & 0x8080808080808080ULL) != 0) return false;
    }
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

} // namespace

position_map::position_map(std::string_view text) : text_(text) {
    bom_ = text_.starts_with(utf8_bom);
    ascii_ = ascii_from(text_, bom_ ? 3 : 0);
}

pos position_map::convert(std::uint32_t line, std::uint32_t cp_column) {
    if (line == 0) return pos{1, 1};
    const std::uint32_t column = cp_column == 0 ? 1 : cp_column;
    if (ascii_) return pos{line, column + (bom_ && line == 1 ? 3u : 0u)};
    return pos{line, byte_column(line, column)};
}

std::uint32_t position_map::byte_column(std::uint32_t line, std::uint32_t cp_column) {
    if (line_starts_.empty()) {
        line_starts_.push_back(bom_ ? 3 : 0);
        for (std::size_t i = 0; i < text_.size(); ++i)
            if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
    if (line > line_starts_.size()) return cp_column;
    const std::size_t start = line_starts_[line - 1];
    if (line != cur_line_ || cp_column < cur_cp_) {
        cur_line_ = line;
        cur_cp_ = 1;
        cur_off_ = start;
    }
    while (cur_cp_ < cp_column && cur_off_ < text_.size() && text_[cur_off_] != '\n') {
        ++cur_off_;
        while (cur_off_ < text_.size() && (static_cast<unsigned char>(text_[cur_off_]) & 0xC0) == 0x80)
            ++cur_off_;
        ++cur_cp_;
    }
    const std::size_t line_origin = line == 1 ? 0 : start;
    return static_cast<std::uint32_t>(cur_off_ - line_origin + 1 + (cp_column - cur_cp_));
}

pos pos_at_offset(std::string_view text, std::size_t offset) {
    std::uint32_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    return pos{line, static_cast<std::uint32_t>(offset - line_start + 1)};
}

std::size_t offset_of(std::string_view text, pos p) {
    std::size_t off = 0;
    for (std::uint32_t line = 1; line < p.line; ++line) {
        const auto nl = text.find('\n', off);
        if (nl == std::string_view::npos) return text.size();
        off = nl + 1;
    }
    return std::min(text.size(), off + p.column - 1);
}

} // namespace kbl::snap::detail
