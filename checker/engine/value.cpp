#include "checker/engine/value.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kbl::rt {

value value::boolean(bool v, origin o) {
    value r;
    r.k = vkind::boolean;
    r.b = v;
    r.org = o;
    return r;
}
value value::integer(std::int64_t v, origin o) {
    value r;
    r.k = vkind::integer;
    r.i = v;
    r.org = o;
    return r;
}
value value::floating(double v, origin o) {
    value r;
    r.k = vkind::floating;
    r.f = v;
    r.org = o;
    return r;
}
value value::string(std::string v, origin o) {
    value r;
    r.k = vkind::string;
    r.s = std::move(v);
    r.org = o;
    return r;
}
value value::list(std::vector<value> v, origin o) {
    value r;
    r.k = vkind::list;
    r.items = std::make_shared<const std::vector<value>>(std::move(v));
    r.org = o;
    return r;
}
value value::missing(std::string reason, std::string path, origin o) {
    value r;
    r.k = vkind::missing;
    r.s = std::move(reason);
    r.missing_path = std::move(path);
    r.org = o;
    return r;
}

value value::from_node(const snap::node& n, std::uint32_t snap) {
    value r;
    r.org = origin{snap, n.where, &n.path, n.src ? &n.src : nullptr, n.step};
    switch (n.k) {
    case snap::kind::table: r.k = vkind::table; r.node = &n; break;
    case snap::kind::array: r.k = vkind::list; r.node = &n; break;
    case snap::kind::string: r.k = vkind::string; r.s = n.str; break;
    case snap::kind::integer: r.k = vkind::integer; r.i = n.i; break;
    case snap::kind::floating: r.k = vkind::floating; r.f = n.f; break;
    case snap::kind::boolean: r.k = vkind::boolean; r.b = n.b; break;
    default: r.k = vkind::datetime; r.s = n.str; break;
    }
    return r;
}

std::size_t value::size() const {
    if (k == vkind::list) return node ? node->items.size() : items ? items->size() : 0;
    if (k == vkind::table && node) return node->entries.size();
    if (k == vkind::string) return s.size();
    return 0;
}

value value::at(std::size_t idx) const {
    if (node) {
        value v = value::from_node(*node->items.at(idx), org.snap);
        if (hold) v.hold = hold;  // an element of a computed list keeps the list alive
        return v;
    }
    return items->at(idx);
}

std::string_view type_name(vkind k) {
    switch (k) {
    case vkind::missing: return "missing";
    case vkind::boolean: return "bool";
    case vkind::integer: return "int";
    case vkind::floating: return "float";
    case vkind::string: return "string";
    case vkind::datetime: return "datetime";
    case vkind::list: return "list";
    case vkind::table: return "table";
    }
    return "?";
}

std::string ascii_lower(std::string_view s) {
    std::string r(s);
    for (auto& c : r)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return r;
}

namespace {
void display_into(std::string& out, const value& v, int depth) {
    switch (v.k) {
    case vkind::missing: out += "<missing>"; return;
    case vkind::boolean: out += v.b ? "true" : "false"; return;
    case vkind::integer: out += std::to_string(v.i); return;
    case vkind::floating: out += fmt::format("{}", v.f); return;
    case vkind::string:
    case vkind::datetime: out += v.s; return;
    case vkind::list: {
        out += '[';
        std::size_t n = v.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (i) out += ", ";
            if (depth > 8 || out.size() > 4096) {
                out += "...";
                break;
            }
            value e = v.at(i);
            if (e.k == vkind::string) out += fmt::format("'{}'", e.s);
            else display_into(out, e, depth + 1);
        }
        out += ']';
        return;
    }
    case vkind::table: {
        out += '{';
        if (v.node) {
            bool first = true;
            for (const auto& e : v.node->entries) {
                if (!first) out += ", ";
                first = false;
                if (depth > 8 || out.size() > 4096) {
                    out += "...";
                    break;
                }
                out += e.key;
                out += " = ";
                value ev = value::from_node(*e.value, v.org.snap);
                if (ev.k == vkind::string) out += fmt::format("'{}'", ev.s);
                else display_into(out, ev, depth + 1);
            }
        }
        out += '}';
        return;
    }
    }
}

bool is_number(const value& v) { return v.k == vkind::integer || v.k == vkind::floating; }
double as_double(const value& v) { return v.k == vkind::integer ? static_cast<double>(v.i) : v.f; }

cmp_result from_int(int c) { return c < 0 ? cmp_result::less : c > 0 ? cmp_result::greater : cmp_result::equal; }

// Canonical date-times omit a zero fraction; pad the seconds to nanoseconds so text order is time order.
std::string datetime_key(const std::string& s) {
    auto t = s.find('T');
    if (t == std::string::npos || s.size() < t + 9) return s;
    std::size_t frac = t + 9;
    std::size_t end = frac;
    std::string digits;
    if (end < s.size() && s[end] == '.') {
        ++end;
        while (end < s.size() && s[end] >= '0' && s[end] <= '9') digits += s[end++];
    }
    digits.resize(9, '0');
    return s.substr(0, frac) + "." + digits + s.substr(end);
}

int compare_ci(std::string_view a, std::string_view b) {
    std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
        if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
    }
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}
} // namespace

std::string display(const value& v) {
    std::string out;
    display_into(out, v, 0);
    return out;
}

cmp_result compare(const value& a, const value& b, bool ignore_case) {
    if (is_number(a) && is_number(b)) {
        if (a.k == vkind::integer && b.k == vkind::integer) return from_int(a.i < b.i ? -1 : a.i > b.i ? 1 : 0);
        double x = as_double(a), y = as_double(b);
        if (std::isnan(x) || std::isnan(y)) return cmp_result::unordered;
        return from_int(x < y ? -1 : x > y ? 1 : 0);
    }
    if (a.k != b.k) return cmp_result::type_mismatch;
    switch (a.k) {
    case vkind::boolean: return from_int(static_cast<int>(a.b) - static_cast<int>(b.b));
    case vkind::string: return from_int(ignore_case ? compare_ci(a.s, b.s) : a.s.compare(b.s));
    case vkind::datetime: return from_int(datetime_key(a.s).compare(datetime_key(b.s)));
    case vkind::list: {
        std::size_t n = a.size(), m = b.size();
        value x, y;
        for (std::size_t i = 0; i < std::min(n, m); ++i) {
            cmp_result c = compare(a.at_ref(i, x), b.at_ref(i, y), ignore_case);
            if (c != cmp_result::equal) return c == cmp_result::type_mismatch ? cmp_result::unordered : c;
        }
        return from_int(n < m ? -1 : n > m ? 1 : 0);
    }
    case vkind::table: {
        if (a.node == b.node) return cmp_result::equal;
        if (!a.node || !b.node || a.node->entries.size() != b.node->entries.size()) return cmp_result::unordered;
        for (std::size_t i = 0; i < a.node->entries.size(); ++i) {
            const auto& x = a.node->entries[i];
            const auto& y = b.node->entries[i];
            if (x.key != y.key) return cmp_result::unordered;
            if (compare(value::from_node(*x.value, a.org.snap), value::from_node(*y.value, b.org.snap), ignore_case) !=
                cmp_result::equal)
                return cmp_result::unordered;
        }
        return cmp_result::equal;
    }
    default: return cmp_result::unordered;
    }
}

bool same_set_ci(const value& a, const value& b) {
    auto collect = [](const value& l) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < l.size(); ++i) {
            value e = l.at(i);
            out.push_back(e.k == vkind::string ? ascii_lower(e.s) : display(e));
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    };
    return collect(a) == collect(b);
}

std::shared_ptr<snap::node> to_node(const value& v, const std::string& path, const node_stamp& stamp) {
    auto n = std::make_shared<snap::node>();
    n->path = path;
    n->where = stamp.where;
    n->src = stamp.src;
    n->step = stamp.step;
    switch (v.k) {
    case vkind::boolean: n->k = snap::kind::boolean; n->b = v.b; break;
    case vkind::integer: n->k = snap::kind::integer; n->i = v.i; break;
    case vkind::floating: n->k = snap::kind::floating; n->f = v.f; break;
    case vkind::datetime: n->k = snap::kind::offset_datetime; n->str = v.s; break;
    case vkind::string: n->k = snap::kind::string; n->str = v.s; break;
    case vkind::list:
        n->k = snap::kind::array;
        n->items.reserve(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) n->items.push_back(to_node(v.at(i), path + "[" + std::to_string(i) + "]", stamp));
        break;
    case vkind::table:
        n->k = snap::kind::table;
        if (v.node) {
            n->ci_keys = v.node->ci_keys;
            for (const auto& e : v.node->entries)
                n->entries.push_back({e.key, n->where, to_node(value::from_node(*e.value, v.org.snap), snap::child_path(path, e.key), stamp)});
        }
        break;
    case vkind::missing: n->k = snap::kind::string; n->str = display(v); break;
    }
    return n;
}

} // namespace kbl::rt
