// The built-in functions: one implementation each, the typing functions some rows need, and the
// table at the end of this file (one row per function). The built-ins on numbers, versions, regular
// expressions, sizes and durations are in builtins_numeric.cpp (declared in builtins_util.hpp), their
// rows here. Adding a built-in: write its implementation in one of the two files and add its row;
// document it in docs/language.md (a test compares the two).
#include "checker/engine/builtins.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/check_ids.hpp"
#include "checker/engine/builtins_util.hpp"
#include "checker/engine/compile_internal.hpp"
#include "checker/engine/eval.hpp"
#include "checker/engine/eval_util.hpp"
#include "checker/engine/schema_check.hpp"

namespace kbl {

using rt::value;
using rt::vkind;

// ---- Shared with builtins_numeric.cpp (builtins_util.hpp) ----

// A missing value saying that this built-in needs `need` but got `v`.
value wrong(const builtin_args& x, std::string_view need, const value& v) {
    return type_missing2(fmt::format("'{}'", x.call.key), need, v);
}

// Digits of `d` in `base` as a non-negative int64, or false.
bool parse_digits(std::string_view d, int base, std::uint64_t& u) {
    auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), u, base);
    return !d.empty() && ec == std::errc() && p == d.data() + d.size() &&
           u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

namespace {

// ---- Typing: a row's result kind refined from the argument types, and load-time checks ----

// lower, upper, trim: a list for a list, else a string.
void type_strings(builtin_types& t) {
    if (!t.args.empty()) t.result = stype{t.args[0].base == sbase::list ? sbase::list : sbase::string};
}

// default, unique, sort: the type of the first argument.
void type_of_first(builtin_types& t) {
    if (!t.args.empty()) t.result = t.args[0];
}

// keys: a list of strings.
void type_keys(builtin_types& t) { t.result.elem = sbase::string; }

// values: a list of the table's values, typed by the schema when it declares them.
void type_values(builtin_types& t) {
    if (t.args.empty() || !t.args[0].sn || !t.args[0].sn->any_key) return;
    t.result.elem_sn = t.args[0].sn->any_key.get();
    t.result.elem = type_of_schema(t.result.elem_sn).base;
}

// other: a snapshot root.
void type_other(builtin_types& t) { t.result = node_type(t.comp.target().schema.get()); }

// others: a list of snapshot roots.
void type_others(builtin_types& t) {
    t.result = stype{sbase::list};
    t.result.elem = sbase::table;
    t.result.elem_sn = t.comp.target().schema.get();
    t.result.elem_is_node = true;
}

// capture: the pattern is a string literal, compiled once when the pack loads.
void check_capture(builtin_types& t) {
    if (t.c.kids.size() != 2) return;
    const cexpr& pattern = *t.c.kids[1];
    if (pattern.op != cop::constant || pattern.k.k != vkind::string)
        t.comp.error(t.sc.file, t.call.kids[1]->where, "the pattern of 'capture' must be a string literal", check_ids::regex);
    else
        t.c.re = t.comp.compile_regex(t.sc, pattern.k.s, t.call.kids[1]->where);
}

// schema_violations: reads `self`; a pack that calls it reports the schema's violations itself.
void check_schema_violations(builtin_types& t) {
    t.comp.target().schema_by_rule = true;
    if (!t.sc.has_self)
        t.comp.error(t.sc.file, t.call.where, "'schema_violations()' reads 'self', so it needs a rule of scope 'node'",
                     check_ids::unknown_name);
}

// ---- Implementations ----

// The first argument that is not a string, or null.
const value* first_non_string(const builtin_arg_refs& a) {
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].k != vkind::string) return &a[i];
    return nullptr;
}

// `fn` applied to a string, or to each string of a list.
value map_strings(const builtin_args& x, std::string (*fn)(const std::string&)) {
    const value& a = x.a[0];
    if (a.k == vkind::string) return value::string(fn(a.s), a.org);
    if (a.k != vkind::list) return wrong(x, "a string or a list of strings", a);
    std::vector<value> out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        value e = a.at(i);
        if (e.k == vkind::string) e.s = fn(e.s);
        out.push_back(std::move(e));
    }
    return value::list(std::move(out), a.org);
}

value fn_lower(const builtin_args& x) {
    return map_strings(x, [](const std::string& s) { return rt::ascii_lower(s); });
}

value fn_upper(const builtin_args& x) {
    return map_strings(x, [](const std::string& s) { return upper(s); });
}

value fn_trim(const builtin_args& x) {
    return map_strings(x, [](const std::string& s) { return trim(s); });
}

value fn_len(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k == vkind::string || a.k == vkind::list || a.k == vkind::table)
        return value::integer(static_cast<std::int64_t>(a.size()), a.org);
    return wrong(x, "a string, a list or a table", a);
}

value fn_count(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k == vkind::list || a.k == vkind::table) return value::integer(static_cast<std::int64_t>(a.size()), a.org);
    return wrong(x, "a list or a table", a);
}

value fn_starts_with(const builtin_args& x) {
    if (const value* bad = first_non_string(x.a)) return wrong(x, "strings", *bad);
    const std::string& s = x.a[0].s;
    const std::string& p = x.a[1].s;
    return value::boolean(s.compare(0, p.size(), p) == 0, x.a[0].org);
}

value fn_ends_with(const builtin_args& x) {
    if (const value* bad = first_non_string(x.a)) return wrong(x, "strings", *bad);
    const std::string& s = x.a[0].s;
    const std::string& p = x.a[1].s;
    return value::boolean(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0, x.a[0].org);
}

value fn_replace(const builtin_args& x) {
    if (first_non_string(x.a)) return value::missing("'replace' needs three strings", {}, x.a[0].org);
    const std::string& from = x.a[1].s;
    std::string s = x.a[0].s;
    if (!from.empty()) {
        std::string out;
        std::size_t i = 0;
        for (auto j = s.find(from, i); j != std::string::npos; j = s.find(from, i)) {
            out += s.substr(i, j - i) + x.a[2].s;
            i = j + from.size();
        }
        out += s.substr(i);
        s = std::move(out);
    }
    return value::string(std::move(s), x.a[0].org);
}

value fn_split(const builtin_args& x) {
    if (first_non_string(x.a)) return value::missing("'split' needs two strings", {}, x.a[0].org);
    const value& a = x.a[0];
    const std::string& s = a.s;
    const std::string& sep = x.a[1].s;
    std::vector<value> out;
    if (sep.empty()) {
        for (char ch : s) out.push_back(value::string(std::string(1, ch), a.org));
        return value::list(std::move(out), a.org);
    }
    std::size_t i = 0;
    while (true) {
        auto j = s.find(sep, i);
        out.push_back(value::string(s.substr(i, j == std::string::npos ? std::string::npos : j - i), a.org));
        if (j == std::string::npos) break;
        i = j + sep.size();
    }
    return value::list(std::move(out), a.org);
}

value fn_join(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k != vkind::list || x.a[1].k != vkind::string)
        return value::missing("'join' needs a list and a string", {}, a.org);
    std::string out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += x.a[1].s;
        out += rt::display(a.at(i));
    }
    return value::string(std::move(out), a.org);
}

value fn_substr(const builtin_args& x) {
    const value& a = x.a[0];
    const bool has_len = x.a.size() > 2;
    if (a.k != vkind::string || x.a[1].k != vkind::integer || (has_len && x.a[2].k != vkind::integer))
        return value::missing("'substr' needs a string and integers", {}, a.org);
    std::int64_t n = static_cast<std::int64_t>(a.s.size());
    std::int64_t start = std::clamp<std::int64_t>(x.a[1].i, 0, n);
    std::int64_t len = has_len ? std::clamp<std::int64_t>(x.a[2].i, 0, n - start) : n - start;
    return value::string(a.s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(len)), a.org);
}

value fn_hex(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k != vkind::integer) return wrong(x, "an int", a);
    return value::string(fmt::format("0x{:08X}", static_cast<std::uint32_t>(static_cast<std::uint64_t>(a.i))), a.org);
}

value fn_int(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k == vkind::integer) return a;
    if (a.k != vkind::string) return wrong(x, "an int or a string", a);
    std::string s = trim(a.s);
    bool neg = !s.empty() && s[0] == '-';
    std::string_view d = std::string_view(s).substr(neg ? 1 : 0);
    int base = 10;
    if (d.size() > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
        base = 16;
        d = d.substr(2);
    }
    std::uint64_t u = 0;
    if (!parse_digits(d, base, u)) return value::missing(fmt::format("'{}' is not an integer", a.s), {}, a.org);
    return value::integer(neg ? -static_cast<std::int64_t>(u) : static_cast<std::int64_t>(u), a.org);
}

value fn_parse_int(const builtin_args& x) {
    const value& a = x.a[0];
    const value& base = x.a[1];
    if (a.k != vkind::string || base.k != vkind::integer || base.i < 2 || base.i > 36)
        return value::missing("'parse_int' needs a string and a base from 2 to 36", {}, a.org);
    std::uint64_t u = 0;
    if (!parse_digits(a.s, static_cast<int>(base.i), u))
        return value::missing(fmt::format("'{}' is not a base-{} integer", a.s, base.i), {}, a.org);
    return value::integer(static_cast<std::int64_t>(u), a.org);
}

value fn_u32(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k != vkind::integer) return wrong(x, "an int", a);
    if (a.i < -2147483648LL || a.i > 4294967295LL)
        return value::missing(fmt::format("{} is outside the 32-bit range", a.i), {}, a.org);
    return value::integer(a.i < 0 ? a.i + 4294967296LL : a.i, a.org);
}

value fn_capture(const builtin_args& x) {
    const value& a = x.a[0];
    const RE2* re = x.call.re;
    if (a.k != vkind::string) return wrong(x, "a string", a);
    if (!re) return value::missing("invalid regular expression", {}, a.org);
    re2::StringPiece groups[2];
    int n = std::min(re->NumberOfCapturingGroups(), 1) + 1;
    if (!re->Match(a.s, 0, a.s.size(), RE2::UNANCHORED, groups, n))
        return value::missing(fmt::format("'{}' does not match the pattern", a.s), {}, a.org);
    const auto& g = groups[n - 1];
    return value::string(std::string(g.data() ? g.data() : "", g.size()), a.org);
}

value fn_type(const builtin_args& x) { return value::string(std::string(rt::type_name(x.a[0].k)), x.a[0].org); }

// The keys (each located where it is written) or the values of a table.
value table_parts(const builtin_args& x, bool keys) {
    const value& a = x.a[0];
    if (a.k != vkind::table || !a.node) return wrong(x, "a table", a);
    std::vector<value> out;
    for (const auto& e : a.node->entries)
        out.push_back(keys ? value::string(e.key, rt::origin{a.org.snap, e.key_pos, &e.value->path})
                           : value::from_node(*e.value, a.org.snap));
    value r = value::list(std::move(out), a.org);
    r.hold = a.hold;
    return r;
}

value fn_keys(const builtin_args& x) { return table_parts(x, true); }

value fn_values(const builtin_args& x) { return table_parts(x, false); }

value fn_key(const builtin_args& x) {
    const value& a = x.a[0];
    if (!a.org.path) return value::missing("'key' needs a value read from a table", {}, a.org);
    return value::string(last_key(*a.org.path), a.org);
}

value fn_exists(const builtin_args& x) { return value::boolean(!x.a[0].is_missing(), x.a[0].org); }

value fn_default(const builtin_args& x) {
    if (!x.a[0].is_missing()) return x.a[0];
    value b = x.a[1];
    if (!b.org.valid()) b.org = x.a[0].org;  // the default stands where the missing value should be
    return b;
}

// The other members of node `n`'s cluster (as node values), or false when `n` is not a node.
bool other_nodes(const builtin_args& x, const value& n, std::vector<value>& out) {
    const eval_world& w = x.ev.world();
    std::uint32_t s = n.org.snap;
    if (n.k != vkind::table || s == rt::origin::none || s >= w.snaps.size() || n.node != w.snaps[s].s->root.get())
        return false;
    for (auto m : w.clusters[w.snaps[s].cluster].members)
        if (m != s) out.push_back(x.ev.node_value(m));
    return true;
}

value fn_other(const builtin_args& x) {
    const value& n = x.a[0];
    std::vector<value> out;
    if (!other_nodes(x, n, out)) return wrong(x, "a node", n);
    if (out.size() == 1) return out[0];
    const eval_world& w = x.ev.world();
    const snap_entry& self = w.snaps[n.org.snap];
    return value::missing(fmt::format("{} has {} other node{} in cluster '{}'; expected exactly one", self.node_name,
                                      out.size(), out.size() == 1 ? "" : "s", w.clusters[self.cluster].name),
                          {}, n.org);
}

value fn_others(const builtin_args& x) {
    const value& n = x.a[0];
    std::vector<value> out;
    if (!other_nodes(x, n, out)) return wrong(x, "a node", n);
    return value::list(std::move(out), n.org);
}

value fn_schema_violations(const builtin_args& x) {
    if (x.ev.self() == rt::origin::none) return value::missing("'schema_violations()' needs a node");
    return value::list(x.ev.schema_violations(x.ev.self()));
}

// unique keeps the first of equal elements; sort is stable.
value fn_unique(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k != vkind::list) return wrong(x, "a list", a);
    std::vector<value> out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        value v = a.at(i);
        if (std::none_of(out.begin(), out.end(), [&](const value& u) { return rt::compare(u, v) == rt::cmp_result::equal; }))
            out.push_back(std::move(v));
    }
    return value::list(std::move(out), a.org);
}

value fn_sort(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k != vkind::list) return wrong(x, "a list", a);
    std::vector<value> out;
    for (std::size_t i = 0; i < a.size(); ++i) out.push_back(a.at(i));
    std::stable_sort(out.begin(), out.end(), [](const value& p, const value& q) { return rt::compare(p, q) == rt::cmp_result::less; });
    return value::list(std::move(out), a.org);
}

// The 0-based index of step `s` in the runbook, or the number of steps when `s` is not one of them.
std::size_t step_of(const runbook_ctx& rb, const value& s) { return rb.step_index_of(s); }

value fn_step_index(const builtin_args& x) {
    const runbook_ctx* rb = x.ev.runbook();
    if (!rb) return value::missing(fmt::format("'{}' needs a runbook", x.call.key));
    std::size_t idx = step_of(*rb, x.a[0]);
    if (idx == rb->steps.size()) return wrong(x, "a step", x.a[0]);
    return value::integer(static_cast<std::int64_t>(idx + 1), x.a[0].org);
}

// The node a step runs on: its `step_node` key (the schema's), else the node holding the runbook.
value fn_node_of(const builtin_args& x) {
    const runbook_ctx* rb = x.ev.runbook();
    if (!rb) return value::missing(fmt::format("'{}' needs a runbook", x.call.key));
    const value& s = x.a[0];
    std::size_t idx = step_of(*rb, s);
    if (idx == rb->steps.size()) return wrong(x, "a step", s);
    const eval_world& w = x.ev.world();
    std::string who = w.snaps[rb->holder].node_name;
    if (w.p->step_node && s.node) {
        const snap::node* n = s.node;
        for (const auto& seg : *w.p->step_node) {
            const snap::entry* e = n && n->k == snap::kind::table ? n->find(seg.key) : nullptr;
            n = e ? e->value.get() : nullptr;
        }
        if (n && n->k == snap::kind::string) who = n->str;
    }
    std::uint32_t t = x.ev.find_node(who);
    if (t == rt::origin::none)
        return value::missing(fmt::format("step {} names node '{}', which is not in this cluster", idx + 1, who), {}, s.org);
    return x.ev.node_value(t);
}

value fn_is_action(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k != vkind::string) return wrong(x, "a string", a);
    return value::boolean(x.ev.world().p->actions.count(a.s) > 0, a.org);
}

value fn_actions(const builtin_args& x) {
    std::vector<value> out;
    for (const auto& [n, a] : x.ev.world().p->actions) out.push_back(value::string(n));
    return value::list(std::move(out));
}

value fn_trigger(const builtin_args& x) { return value::string(x.ev.trigger_name()); }

value fn_str(const builtin_args& x) {
    const value& a = x.a[0];
    return value::string(a.k == vkind::string ? a.s : rt::display(a), a.org);
}

// ---- The table: one row per built-in ----

constexpr auto propagate = missing_args::propagate;

// A row's mark that its built-in reads no evaluation context (builtin_def::context_free).
constexpr bool no_context = true;

constexpr builtin_def builtins[] = {
    // name, min and max arguments, result kind, typing, implementation, missing arguments;
    // then how it is called and what it gives (shown by `kblint lsp` on hover and completion);
    // then `no_context` when its value depends on nothing but its arguments and the cluster's
    // current state (builtin_def::context_free)
    {"lower", 1, 1, sbase::unknown, type_strings, fn_lower, propagate,
     "lower(x)", "`x` in lower case; on a list, each string", no_context},
    {"upper", 1, 1, sbase::unknown, type_strings, fn_upper, propagate,
     "upper(x)", "`x` in upper case; on a list, each string", no_context},
    {"trim", 1, 1, sbase::unknown, type_strings, fn_trim, propagate,
     "trim(x)", "`x` without surrounding white space; on a list, each string", no_context},
    {"len", 1, 1, sbase::integer, nullptr, fn_len, propagate,
     "len(x)", "length of a string, list or table", no_context},
    {"count", 1, 1, sbase::integer, nullptr, fn_count, propagate,
     "count(list)", "number of elements", no_context},
    {"starts_with", 2, 2, sbase::boolean, nullptr, fn_starts_with, propagate,
     "starts_with(s, p)", "whether `s` starts with `p`", no_context},
    {"ends_with", 2, 2, sbase::boolean, nullptr, fn_ends_with, propagate,
     "ends_with(s, p)", "whether `s` ends with `p`", no_context},
    {"replace", 3, 3, sbase::string, nullptr, fn_replace, propagate,
     "replace(s, from, to)", "`s` with every `from` replaced by `to`", no_context},
    {"split", 2, 2, sbase::list, nullptr, fn_split, propagate,
     "split(s, sep)", "the parts of `s` between the separators `sep`", no_context},
    {"join", 2, 2, sbase::string, nullptr, fn_join, propagate,
     "join(list, sep)", "the strings of `list` joined by `sep`", no_context},
    {"substr", 2, 3, sbase::string, nullptr, fn_substr, propagate,
     "substr(s, start[, len])", "the part of `s` from `start` (of `len` characters)", no_context},
    {"hex", 1, 1, sbase::string, nullptr, fn_hex, propagate,
     "hex(i)", "`0x` and 8 upper-case hex digits of the low 32 bits (`hex(3)` = `\"0x00000003\"`)", no_context},
    {"int", 1, 1, sbase::integer, nullptr, fn_int, propagate,
     "int(x)", "an integer from an integer or a string (`\"42\"`, `\"-7\"`, `\"0x1F\"`); missing if it does not parse", no_context},
    {"parse_int", 2, 2, sbase::integer, nullptr, fn_parse_int, propagate,
     "parse_int(s, base)", "digits of `s` in base 2..36 (no prefix); missing if it does not parse", no_context},
    {"u32", 1, 1, sbase::integer, nullptr, fn_u32, propagate,
     "u32(i)", "`i` modulo 2^32 when `i` is in -2^31..2^32-1; missing otherwise", no_context},
    {"capture", 2, 2, sbase::string, check_capture, fn_capture, propagate,
     "capture(s, 're')", "the first capture group of an RE2 match (or the whole match), or missing", no_context},
    {"type", 1, 1, sbase::string, nullptr, fn_type, propagate,
     "type(x)", "`\"string\"`, `\"int\"`, `\"float\"`, `\"bool\"`, `\"datetime\"`, `\"list\"` or `\"table\"`", no_context},
    {"keys", 1, 1, sbase::list, type_keys, fn_keys, propagate,
     "keys(t)", "the keys of a table (each remembers where it was written)", no_context},
    {"values", 1, 1, sbase::list, type_values, fn_values, propagate,
     "values(t)", "the values of a table", no_context},
    {"key", 1, 1, sbase::string, nullptr, fn_key, propagate,
     "key(x)", "the key under which the table value `x` is stored", no_context},
    {"exists", 1, 1, sbase::boolean, nullptr, fn_exists, missing_args::seen,
     "exists(x)", "whether `x` is present (true or false, never unknown)", no_context},
    {"default", 2, 2, sbase::unknown, type_of_first, fn_default, missing_args::seen,
     "default(x, d)", "`x`, or `d` when `x` is missing (same as `x ?? d`)", no_context},
    {"other", 1, 1, sbase::table, type_other, fn_other, propagate,
     "other(n)", "the one other node of `n`'s cluster (missing, with a reason, unless there is exactly one)", no_context},
    {"others", 1, 1, sbase::list, type_others, fn_others, propagate,
     "others(n)", "the other nodes of `n`'s cluster", no_context},
    {"schema_violations", 0, 0, sbase::list, check_schema_violations, fn_schema_violations, propagate,
     "schema_violations()", "(node scope) the ways `self` breaks the schema: records with `message` and `path`"},
    {"unique", 1, 1, sbase::list, type_of_first, fn_unique, propagate,
     "unique(list)", "the list without duplicates", no_context},
    {"sort", 1, 1, sbase::list, type_of_first, fn_sort, propagate,
     "sort(list)", "the list sorted", no_context},
    {"step_index", 1, 1, sbase::integer, nullptr, fn_step_index, propagate,
     "step_index(s)", "the 1-based position of a runbook step"},
    {"node_of", 1, 1, sbase::table, nullptr, fn_node_of, propagate,
     "node_of(s)", "the node a step runs on, or missing"},
    {"is_action", 1, 1, sbase::boolean, nullptr, fn_is_action, propagate,
     "is_action(name)", "whether an action of that name is declared", no_context},
    {"actions", 0, 0, sbase::list, nullptr, fn_actions, propagate,
     "actions()", "the names of the declared actions", no_context},
    {"trigger", 0, 0, sbase::string, nullptr, fn_trigger, propagate,
     "trigger()", "where the rule is evaluated: `\"snapshot\"`, `\"before\"`, `\"after\"`, `\"final\"` or `\"runbook\"`"},
    {"str", 1, 1, sbase::string, nullptr, fn_str, propagate,
     "str(x)", "`x` as text (numbers in decimal, lists as `[a, b]`)", no_context},
    {"min", 1, 2, sbase::unknown, type_min_max, fn_min, propagate,
     "min(list) | min(a, b)", "the least element of a list, or the lesser of two values", no_context},
    {"max", 1, 2, sbase::unknown, type_min_max, fn_max, propagate,
     "max(list) | max(a, b)", "the greatest element of a list, or the greater of two values", no_context},
    {"sum", 1, 1, sbase::unknown, type_sum, fn_sum, propagate,
     "sum(list)", "the sum of a list of numbers (an int, or a float if one is a float; 0 for an empty list)", no_context},
    {"abs", 1, 1, sbase::unknown, type_of_first, fn_abs, propagate,
     "abs(n)", "the absolute value of an int or a float", no_context},
    {"version_cmp", 2, 2, sbase::integer, nullptr, fn_version_cmp, propagate,
     "version_cmp(a, b)", "-1, 0 or 1 comparing dotted numeric versions (`\"16.9\"` < `\"16.10\"`); missing if one is not a version", no_context},
    {"version_lt", 2, 2, sbase::boolean, nullptr, fn_version_lt, propagate,
     "version_lt(a, b)", "whether version `a` is older than version `b` (`version_cmp(a, b) < 0`)", no_context},
    {"regex_capture", 3, 3, sbase::string, check_regex_capture, fn_regex_capture, propagate,
     "regex_capture(s, 're', group)", "capture group `group` (a number, 0 the whole match, or a name) of an RE2 match, or missing", no_context},
    {"regex_replace", 3, 3, sbase::string, check_regex_replace, fn_regex_replace, propagate,
     "regex_replace(s, 're', rewrite)", "`s` with every RE2 match replaced by `rewrite` (`\\1` is group 1)", no_context},
    {"bytes", 1, 1, sbase::integer, nullptr, fn_bytes, propagate,
     "bytes(x)", "a size in bytes from `\"64MB\"`, `\"512kB\"`, `\"1GiB\"` (1 kB = 1024 B) or an int", no_context},
    {"seconds", 1, 1, sbase::integer, nullptr, fn_seconds, propagate,
     "seconds(x)", "a duration in seconds from `\"5min\"`, `\"30s\"`, `\"2h\"`, `\"1d\"`, `\"1000ms\"` or an int", no_context},
};

static_assert(std::all_of(std::begin(builtins), std::end(builtins),
                          [](const builtin_def& b) { return b.min_args <= b.max_args && b.max_args <= max_builtin_args; }),
              "a built-in takes at most max_builtin_args arguments");

} // namespace

std::span<const builtin_def> builtin_table() { return builtins; }

const builtin_def* find_builtin(std::string_view name) {
    for (const auto& b : builtins)
        if (b.name == name) return &b;
    return nullptr;
}


value evaluator::eval_builtin(const cexpr& c, frame& f) {
    std::array<operand*, max_builtin_args> ops{};
    return builtin_from(c, f, 0, ops);
}

// Arguments that are variables or constants are read in place (eval_operand), the others made in
// their operand. Each argument's operand lives in its own call of this function, so that only the
// call's arguments are made, each constructed in place: none is copied, moved or made empty.
value evaluator::builtin_from(const cexpr& c, frame& f, std::size_t i, std::array<operand*, max_builtin_args>& ops) {
    const std::size_t na = std::min(c.kids.size(), max_builtin_args);
    if (i < na) {
        operand o = eval_operand(*c.kids[i], f);
        ops[i] = &o;
        return builtin_from(c, f, i + 1, ops);
    }
    std::array<const value*, max_builtin_args> a{};
    for (std::size_t k = 0; k < na; ++k) a[k] = &ops[k]->get();
    if (c.fn->missing == missing_args::propagate)
        for (std::size_t k = 0; k < na; ++k)
            if (a[k]->is_missing()) return ops[k]->take();
    return c.fn->impl(builtin_args{builtin_arg_refs(a, na), c, *this});
}

std::vector<value> evaluator::schema_violations(std::uint32_t snap) {
    std::vector<value> out;
    if (!w_.p->schema) return out;
    schema_check_options opt;
    opt.strict = w_.p->schema_strict || w_.strict_schema;
    opt.steps = w_.p;
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
        kept_.push_back(rec);
        v.org = rt::origin{snap, rec->where, &rec->path};
        out.push_back(std::move(v));
    }
    return out;
}

} // namespace kbl
