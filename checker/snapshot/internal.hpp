#pragma once
// The snapshot loader's own pieces (private to checker/snapshot/, never included elsewhere):
// positions (positions.cpp), the checks on the bytes before toml++ sees them and the flat scanner
// (prescan.cpp), toml++'s errors in kblint's words (toml_error.cpp), and the parse by toml++ with
// the conversion of its tree into one arena of nodes (convert.cpp).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "checker/snapshot/snapshot.hpp"
#include "common/diagnostic.hpp"
#include "common/limits.hpp"

namespace kbl::snap::detail {

/// The UTF-8 byte order mark some Windows editors write at the start of a file.
inline constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

/// Per byte value: true for the characters of a TOML bare key (A-Z a-z 0-9 _ -).
inline constexpr std::array<bool, 256> bare_key_chars = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[static_cast<std::size_t>(c)] =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    return t;
}();

/// A character of a TOML bare key: A-Z a-z 0-9 _ - (one table lookup: the scanners' inner loop).
constexpr bool bare_key_char(char c) { return bare_key_chars[static_cast<unsigned char>(c)]; }

/// Per byte value: true for a byte a one-line string's scan must look at (a quote, a backslash, a
/// line feed); the scanners skip every other byte of a string.
inline constexpr std::array<bool, 256> string_stops = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("\"'\\\n")) t[c] = true;
    return t;
}();

/// A byte a one-line string's scan must look at: a quote, a backslash or a line feed.
constexpr bool string_stop(char c) { return string_stops[static_cast<unsigned char>(c)]; }

// ---------------------------------------------------------------------------------------------
// Positions (positions.cpp)

/// toml++ positions (line, column in code points, line 1 starting after a BOM) as kbl::pos (the
/// column in bytes of the file as written). Lookups arrive mostly in source order, so a cursor on
/// the last line keeps long single-line inputs linear.
class position_map {
public:
    /// A map over `text`, which must outlive it.
    explicit position_map(std::string_view text);

    /// The position of toml++'s (line, column); line 0 (unknown) is 1:1.
    pos convert(std::uint32_t line, std::uint32_t cp_column);

private:
    std::uint32_t byte_column(std::uint32_t line, std::uint32_t cp_column);

    std::string_view text_;
    bool bom_ = false;
    bool ascii_ = true;
    std::vector<std::size_t> line_starts_;
    std::uint32_t cur_line_ = 0;
    std::uint32_t cur_cp_ = 1;
    std::size_t cur_off_ = 0;
};

/// The line and byte column of byte `offset` of `text`.
pos pos_at_offset(std::string_view text, std::size_t offset);

/// The byte offset of `p` in `text` (the end of the text when `p` is past it).
std::size_t offset_of(std::string_view text, pos p);

// ---------------------------------------------------------------------------------------------
// Checks before toml++ (prescan.cpp)

/// The depth limit checked: --max-toml-depth, at most limits::hard_max_toml_depth (toml++ and the
/// loader recurse once per level).
inline std::uint32_t depth_limit(const load_limits& lim) { return std::min(lim.max_depth, limits::hard_max_toml_depth); }

/// NUL bytes, invalid UTF-8 and lone CRs, located at the offending byte (toml++ reports those a
/// code point or more off, or as a vague "saw '\u0000'"): an error with check id "toml", or nothing.
std::optional<diagnostic> check_bytes(const source_ptr& file);

/// The nesting depth (at most `depth_limit`) and the number of values (at most `lim.max_values`),
/// counted on the bytes before toml++ builds a tree: an error with check id "limit", or nothing.
std::optional<diagnostic> check_limits(const source_ptr& file, std::uint32_t depth_limit, const load_limits& lim);

/// A byte range of the text.
struct span {
    std::size_t begin;
    std::size_t end;
};

/// A flat TOML scanner (no recursion) that skips strings and comments and tracks how deep each key
/// and value sits: a key's depth is its table's depth plus its segment count, an array element sits
/// one below its array, an inline table's keys count from the table's own depth, and `[[a]]` adds
/// one for the array element. It is lenient: it only has to be right on valid TOML, toml++ reports
/// everything else. Run with a target offset, it also finds the keys and headers around a toml++
/// error so that the error can be placed on them.
class toml_scanner {
public:
    /// A scanner of `s` that stops past depth `max_depth`, or past byte `target` when one is given.
    toml_scanner(std::string_view s, std::uint32_t max_depth, std::size_t target = std::string_view::npos);

    /// Also stop at the first value past `max_values` (values_exceeded() then tells which limit).
    void limit_values(std::size_t max_values) { max_values_ = max_values; }
    /// True when the scan stopped on the number of values rather than the depth.
    [[nodiscard]] bool values_exceeded() const { return values_ > max_values_; }

    /// Where the depth or the number of values first exceeds its limit, if one does.
    std::optional<pos> run();

    /// Start of the last table header at or before the target.
    [[nodiscard]] std::optional<std::size_t> header_before_target() const { return header_hit_; }
    /// Segments of the key whose value starts at the target.
    [[nodiscard]] const std::vector<span>& key_of_value_at_target() const { return value_hit_; }
    /// Segments of a key up to and including the segment that starts at the target.
    [[nodiscard]] const std::vector<span>& key_up_to_target() const { return segment_hit_; }

private:
    enum class mode { expression, key, value, after_value };
    struct frame {
        bool array;
        std::uint32_t depth;
    };

    [[nodiscard]] char peek(std::size_t ahead = 0) const {
        return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0';
    }
    [[nodiscard]] pos here() const { return pos{line_, static_cast<std::uint32_t>(i_ - line_start_ + 1)}; }
    [[nodiscard]] bool in_array() const { return !frames_.empty() && frames_.back().array; }
    [[nodiscard]] bool in_inline_table() const { return !frames_.empty() && !frames_.back().array; }

    void newline();
    void skip_blanks();
    void skip_comment();
    void skip_scalar();
    void check(std::uint32_t depth, pos where);
    void skip_string();
    void expression();
    void start_key(std::uint32_t base, bool header);
    void end_header(std::uint32_t depth);
    void key();
    void value();
    void after_value();

    std::string_view s_;
    std::uint32_t max_;
    std::size_t target_;
    std::size_t max_values_ = std::numeric_limits<std::size_t>::max();
    std::size_t values_ = 0;
    std::size_t i_ = 0;
    std::uint32_t line_ = 1;
    std::size_t line_start_ = 0;
    mode mode_ = mode::expression;
    std::vector<frame> frames_;
    std::uint32_t table_depth_ = 0;
    std::uint32_t key_base_ = 0;
    bool key_header_ = false;
    bool header_array_ = false;
    pos header_pos_;
    std::vector<span> segments_;
    std::string header_path_;
    std::unordered_set<std::string> table_arrays_;  // paths of `[[...]]` headers seen, segments joined by '\n'
    std::uint32_t value_depth_ = 0;
    bool value_after_key_ = false;
    std::optional<pos> error_;
    std::optional<std::size_t> header_hit_;
    std::vector<span> value_hit_;
    std::vector<span> segment_hit_;
};

// ---------------------------------------------------------------------------------------------
// toml++ errors (toml_error.cpp) and the parse itself (convert.cpp)

/// toml++'s error `description` at its (line, code point column) in kblint's words, on the key or
/// header it is about: "Error while parsing key-value pair: expected '=', saw '\n'" becomes
/// "invalid key-value pair: expected '=', saw '\n'"; redefinitions name the key as written.
diagnostic toml_error(const source_ptr& file, std::string_view description, std::uint32_t line,
                      std::uint32_t cp_column, std::uint32_t depth_limit);

/// Parse `file` with toml++ and convert the tree (tables whose dotted path is in `ci_tables` look
/// their keys up case-insensitively); on a parse error, appends it to `errs` and returns null.
node_ptr parse_tree(const source_ptr& file, std::uint32_t depth_limit, const std::vector<std::string>& ci_tables,
                    diagnostics& errs);

} // namespace kbl::snap::detail
