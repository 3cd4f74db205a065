// Queries on a loaded tree: key lookup, kind names, and the dotted paths the loader writes.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "checker/snapshot/internal.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "common/text.hpp"

namespace kbl::snap {

namespace {

bool bare_key_safe(std::string_view k) {
    return !k.empty() && std::all_of(k.begin(), k.end(), detail::bare_key_char);
}

} // namespace

const entry* node::find(std::string_view key) const {
    for (const auto& e : entries)
        if (ci_keys ? ascii_iequal(e.key, key) : e.key == key) return &e;
    return nullptr;
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

std::string kind_with_article(kind k) { return with_article(kind_name(k)); }

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

// Joined by hand, not with fmt::format: a simulated step makes one path per table on its way.
std::string child_path(const std::string& parent, std::string_view key) {
    if (parent.empty()) return quote_key(key);
    std::string out;
    if (bare_key_safe(key)) {
        // Sized once and copied into: the loader makes one path per value.
        out.resize(parent.size() + 1 + key.size());
        std::memcpy(out.data(), parent.data(), parent.size());
        out[parent.size()] = '.';
        std::memcpy(out.data() + parent.size() + 1, key.data(), key.size());
        return out;
    }
    return out.append(parent).append(1, '.').append(quote_key(key));
}

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
