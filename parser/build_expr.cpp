// The parse tree to the AST: literals, expressions and templates.
#include <charconv>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "common/text.hpp"
#include "parser/builder.hpp"
#include "parser/grammar.hpp"

namespace kbl::build {

namespace g = grammar;

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// `\u{...}` at `body[i]` (the 'u') decoded into `out`; the offset of its closing brace.
std::size_t unicode_escape(std::string_view body, std::size_t i, pos where, std::string& out) {
    std::size_t close = body.find('}', i);
    std::string_view hex = body.substr(i + 2, close - i - 2);
    std::uint32_t cp = 0;
    std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
        throw build_error(where, fmt::format("'\\u{{{}}}' is not a valid Unicode scalar value", hex));
    append_utf8(out, cp);
    return close;
}

std::unique_ptr<ast::expr> new_expr(ast::expr_kind kind, pos where) {
    auto e = std::make_unique<ast::expr>();
    e->kind = kind;
    e->where = where;
    return e;
}

} // namespace

pos at(const pt_node& n) {
    return pos{static_cast<std::uint32_t>(n.m_begin.line), static_cast<std::uint32_t>(n.m_begin.column)};
}

std::string_view source_text(const pt_node& n) {
    const pt_node* last = &n;
    while (!last->has_content() && !last->children.empty()) last = last->children.back().get();
    if (!last->has_content()) return {};
    return {n.m_begin.data, static_cast<std::size_t>(last->m_end.data - n.m_begin.data)};
}

pos end_of(const pt_node& n) {
    return pos{static_cast<std::uint32_t>(n.m_end.line), static_cast<std::uint32_t>(n.m_end.column)};
}

namespace {

// A character of a string's body that is copied as it is: not a control character, a backslash or
// (in a template) a brace.
bool plain_char(char c, bool braces) {
    const auto uc = static_cast<unsigned char>(c);
    if ((uc < 0x20 && c != '\t') || uc == 0x7F || c == '\\') return false;
    return !(braces && (c == '{' || c == '}'));
}

} // namespace

std::string unescape(std::string_view body, pos where, bool braces) {
    std::string out;
    out.reserve(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
        // A run of characters that stand for themselves is copied at once.
        std::size_t run = i;
        while (run < body.size() && plain_char(body[run], braces)) ++run;
        if (run != i) {
            out.append(body.data() + i, run - i);
            i = run;
            if (i == body.size()) break;
        }
        char c = body[i];
        auto uc = static_cast<unsigned char>(c);
        if ((uc < 0x20 && c != '\t') || uc == 0x7F)
            throw build_error(pos{where.line, where.column + static_cast<std::uint32_t>(i) + (braces ? 0u : 1u)},
                              fmt::format("control character \\x{:02x} in a string; write it as an escape", uc));
        if (braces && (c == '{' || c == '}') && i + 1 < body.size() && body[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        if (c != '\\' || i + 1 >= body.size()) {
            out += c;
            continue;
        }
        char e = body[++i];
        switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'u': i = unicode_escape(body, i, where, out); break;
        default: out += e; break;  // \" \\ \{ \}
        }
    }
    if (!valid_utf8(out)) throw build_error(where, "string is not valid UTF-8");
    return out;
}

std::string string_value(const pt_node& n) {
    std::string_view s = n.string_view();
    if (n.is_type<g::raw_string>()) {
        std::string v(s.substr(1, s.size() - 2));
        for (std::size_t i = 0; i < v.size(); ++i) {
            auto uc = static_cast<unsigned char>(v[i]);
            if ((uc < 0x20 && v[i] != '\t') || uc == 0x7F)
                throw build_error(pos{at(n).line, at(n).column + 1 + static_cast<std::uint32_t>(i)},
                                  fmt::format("control character \\x{:02x} in a string", uc));
        }
        if (!valid_utf8(v)) throw build_error(at(n), "string is not valid UTF-8");
        return v;
    }
    return unescape(s.substr(1, s.size() - 2), at(n), false);
}

const pt_node* find_child_string(const pt_node& n) {
    for (const auto& c : n.children)
        if (c->is_type<g::string_lit>() || c->is_type<g::raw_string>()) return c.get();
    return nullptr;
}

std::int64_t parse_integer(std::string_view text, int base, pos where) {
    std::uint64_t v = 0;
    std::string digits(text);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec != std::errc() || p != digits.data() + digits.size() ||
        v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw build_error(where, fmt::format("integer literal '{}' is out of range", text));
    return static_cast<std::int64_t>(v);
}

ast::expr_ptr builder::expr(const pt_node& n) {
    if (auto lit = literal(n)) return lit;
    if (n.is_type<g::record_lit>()) return record(n);
    if (n.is_type<g::postfix>()) return postfix(n);
    if (n.is_type<g::neg>()) return negation(n);
    if (n.is_type<g::add_expr>() || n.is_type<g::mul_expr>()) return chain(n);
    if (n.is_type<g::default_expr>()) return left_fold(n, ast::binop::default_);
    if (n.is_type<g::and_expr>()) return left_fold(n, ast::binop::and_);
    if (n.is_type<g::or_expr>()) return left_fold(n, ast::binop::or_);
    if (n.is_type<g::cmp_expr>()) return comparison(n);
    if (n.is_type<g::quantifier>()) return quantifier(n);
    auto e = std::make_unique<ast::expr>();
    e->where = at(n);
    if (n.is_type<g::list_lit>()) {
        e->kind = ast::expr_kind::list;
        for (const auto& c : n.children) e->kids.push_back(expr(*c));
    } else if (n.is_type<g::name>()) {
        e->kind = ast::expr_kind::name;
        e->text = n.string();
    } else if (n.is_type<g::call>()) {
        e->kind = ast::expr_kind::call;
        std::size_t i = 0;
        if (n.children.at(0)->is_type<g::call_module>()) e->text = n.children.at(i++)->string() + ".";  // `x.f(...)`
        e->text += n.children.at(i++)->string();
        for (; i < n.children.size(); ++i) e->kids.push_back(expr(*n.children[i]));
    } else if (n.is_type<g::if_expr>()) {
        e->kind = ast::expr_kind::conditional;
        for (const auto& c : n.children) e->kids.push_back(expr(*c));
    } else if (n.is_type<g::not_op>()) {
        e->kind = ast::expr_kind::not_;
        e->kids.push_back(expr(*n.children.at(0)));
    } else {
        throw build_error(at(n), fmt::format("unexpected '{}' in an expression", n.type));
    }
    return e;
}

// A string, number, boolean or date literal; null when `n` is none of them.
ast::expr_ptr builder::literal(const pt_node& n) {
    auto e = std::make_unique<ast::expr>();
    e->where = at(n);
    if (n.is_type<g::string_lit>() || n.is_type<g::raw_string>()) {
        e->kind = ast::expr_kind::string_lit;
        e->text = string_value(n);
        e->quoted = n.is_type<g::raw_string>();
    } else if (n.is_type<g::int_lit>() || n.is_type<g::hex_lit>()) {
        const bool hex = n.is_type<g::hex_lit>();
        e->kind = ast::expr_kind::int_lit;
        e->i = parse_integer(hex ? n.string_view().substr(2) : n.string_view(), hex ? 16 : 10, e->where);
        e->text = n.string();
    } else if (n.is_type<g::float_lit>()) {
        e->kind = ast::expr_kind::float_lit;
        e->f = std::strtod(n.string().c_str(), nullptr);
        e->text = n.string();
    } else if (n.is_type<g::bool_lit>()) {
        e->kind = ast::expr_kind::bool_lit;
        e->b = n.string_view() == "true";
    } else if (n.is_type<g::date_lit>()) {
        e->kind = ast::expr_kind::date_lit;
        e->text = n.string();
    } else {
        return nullptr;
    }
    return e;
}

ast::expr_ptr builder::record(const pt_node& n) {
    auto e = new_expr(ast::expr_kind::record, at(n));
    for (const auto& c : n.children) {
        const pt_node& key = *c->children.at(0);
        std::string k = key.children.empty() ? key.string() : string_value(*key.children.at(0));
        for (const auto& existing : e->keys)
            if (existing == k) throw build_error(at(key), fmt::format("key '{}' is given twice in the record", k));
        e->keys.push_back(k);
        e->kids.push_back(expr(*c->children.at(1)));
    }
    return e;
}

ast::expr_ptr builder::negation(const pt_node& n) {
    auto e = new_expr(ast::expr_kind::neg, at(n));
    e->kids.push_back(expr(*n.children.at(0)));
    // Fold a negated integer literal so that -2147483648 is a literal.
    if (e->kids[0]->kind == ast::expr_kind::int_lit) {
        auto lit = std::move(e->kids[0]);
        lit->i = -lit->i;
        lit->text = "-" + lit->text;
        lit->where = e->where;
        return lit;
    }
    return e;
}

namespace {

ast::expr_ptr binary(ast::binop op, ast::expr_ptr a, ast::expr_ptr b) {
    auto e = new_expr(ast::expr_kind::binary, a->where);
    e->op = op;
    e->kids.push_back(std::move(a));
    e->kids.push_back(std::move(b));
    return e;
}

ast::binop comparison_op(std::string_view o) {
    return o == "==" ? ast::binop::eq
           : o == "!=" ? ast::binop::ne
           : o == "<=" ? ast::binop::le
           : o == ">=" ? ast::binop::ge
           : o == "<"  ? ast::binop::lt
           : o == ">"  ? ast::binop::gt
           : o == "~=" ? ast::binop::ci_eq
           : o == "in" ? ast::binop::in
           : o == "contains" ? ast::binop::contains
           : o == "matches"  ? ast::binop::matches
                             : ast::binop::not_in;
}

ast::quant quantifier_kind(std::string_view kw) {
    return kw == "all" ? ast::quant::all
           : kw == "any" ? ast::quant::any
           : kw == "none" ? ast::quant::none
           : kw == "count" ? ast::quant::count
           : kw == "map" ? ast::quant::map
           : kw == "filter" ? ast::quant::filter
                           : ast::quant::the;
}

// The parts a quantifier must or must not have: count, the and filter take no ':' body, filter and
// the need a 'where', map needs a ':'.
void check_quantifier(const ast::expr& e, const pt_node& n) {
    const bool body = e.kids[2] != nullptr;
    const bool where = e.kids[1] != nullptr;
    if (e.q == ast::quant::count && body)
        throw build_error(at(*n.children.back()), "'count' takes no ':' body; put the condition after 'where'");
    if (e.q == ast::quant::the && body)
        throw build_error(at(*n.children.back()), "'the' takes no ':' body; put the condition after 'where'");
    if (e.q == ast::quant::filter && body)
        throw build_error(at(*n.children.back()), "'filter' takes no ':' body; put the condition after 'where'");
    if (e.q == ast::quant::filter && !where) throw build_error(e.where, "'filter' needs a 'where' condition");
    if (e.q == ast::quant::map && !body)
        throw build_error(e.where, "'map' needs a ':' and the expression to compute for each element");
    if (e.q == ast::quant::the && !where)
        throw build_error(e.where, "'the' needs a 'where' condition that selects exactly one element");
}

} // namespace

// `a ?? b ?? c`, `a and b and c`, `a or b or c`: operands grouped from the left.
ast::expr_ptr builder::left_fold(const pt_node& n, ast::binop op) {
    ast::expr_ptr acc = expr(*n.children.at(0));
    for (std::size_t i = 1; i < n.children.size(); ++i) acc = binary(op, std::move(acc), expr(*n.children[i]));
    return acc;
}

// `a + b - c`, `a * b / c % d`: operands and operators alternate, grouped from the left.
ast::expr_ptr builder::chain(const pt_node& n) {
    ast::expr_ptr acc = expr(*n.children.at(0));
    for (std::size_t i = 1; i + 1 < n.children.size(); i += 2) {
        const char o = n.children[i]->string_view().front();
        ast::binop op = o == '+' ? ast::binop::add
                        : o == '-' ? ast::binop::sub
                        : o == '*' ? ast::binop::mul
                        : o == '/' ? ast::binop::div
                                   : ast::binop::mod;
        acc = binary(op, std::move(acc), expr(*n.children[i + 1]));
    }
    return acc;
}

// One comparison. A chain (`0 <= x <= 1024`) is an error at its second operator that says how
// to write it: `0 <= x and x <= 1024`.
ast::expr_ptr builder::comparison(const pt_node& n) {
    if (n.children.size() > 3) {
        std::string_view a = source_text(*n.children[0]), op1 = source_text(*n.children[1]);
        std::string_view b = source_text(*n.children[2]), op2 = source_text(*n.children[3]);
        std::string_view c = source_text(*n.children.at(4));
        throw build_error(at(*n.children[3]),
                          fmt::format("comparisons do not chain; write '{} {} {} and {} {} {}'", a, op1, b, b, op2, c));
    }
    ast::binop op = comparison_op(n.children.at(1)->string_view());
    auto e = binary(op, expr(*n.children.at(0)), expr(*n.children.at(2)));
    if (op == ast::binop::matches && e->kids[1]->kind != ast::expr_kind::string_lit)
        throw build_error(e->kids[1]->where, "the pattern after 'matches' must be a string literal");
    return e;
}

ast::expr_ptr builder::quantifier(const pt_node& n) {
    auto e = new_expr(ast::expr_kind::quantifier, at(n));
    e->q = quantifier_kind(n.children.at(0)->string_view());
    e->text = n.children.at(1)->string();
    e->kids.resize(3);
    e->kids[0] = expr(*n.children.at(2));
    for (std::size_t i = 3; i < n.children.size(); ++i) {
        const pt_node& c = *n.children[i];
        if (c.is_type<g::quant_where>()) e->kids[1] = expr(*c.children.at(0));
        else e->kids[2] = expr(*c.children.at(0));
    }
    check_quantifier(*e, n);
    return e;
}

// `a.b`, `a."b c"`, `a.*`, `a[i]`, `a[*]` and `a?`, applied left to right.
ast::expr_ptr builder::postfix(const pt_node& n) {
    ast::expr_ptr acc = expr(*n.children.at(0));
    for (std::size_t i = 1; i < n.children.size(); ++i) acc = postfix_step(*n.children[i], std::move(acc));
    return acc;
}

ast::expr_ptr builder::postfix_step(const pt_node& c, ast::expr_ptr acc) {
    auto e = std::make_unique<ast::expr>();
    e->where = acc->where;
    e->key_pos = at(c);
    if (c.is_type<g::member>()) {
        const pt_node& k = *c.children.at(0);
        e->key_pos = at(k);
        if (k.string_view() == "*") {
            e->kind = ast::expr_kind::member_star;
        } else {
            e->kind = ast::expr_kind::member;
            e->quoted = !k.children.empty();
            e->text = e->quoted ? string_value(*k.children[0]) : k.string();
        }
    } else if (c.is_type<g::index>()) {
        if (c.children.at(0)->is_type<g::index_star>()) {
            e->kind = ast::expr_kind::index_star;
        } else {
            e->kind = ast::expr_kind::index;
            e->kids.push_back(nullptr);
            e->kids.push_back(expr(*c.children[0]));
        }
    } else {
        e->kind = ast::expr_kind::optional;
    }
    if (e->kids.empty()) e->kids.push_back(std::move(acc));
    else e->kids[0] = std::move(acc);
    return e;
}

ast::template_str builder::tpl(const pt_node& n) {
    ast::template_str t;
    t.where = at(n);
    std::string_view raw = n.string_view();
    t.raw = std::string(raw.substr(1, raw.size() - 2));
    if (n.children.size() == 1 && n.children[0]->is_type<g::raw_string>()) {
        t.literal = true;
        t.parts.push_back({string_value(*n.children[0]), nullptr});
        return t;
    }
    for (const auto& c : n.children) {
        if (c->is_type<g::tpl_text>()) t.parts.push_back({unescape(c->string_view(), at(*c), true), nullptr});
        else t.parts.push_back({std::string(), expr(*c)});
    }
    return t;
}

} // namespace kbl::build
