#include "checker/snapshot/key_scan.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "checker/snapshot/internal.hpp"

namespace kbl::snap {

namespace {

// Per byte value, how a number, boolean, date or time meets it: `end` (white space, a separator or a
// comment), `split` (read on here, but the limit scan of prescan.cpp ends its scalar there and
// reads on differently), else `part`.
enum class in_scalar : unsigned char { part, end, split };
constexpr std::array<in_scalar, 256> scalar_bytes = [] {
    std::array<in_scalar, 256> t{};
    for (unsigned char c : std::string_view(" \t\r\n,]}#")) t[c] = in_scalar::end;
    for (unsigned char c : std::string_view("[{=\"'")) t[c] = in_scalar::split;
    t[0] = in_scalar::split;
    return t;
}();
in_scalar scalar_byte(char c) { return scalar_bytes[static_cast<unsigned char>(c)]; }


// Key parts are views into the text (a key the scan takes has no escape), never copies.
using key_path = std::vector<std::string_view>;

bool starts_with(const key_path& full, const key_path& prefix) {
    return prefix.size() <= full.size() && std::equal(prefix.begin(), prefix.end(), full.begin());
}

// One pass over the text; every method returns false when the scan cannot be sure. It also bounds
// the depths the limit scan (prescan.cpp toml_scanner) gives, by the same rules: a key sits at its
// table's depth plus its segments, an array element one below its array, an inline table's keys
// count from the table's depth. A header's depth is bounded by twice its segments plus one (each
// segment and each array of tables among its prefixes adds one, and `[[...]]` one more).
// `exact_` is cleared where the limit scan would read the bytes otherwise (then it may also reach
// depths that this scan never sees): a backslash before a line feed in a one-line string, a
// scalar holding a byte the limit scan stops at, a line feed or comment inside an inline table.
class key_scanner {
public:
    key_scanner(std::string_view s, const std::vector<std::string>& target) : s_(s), target_(target) {}

    key_scan run() {
        while (i_ < s_.size())
            if (!line()) return {};
        key_scan out{found_ ? scan_outcome::found : scan_outcome::absent, std::move(value_)};
        out.limits_known = exact_;
        out.depth = deepest_;
        out.values = values_;
        return out;
    }

private:
    [[nodiscard]] char peek(std::size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
    void blanks() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    // White space, newlines and comments (inside arrays and inline tables).
    bool gaps() {
        for (;;) {
            blanks();
            if (peek() == '#') skip_comment();
            if (peek() == '\n') ++i_;
            else if (peek() == '\r' && peek(1) == '\n') i_ += 2;
            else return true;
        }
    }
    void skip_comment() {
        const std::size_t nl = s_.find('\n', i_);
        i_ = nl == std::string_view::npos ? s_.size() : nl;
    }
    // The end of a line: blanks, an optional comment, a newline or the end.
    bool line_end() {
        blanks();
        if (peek() == '#') skip_comment();
        if (peek() == '\r' && peek(1) == '\n') ++i_;
        if (i_ >= s_.size()) return true;
        if (s_[i_] != '\n') return false;
        ++i_;
        return true;
    }

    bool line() {
        blanks();
        const char c = peek();
        if (c == '\n' || c == '\r' || c == '#') return line_end();
        if (c == '[') return header();
        key_path& k = line_key_;
        k.clear();
        if (!dotted_key(k)) return false;
        blanks();
        if (peek() != '=') return false;
        ++i_;
        blanks();
        const auto depth = table_depth_ + static_cast<std::uint32_t>(k.size());
        if (!assigned(reachable_ ? place_of(k) : place::other, depth)) return false;
        return line_end();
    }

    bool header() {
        ++i_;
        const bool array = peek() == '[';
        if (array) ++i_;
        key_path k;
        blanks();
        if (!dotted_key(k)) return false;
        blanks();
        if (peek() != ']' || (array && peek(1) != ']')) return false;
        i_ += array ? 2 : 1;
        if (array) arrays_.push_back(k);  // the keys below are in an element of the array: never on a key path
        reachable_ = std::none_of(arrays_.begin(), arrays_.end(), [&](const key_path& a) { return starts_with(k, a); });
        table_depth_ = 2 * static_cast<std::uint32_t>(k.size()) + 1;
        deepest_ = std::max(deepest_, table_depth_);
        table_ = std::move(k);
        return line_end();
    }

    bool dotted_key(key_path& out) {
        for (;;) {
            blanks();
            std::string_view part;
            if (!simple_key(part)) return false;
            out.push_back(part);
            blanks();
            if (peek() != '.') return true;
            ++i_;
        }
    }

    bool simple_key(std::string_view& out) {
        const char c = peek();
        if (c == '"' || c == '\'') {
            if (peek(1) == c && peek(2) == c) return false;
            return one_line_string(out);
        }
        const std::size_t begin = i_;
        while (i_ < s_.size() && detail::bare_key_char(s_[i_])) ++i_;
        out = s_.substr(begin, i_ - begin);
        return i_ > begin;
    }

    // A one-line string without escapes (a backslash in a basic string makes the scan unsure).
    bool one_line_string(std::string_view& out) {
        const char q = s_[i_++];
        const std::size_t begin = i_;
        while (i_ < s_.size() && s_[i_] != q) {
            if (s_[i_] == '\n' || (q == '"' && s_[i_] == '\\')) return false;
            ++i_;
        }
        if (i_ >= s_.size()) return false;
        out = s_.substr(begin, i_ - begin);
        ++i_;
        return true;
    }

    enum class place { target, on_the_way, other };

    // Where the key `k` of the current table is, against the target path.
    [[nodiscard]] place place_of(const key_path& k) const {
        const std::size_t n = table_.size() + k.size();
        if (n > target_.size()) return place::other;
        if (!std::equal(table_.begin(), table_.end(), target_.begin()) ||
            !std::equal(k.begin(), k.end(), target_.begin() + static_cast<std::ptrdiff_t>(table_.size())))
            return place::other;
        return n == target_.size() ? place::target : place::on_the_way;
    }

    // One value at `depth`, as the limit scan counts it.
    void count(std::uint32_t depth) {
        ++values_;
        deepest_ = std::max(deepest_, depth);
    }

    // The value of a key at `where`, `depth`: the target's string is taken; an inline table on the
    // way to it could hold it (unsure); any other value is skipped.
    bool assigned(place where, std::uint32_t depth) {
        const char c = peek();
        const bool quote = c == '"' || c == '\'';
        if (where == place::target) {
            if (found_ || (quote && peek(1) == c && peek(2) == c)) return false;  // twice, or multi-line
            if (quote) {
                count(depth);
                found_ = true;
                std::string_view v;
                if (!one_line_string(v)) return false;
                value_.assign(v);
                return true;
            }
        }
        if (where == place::on_the_way && c == '{') return false;
        return value(depth);
    }

    bool value(std::uint32_t depth) {
        count(depth);
        const char c = peek();
        if (c == '"' || c == '\'') return skip_string();
        if (c == '[') return array(depth);
        if (c == '{') return inline_table(depth);
        return scalar();
    }

    bool skip_string() {
        const char q = peek();
        if (peek(1) != q || peek(2) != q) {
            ++i_;
            for (;;) {
                // Past the bytes that can neither end the string nor escape (most of it) first.
                while (i_ < s_.size() && !detail::string_stop(s_[i_])) ++i_;
                if (i_ >= s_.size() || s_[i_] == '\n') return false;
                const char c = s_[i_++];
                if (c == q) return true;
                if (c != '\\' || q != '"') continue;
                if (peek() == '\n') exact_ = false;
                ++i_;
            }
        }
        i_ += 3;
        while (i_ < s_.size()) {
            if (q == '"' && s_[i_] == '\\') {
                i_ += 2;
                continue;
            }
            if (s_[i_] == q && peek(1) == q && peek(2) == q) {
                i_ += 3;
                for (int extra = 0; extra < 2 && peek() == q; ++extra) ++i_;
                return true;
            }
            ++i_;
        }
        return false;
    }

    bool array(std::uint32_t depth) {
        ++i_;
        for (;;) {
            if (!gaps()) return false;
            if (peek() == ']') break;
            if (!value(depth + 1) || !gaps()) return false;
            if (peek() == ',') {
                ++i_;
                continue;
            }
            if (peek() != ']') return false;
            break;
        }
        ++i_;
        return true;
    }

    // The gaps of an inline table: the limit scan reads its keys only after blanks.
    bool inline_gaps() {
        blanks();
        if (peek() == '\n' || peek() == '\r' || peek() == '#') exact_ = false;
        return gaps();
    }

    bool inline_table(std::uint32_t depth) {
        ++i_;
        for (;;) {
            if (!inline_gaps()) return false;
            if (peek() == '}') break;
            key_path& k = inline_key_;
            k.clear();
            if (!dotted_key(k)) return false;
            blanks();
            if (peek() != '=') return false;
            ++i_;
            blanks();
            if (!value(depth + static_cast<std::uint32_t>(k.size())) || !inline_gaps()) return false;
            if (peek() == ',') {
                ++i_;
                continue;
            }
            if (peek() != '}') return false;
            break;
        }
        ++i_;
        return true;
    }

    // A number, boolean, date or time; a date and a time may be separated by one space.
    bool scalar() {
        auto run = [&] {
            const std::size_t begin = i_;
            for (in_scalar b; i_ < s_.size() && (b = scalar_byte(s_[i_])) != in_scalar::end; ++i_)
                if (b == in_scalar::split) exact_ = false;
            return i_ - begin;
        };
        const std::size_t begin = i_;
        const std::size_t n = run();
        if (n == 0) return false;
        const bool date = n == 10 && s_[begin + 4] == '-' && s_[begin + 7] == '-';
        if (date && peek() == ' ' && peek(1) >= '0' && peek(1) <= '9') {
            ++i_;
            run();
        }
        return true;
    }

    std::string_view s_;
    const std::vector<std::string>& target_;
    key_path line_key_, inline_key_;  // reused: the key of the line, of an inline table's member
    std::size_t i_ = 0;
    key_path table_;
    std::vector<key_path> arrays_;
    bool reachable_ = true;
    bool found_ = false;
    std::string value_;
    std::uint32_t table_depth_ = 0;  // at least the limit scan's depth of the current table
    std::uint32_t deepest_ = 0;
    std::size_t values_ = 0;
    bool exact_ = true;
};

} // namespace

key_scan scan_string_at(std::string_view text, const std::vector<std::string>& path) {
    if (path.empty()) return {};
    // A byte-order mark is the only thing toml++ accepts before the first line.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return key_scanner(text, path).run();
}

bool within_limits(const key_scan& k, const load_limits& lim) {
    return k.outcome != scan_outcome::unsure && k.limits_known && k.depth <= detail::depth_limit(lim) &&
           k.values <= lim.max_values;
}

} // namespace kbl::snap
