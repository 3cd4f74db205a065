#include "checker/snapshot/snapshot.hpp"
#include "common/text.hpp"
#include "common/check_ids.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <cerrno>
#include <system_error>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "common/fs.hpp"
#include "common/limits.hpp"

namespace kbl::snap {

namespace {

// toml++ recurses once per nesting level (parsing, region ends, destruction) and so do we; past a
// few thousand levels that overflows the stack, whatever --max-toml-depth says.
constexpr std::uint32_t hard_max_depth = limits::hard_max_toml_depth;

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

diagnostic make_error(source_ptr file, pos where, std::string message, std::string check_id) {
    diagnostic d;
    d.file = std::move(file);
    d.where = where;
    d.message = std::move(message);
    d.check_id = std::move(check_id);
    return d;
}

diagnostic make_path_error(const std::string& path, pos where, std::string message, std::string check_id) {
    diagnostic d;
    d.file_name = path;
    d.where = where;
    d.message = std::move(message);
    d.check_id = std::move(check_id);
    return d;
}

void add_help(diagnostic& d, std::string text) {
    d.notes.push_back(diag_note{diag_note::kind::help, std::move(text), nullptr, pos{}});
}

std::string size_limit_message(std::uintmax_t size, std::size_t limit) {
    return fmt::format("file is {} bytes, larger than the limit of {} (--max-file-size)", size, limit);
}

// ---------------------------------------------------------------------------------------------
// Positions. toml++ counts columns in code points and starts line 1 after a BOM; kbl::pos counts
// bytes of the file as written. Lookups arrive mostly in source order, so a cursor on the last
// line keeps long single-line inputs linear.

class position_map {
public:
    explicit position_map(std::string_view text) : text_(text) {
        bom_ = text_.starts_with(utf8_bom);
        ascii_ = std::all_of(text_.begin() + (bom_ ? 3 : 0), text_.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    }

    pos convert(const toml::source_position& p) {
        if (p.line == 0) return pos{1, 1};
        const std::uint32_t column = p.column == 0 ? 1 : p.column;
        if (ascii_) return pos{p.line, column + (bom_ && p.line == 1 ? 3u : 0u)};
        return pos{p.line, byte_column(p.line, column)};
    }

private:
    std::uint32_t byte_column(std::uint32_t line, std::uint32_t cp_column) {
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

    std::string_view text_;
    bool bom_ = false;
    bool ascii_ = true;
    std::vector<std::size_t> line_starts_;
    std::uint32_t cur_line_ = 0;
    std::uint32_t cur_cp_ = 1;
    std::size_t cur_off_ = 0;
};

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

// ---------------------------------------------------------------------------------------------
// Byte checks before toml++: NUL bytes, invalid UTF-8 and lone CRs, located at the offending byte
// (toml++ reports those a code point or more off, or as a vague "saw '\u0000'").

struct byte_problem {
    std::size_t offset;
    std::string message;
    std::string help;
};

std::optional<byte_problem> check_bytes(std::string_view s) {
    const std::size_t n = s.size();
    std::size_t i = s.starts_with(utf8_bom) ? 3 : 0;
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x01 && c < 0x80) {
            if (c == '\r' && (i + 1 >= n || s[i + 1] != '\n'))
                return byte_problem{i, "carriage return not followed by a line feed",
                                    "toml lines end with '\\n' or '\\r\\n'; a lone '\\r' is not allowed anywhere"};
            ++i;
            continue;
        }
        if (c == 0) {
            const bool utf16 = (n >= 2 && (s[0] == '\0' || s[1] == '\0'));
            return byte_problem{i, "null byte in file",
                                utf16 ? "the file looks like utf-16; toml files must be utf-8"
                                      : "toml files are utf-8 text and cannot contain null bytes"};
        }
        std::size_t len = 0;
        char32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07u;
        } else if (c >= 0x80 && c <= 0xBF) {
            return byte_problem{i, fmt::format("invalid utf-8: unexpected continuation byte 0x{:02x}", c), {}};
        } else {
            const bool utf16 = i == 0 && n >= 2 && ((c == 0xFF && static_cast<unsigned char>(s[1]) == 0xFE) ||
                                                    (c == 0xFE && static_cast<unsigned char>(s[1]) == 0xFF));
            return byte_problem{i, fmt::format("invalid utf-8: byte 0x{:02x} cannot start a character", c),
                                utf16 ? "the file starts with a utf-16 byte order mark; toml files must be utf-8"
                                      : ""};
        }
        for (std::size_t k = 1; k < len; ++k) {
            if (i + k >= n || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return byte_problem{i, "invalid utf-8: truncated multi-byte sequence", {}};
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            return byte_problem{i, "invalid utf-8: overlong encoding", {}};
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return byte_problem{
                i, fmt::format("invalid utf-8: encoded surrogate U+{:04X}", static_cast<std::uint32_t>(cp)), {}};
        if (cp > 0x10FFFF) return byte_problem{i, "invalid utf-8: code point above U+10FFFF", {}};
        i += len;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// A flat TOML scanner (no recursion) that skips strings and comments and tracks how deep each key
// and value sits: a key's depth is its table's depth plus its segment count, an array element sits
// one below its array, an inline table's keys count from the table's own depth, and `[[a]]` adds
// one for the array element. It is lenient: it only has to be right on valid TOML, toml++ reports
// everything else. Run with a target offset, it also finds the keys and headers around a toml++
// error so that the error can be placed on them.

struct span {
    std::size_t begin;
    std::size_t end;
};

class toml_scanner {
public:
    toml_scanner(std::string_view s, std::uint32_t max_depth, std::size_t target = std::string_view::npos)
        : s_(s), max_(max_depth), target_(target) {
        if (s_.starts_with(utf8_bom)) i_ = 3;
    }

    // Also stop at the first value past `max_values` (values_exceeded() then tells which limit).
    void limit_values(std::size_t max_values) { max_values_ = max_values; }
    [[nodiscard]] bool values_exceeded() const { return values_ > max_values_; }

    // Where the depth or the number of values first exceeds its limit, if one does.
    std::optional<pos> run() {
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

    // Start of the last table header at or before the target.
    [[nodiscard]] std::optional<std::size_t> header_before_target() const { return header_hit_; }
    // Segments of the key whose value starts at the target.
    [[nodiscard]] const std::vector<span>& key_of_value_at_target() const { return value_hit_; }
    // Segments of a key up to and including the segment that starts at the target.
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
    [[nodiscard]] pos here() const {
        return pos{line_, static_cast<std::uint32_t>(i_ - line_start_ + 1)};
    }
    static bool bare_key_char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
    static bool scalar_char(char c) {
        switch (c) {
        case ' ': case '\t': case '\r': case '\n': case ',': case '[': case ']': case '{': case '}':
        case '#': case '=': case '"': case '\'':
            return false;
        default:
            return c != '\0';
        }
    }
    [[nodiscard]] bool in_array() const { return !frames_.empty() && frames_.back().array; }
    [[nodiscard]] bool in_inline_table() const { return !frames_.empty() && !frames_.back().array; }

    void newline() {
        ++line_;
        ++i_;
        line_start_ = i_;
    }
    void skip_blanks() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    void skip_comment() {
        const auto nl = s_.find('\n', i_);
        i_ = nl == std::string_view::npos ? s_.size() : nl;
    }
    void skip_scalar() {
        while (i_ < s_.size() && scalar_char(s_[i_])) ++i_;
    }
    void check(std::uint32_t depth, pos where) {
        if (depth > max_ && !error_) error_ = where;
    }

    void skip_string() {
        const char q = s_[i_];
        const bool multi = peek(1) == q && peek(2) == q;
        const std::size_t n = s_.size();
        if (!multi) {
            ++i_;
            while (i_ < n) {
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

    void expression() {
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

    void start_key(std::uint32_t base, bool header) {
        key_base_ = base;
        key_header_ = header;
        segments_.clear();
        header_path_.clear();
        mode_ = mode::key;
    }

    // A header segment that names an array of tables steps into its last element: one more level.
    static std::string_view key_name(std::string_view raw) {
        if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'') && raw.find('\\') == std::string_view::npos)
            return raw.substr(1, raw.size() - 2);
        return raw;
    }

    void key() {
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
            if (peek() == ']') {
                ++i_;
                if (header_array_ && peek() == ']') ++i_;
            }
            table_depth_ = depth + array_steps - (last_is_array ? 1 : 0) + (header_array_ ? 1 : 0);
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

    void value() {
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

    void after_value() {
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
// toml++ errors: "Error while parsing key-value pair: expected '=', saw '\n'" becomes
// "invalid key-value pair: expected '=', saw '\n'". Redefinition errors are moved onto the key or
// header they are about (toml++ places them after it) and name the key as written.

std::size_t offset_of(std::string_view text, pos p) {
    std::size_t off = 0;
    for (std::uint32_t line = 1; line < p.line; ++line) {
        const auto nl = text.find('\n', off);
        if (nl == std::string_view::npos) return text.size();
        off = nl + 1;
    }
    return std::min(text.size(), off + p.column - 1);
}

std::string key_text(std::string_view text, const std::vector<span>& segments) {
    std::string out;
    for (const auto& seg : segments) {
        std::string_view raw = text.substr(seg.begin, seg.end - seg.begin);
        if (raw.size() > 2 && (raw.front() == '"' || raw.front() == '\'') && raw.back() == raw.front() &&
            raw.find('\\') == std::string_view::npos)
            raw = raw.substr(1, raw.size() - 2);
        if (!out.empty()) out += '.';
        out += raw;
    }
    return out;
}

std::string with_article(std::string_view type) {
    const bool vowel = !type.empty() && std::string_view("aeiou").find(type.front()) != std::string_view::npos;
    return fmt::format("{} {}", vowel ? "an" : "a", type);
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

diagnostic toml_error(const source_ptr& file, const toml::parse_error& e, std::uint32_t depth_limit) {
    const std::string_view text = file->text();
    pos where = position_map(text).convert(e.source().begin);
    const std::string_view description = e.description();

    std::string scope;
    std::string what(description);
    constexpr std::string_view prefix = "Error while parsing ";
    if (description.starts_with(prefix)) {
        const std::string_view rest = description.substr(prefix.size());
        if (const auto colon = rest.find(": "); colon != std::string_view::npos) {
            scope = std::string(rest.substr(0, colon));
            what = std::string(rest.substr(colon + 2));
        }
    }
    replace_all(what, "expected expected ", "expected ");
    replace_all(what, "expected hour between 0 to 59", "expected hour between 0 and 23");

    if ((scope == "string" || scope == "literal string") && what.find("control characters") != std::string::npos) {
        const std::size_t at = offset_of(text, where);
        if (at < text.size() && (text[at] == '\n' || text.substr(at, 2) == "\r\n"))
            what = "missing closing quote before the end of the line";
    }

    // "expected month between 1 and 12 (inclusive), saw 13" is reported just after the two digits
    if (what.starts_with("expected ") && what.find(" between ") != std::string::npos && where.column > 2)
        where.column -= 2;

    constexpr std::string_view redefine = "cannot redefine existing ";
    constexpr std::string_view as_dotted = " as dotted key-value pair";
    if (scope == "table header" && what.starts_with("cannot ")) {
        toml_scanner scan(text, depth_limit, offset_of(text, where));
        scan.run();
        if (auto header = scan.header_before_target()) where = pos_at_offset(text, *header);
    } else if (scope == "key-value pair" && what.starts_with(redefine)) {
        const std::string_view tail = std::string_view(what).substr(redefine.size());
        const std::string type(tail.substr(0, std::min(tail.find(" '"), tail.find(" as "))));
        toml_scanner scan(text, depth_limit, offset_of(text, where));
        scan.run();
        if (what.ends_with(as_dotted)) {
            if (!scan.key_up_to_target().empty())
                what = fmt::format("cannot add keys to existing {} '{}' with a dotted key", type,
                                   key_text(text, scan.key_up_to_target()));
        } else if (const auto& key = scan.key_of_value_at_target(); !key.empty()) {
            where = pos_at_offset(text, key.front().begin);
            what = fmt::format("key '{}' is already defined as {}", key_text(text, key), with_article(type));
        }
    }

    std::string msg;
    if (scope.empty() || what.starts_with("cannot ") || what.starts_with("key '"))
        msg = what;
    else if (scope == "root table")
        msg = fmt::format("invalid toml: {}", what);
    else
        msg = fmt::format("invalid {}: {}", scope, what);
    msg = lower_first(std::move(msg));
    while (!msg.empty() && (msg.back() == '.' || msg.back() == ' ')) msg.pop_back();
    return make_error(file, where, escape_for_terminal(msg), check_ids::toml);
}

// ---------------------------------------------------------------------------------------------
// Conversion of the toml++ tree.

std::string fraction_text(std::uint32_t nanosecond) {
    if (nanosecond == 0) return {};
    std::string digits = fmt::format("{:09}", nanosecond);
    while (digits.size() > 3 && digits.back() == '0') digits.pop_back();
    return "." + digits;
}

std::string date_text(std::int64_t y, unsigned m, unsigned d) {
    return y >= 0 ? fmt::format("{:04}-{:02}-{:02}", y, m, d) : fmt::format("-{:04}-{:02}-{:02}", -y, m, d);
}

std::string time_text(const toml::time& t) {
    return fmt::format("{:02}:{:02}:{:02}{}", t.hour, t.minute, t.second, fraction_text(t.nanosecond));
}

std::string date_time_text(const toml::date_time& dt) {
    if (!dt.offset) {
        return fmt::format("{}T{}", date_text(dt.date.year, dt.date.month, dt.date.day), time_text(dt.time));
    }
    std::int64_t minutes = days_from_civil(dt.date.year, dt.date.month, dt.date.day) * 1440 +
                           dt.time.hour * 60 + dt.time.minute - dt.offset->minutes;
    std::int64_t days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
    minutes -= days * 1440;
    const civil_date c = civil_from_days(days);
    return fmt::format("{}T{:02}:{:02}:{:02}{}Z", date_text(c.year, c.month, c.day), minutes / 60, minutes % 60,
                       dt.time.second, fraction_text(dt.time.nanosecond));
}

// The loaded tree lives in one array per snapshot: every node_ptr shares the array's control
// block (the aliasing constructor), so a snapshot costs one allocation for all its nodes instead of
// one each, and no per-node control block. Strings are moved out of toml++'s tree, which is
// discarded afterwards.
std::size_t count_nodes(const toml::node& n) {
    std::size_t count = 1;
    if (const auto* t = n.as_table()) {
        for (const auto& [k, v] : *t) count += count_nodes(v);
    } else if (const auto* a = n.as_array()) {
        for (const auto& v : *a) count += count_nodes(v);
    }
    return count;
}

void set_scalar(node& out, toml::node& n) {
    switch (n.type()) {
    case toml::node_type::string:
        out.k = kind::string;
        out.str = std::move(n.as_string()->get());
        break;
    case toml::node_type::integer:
        out.k = kind::integer;
        out.i = n.as_integer()->get();
        break;
    case toml::node_type::floating_point:
        out.k = kind::floating;
        out.f = n.as_floating_point()->get();
        break;
    case toml::node_type::boolean:
        out.k = kind::boolean;
        out.b = n.as_boolean()->get();
        break;
    case toml::node_type::date: {
        out.k = kind::local_date;
        const auto& d = n.as_date()->get();
        out.str = date_text(d.year, d.month, d.day);
        break;
    }
    case toml::node_type::time:
        out.k = kind::local_time;
        out.str = time_text(n.as_time()->get());
        break;
    case toml::node_type::date_time: {
        const auto& dt = n.as_date_time()->get();
        out.k = dt.offset ? kind::offset_datetime : kind::local_datetime;
        out.str = date_time_text(dt);
        break;
    }
    case toml::node_type::table:
    case toml::node_type::array:
    case toml::node_type::none:
        break;
    }
}

class converter {
public:
    converter(std::string_view text, const std::vector<std::string>& ci_tables)
        : positions_(text), ci_tables_(ci_tables) {}

    node_ptr root(toml::table& t) {
        arena_ = std::make_shared<node[]>(count_nodes(t));
        node& out = next();
        out.k = kind::table;
        out.where = pos{1, 1};
        fill_table(out, t);
        return node_ptr(arena_, &out);
    }

private:
    node& next() { return arena_[used_++]; }

    node_ptr convert(toml::node& n, std::string&& path) {
        node& out = next();
        out.where = positions_.convert(n.source().begin);
        out.path = std::move(path);
        if (auto* t = n.as_table()) {
            out.k = kind::table;
            fill_table(out, *t);
        } else if (auto* arr = n.as_array()) {
            out.k = kind::array;
            out.items.reserve(arr->size());
            for (std::size_t idx = 0; idx < arr->size(); ++idx)
                out.items.push_back(convert((*arr)[idx], element_path(out.path, idx)));
        } else {
            set_scalar(out, n);
        }
        // A node inside the arena must not own the arena: that would be a cycle, and the file's
        // nodes would never be freed. Only the root owns it; a child is valid while its root is.
        return node_ptr(node_ptr(), &out);
    }

    static std::string element_path(const std::string& array_path, std::size_t idx) {
        std::string path;
        path.reserve(array_path.size() + 8);
        path += array_path;
        path += '[';
        fmt::format_to(std::back_inserter(path), "{}", idx);
        path += ']';
        return path;
    }

    // Members in source order (toml++ keeps them sorted by key); `members_` is shared by every
    // table of the snapshot: each call appends its own range and removes it before returning.
    void fill_table(node& out, toml::table& t) {
        out.ci_keys = std::find(ci_tables_.begin(), ci_tables_.end(), out.path) != ci_tables_.end();
        const std::size_t first = members_.size();
        for (auto&& [k, v] : t) members_.emplace_back(&k, &v);
        const auto begin = members_.begin() + static_cast<std::ptrdiff_t>(first);
        std::stable_sort(begin, members_.end(), [](const auto& a, const auto& b) {
            return a.first->source().begin < b.first->source().begin;
        });
        const std::size_t count = members_.size() - first;
        out.entries.resize(count);
        for (std::size_t m = 0; m < count; ++m) {
            const auto [k, v] = members_[first + m];
            entry& e = out.entries[m];
            e.key = std::string(k->str());
            e.key_pos = positions_.convert(k->source().begin);
            e.value = convert(*v, child_path(out.path, e.key));
        }
        members_.resize(first);
    }

    position_map positions_;
    const std::vector<std::string>& ci_tables_;
    std::shared_ptr<node[]> arena_;
    std::size_t used_ = 0;
    std::vector<std::pair<const toml::key*, toml::node*>> members_;
};

bool ascii_iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// The nesting depth and the number of values, checked on the bytes before toml++ builds a tree.
std::optional<diagnostic> scan_limits(const source_ptr& file, std::uint32_t depth_limit, const load_limits& lim) {
    toml_scanner scanner(file->text(), depth_limit);
    scanner.limit_values(lim.max_values);
    const std::optional<pos> where = scanner.run();
    if (!where) return std::nullopt;
    if (scanner.values_exceeded()) {
        diagnostic d = make_error(
            file, *where, fmt::format("number of values exceeds the limit of {} (--max-toml-values)", lim.max_values),
            check_ids::limit);
        add_help(d, "each value, each array element and each inline table counts; every value costs memory, "
                    "however short it is written");
        return d;
    }
    diagnostic d = make_error(
        file, *where,
        depth_limit == lim.max_depth
            ? fmt::format("nesting depth exceeds the limit of {} (--max-toml-depth)", depth_limit)
            : fmt::format("nesting depth exceeds {}, the most kblint supports (--max-toml-depth)", depth_limit),
        check_ids::limit);
    add_help(d, "each key, each part of a dotted key or table header, and each array element is one level deeper");
    return d;
}

} // namespace

bool bare_key_safe(std::string_view k) {
    return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string quote_key(std::string_view k) {
    if (bare_key_safe(k)) return std::string(k);
    std::string out = "\"";
    for (char ch : k) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20 || c == 0x7F)
                out += fmt::format("\\u{:04X}", c);
            else
                out += ch;
        }
    }
    out += '"';
    return out;
}

std::string child_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? quote_key(key) : fmt::format("{}.{}", parent, quote_key(key));
}


const entry* node::find(std::string_view key) const {
    for (const auto& e : entries)
        if (ci_keys ? ascii_iequal(e.key, key) : e.key == key) return &e;
    return nullptr;
}

load_limits default_load_limits() {
    return load_limits{limits::max_file_bytes, limits::max_toml_depth, limits::max_toml_values};
}

std::string_view kind_name(kind k) {
    switch (k) {
    case kind::table: return "table";
    case kind::array: return "array";
    case kind::string: return "string";
    case kind::integer: return "integer";
    case kind::floating: return "float";
    case kind::boolean: return "boolean";
    case kind::offset_datetime: return "datetime";
    case kind::local_datetime: return "local datetime";
    case kind::local_date: return "date";
    case kind::local_time: return "time";
    }
    return "value";
}

std::optional<snapshot> load_snapshot(std::string name, std::string text, const load_limits& lim,
                                      const std::vector<std::string>& ci_tables, diagnostics& errs) {
    auto file = std::make_shared<const source_file>(std::move(name), std::move(text));
    const std::string_view bytes = file->text();

    if (bytes.size() > lim.max_file_bytes) {
        errs.push_back(make_error(file, pos{1, 1}, size_limit_message(bytes.size(), lim.max_file_bytes), check_ids::limit));
        return std::nullopt;
    }

    if (auto problem = check_bytes(bytes)) {
        diagnostic d = make_error(file, pos_at_offset(bytes, problem->offset), std::move(problem->message), check_ids::toml);
        if (!problem->help.empty()) add_help(d, std::move(problem->help));
        errs.push_back(std::move(d));
        return std::nullopt;
    }

    const std::uint32_t depth_limit = std::min(lim.max_depth, hard_max_depth);
    if (auto d = scan_limits(file, depth_limit, lim)) {
        errs.push_back(std::move(*d));
        return std::nullopt;
    }

    toml::table parsed;
    try {
        parsed = toml::parse(bytes);
    } catch (const toml::parse_error& e) {
        errs.push_back(toml_error(file, e, depth_limit));
        return std::nullopt;
    }

    converter conv(bytes, ci_tables);
    snapshot snap;
    snap.root = conv.root(parsed);
    snap.file = std::move(file);
    return snap;
}

namespace {
// strerror text in the style of our messages: "no such file or directory".
std::string errno_text(int err) {
    std::string msg = std::generic_category().message(err);
    msg = lower_first(std::move(msg));
    return msg;
}
} // namespace

std::optional<snapshot> load_snapshot_file(const std::string& path, const load_limits& lim,
                                           const std::vector<std::string>& ci_tables, diagnostics& errs) {
    const auto fail = [&](std::string message, pos where = pos{}, std::string check_id = check_ids::io) {
        errs.push_back(make_path_error(path, where, std::move(message), std::move(check_id)));
        return std::nullopt;
    };

    io::read_result r = io::read_file(path, lim.max_file_bytes);
    if (r.status == io::read_status::too_large)
        return fail(size_limit_message(r.size, lim.max_file_bytes), pos{1, 1}, check_ids::limit);
    if (r.status == io::read_status::not_regular && r.error == 0) {
        const std::string_view what = io::file_type_name(r.file_type);
        return fail(!what.empty() ? fmt::format("cannot read file: it is {}, not a regular file", what)
                                  : std::string("cannot read file: not a regular file"));
    }
    if (!r.ok()) return fail(fmt::format("cannot read file: {}", errno_text(r.error)));
    return load_snapshot(path, std::move(r.text), lim, ci_tables, errs);
}

} // namespace kbl::snap

namespace kbl::snap {

std::vector<path_step> split_path(std::string_view p) {
    std::vector<path_step> out;
    std::size_t i = 0;
    while (i < p.size()) {
        char c = p[i];
        if (c == '.') {
            ++i;
        } else if (c == '[') {
            std::size_t close = p.find(']', i);
            if (close == std::string_view::npos) break;
            path_step st;
            st.is_index = true;
            st.index = static_cast<std::size_t>(std::strtoull(std::string(p.substr(i + 1, close - i - 1)).c_str(), nullptr, 10));
            out.push_back(st);
            i = close + 1;
        } else if (c == '"') {
            path_step st;
            ++i;
            while (i < p.size() && p[i] != '"') {
                if (p[i] == '\\' && i + 1 < p.size()) {
                    char e = p[i + 1];
                    i += 2;
                    switch (e) {
                    case 'b': st.key += '\b'; break;
                    case 't': st.key += '\t'; break;
                    case 'n': st.key += '\n'; break;
                    case 'f': st.key += '\f'; break;
                    case 'r': st.key += '\r'; break;
                    case 'u': {
                        unsigned v = static_cast<unsigned>(std::strtoul(std::string(p.substr(i, 4)).c_str(), nullptr, 16));
                        st.key += static_cast<char>(v);
                        i += 4;
                        break;
                    }
                    default: st.key += e; break;
                    }
                } else {
                    st.key += p[i++];
                }
            }
            ++i;  // closing quote
            out.push_back(std::move(st));
        } else {
            path_step st;
            while (i < p.size() && p[i] != '.' && p[i] != '[') st.key += p[i++];
            out.push_back(std::move(st));
        }
    }
    return out;
}

} // namespace kbl::snap

namespace kbl::snap {

std::string kind_with_article(kind k) {
    std::string_view name = kind_name(k);
    bool vowel = !name.empty() && std::string_view("aeiou").find(name[0]) != std::string_view::npos;
    return fmt::format("{} {}", vowel ? "an" : "a", name);
}

} // namespace kbl::snap
