#include "checker/engine/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <span>

#include "checker/engine/eval_util.hpp"
#include "checker/engine/schema_check.hpp"

namespace kbl {

using rt::value;
using rt::vkind;

value evaluator::eval_builtin(const cexpr& c, frame& f) {
    value a[3];  // builtins take at most three arguments (checked at load time)
    const std::size_t na = std::min<std::size_t>(c.kids.size(), 3);
    for (std::size_t i = 0; i < na; ++i) a[i] = eval(*c.kids[i], f);
    // Functions that look at missing values themselves.
    if (c.fn == builtin::exists) return value::boolean(!a[0].is_missing(), a[0].org);
    if (c.fn == builtin::default_) {
        if (!a[0].is_missing()) return a[0];
        value b = a[1];
        if (!b.org.valid()) b.org = a[0].org;
        return b;
    }
    for (std::size_t i = 0; i < na; ++i)
        if (a[i].is_missing()) return a[i];
    const std::string& name = c.key;
    auto need = [&](std::size_t i, vkind k) { return a[i].k == k; };
    auto map_strings = [&](auto fn) -> value {
        if (a[0].k == vkind::string) return value::string(fn(a[0].s), a[0].org);
        if (a[0].k == vkind::list) {
            std::vector<value> out;
            for (std::size_t i = 0; i < a[0].size(); ++i) {
                value e = a[0].at(i);
                if (e.k == vkind::string) e.s = fn(e.s);
                out.push_back(std::move(e));
            }
            return value::list(std::move(out), a[0].org);
        }
        return type_missing2("'" + name + "'", "a string or a list of strings", a[0]);
    };
    switch (c.fn) {
    case builtin::lower: return map_strings([](const std::string& s) { return rt::ascii_lower(s); });
    case builtin::upper: return map_strings([](const std::string& s) { return upper(s); });
    case builtin::trim: return map_strings([](const std::string& s) { return trim(s); });
    case builtin::len:
        if (a[0].k == vkind::string || a[0].k == vkind::list || a[0].k == vkind::table)
            return value::integer(static_cast<std::int64_t>(a[0].size()), a[0].org);
        return type_missing2("'len'", "a string, a list or a table", a[0]);
    case builtin::count:
        if (a[0].k == vkind::list || a[0].k == vkind::table) return value::integer(static_cast<std::int64_t>(a[0].size()), a[0].org);
        return type_missing2("'count'", "a list or a table", a[0]);
    case builtin::starts_with:
    case builtin::ends_with: {
        if (!need(0, vkind::string) || !need(1, vkind::string)) return type_missing2("'" + name + "'", "strings", need(0, vkind::string) ? a[1] : a[0]);
        const std::string& s = a[0].s;
        const std::string& p = a[1].s;
        bool r = c.fn == builtin::starts_with ? s.compare(0, p.size(), p) == 0
                                              : s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
        return value::boolean(r, a[0].org);
    }
    case builtin::replace: {
        if (!need(0, vkind::string) || !need(1, vkind::string) || !need(2, vkind::string))
            return value::missing("'replace' needs three strings", {}, a[0].org);
        std::string s = a[0].s;
        if (!a[1].s.empty()) {
            std::string out;
            std::size_t i = 0;
            while (true) {
                auto j = s.find(a[1].s, i);
                if (j == std::string::npos) break;
                out += s.substr(i, j - i) + a[2].s;
                i = j + a[1].s.size();
            }
            out += s.substr(i);
            s = std::move(out);
        }
        return value::string(std::move(s), a[0].org);
    }
    case builtin::split: {
        if (!need(0, vkind::string) || !need(1, vkind::string)) return value::missing("'split' needs two strings", {}, a[0].org);
        std::vector<value> out;
        const std::string& s = a[0].s;
        const std::string& sep = a[1].s;
        if (sep.empty()) {
            for (char ch : s) out.push_back(value::string(std::string(1, ch), a[0].org));
        } else {
            std::size_t i = 0;
            while (true) {
                auto j = s.find(sep, i);
                out.push_back(value::string(s.substr(i, j == std::string::npos ? std::string::npos : j - i), a[0].org));
                if (j == std::string::npos) break;
                i = j + sep.size();
            }
        }
        return value::list(std::move(out), a[0].org);
    }
    case builtin::join: {
        if (!need(0, vkind::list) || !need(1, vkind::string)) return value::missing("'join' needs a list and a string", {}, a[0].org);
        std::string out;
        for (std::size_t i = 0; i < a[0].size(); ++i) {
            if (i) out += a[1].s;
            out += rt::display(a[0].at(i));
        }
        return value::string(std::move(out), a[0].org);
    }
    case builtin::substr: {
        if (!need(0, vkind::string) || !need(1, vkind::integer) || (na > 2 && !need(2, vkind::integer)))
            return value::missing("'substr' needs a string and integers", {}, a[0].org);
        std::int64_t n = static_cast<std::int64_t>(a[0].s.size());
        std::int64_t start = std::clamp<std::int64_t>(a[1].i, 0, n);
        std::int64_t len = na > 2 ? std::clamp<std::int64_t>(a[2].i, 0, n - start) : n - start;
        return value::string(a[0].s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(len)), a[0].org);
    }
    case builtin::hex:
        if (!need(0, vkind::integer)) return type_missing2("'hex'", "an int", a[0]);
        return value::string(fmt::format("0x{:08X}", static_cast<std::uint32_t>(static_cast<std::uint64_t>(a[0].i))), a[0].org);
    case builtin::to_int: {
        if (a[0].k == vkind::integer) return a[0];
        if (a[0].k != vkind::string) return type_missing2("'int'", "an int or a string", a[0]);
        std::string s = trim(a[0].s);
        bool neg = !s.empty() && s[0] == '-';
        std::string_view d = std::string_view(s).substr(neg ? 1 : 0);
        int base = 10;
        if (d.size() > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
            base = 16;
            d = d.substr(2);
        }
        std::uint64_t u = 0;
        auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), u, base);
        if (d.empty() || ec != std::errc() || p != d.data() + d.size() ||
            u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return value::missing(fmt::format("'{}' is not an integer", a[0].s), {}, a[0].org);
        return value::integer(neg ? -static_cast<std::int64_t>(u) : static_cast<std::int64_t>(u), a[0].org);
    }
    case builtin::parse_int: {
        if (!need(0, vkind::string) || !need(1, vkind::integer) || a[1].i < 2 || a[1].i > 36)
            return value::missing("'parse_int' needs a string and a base from 2 to 36", {}, a[0].org);
        std::uint64_t u = 0;
        const std::string& s = a[0].s;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), u, static_cast<int>(a[1].i));
        if (s.empty() || ec != std::errc() || p != s.data() + s.size() ||
            u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return value::missing(fmt::format("'{}' is not a base-{} integer", s, a[1].i), {}, a[0].org);
        return value::integer(static_cast<std::int64_t>(u), a[0].org);
    }
    case builtin::u32:
        if (!need(0, vkind::integer)) return type_missing2("'u32'", "an int", a[0]);
        if (a[0].i < -2147483648LL || a[0].i > 4294967295LL)
            return value::missing(fmt::format("{} is outside the 32-bit range", a[0].i), {}, a[0].org);
        return value::integer(a[0].i < 0 ? a[0].i + 4294967296LL : a[0].i, a[0].org);
    case builtin::capture: {
        if (!need(0, vkind::string)) return type_missing2("'capture'", "a string", a[0]);
        if (!c.re) return value::missing("invalid regular expression", {}, a[0].org);
        re2::StringPiece groups[2];
        int n = std::min(c.re->NumberOfCapturingGroups(), 1) + 1;
        if (!c.re->Match(a[0].s, 0, a[0].s.size(), RE2::UNANCHORED, groups, n))
            return value::missing(fmt::format("'{}' does not match the pattern", a[0].s), {}, a[0].org);
        const auto& g = groups[n - 1];
        return value::string(std::string(g.data() ? g.data() : "", g.size()), a[0].org);
    }
    case builtin::type: return value::string(std::string(rt::type_name(a[0].k)), a[0].org);
    case builtin::keys:
    case builtin::values: {
        if (!need(0, vkind::table) || !a[0].node) return type_missing2("'" + name + "'", "a table", a[0]);
        std::vector<value> out;
        for (const auto& e : a[0].node->entries) {
            if (c.fn == builtin::keys) {
                value k = value::string(e.key, rt::origin{a[0].org.snap, e.key_pos, &e.value->path});
                out.push_back(std::move(k));
            } else {
                out.push_back(value::from_node(*e.value, a[0].org.snap));
            }
        }
        value r = value::list(std::move(out), a[0].org);
        r.hold = a[0].hold;
        return r;
    }
    case builtin::key:
        if (!a[0].org.path) return value::missing("'key' needs a value read from a table", {}, a[0].org);
        return value::string(last_key(*a[0].org.path), a[0].org);
    case builtin::other:
    case builtin::others: {
        const value& n = a[0];
        std::uint32_t s = n.org.snap;
        if (n.k != vkind::table || s == rt::origin::none || s >= w_.snaps.size() || n.node != w_.snaps[s].s->root.get())
            return type_missing2("'" + name + "'", "a node", n);
        const auto& members = w_.clusters[w_.snaps[s].cluster].members;
        std::vector<value> out;
        for (auto m : members)
            if (m != s) out.push_back(node_value(m));
        if (c.fn == builtin::others) return value::list(std::move(out), n.org);
        if (out.size() == 1) return out[0];
        const auto& cl = w_.clusters[w_.snaps[s].cluster];
        return value::missing(fmt::format("{} has {} other node{} in cluster '{}'; expected exactly one",
                                          w_.snaps[s].node_name, out.size(), out.size() == 1 ? "" : "s", cl.name),
                              {}, n.org);
    }
    case builtin::schema_violations: {
        if (self_ == rt::origin::none) return value::missing("'schema_violations()' needs a node");
        return value::list(schema_violations(self_));
    }
    case builtin::unique:
    case builtin::sort: {
        if (!need(0, vkind::list)) return type_missing2("'" + name + "'", "a list", a[0]);
        std::vector<value> out;
        for (std::size_t i = 0; i < a[0].size(); ++i) out.push_back(a[0].at(i));
        if (c.fn == builtin::sort) {
            std::stable_sort(out.begin(), out.end(),
                             [](const value& x, const value& y) { return rt::compare(x, y) == rt::cmp_result::less; });
        } else {
            std::vector<value> u;
            for (auto& v : out)
                if (std::none_of(u.begin(), u.end(), [&](const value& x) { return rt::compare(x, v) == rt::cmp_result::equal; }))
                    u.push_back(std::move(v));
            out = std::move(u);
        }
        return value::list(std::move(out), a[0].org);
    }
    case builtin::step_index_of:
    case builtin::node_of: {
        if (!rb_) return value::missing(fmt::format("'{}' needs a runbook", name));
        std::size_t idx = rb_->steps.size();
        for (std::size_t i = 0; i < rb_->steps.size(); ++i)
            if (a[0].node && rb_->steps[i].node == a[0].node) idx = i;
        if (idx == rb_->steps.size()) return type_missing2("'" + name + "'", "a step", a[0]);
        if (c.fn == builtin::step_index_of) return value::integer(static_cast<std::int64_t>(idx + 1), a[0].org);
        std::string who = w_.snaps[rb_->holder].node_name;
        if (w_.p->step_node && a[0].node) {
            const snap::node* n = a[0].node;
            for (const auto& seg : *w_.p->step_node) {
                const snap::entry* e = n && n->k == snap::kind::table ? n->find(seg.key) : nullptr;
                n = e ? e->value.get() : nullptr;
            }
            if (n && n->k == snap::kind::string) who = n->str;
        }
        std::uint32_t t = find_node(who);
        if (t == rt::origin::none)
            return value::missing(fmt::format("step {} names node '{}', which is not in this cluster", idx + 1, who), {}, a[0].org);
        return node_value(t);
    }
    case builtin::trigger: {
        const char* t = step_mode_ ? (trigger_after_ ? "after" : "before") : rb_ ? (rule_ && rule_->info.scope == rule_scope::runbook ? "runbook" : "final") : "snapshot";
        return value::string(t);
    }
    case builtin::str: return value::string(a[0].k == vkind::string ? a[0].s : rt::display(a[0]), a[0].org);
    case builtin::is_action: {
        if (!need(0, vkind::string)) return type_missing2("'is_action'", "a string", a[0]);
        return value::boolean(w_.p->actions.count(a[0].s) > 0, a[0].org);
    }
    case builtin::actions: {
        std::vector<value> out;
        for (const auto& [n, x] : w_.p->actions) out.push_back(value::string(n));
        return value::list(std::move(out));
    }
    case builtin::exists:
    case builtin::default_: break;
    }
    return value{};
}

std::vector<value> evaluator::schema_violations(std::uint32_t snap) {
    std::vector<value> out;
    if (!w_.p->schema) return out;
    schema_check_options opt;
    opt.strict = w_.p->schema_strict || w_.strict_schema;
    for (auto& issue : check_schema(*w_.p->schema, *w_.snaps[snap].s->root, opt)) {
        auto rec = std::make_shared<snap::node>();
        rec->k = snap::kind::table;
        rec->where = issue.where;
        rec->path = issue.path;
        auto field = [&](const char* key, std::string text) {
            auto n = std::make_shared<snap::node>();
            n->k = snap::kind::string;
            n->str = std::move(text);
            n->where = rec->where;
            n->path = rec->path;
            rec->entries.push_back({key, rec->where, n});
        };
        field("message", std::move(issue.message));
        field("path", issue.path);
        value v;
        v.k = vkind::table;
        v.node = rec.get();
        v.hold = rec;
        v.org = rt::origin{snap, rec->where, &rec->path};
        out.push_back(std::move(v));
    }
    return out;
}

} // namespace kbl
