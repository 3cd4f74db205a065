// Warnings read from the AST of a compiled expression (compiler phase; see compile_internal.hpp):
// conditions whose result no snapshot can change (`x or true`, `a == "p" and a == "q"`,
// `len(x) >= 0`) and names that hide another (a variable named like a def, a table, a snapshot
// field or an enclosing variable). Each is a warning with its own id, silenced per file with
// `# kbl: allow(ID)` (compile.cpp).
#include <fmt/format.h>

#include "common/check_ids.hpp"
#include "common/text.hpp"
#include "checker/engine/compile_internal.hpp"

namespace kbl {

namespace {

using ast::binop;
using ast::expr;
using ast::expr_kind;

bool is_bool(const expr& e, bool value) { return e.kind == expr_kind::bool_lit && e.b == value; }

bool is_literal(const expr& e) {
    return e.kind == expr_kind::string_lit || e.kind == expr_kind::int_lit || e.kind == expr_kind::float_lit ||
           e.kind == expr_kind::bool_lit;
}

// True when `a` and `b` are written alike (the same names, keys, literals and operators).
bool same_expr(const expr& a, const expr& b) {
    if (a.kind != b.kind || a.text != b.text || a.i != b.i || a.f != b.f || a.b != b.b || a.op != b.op || a.q != b.q ||
        a.keys != b.keys || a.kids.size() != b.kids.size())
        return false;
    for (std::size_t i = 0; i < a.kids.size(); ++i) {
        if (!a.kids[i] || !b.kids[i]) {
            if (a.kids[i] || b.kids[i]) return false;
            continue;
        }
        if (!same_expr(*a.kids[i], *b.kids[i])) return false;
    }
    return true;
}

// Two literals that can never be equal (strings are compared ignoring case).
bool distinct_literals(const expr& a, const expr& b) {
    if (!is_literal(a) || !is_literal(b) || a.kind != b.kind) return false;
    if (a.kind == expr_kind::string_lit) return rt::ascii_lower(a.text) != rt::ascii_lower(b.text);
    return a.i != b.i || a.f != b.f || a.b != b.b;
}

// `a.b.c` for a path of names and keys, else "the same value".
std::string path_text(const expr& e) {
    if (e.kind == expr_kind::name) return e.text;
    if (e.kind == expr_kind::member && e.kids[0]) {
        std::string base = path_text(*e.kids[0]);
        return base.empty() ? std::string() : base + "." + e.text;
    }
    return {};
}

std::string literal_text(const expr& e) {
    if (e.kind == expr_kind::string_lit) return fmt::format("\"{}\"", e.text);
    if (e.kind == expr_kind::bool_lit) return e.b ? "true" : "false";
    if (e.kind == expr_kind::float_lit) return fmt::format("{}", e.f);
    return std::to_string(e.i);
}

// A comparison `X OP literal` (or `literal OP X`) of the operator `op`: X, and the literal.
std::pair<const expr*, const expr*> compared_with(const expr& e, binop op) {
    if (e.kind != expr_kind::binary || e.op != op) return {nullptr, nullptr};
    if (is_literal(*e.kids[1]) && !is_literal(*e.kids[0])) return {e.kids[0].get(), e.kids[1].get()};
    if (is_literal(*e.kids[0]) && !is_literal(*e.kids[1])) return {e.kids[1].get(), e.kids[0].get()};
    return {nullptr, nullptr};
}

// A value that is never negative: `len(...)` or a `count` quantifier.
bool never_negative(const expr& e) {
    return (e.kind == expr_kind::call && e.text == "len") || (e.kind == expr_kind::quantifier && e.q == ast::quant::count);
}

bool is_zero(const expr& e) { return e.kind == expr_kind::int_lit && e.i == 0; }

// "always true" / "always false" for a comparison of a never-negative value with 0, else empty.
std::string sign_test(const expr& e) {
    const ast::expr& a = *e.kids[0];
    const ast::expr& b = *e.kids[1];
    if (never_negative(a) && is_zero(b)) {
        if (e.op == binop::ge) return "always true";
        if (e.op == binop::lt) return "always false";
    }
    if (is_zero(a) && never_negative(b)) {
        if (e.op == binop::le) return "always true";
        if (e.op == binop::gt) return "always false";
    }
    return {};
}

} // namespace

// Every binary condition in `e` and the variables its quantifiers bind.
void compiler::lint_condition(const compile_scope& sc, const ast::expr& e) {
    if (e.kind == expr_kind::binary) lint_binary(sc, e);
    if (e.kind == expr_kind::quantifier) {
        if (e.kids[0]) lint_condition(sc, *e.kids[0]);
        compile_scope inner;
        inner.file = sc.file;
        inner.has_self = sc.has_self;
        inner.vars = sc.vars;
        lint_bound_name(inner, e.text, e.where);
        inner.vars.push_back({e.text, 0, stype{}, nullptr});
        for (std::size_t i = 1; i < e.kids.size(); ++i)
            if (e.kids[i]) lint_condition(inner, *e.kids[i]);
        return;
    }
    for (const auto& k : e.kids)
        if (k) lint_condition(sc, *k);
}

void compiler::lint_binary(const compile_scope& sc, const ast::expr& e) {
    auto say = [&](const std::string& msg) { warning(sc.file, e.where, msg, check_ids::constant_condition); };
    const ast::expr& a = *e.kids[0];
    const ast::expr& b = *e.kids[1];
    if (e.op == binop::and_ || e.op == binop::or_) {
        const bool is_and = e.op == binop::and_;
        const char* word = is_and ? "and" : "or";
        if (is_bool(a, !is_and) || is_bool(b, !is_and))
            return say(fmt::format("this condition is always {0}: one side of '{1}' is '{0}'", is_and ? "false" : "true", word));
        if (is_bool(a, is_and) || is_bool(b, is_and))
            return say(fmt::format("'{}' never changes the result of '{}'; remove it", is_and ? "true" : "false", word));
        if (same_expr(a, b)) return say(fmt::format("both sides of '{}' are the same condition", word));
        // `x == "p" and x == "q"` can never hold; `x != "p" or x != "q"` always does.
        auto [x1, l1] = compared_with(a, is_and ? binop::eq : binop::ne);
        auto [x2, l2] = compared_with(b, is_and ? binop::eq : binop::ne);
        if (x1 && x2 && same_expr(*x1, *x2) && distinct_literals(*l1, *l2)) {
            std::string what = path_text(*x1);
            what = what.empty() ? "the same value" : fmt::format("'{}'", what);
            return say(is_and ? fmt::format("this condition is always false: {} cannot be both {} and {}", what,
                                            literal_text(*l1), literal_text(*l2))
                              : fmt::format("this condition is always true: {} is always either not {} or not {}", what,
                                            literal_text(*l1), literal_text(*l2)));
        }
        return;
    }
    // `x == x` is not one: it is unknown when x is missing, and packs use it so.
    if (std::string s = sign_test(e); !s.empty())
        say(fmt::format("this comparison is {}: {} is never negative", s,
                        (never_negative(a) ? a : b).kind == expr_kind::call ? "'len(...)'" : "a count"));
}

// A warning when a variable bound here hides a variable of an enclosing scope, a def, a table or
// (where a snapshot is in scope) a snapshot field of the schema.
void compiler::lint_bound_name(const compile_scope& sc, const std::string& name, pos where) {
    std::string hidden;
    for (const auto& v : sc.vars)
        if (v.name == name) hidden = fmt::format("the variable '{}' of an enclosing scope", name);
    if (hidden.empty() && find_def(sc.file, name)) hidden = fmt::format("the def '{}'", name);
    if (hidden.empty() && find_table(sc.file, name)) hidden = fmt::format("the table '{}'", name);
    if (hidden.empty() && sc.has_self && p_.schema && p_.schema->keys.count(name))
        hidden = fmt::format("the snapshot field '{}'", name);
    if (!hidden.empty())
        warning(sc.file, where, fmt::format("'{}' hides {}; choose another name", name, hidden),
                check_ids::shadowing);
}

} // namespace kbl
