// The checks on a snapshot's bytes before toml++ sees them: NUL bytes, invalid UTF-8 and lone CRs,
// then the nesting depth and the number of values, counted by a flat scanner that never recurses.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "checker/snapshot/internal.hpp"
#include "common/check_ids.hpp"
#include "common/text.hpp"

namespace kbl::snap::detail {

namespace {

struct byte_problem {
    std::size_t offset;
    std::string message;
    std::string help;
};

// Why the bytes at `s[i]` are not one UTF-8 character (utf8_sequence_length found none there).
std::string utf8_problem(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 && c <= 0xBF) return fmt::format("invalid utf-8: unexpected continuation byte 0x{:02x}", c);
    const std::size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0) return fmt::format("invalid utf-8: byte 0x{:02x} cannot start a character", c);
    for (std::size_t k = 1; k < len; ++k)
        if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
            return "invalid utf-8: truncated multi-byte sequence";
    const char32_t cp = utf8_decode(s, i, len);
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return "invalid utf-8: overlong encoding";
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return fmt::format("invalid utf-8: encoded surrogate U+{:04X}", static_cast<std::uint32_t>(cp));
    return "invalid utf-8: code point above U+10FFFF";
}

// True when the eight bytes at `s[i]` are ASCII with no NUL and no CR: nothing to check there.
bool plain_word(std::string_view s, std::size_t i) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::uint64_t w = 0;
    std::memcpy(&w, s.data() + i, 8);
    const std::uint64_t cr = w ^ (ones * '\r');
    return (w & highs) == 0 && ((w - ones) & ~w & highs) == 0 && ((cr - ones) & ~cr & highs) == 0;
}

// The first NUL byte, lone CR or byte that is not UTF-8, located at that byte.
std::optional<byte_problem> find_byte_problem(std::string_view s) {
    const std::size_t n = s.size();
    std::size_t i = s.starts_with(utf8_bom) ? 3 : 0;
    while (i < n) {
        while (i + 8 <= n && plain_word(s, i)) i += 8;
        if (i >= n) break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == 0) {
            const bool utf16 = (n >= 2 && (s[0] == '\0' || s[1] == '\0'));
            return byte_problem{i, "null byte in file",
                                utf16 ? "the file looks like utf-16; toml files must be utf-8"
                                      : "toml files are utf-8 text and cannot contain null bytes"};
        }
        if (c == '\r' && (i + 1 >= n || s[i + 1] != '\n'))
            return byte_problem{i, "carriage return not followed by a line feed",
                                "toml lines end with '\\n' or '\\r\\n'; a lone '\\r' is not allowed anywhere"};
        if (c < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence_length(s, i);
        if (len == 0) {
            const bool utf16_bom = i == 0 && (s.starts_with("\xFF\xFE") || s.starts_with("\xFE\xFF"));
            return byte_problem{i, utf8_problem(s, i),
                                utf16_bom ? "the file starts with a utf-16 byte order mark; toml files must be utf-8"
                                          : ""};
        }
        i += len;
    }
    return std::nullopt;
}

bool scalar_char(char c) {
    switch (c) {
    case ' ': case '\t': case '\r': case '\n': case ',': case '[': case ']': case '{': case '}':
    case '#': case '=': case '"': case '\'':
        return false;
    default:
        return c != '\0';
    }
}

// A header segment as a name (quotes removed when it holds no escape), to match array-of-tables paths.
std::string_view key_name(std::string_view raw) {
    if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'') && raw.find('\\') == std::string_view::npos)
        return raw.substr(1, raw.size() - 2);
    return raw;
}

} // namespace

std::optional<diagnostic> check_bytes(const source_ptr& file) {
    std::optional<byte_problem> problem = find_byte_problem(file->text());
    if (!problem) return std::nullopt;
    diagnostic d = error_at(file, pos_at_offset(file->text(), problem->offset), std::move(problem->message), check_ids::toml);
    if (!problem->help.empty()) add_help_note(d, std::move(problem->help));
    return d;
}

std::optional<diagnostic> check_limits(const source_ptr& file, std::uint32_t depth_limit, const load_limits& lim) {
    toml_scanner scanner(file->text(), depth_limit);
    scanner.limit_values(lim.max_values);
    const std::optional<pos> where = scanner.run();
    if (!where) return std::nullopt;
    if (scanner.values_exceeded()) {
        diagnostic d = error_at(
            file, *where, fmt::format("number of values exceeds the limit of {} (--max-toml-values)", lim.max_values),
            check_ids::limit);
        add_help_note(d, "each value, each array element and each inline table counts; every value costs memory, "
                         "however short it is written");
        return d;
    }
    diagnostic d = error_at(
        file, *where,
        depth_limit == lim.max_depth
            ? fmt::format("nesting depth exceeds the limit of {} (--max-toml-depth)", depth_limit)
            : fmt::format("nesting depth exceeds {}, the most kblint supports (--max-toml-depth)", depth_limit),
        check_ids::limit);
    add_help_note(d, "each key, each part of a dotted key or table header, and each array element is one level deeper");
    return d;
}

toml_scanner::toml_scanner(std::string_view s, std::uint32_t max_depth, std::size_t target)
    : s_(s), max_(max_depth), target_(target) {
    if (s_.starts_with(utf8_bom)) i_ = 3;
}

std::optional<pos> toml_scanner::run() {
    const std::size_t n = s_.size();
    while (i_ < n && !error_) {
        if (target_ != std::string_view::npos && i_ > target_) break;
        switch (mode_) {
        case mode::expression: expression(); break;
        case mode::key: key(); break;
        case mode::value: value(); break;
        case mode::after_value: after_value(); break;
        }
    }
    return error_;
}

void toml_scanner::newline() {
    ++line_;
    ++i_;
    line_start_ = i_;
}

void toml_scanner::skip_blanks() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
}

void toml_scanner::skip_comment() {
    const auto nl = s_.find('\n', i_);
    i_ = nl == std::string_view::npos ? s_.size() : nl;
}

void toml_scanner::skip_scalar() {
    while (i_ < s_.size() && scalar_char(s_[i_])) ++i_;
}

void toml_scanner::check(std::uint32_t depth, pos where) {
    if (depth > max_ && !error_) error_ = where;
}

void toml_scanner::skip_string() {
    const char q = s_[i_];
    const bool multi = peek(1) == q && peek(2) == q;
    const std::size_t n = s_.size();
    if (!multi) {
        ++i_;
        while (i_ < n) {
            // Past the bytes that cannot end the string or escape (most of it) in one tight loop.
            while (i_ < n && !string_stop(s_[i_])) ++i_;
            if (i_ >= n) return;
            const char c = s_[i_];
            if (c == '\n') return;
            ++i_;
            if (c == q) return;
            if (c == '\\' && q == '"' && i_ < n && s_[i_] != '\n') ++i_;
        }
        return;
    }
    i_ += 3;
    while (i_ < n) {
        const char c = s_[i_];
        if (c == '\n') {
            newline();
        } else if (c == '\\' && q == '"') {
            ++i_;
            if (i_ < n && s_[i_] == '\n')
                newline();
            else if (i_ < n)
                ++i_;
        } else if (c == q) {
            std::size_t run = 0;
            while (i_ + run < n && s_[i_ + run] == q) ++run;
            if (run >= 3) {
                i_ += std::min<std::size_t>(run, 5);
                return;
            }
            i_ += run;
        } else {
            ++i_;
        }
    }
}

void toml_scanner::expression() {
    const char c = s_[i_];
    if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
    } else if (c == '\n') {
        newline();
    } else if (c == '#') {
        skip_comment();
    } else if (c == '[') {
        if (i_ <= target_) header_hit_ = i_;
        header_pos_ = here();
        ++i_;
        header_array_ = peek() == '[';
        if (header_array_) ++i_;
        start_key(0, true);
    } else if (c == '"' || c == '\'' || bare_key_char(c)) {
        start_key(table_depth_, false);
    } else {
        skip_comment();  // not TOML; toml++ says why
    }
}

void toml_scanner::start_key(std::uint32_t base, bool header) {
    key_base_ = base;
    key_header_ = header;
    segments_.clear();
    header_path_.clear();
    mode_ = mode::key;
}

// The end of a table header whose key sits at `depth`: `[[a]]` adds one level for the element, and
// names an array of tables that later headers step into.
void toml_scanner::end_header(std::uint32_t depth) {
    if (peek() == ']') {
        ++i_;
        if (header_array_ && peek() == ']') ++i_;
    }
    table_depth_ = depth + (header_array_ ? 1 : 0);
    check(table_depth_, header_pos_);
    if (header_array_) {
        std::string path;
        for (std::size_t k = 0; k < segments_.size(); ++k) {
            if (k > 0) path += '\n';
            path += key_name(s_.substr(segments_[k].begin, segments_[k].end - segments_[k].begin));
        }
        table_arrays_.insert(std::move(path));
    }
    mode_ = mode::after_value;
}

void toml_scanner::key() {
    std::uint32_t array_steps = 0;
    bool last_is_array = false;
    for (;;) {
        skip_blanks();
        if (i_ >= s_.size()) return;
        const char c = s_[i_];
        const pos seg = here();
        const std::size_t seg_begin = i_;
        if (c == '"' || c == '\'') {
            skip_string();
        } else if (bare_key_char(c)) {
            while (i_ < s_.size() && bare_key_char(s_[i_])) ++i_;
        } else {
            break;
        }
        segments_.push_back(span{seg_begin, i_});
        if (seg_begin == target_) segment_hit_ = segments_;
        check(key_base_ + static_cast<std::uint32_t>(segments_.size()) + array_steps, seg);
        if (error_) return;
        if (key_header_ && !table_arrays_.empty()) {
            if (segments_.size() > 1) header_path_ += '\n';
            header_path_ += key_name(s_.substr(seg_begin, i_ - seg_begin));
            last_is_array = table_arrays_.contains(header_path_);
            if (last_is_array) ++array_steps;
        }
        skip_blanks();
        if (peek() != '.') break;
        ++i_;
    }
    skip_blanks();
    const std::uint32_t depth = key_base_ + static_cast<std::uint32_t>(segments_.size());
    if (key_header_) {
        end_header(depth + array_steps - (last_is_array ? 1 : 0));
    } else if (segments_.empty() && in_inline_table() && peek() == '}') {
        ++i_;
        frames_.pop_back();
        mode_ = mode::after_value;
    } else if (peek() == '=') {
        ++i_;
        value_depth_ = depth;
        value_after_key_ = true;
        mode_ = mode::value;
    } else {
        mode_ = mode::after_value;
    }
}

void toml_scanner::value() {
    const char c = s_[i_];
    if (c == ' ' || c == '\t') {
        skip_blanks();
        return;
    }
    if (in_array() && !value_after_key_) {
        if (c == '\n') return newline();
        if (c == '\r') {
            ++i_;
            return;
        }
        if (c == '#') return skip_comment();
        if (c == ']') {
            ++i_;
            frames_.pop_back();
            mode_ = mode::after_value;
            return;
        }
    }
    if (value_after_key_ && i_ == target_) value_hit_ = segments_;
    value_after_key_ = false;
    check(value_depth_, here());
    if (++values_ > max_values_ && !error_) error_ = here();
    if (error_) return;
    if (c == '[') {
        ++i_;
        frames_.push_back(frame{true, value_depth_});
        value_depth_ += 1;
    } else if (c == '{') {
        ++i_;
        frames_.push_back(frame{false, value_depth_});
        start_key(value_depth_, false);
    } else if (c == '"' || c == '\'') {
        skip_string();
        mode_ = mode::after_value;
    } else {
        skip_scalar();
        mode_ = mode::after_value;
    }
}

void toml_scanner::after_value() {
    const char c = s_[i_];
    switch (c) {
    case ' ': case '\t': case '\r':
        ++i_;
        return;
    case '\n':
        newline();
        if (frames_.empty()) mode_ = mode::expression;
        return;
    case '#':
        skip_comment();
        return;
    case ',':
        ++i_;
        if (in_array()) {
            value_depth_ = frames_.back().depth + 1;
            mode_ = mode::value;
        } else if (in_inline_table()) {
            start_key(frames_.back().depth, false);
        }
        return;
    case ']':
        ++i_;
        if (in_array()) frames_.pop_back();
        return;
    case '}':
        ++i_;
        if (in_inline_table()) frames_.pop_back();
        return;
    case '"': case '\'':
        skip_string();
        return;
    default:
        if (scalar_char(c))
            skip_scalar();
        else
            ++i_;
        return;
    }
}

} // namespace kbl::snap::detail
