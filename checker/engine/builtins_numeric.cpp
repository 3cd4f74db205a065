// The built-ins on numbers, versions, regular expressions, sizes and durations (docs/language.md,
// "Functions"): their typing functions and implementations, declared in builtins_util.hpp. Their
// rows are in the one table of builtins.cpp.
#include "checker/engine/builtins_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/check_ids.hpp"
#include "checker/engine/compile_internal.hpp"
#include "checker/engine/eval_util.hpp"

namespace kbl {

using rt::value;
using rt::vkind;

// ---- Typing ----

// min, max: the element type of a list argument, else the type of the first argument.
void type_min_max(builtin_types& t) {
    if (t.args.size() == 1 && t.args[0].base == sbase::list) {
        t.result = stype{t.args[0].elem};
        t.result.sn = t.args[0].elem_sn;
    } else if (!t.args.empty()) {
        t.result = t.args[0];
    }
}

// sum: an int for a list of ints, a float for a list of floats.
void type_sum(builtin_types& t) {
    if (!t.args.empty() && (t.args[0].elem == sbase::integer || t.args[0].elem == sbase::floating))
        t.result = stype{t.args[0].elem};
}

namespace {

// The pattern (second argument) of a regex built-in: a string literal, compiled once at load time.
const RE2* check_pattern(builtin_types& t) {
    if (t.c.kids.size() < 2) return nullptr;
    const cexpr& pattern = *t.c.kids[1];
    if (pattern.op != cop::constant || pattern.k.k != vkind::string) {
        t.comp.error(t.sc.file, t.call.kids[1]->where, fmt::format("the pattern of '{}' must be a string literal", t.call.text),
                     check_ids::regex);
        return nullptr;
    }
    t.c.re = t.comp.compile_regex(t.sc, pattern.k.s, t.call.kids[1]->where);
    return t.c.re;
}

} // namespace

// regex_capture: a literal group number or name must exist in the pattern.
void check_regex_capture(builtin_types& t) {
    const RE2* re = check_pattern(t);
    if (!re || t.c.kids.size() < 3 || t.c.kids[2]->op != cop::constant) return;
    const value& g = t.c.kids[2]->k;
    const pos where = t.call.kids[2]->where;
    if (g.k == vkind::integer && (g.i < 0 || g.i > re->NumberOfCapturingGroups()))
        t.comp.error(t.sc.file, where,
                     fmt::format("the pattern has {} capture group{}; group {} does not exist", re->NumberOfCapturingGroups(),
                                 re->NumberOfCapturingGroups() == 1 ? "" : "s", g.i),
                     check_ids::regex);
    else if (g.k == vkind::string && !re->NamedCapturingGroups().count(g.s))
        t.comp.error(t.sc.file, where, fmt::format("the pattern has no capture group named '{}'", g.s), check_ids::regex);
    else if (g.k != vkind::integer && g.k != vkind::string)
        t.comp.error(t.sc.file, where, "the group of 'regex_capture' is a number or a name", check_ids::type_error);
}

// regex_replace: a literal replacement may only name groups the pattern has (`\1`).
void check_regex_replace(builtin_types& t) {
    const RE2* re = check_pattern(t);
    if (!re || t.c.kids.size() < 3 || t.c.kids[2]->op != cop::constant || t.c.kids[2]->k.k != vkind::string) return;
    std::string why;
    if (!re->CheckRewriteString(t.c.kids[2]->k.s, &why))
        t.comp.error(t.sc.file, t.call.kids[2]->where, fmt::format("invalid replacement: {}", why), check_ids::regex);
}

// ---- Numbers, versions, sizes and durations (docs/language.md, "Functions") ----

namespace {

// The least (`less`) or greatest element of a list, or of two arguments.
value extreme(const builtin_args& x, rt::cmp_result keep) {
    std::vector<value> one;
    std::vector<const value*> xs;
    if (x.a.size() == 1) {
        if (x.a[0].k != vkind::list) return wrong(x, "a list, or two values", x.a[0]);
        for (std::size_t i = 0; i < x.a[0].size(); ++i) one.push_back(x.a[0].at(i));
        if (one.empty()) return value::missing(fmt::format("'{}' of an empty list", x.call.key), {}, x.a[0].org);
        for (const value& v : one) xs.push_back(&v);
    } else {
        for (std::size_t i = 0; i < x.a.size(); ++i) xs.push_back(&x.a[i]);
    }
    const value* best = xs[0];
    for (const value* p : xs) {
        const value& v = *p;
        if (v.is_missing()) return v;
        rt::cmp_result r = rt::compare(v, *best);
        if (r == rt::cmp_result::unordered || r == rt::cmp_result::type_mismatch)
            return value::missing(fmt::format("'{}' cannot order a {} and a {}", x.call.key, rt::type_name(best->k),
                                              rt::type_name(v.k)), {}, v.org);
        if (r == keep) best = &v;
    }
    return *best;
}

} // namespace

value fn_min(const builtin_args& x) { return extreme(x, rt::cmp_result::less); }

value fn_max(const builtin_args& x) { return extreme(x, rt::cmp_result::greater); }

value fn_sum(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k != vkind::list) return wrong(x, "a list of numbers", a);
    std::int64_t i = 0;
    double f = 0.0;
    bool floating = false;
    for (std::size_t n = 0; n < a.size(); ++n) {
        value e = a.at(n);
        if (e.is_missing()) return e;
        if (e.k == vkind::floating) floating = true;
        else if (e.k != vkind::integer) return wrong(x, "a list of numbers", e);
        f += e.k == vkind::integer ? static_cast<double>(e.i) : e.f;
        if (e.k == vkind::integer && __builtin_add_overflow(i, e.i, &i)) return value::missing("integer overflow", {}, a.org);
    }
    return floating ? value::floating(f, a.org) : value::integer(i, a.org);
}

value fn_abs(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k == vkind::floating) return value::floating(std::fabs(a.f), a.org);
    if (a.k != vkind::integer) return wrong(x, "a number", a);
    if (a.i == std::numeric_limits<std::int64_t>::min()) return value::missing("integer overflow", {}, a.org);
    return value::integer(a.i < 0 ? -a.i : a.i, a.org);
}

namespace {

// A dotted numeric version (`"16.10"`, `"1.02.3"`, an int) as its numbers, or false. Each part is
// decimal digits (leading zeros ignored); anything else (`"16.x"`, `"1..2"`, `"v1"`) is not a version.
bool version_parts(const value& v, std::vector<std::uint64_t>& out) {
    std::string s = v.k == vkind::integer && v.i >= 0 ? std::to_string(v.i) : v.k == vkind::string ? trim(v.s) : "";
    if (s.empty()) return false;
    for (std::size_t i = 0; i <= s.size();) {
        std::size_t j = std::min(s.find('.', i), s.size());
        std::uint64_t n = 0;
        std::string_view d = std::string_view(s).substr(i, j - i);
        while (d.size() > 1 && d[0] == '0') d.remove_prefix(1);
        if (!parse_digits(d, 10, n)) return false;
        out.push_back(n);
        i = j + 1;
    }
    return true;
}

// -1, 0 or 1 for two versions; missing when one is not a version. Missing parts count as 0.
value compare_versions(const builtin_args& x, int& r) {
    std::vector<std::uint64_t> p, q;
    for (int k = 0; k < 2; ++k) {
        const value& v = x.a[static_cast<std::size_t>(k)];
        if (!version_parts(v, k == 0 ? p : q))
            return value::missing(fmt::format("'{}' is not a dotted numeric version", rt::display(v)), {}, v.org);
    }
    r = 0;
    for (std::size_t i = 0; i < std::max(p.size(), q.size()) && r == 0; ++i) {
        std::uint64_t a = i < p.size() ? p[i] : 0, b = i < q.size() ? q[i] : 0;
        r = a < b ? -1 : a > b ? 1 : 0;
    }
    return value::integer(r, x.a[0].org.valid() ? x.a[0].org : x.a[1].org);
}

} // namespace

value fn_version_cmp(const builtin_args& x) {
    int r = 0;
    return compare_versions(x, r);
}

value fn_version_lt(const builtin_args& x) {
    int r = 0;
    value v = compare_versions(x, r);
    if (v.is_missing()) return v;
    return value::boolean(r < 0, v.org);
}

value fn_regex_capture(const builtin_args& x) {
    const value& a = x.a[0];
    const value& g = x.a[2];
    const RE2* re = x.call.re;
    if (a.k != vkind::string) return wrong(x, "a string", a);
    if (!re) return value::missing("invalid regular expression", {}, a.org);
    int n = g.k == vkind::integer ? static_cast<int>(std::clamp<std::int64_t>(g.i, -1, 1 << 20)) : -1;
    if (g.k == vkind::string && re->NamedCapturingGroups().count(g.s)) n = re->NamedCapturingGroups().at(g.s);
    if (n < 0 || n > re->NumberOfCapturingGroups())
        return value::missing(fmt::format("the pattern has no group {}", rt::display(g)), {}, a.org);
    std::vector<re2::StringPiece> groups(static_cast<std::size_t>(n) + 1);
    if (!re->Match(a.s, 0, a.s.size(), RE2::UNANCHORED, groups.data(), n + 1))
        return value::missing(fmt::format("'{}' does not match the pattern", a.s), {}, a.org);
    const auto& m = groups[static_cast<std::size_t>(n)];
    if (!m.data()) return value::missing(fmt::format("group {} of the pattern is not in the match", rt::display(g)), {}, a.org);
    return value::string(std::string(m.data(), m.size()), a.org);
}

value fn_regex_replace(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k != vkind::string || x.a[2].k != vkind::string) return wrong(x, "strings", a.k != vkind::string ? a : x.a[2]);
    if (!x.call.re) return value::missing("invalid regular expression", {}, a.org);
    std::string s = a.s;
    RE2::GlobalReplace(&s, *x.call.re, x.a[2].s);
    return value::string(std::move(s), a.org);
}

namespace {

// A number and a unit (`"64MB"`, `"5 min"`, `"30"`): the number times the unit's factor, or missing.
value scaled(const builtin_args& x, std::span<const std::pair<std::string_view, std::int64_t>> units, std::string_view what) {
    const value& a = x.a[0];
    if (a.k == vkind::integer) return a;
    if (a.k != vkind::string) return wrong(x, "an int or a string", a);
    std::string s = trim(a.s);
    std::size_t d = 0;
    while (d < s.size() && std::isdigit(static_cast<unsigned char>(s[d]))) ++d;
    std::string unit = rt::ascii_lower(trim(s.substr(d)));
    std::uint64_t n = 0;
    auto bad = [&] { return value::missing(fmt::format("'{}' is not {}", a.s, what), {}, a.org); };
    if (!parse_digits(std::string_view(s).substr(0, d), 10, n)) return bad();
    for (const auto& [name, factor] : units) {
        if (unit != name) continue;
        std::int64_t r = 0;
        if (__builtin_mul_overflow(static_cast<std::int64_t>(n), factor, &r)) return value::missing("integer overflow", {}, a.org);
        return value::integer(r, a.org);
    }
    return bad();
}

constexpr std::int64_t kib = 1024;
constexpr std::pair<std::string_view, std::int64_t> size_units[] = {
    {"", 1}, {"b", 1},
    {"k", kib}, {"kb", kib}, {"kib", kib},
    {"m", kib * kib}, {"mb", kib * kib}, {"mib", kib * kib},
    {"g", kib * kib * kib}, {"gb", kib * kib * kib}, {"gib", kib * kib * kib},
    {"t", kib * kib * kib * kib}, {"tb", kib * kib * kib * kib}, {"tib", kib * kib * kib * kib},
};

constexpr std::pair<std::string_view, std::int64_t> duration_units[] = {
    {"", 1}, {"s", 1}, {"sec", 1}, {"m", 60}, {"min", 60}, {"h", 3600}, {"d", 86400}, {"w", 604800},
};

} // namespace

value fn_bytes(const builtin_args& x) { return scaled(x, size_units, "a size (a number and B, kB, MB, GB or TB)"); }

value fn_seconds(const builtin_args& x) {
    const value& a = x.a[0];
    if (a.k == vkind::string) {  // milliseconds: only whole seconds
        std::string s = rt::ascii_lower(trim(a.s));
        if (s.size() > 2 && s.compare(s.size() - 2, 2, "ms") == 0) {
            std::uint64_t n = 0;
            std::string d = trim(s.substr(0, s.size() - 2));
            if (parse_digits(d, 10, n) && n % 1000 == 0) return value::integer(static_cast<std::int64_t>(n / 1000), a.org);
            return value::missing(fmt::format("'{}' is not a whole number of seconds", a.s), {}, a.org);
        }
    }
    return scaled(x, duration_units, "a duration (a number and ms, s, min, h, d or w)");
}

} // namespace kbl
