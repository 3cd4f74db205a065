#include "checker/engine/eval_util.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kbl {

using rt::value;
using rt::vkind;

value type_missing2(std::string_view what, std::string_view need, const value& v) {
    return value::missing(fmt::format("{} needs {}, but '{}' is a {}", what, need, rt::display(v), rt::type_name(v.k)), {},
                          v.org);
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return s;
}

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
    return std::string(s.substr(b, e - b));
}

// The last key of a dotted path (`services."W3 SVC"` -> `W3 SVC`, `groups[0]` -> `groups`).
std::string last_key(const std::string& path) {
    std::string p = path;
    while (!p.empty() && p.back() == ']') {
        auto b = p.rfind('[');
        if (b == std::string::npos) break;
        p.resize(b);
    }
    if (!p.empty() && p.back() == '"') {
        auto b = p.rfind('"', p.size() - 2);
        if (b != std::string::npos) return p.substr(b + 1, p.size() - b - 2);
    }
    auto dot = p.rfind('.');
    return dot == std::string::npos ? p : p.substr(dot + 1);
}

bool type_matches(const ast::type_ref& t, const snap::node& n) {
    if (!t.alternatives.empty())
        return std::any_of(t.alternatives.begin(), t.alternatives.end(), [&](const auto& a) { return type_matches(a, n); });
    using k = ast::type_ref::kind;
    switch (t.k) {
    case k::string:
    case k::enum_: return n.k == snap::kind::string;
    case k::int_: return n.k == snap::kind::integer;
    case k::float_: return n.k == snap::kind::floating || n.k == snap::kind::integer;
    case k::bool_: return n.k == snap::kind::boolean;
    case k::datetime: return n.k == snap::kind::offset_datetime || n.k == snap::kind::local_datetime;
    case k::date: return n.k == snap::kind::local_date;
    case k::time: return n.k == snap::kind::local_time;
    case k::table: return n.k == snap::kind::table;
    case k::list: return n.k == snap::kind::array;
    case k::any: return true;
    }
    return false;
}

std::string type_text(const ast::type_ref& t) {
    if (!t.alternatives.empty()) {
        std::string s;
        for (const auto& a : t.alternatives) s += (s.empty() ? "" : " or ") + type_text(a);
        return s;
    }
    using k = ast::type_ref::kind;
    switch (t.k) {
    case k::string: return "a string";
    case k::enum_: return "a string";
    case k::int_: return "an integer";
    case k::float_: return "a float";
    case k::bool_: return "a boolean";
    case k::datetime: return "a date-time";
    case k::date: return "a date";
    case k::time: return "a time";
    case k::table: return "a table";
    case k::list: return "an array";
    case k::any: return "any value";
    }
    return "a value";
}

// Elements of a collection: list elements, or a table's values.
bool elements(const value& coll, std::vector<value>& out) {
    if (const std::optional<std::size_t> n = element_count(coll)) out.reserve(out.size() + *n);
    if (coll.k == vkind::list) {
        for (std::size_t i = 0; i < coll.size(); ++i) out.push_back(coll.at(i));
        return true;
    }
    if (coll.k == vkind::table && coll.node) {
        for (const auto& e : coll.node->entries) out.push_back(value::from_node(*e.value, coll.org.snap));
        return true;
    }
    return false;
}

std::optional<std::size_t> element_count(const value& coll) {
    if (coll.k == vkind::list) return coll.size();
    if (coll.k == vkind::table && coll.node) return coll.node->entries.size();
    return std::nullopt;
}

value element_at(const value& coll, std::size_t i) {
    if (coll.k == vkind::list) return coll.at(i);
    return value::from_node(*coll.node->entries[i].value, coll.org.snap);
}

} // namespace kbl
