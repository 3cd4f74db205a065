#include "parser/format.hpp"
#include "parser/format_internal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

// kblint fmt's expressions: operators by precedence, line breaking of long conditions, literals,
// templates, paths and types; also the one-line forms other commands show (format.hpp).
namespace kbl {

namespace format_detail {

using ast::binop;
using ast::expr;
using ast::expr_kind;

bool is_identifier(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20 || c == 0x7F) out += fmt::format("\\u{{{:x}}}", c);
            else out += ch;
        }
    }
    return out + "\"";
}

std::string string_literal(const expr& e) {
    bool raw_ok = e.text.find('\'') == std::string::npos &&
                  std::none_of(e.text.begin(), e.text.end(), [](char c) { return c == '\n' || c == '\r' || (static_cast<unsigned char>(c) < 0x20 && c != '\t'); });
    if (e.quoted && raw_ok) return "'" + e.text + "'";
    return quote(e.text);
}

std::string_view op_text(binop op) {
    switch (op) {
    case binop::or_: return "or";
    case binop::and_: return "and";
    case binop::eq: return "==";
    case binop::ne: return "!=";
    case binop::lt: return "<";
    case binop::le: return "<=";
    case binop::gt: return ">";
    case binop::ge: return ">=";
    case binop::ci_eq: return "~=";
    case binop::in: return "in";
    case binop::not_in: return "not in";
    case binop::contains: return "contains";
    case binop::matches: return "matches";
    case binop::default_: return "??";
    case binop::add: return "+";
    case binop::sub: return "-";
    case binop::mul: return "*";
    case binop::div: return "/";
    case binop::mod: return "%";
    }
    return "?";
}

// Precedence levels: loosest first, as in docs/language.md.
int level(const expr& e) {
    switch (e.kind) {
    case expr_kind::quantifier:
    case expr_kind::conditional: return 0;
    case expr_kind::not_: return 3;
    case expr_kind::neg: return 8;
    case expr_kind::binary:
        switch (e.op) {
        case binop::or_: return 1;
        case binop::and_: return 2;
        case binop::default_: return 5;
        case binop::add:
        case binop::sub: return 6;
        case binop::mul:
        case binop::div:
        case binop::mod: return 7;
        default: return 4;
        }
    default: return 9;
    }
}

std::string print_inner(const expr& e);
bool is_default(const expr& e) { return e.kind == expr_kind::binary && e.op == binop::default_; }

// An operand: parenthesised when precedence needs it, and also, for the reader, when it is a
// default (`(a ?? b) == c`) inside another operator, or a binary expression under `not`.
std::string operand(const expr& e, int min_level, bool clarify) {
    if (clarify && (is_default(e) || e.kind == expr_kind::binary)) return "(" + print_inner(e) + ")";
    return print(e, min_level);
}

std::string print(const expr& e, int min_level) {
    std::string s = print_inner(e);
    return level(e) < min_level ? "(" + s + ")" : s;
}

std::string print_inner(const expr& e) {
    switch (e.kind) {
    case expr_kind::string_lit: return string_literal(e);
    case expr_kind::int_lit:
    case expr_kind::float_lit: return e.text.empty() ? (e.kind == expr_kind::int_lit ? std::to_string(e.i) : fmt::format("{}", e.f)) : e.text;
    case expr_kind::bool_lit: return e.b ? "true" : "false";
    case expr_kind::date_lit: return e.text;
    case expr_kind::name: return e.text;
    case expr_kind::list: {
        std::string s = "[";
        for (std::size_t i = 0; i < e.kids.size(); ++i) s += (i ? ", " : "") + print(*e.kids[i]);
        return s + "]";
    }
    case expr_kind::record: {
        std::string s = "{";
        for (std::size_t i = 0; i < e.kids.size(); ++i)
            s += (i ? ", " : "") + (is_identifier(e.keys[i]) ? e.keys[i] : quote(e.keys[i])) + " = " + print(*e.kids[i]);
        return s + "}";
    }
    case expr_kind::member: return print(*e.kids[0], 9) + "." + (e.quoted || !is_identifier(e.text) ? quote(e.text) : e.text);
    case expr_kind::member_star: return print(*e.kids[0], 9) + ".*";
    case expr_kind::index: return print(*e.kids[0], 9) + "[" + print(*e.kids[1]) + "]";
    case expr_kind::index_star: return print(*e.kids[0], 9) + "[*]";
    case expr_kind::optional: return print(*e.kids[0], 9) + "?";
    case expr_kind::call: {
        std::string s = e.text + "(";
        for (std::size_t i = 0; i < e.kids.size(); ++i) s += (i ? ", " : "") + print(*e.kids[i]);
        return s + ")";
    }
    case expr_kind::neg: return "-" + print(*e.kids[0], 8);
    case expr_kind::not_: return "not " + operand(*e.kids[0], 3, e.kids[0]->kind == expr_kind::binary);
    case expr_kind::binary: {
        int l = level(e);
        int left = l, right = l + 1;
        if (l == 4) left = right = 5;  // comparisons do not chain
        bool clarify = e.op != binop::default_;
        return operand(*e.kids[0], left, clarify && is_default(*e.kids[0])) + " " + std::string(op_text(e.op)) + " " +
               operand(*e.kids[1], right, clarify && is_default(*e.kids[1]));
    }
    case expr_kind::quantifier: {
        static const char* const names[] = {"all", "any", "none", "count", "the", "map", "filter"};
        std::string s = fmt::format("{} {} in {}", names[static_cast<int>(e.q)], e.text, print(*e.kids[0], 5));
        if (e.kids[1]) s += " where " + print(*e.kids[1], 1);
        if (e.kids[2]) s += ": " + print(*e.kids[2]);
        return s;
    }
    case expr_kind::conditional:
        return "if " + print(*e.kids[0]) + " then " + print(*e.kids[1]) + " else " + print(*e.kids[2]);
    }
    return "?";
}


std::string print_wrapped(const expr& e, std::size_t first_col, std::size_t indent, int min_level) {
    if (level(e) < min_level) return print(e, min_level);
    std::string flat = print(e);
    if (first_col + flat.size() <= 100) return flat;
    std::string pad = "\n" + std::string(indent, ' ');
    if ((e.kind == expr_kind::record || e.kind == expr_kind::list) && !e.kids.empty()) {
        // One element per line, the closing bracket back at the enclosing indentation.
        bool rec = e.kind == expr_kind::record;
        std::string s = rec ? "{" : "[";
        for (std::size_t i = 0; i < e.kids.size(); ++i) {
            std::string head = rec ? (is_identifier(e.keys[i]) ? e.keys[i] : quote(e.keys[i])) + " = " : std::string();
            s += pad + head + print_wrapped(*e.kids[i], indent + head.size(), indent + 2) + (i + 1 < e.kids.size() ? "," : "");
        }
        return s + "\n" + std::string(indent >= 2 ? indent - 2 : 0, ' ') + (rec ? "}" : "]");
    }
    if (e.kind == expr_kind::binary && (e.op == binop::and_ || e.op == binop::or_)) {
        std::vector<const expr*> parts;
        std::function<void(const expr&)> collect = [&](const expr& x) {
            if (x.kind == expr_kind::binary && x.op == e.op) {
                collect(*x.kids[0]);
                parts.push_back(x.kids[1].get());
            } else {
                parts.push_back(&x);
            }
        };
        collect(*e.kids[0]);
        parts.push_back(e.kids[1].get());
        int l = level(e);
        std::string s = operand(*parts[0], l, is_default(*parts[0]));
        for (std::size_t i = 1; i < parts.size(); ++i)
            s += pad + std::string(op_text(e.op)) + " " + operand(*parts[i], l + 1, is_default(*parts[i]));
        return s;
    }
    if (e.kind == expr_kind::conditional) {
        // `if c` / `then a` / `else b`, each branch on its own line; `else if` chains stay at one indentation.
        const bool chain = e.kids[2]->kind == expr_kind::conditional;
        return "if " + print(*e.kids[0]) + pad + "then " + print_wrapped(*e.kids[1], indent + 5, indent + 2) + pad +
               "else " + print_wrapped(*e.kids[2], indent + 5, chain ? indent : indent + 2);
    }
    if (e.kind == expr_kind::binary) {
        // Any other operator: the right operand on the next line, led by the operator.
        int l = level(e);
        int left = l == 4 ? 5 : l, right = l + 1;
        bool clarify = e.op != binop::default_;
        std::string a = print(*e.kids[0], left);
        if (clarify && is_default(*e.kids[0])) a = "(" + a + ")";
        if (first_col + a.size() > 100 && level(*e.kids[0]) >= left && !is_default(*e.kids[0]))
            a = print_wrapped(*e.kids[0], first_col, indent, left);
        return a + pad + std::string(op_text(e.op)) + " " + operand(*e.kids[1], right, clarify && is_default(*e.kids[1]));
    }
    if (e.kind == expr_kind::quantifier && (e.kids[2] || e.kids[1])) {
        static const char* const names[] = {"all", "any", "none", "count", "the", "map", "filter"};
        std::string s = fmt::format("{} {} in {}", names[static_cast<int>(e.q)], e.text, print(*e.kids[0], 5));
        if (e.kids[1]) {
            std::string w = " where " + print(*e.kids[1], 1);
            if (first_col + s.size() + w.size() + 1 > 100) s += pad + "  where " + print_wrapped(*e.kids[1], indent + 8, indent + 4, 1);
            else s += w;
        }
        if (!e.kids[2]) return s;
        return s + ":" + pad + print_wrapped(*e.kids[2], indent, indent + 2);
    }
    return flat;
}

std::string print_template(const ast::template_str& t) {
    if (t.literal) return "'" + t.raw + "'";
    return "\"" + t.raw + "\"";
}

std::string print_path(const std::vector<ast::path_seg>& p) {
    std::string s;
    for (const auto& seg : p) {
        if (seg.k == ast::path_seg::kind::any_index) s += "[*]";
        else if (seg.k == ast::path_seg::kind::any_key) s += ".*";
        else s += (s.empty() ? "" : ".") + (is_identifier(seg.key) ? seg.key : quote(seg.key));
    }
    return s;
}

// The flags of a schema field, in a fixed order: `required optional nocase`.
std::string field_flags(const ast::field_decl& fd) {
    std::string s;
    for (auto [on, word] : {std::pair{fd.required, "required"}, std::pair{fd.optional, "optional"}, std::pair{fd.nocase, "nocase"}})
        if (on) s += (s.empty() ? "" : " ") + std::string(word);
    return s;
}

std::string print_type(const ast::type_ref& t);

// `NAME\x1fTYPE\x1f[required]` of an `arg` or `step_arg` (columns aligned like schema fields).
std::string print_arg(const ast::arg_decl& a) {
    return a.name + "\x1f" + print_type(a.type) + "\x1f" + (a.required ? "required" : "");
}

std::string print_type(const ast::type_ref& t) {
    if (!t.alternatives.empty()) {
        std::string s;
        for (const auto& a : t.alternatives) s += (s.empty() ? "" : " | ") + print_type(a);
        return s;
    }
    using k = ast::type_ref::kind;
    switch (t.k) {
    case k::string: return "string";
    case k::int_: return "int";
    case k::float_: return "float";
    case k::bool_: return "bool";
    case k::datetime: return "datetime";
    case k::date: return "date";
    case k::time: return "time";
    case k::table: return "table";
    case k::any: return "any";
    case k::list: return t.elem.empty() ? "list" : "list(" + print_type(t.elem[0]) + ")";
    case k::enum_: {
        std::string s = "enum(";
        for (std::size_t i = 0; i < t.enum_values.size(); ++i) s += (i ? ", " : "") + quote(t.enum_values[i]);
        return s + ")";
    }
    }
    return "any";
}


} // namespace format_detail

using namespace format_detail;

std::string def_signature(const ast::def_decl& def) {
    std::string head = "def " + def.name;
    if (!def.has_params) return head;
    head += "(";
    for (std::size_t i = 0; i < def.params.size(); ++i) {
        head += (i ? ", " : "") + def.params[i];
        if (i < def.param_types.size() && def.param_types[i].k != ast::param_type::kind::none)
            head += ": " + param_type_text(def.param_types[i]);
    }
    return head + ")";
}

std::string param_type_text(const ast::param_type& t) {
    switch (t.k) {
    case ast::param_type::kind::none: return "";
    case ast::param_type::kind::node: return "node";
    case ast::param_type::kind::node_list: return "list(node)";
    case ast::param_type::kind::schema: return print_type(t.type);
    }
    return "";
}

namespace {

// The end of the `{expr}` starting at `raw[i]` (the '{'): the offset of its closing brace, skipping
// strings and nested braces inside the expression; npos when it is not closed.
std::size_t interpolation_end(std::string_view raw, std::size_t i) {
    int depth = 0;
    for (char quote_ch = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (quote_ch) {
            if (c == '\\' && quote_ch == '"') ++i;
            else if (c == quote_ch) quote_ch = 0;
        } else if (c == '"' || c == '\'') {
            quote_ch = c;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}' && --depth == 0) {
            return i;
        }
    }
    return std::string_view::npos;
}

} // namespace

std::string_view binop_text(binop op) { return op_text(op); }

std::string expression_text(const ast::expr& e) { return print(e); }

std::string readable_template(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        char next = i + 1 < raw.size() ? raw[i + 1] : '\0';
        if ((c == '{' || c == '}') && next == c) {
            out += c;
            ++i;
        } else if (c == '\\' && next) {
            out += next == 'n' ? '\n' : next == 't' ? '\t' : next == 'r' ? ' ' : next;
            ++i;
        } else if (std::size_t e = c == '{' ? interpolation_end(raw, i) : std::string_view::npos; e != std::string_view::npos) {
            std::string_view inner = raw.substr(i + 1, e - i - 1);
            while (!inner.empty() && (inner.front() == ' ' || inner.front() == '\t')) inner.remove_prefix(1);
            while (!inner.empty() && (inner.back() == ' ' || inner.back() == '\t')) inner.remove_suffix(1);
            out += "<" + std::string(inner) + ">";
            i = e;
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace kbl
