#include "checker/snapshot/key_scan.hpp"

#include <algorithm>
#include <optional>

#include "checker/snapshot/internal.hpp"

namespace kbl::snap {

namespace {

// A byte that ends a number, boolean, date or time: white space, a separator or a comment.
bool scalar_end(char c) {
    switch (c) {
    case ' ': case '\t': case '\r': case '\n': case ',': case ']': case '}': case '#': return true;
    default: return false;
    }
}

// Key parts are views into the text (a key the scan takes has no escape), never copies.
using key_path = std::vector<std::string_view>;

bool starts_with(const key_path& full, const key_path& prefix) {
    return prefix.size() <= full.size() && std::equal(prefix.begin(), prefix.end(), full.begin());
}

// One pass over the text; every method returns false when the scan cannot be sure.
class key_scanner {
public:
    key_scanner(std::string_view s, const std::vector<std::string>& target) : s_(s), target_(target) {}

    key_scan run() {
        while (i_ < s_.size())
            if (!line()) return {};
        if (found_) return {scan_outcome::found, std::move(value_)};
        return {scan_outcome::absent, {}};
    }

private:
    [[nodiscard]] char peek(std::size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
    void blanks() {
        while (peek() == ' ' || peek() == '\t') ++i_;
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
        if (!assigned(reachable_ ? place_of(k) : place::other)) return false;
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
        while (detail::bare_key_char(peek())) ++i_;
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

    // The value of a key at `where`: the target's string is taken; an inline table on the way to it
    // could hold it (unsure); any other value is skipped.
    bool assigned(place where) {
        const char c = peek();
        const bool quote = c == '"' || c == '\'';
        if (where == place::target) {
            if (found_ || (quote && peek(1) == c && peek(2) == c)) return false;  // twice, or multi-line
            if (quote) {
                found_ = true;
                std::string_view v;
                if (!one_line_string(v)) return false;
                value_.assign(v);
                return true;
            }
        }
        if (where == place::on_the_way && c == '{') return false;
        return value();
    }

    bool value() {
        const char c = peek();
        if (c == '"' || c == '\'') return skip_string();
        if (c == '[') return array();
        if (c == '{') return inline_table();
        return scalar();
    }

    bool skip_string() {
        const char q = peek();
        if (peek(1) != q || peek(2) != q) {
            ++i_;
            while (i_ < s_.size() && s_[i_] != q) {
                if (s_[i_] == '\n') return false;
                if (q == '"' && s_[i_] == '\\') ++i_;
                ++i_;
            }
            if (i_ >= s_.size()) return false;
            ++i_;
            return true;
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

    bool array() {
        ++i_;
        for (;;) {
            if (!gaps()) return false;
            if (peek() == ']') break;
            if (!value() || !gaps()) return false;
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

    bool inline_table() {
        ++i_;
        for (;;) {
            if (!gaps()) return false;
            if (peek() == '}') break;
            key_path& k = inline_key_;
            k.clear();
            if (!dotted_key(k)) return false;
            blanks();
            if (peek() != '=') return false;
            ++i_;
            blanks();
            if (!value() || !gaps()) return false;
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
            while (i_ < s_.size() && !scalar_end(s_[i_])) ++i_;
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
};

} // namespace

key_scan scan_string_at(std::string_view text, const std::vector<std::string>& path) {
    if (path.empty()) return {};
    // A byte-order mark is the only thing toml++ accepts before the first line.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return key_scanner(text, path).run();
}

} // namespace kbl::snap
