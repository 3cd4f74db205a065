#include "common/json_position.hpp"

namespace kbl::json_text {

pos pos_at_offset(std::string_view text, std::size_t offset) {
    pos p{1, 1};
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else {
            ++p.column;
        }
    }
    return p;
}

std::string parse_message(std::string_view what) {
    std::size_t at = what.find("parse error");
    if (at != std::string_view::npos) {
        std::size_t colon = what.find(": ", at);
        if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
    }
    return std::string(what);
}

std::optional<std::size_t> too_deep(std::string_view s, std::uint32_t max_depth) {
    std::uint32_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

position_index::position_index(std::string_view text, const std::set<std::string>& wanted, int max_depth)
    : s_(text), wanted_(wanted), max_depth_(max_depth) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
    value("", 0);
}

pos position_index::at(const std::string& pointer) const {
    auto it = at_.find(pointer);
    return it == at_.end() ? pos{1, 1} : it->second;
}

pos position_index::pos_at(std::size_t offset) const {
    // Lines are counted incrementally: offsets only grow.
    while (line_scan_ < offset && line_scan_ < s_.size()) {
        if (s_[line_scan_] == '\n') {
            ++line_;
            line_start_ = line_scan_ + 1;
        }
        ++line_scan_;
    }
    return {line_, static_cast<std::uint32_t>(offset - line_start_ + 1)};
}

void position_index::ws() {
    while (more() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
}

std::string position_index::string() {
    std::string out;
    ++i_;  // opening quote
    while (more() && s_[i_] != '"') {
        if (s_[i_] == '\\') {
            ++i_;
            if (!more()) break;
            char c = s_[i_];
            if (c == 'u') {
                out += '?';
                i_ += 5;
                continue;
            }
            out += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
            ++i_;
            continue;
        }
        out += s_[i_++];
    }
    ++i_;  // closing quote
    return out;
}

std::string position_index::escape(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

// Skip a value without recursion (any depth).
void position_index::skip() {
    int depth = 0;
    do {
        ws();
        if (!more()) return;
        char c = s_[i_];
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            ++depth;
            ++i_;
        } else if (c == '}' || c == ']') {
            --depth;
            ++i_;
        } else if (c == ',' || c == ':') {
            ++i_;
        } else {
            while (more() && std::string_view(",]} \t\r\n").find(s_[i_]) == std::string_view::npos) ++i_;
        }
    } while (depth > 0);
}

void position_index::value(const std::string& pointer, int depth) {
    ws();
    if (!more()) return;
    if (depth > max_depth_) {
        skip();
        return;
    }
    if (wanted_.contains(pointer)) at_[pointer] = here();
    char c = s_[i_];
    if (c == '{' || c == '[') {
        bool object = c == '{';
        char close = object ? '}' : ']';
        ++i_;
        ws();
        if (more() && s_[i_] == close) {
            ++i_;
            return;
        }
        for (std::size_t n = 0; more(); ++n) {
            ws();
            std::string child = pointer + "/";
            if (object) {
                child += escape(string());
                ws();
                ++i_;  // ':'
            } else {
                child += std::to_string(n);
            }
            value(child, depth + 1);
            ws();
            if (more() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            ++i_;  // close
            return;
        }
        return;
    }
    if (c == '"') {
        string();
        return;
    }
    while (more() && std::string_view(",]} \t\r\n").find(s_[i_]) == std::string_view::npos) ++i_;
}

} // namespace kbl::json_text
