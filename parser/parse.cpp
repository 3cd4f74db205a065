#include "parser/parse.hpp"
#include "common/text.hpp"
#include "common/check_ids.hpp"

#include <fmt/format.h>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include "parser/errors.hpp"
#include "parser/grammar.hpp"

namespace kbl {

namespace pegtl = tao::pegtl;
namespace g = grammar;
using pt_node = pegtl::parse_tree::node;

namespace {

// A located error raised while turning the parse tree into the AST.
struct build_error : std::runtime_error {
    pos where;
    build_error(pos p, const std::string& msg) : std::runtime_error(msg), where(p) {}
};

template <typename... States>
g::depth_state* find_depth(States&... st) {
    g::depth_state* found = nullptr;
    (
        [&](auto& s) {
            if constexpr (std::is_same_v<std::decay_t<decltype(s)>, g::depth_state>) found = &s;
        }(st),
        ...);
    return found;
}

std::string word_at(const char* p, const char* end) {
    std::string w;
    while (p < end && (std::isalnum(static_cast<unsigned char>(*p)) || *p == '_')) w += *p++;
    return w;
}

// The parse control: nesting limits and one message per must<> point (errors.hpp).
template <typename Rule>
struct control : pegtl::normal<Rule> {
    template <typename Input, typename... States>
    static void start(const Input& in, States&&... st) {
        if constexpr (g::is_nested<Rule>) {
            if (auto* d = find_depth(st...)) {
                if (++d->depth > d->limit)
                    throw pegtl::parse_error(
                        fmt::format("expression nesting is deeper than the limit of {} (--max-rule-depth)", d->limit),
                        in);
            }
        }
    }
    template <typename Input, typename... States>
    static void success(const Input&, States&&... st) {
        if constexpr (g::is_nested<Rule>) {
            if (auto* d = find_depth(st...)) --d->depth;
        }
    }
    template <typename Input, typename... States>
    static void failure(const Input&, States&&... st) {
        if constexpr (g::is_nested<Rule>) {
            if (auto* d = find_depth(st...)) --d->depth;
        }
    }
    template <typename Input, typename... States>
    [[noreturn]] static void raise(const Input& in, States&&...) {
        static_assert(g::error_message<Rule> != nullptr, "every must<> point needs a message in errors.hpp");
        std::string msg = g::error_message<Rule>;
        const auto& words = g::expected_words<Rule>;
        if (!words.empty()) {
            std::string w = word_at(in.current(), in.end());
            if (!w.empty()) {
                std::string m = closest_match(w, words);
                if (!m.empty()) msg = fmt::format("unexpected '{}', did you mean '{}'?", w, m);
                else msg += fmt::format(", found '{}'", w);
            }
        }
        throw pegtl::parse_error(msg, in);
    }
};

template <typename Rule>
using selector = pegtl::parse_tree::selector<
    Rule,
    pegtl::parse_tree::store_content::on<
        g::date_lit, g::hex_lit, g::float_lit, g::int_lit, g::string_lit, g::raw_string, g::bool_lit, g::template_lit,
        g::tpl_text, g::name, g::call_name, g::member_key, g::record_key, g::quant_kw, g::quant_var, g::let_name,
        g::def_name, g::def_param, g::table_name, g::table_key, g::rule_name, g::ref_article, g::severity_value,
        g::scope_value, g::type_name, g::field_flag, g::schema_seg_first, g::list_lit, g::record_lit, g::record_entry,
        g::if_expr, g::call, g::member, g::index, g::index_star, g::optional_mark, g::neg, g::not_op, g::add_op,
        g::cmp_op, g::quantifier, g::quant_where, g::quant_body, g::title_item, g::severity_item, g::scope_item,
        g::ref_item, g::tags_item, g::doc_item, g::fix_item, g::when_item, g::let_item, g::require_item,
        g::message_item, g::rule_decl, g::def_decl, g::def_params, g::table_decl, g::table_entry, g::schema_decl,
        g::field_item, g::node_id_item, g::cluster_id_item, g::schema_member, g::schema_any_index, g::type_enum,
        g::type_list, g::use_decl, g::on_item, g::on_before, g::on_after, g::on_final, g::on_snapshot, g::on_action,
        g::action_decl, g::action_name, g::set_stmt, g::add_stmt, g::remove_stmt, g::delete_stmt, g::let_stmt, g::if_stmt,
        g::else_part, g::for_stmt, g::for_var, g::for_where, g::planned_item, g::runbook_item, g::step_action_item,
        g::step_node_item, g::strict_item, g::at_item, g::arg_item, g::step_arg_item, g::arg_name, g::arg_required>,
    pegtl::parse_tree::fold_one::on<g::expr, g::stmt, g::unary, g::not_operand, g::postfix, g::add_expr, g::default_expr,
                                    g::cmp_expr, g::and_expr, g::or_expr, g::type_expr>>;

pos at(const pt_node& n) {
    return pos{static_cast<std::uint32_t>(n.m_begin.line), static_cast<std::uint32_t>(n.m_begin.column)};
}

pos end_of(const pt_node& n) {
    return pos{static_cast<std::uint32_t>(n.m_end.line), static_cast<std::uint32_t>(n.m_end.column)};
}

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


// A rule file is UTF-8 text without NUL bytes, its lines ending in LF or CRLF (as TOML requires of
// snapshots), comments included: the first byte that breaks this, with its position (line, byte
// column), or nothing.
std::optional<std::pair<pos, std::string>> not_text(std::string_view text) {
    std::size_t bad = first_invalid_utf8(text);
    std::size_t nul = text.find('\0');
    std::size_t cr = text.find('\r');
    while (cr != std::string_view::npos && cr + 1 < text.size() && text[cr + 1] == '\n') cr = text.find('\r', cr + 2);
    std::size_t at = std::min({bad, nul, cr});
    if (at == std::string_view::npos) return std::nullopt;
    std::size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
    line_start = (line_start == std::string_view::npos || at == 0) ? 0 : line_start + 1;
    auto line = static_cast<std::uint32_t>(1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(line_start), '\n'));
    pos where{line, static_cast<std::uint32_t>(at - line_start + 1)};
    if (at == nul) return std::make_pair(where, std::string("NUL byte in a rule file; rule files are UTF-8 text"));
    if (at == cr)
        return std::make_pair(where, std::string("carriage return without a line feed; end lines with LF or CRLF"));
    return std::make_pair(where, fmt::format("invalid UTF-8 (byte \\x{:02x}); rule files are UTF-8 text",
                                             static_cast<unsigned char>(text[at])));
}

// Decode the escapes of a basic string body (no quotes). `braces` also folds `{{` and `}}`.
std::string unescape(std::string_view body, pos where, bool braces) {
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
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
        case 'u': {
            std::size_t close = body.find('}', i);
            std::string_view hex = body.substr(i + 2, close - i - 2);
            std::uint32_t cp = 0;
            std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
                throw build_error(where, fmt::format("'\\u{{{}}}' is not a valid Unicode scalar value", hex));
            append_utf8(out, cp);
            i = close;
            break;
        }
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

class builder {
public:
    explicit builder(const source_ptr& src) : src_(src) {}

    ast::expr_ptr expr(const pt_node& n) {
        auto e = std::make_unique<ast::expr>();
        e->where = at(n);
        if (n.is_type<g::string_lit>() || n.is_type<g::raw_string>()) {
            e->kind = ast::expr_kind::string_lit;
            e->text = string_value(n);
            e->quoted = n.is_type<g::raw_string>();
        } else if (n.is_type<g::int_lit>()) {
            e->kind = ast::expr_kind::int_lit;
            e->i = parse_integer(n.string_view(), 10, e->where);
            e->text = n.string();
        } else if (n.is_type<g::hex_lit>()) {
            e->kind = ast::expr_kind::int_lit;
            e->i = parse_integer(n.string_view().substr(2), 16, e->where);
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
        } else if (n.is_type<g::list_lit>()) {
            e->kind = ast::expr_kind::list;
            for (const auto& c : n.children) e->kids.push_back(expr(*c));
        } else if (n.is_type<g::record_lit>()) {
            e->kind = ast::expr_kind::record;
            for (const auto& c : n.children) {
                const pt_node& key = *c->children.at(0);
                std::string k = key.children.empty() ? key.string() : string_value(*key.children.at(0));
                for (const auto& existing : e->keys)
                    if (existing == k) throw build_error(at(key), fmt::format("key '{}' is given twice in the record", k));
                e->keys.push_back(k);
                e->kids.push_back(expr(*c->children.at(1)));
            }
        } else if (n.is_type<g::name>()) {
            e->kind = ast::expr_kind::name;
            e->text = n.string();
        } else if (n.is_type<g::call>()) {
            e->kind = ast::expr_kind::call;
            e->text = n.children.at(0)->string();
            for (std::size_t i = 1; i < n.children.size(); ++i) e->kids.push_back(expr(*n.children[i]));
        } else if (n.is_type<g::if_expr>()) {
            e->kind = ast::expr_kind::conditional;
            for (const auto& c : n.children) e->kids.push_back(expr(*c));
        } else if (n.is_type<g::postfix>()) {
            return postfix(n);
        } else if (n.is_type<g::neg>()) {
            e->kind = ast::expr_kind::neg;
            e->kids.push_back(expr(*n.children.at(0)));
            // Fold a negated integer literal so that -2147483648 is a literal.
            if (e->kids[0]->kind == ast::expr_kind::int_lit) {
                auto lit = std::move(e->kids[0]);
                lit->i = -lit->i;
                lit->text = "-" + lit->text;
                lit->where = e->where;
                return lit;
            }
        } else if (n.is_type<g::not_op>()) {
            e->kind = ast::expr_kind::not_;
            e->kids.push_back(expr(*n.children.at(0)));
        } else if (n.is_type<g::add_expr>()) {
            return chain(n, true);
        } else if (n.is_type<g::default_expr>() || n.is_type<g::and_expr>() || n.is_type<g::or_expr>()) {
            ast::binop op = n.is_type<g::default_expr>() ? ast::binop::default_
                            : n.is_type<g::and_expr>()   ? ast::binop::and_
                                                         : ast::binop::or_;
            ast::expr_ptr acc = expr(*n.children.at(0));
            for (std::size_t i = 1; i < n.children.size(); ++i) acc = binary(op, std::move(acc), expr(*n.children[i]));
            return acc;
        } else if (n.is_type<g::cmp_expr>()) {
            return comparison(n);
        } else if (n.is_type<g::quantifier>()) {
            return quantifier(n);
        } else {
            throw build_error(at(n), fmt::format("unexpected '{}' in an expression", n.type));
        }
        return e;
    }

    ast::template_str tpl(const pt_node& n) {
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

    ast::rule_decl rule(const pt_node& n) {
        ast::rule_decl r;
        r.where = at(n);
        r.end = end_of(n);
        r.source_text = n.string();
        const pt_node& id = *n.children.at(0);
        r.id = id.string();
        r.id_pos = at(id);
        std::vector<std::pair<std::string, pos>> seen;
        auto once = [&](std::string_view item, const pt_node& c) {
            for (const auto& [name, p] : seen)
                if (name == item)
                    throw build_error(at(c), fmt::format("'{}' is given twice in rule '{}' (first at line {})", item,
                                                         r.id, p.line));
            seen.emplace_back(std::string(item), at(c));
            r.meta_pos.emplace_back(std::string(item), at(c));
        };
        for (std::size_t i = 1; i < n.children.size(); ++i) {
            const pt_node& c = *n.children[i];
            if (c.is_type<g::title_item>()) {
                once("title", c);
                r.title = string_value(*find_child_string(c));
            } else if (c.is_type<g::severity_item>()) {
                once("severity", c);
                r.severity = c.children.at(0)->string();
            } else if (c.is_type<g::scope_item>()) {
                once("scope", c);
                r.scope = c.children.at(0)->string();
            } else if (c.is_type<g::ref_item>()) {
                once("ref", c);
                r.ref_article = c.children.at(0)->string();
                r.ref_section = string_value(*c.children.at(1));
            } else if (c.is_type<g::tags_item>()) {
                if (std::none_of(r.meta_pos.begin(), r.meta_pos.end(), [](const auto& m) { return m.first == "tags"; }))
                    r.meta_pos.emplace_back("tags", at(c));
                for (const auto& t : c.children) r.tags.push_back(string_value(*t));
            } else if (c.is_type<g::doc_item>()) {
                once("doc", c);
                r.doc = string_value(*find_child_string(c));
            } else if (c.is_type<g::fix_item>()) {
                once("fix", c);
                r.fix = tpl(*c.children.at(0));
            } else if (c.is_type<g::message_item>()) {
                r.meta_pos.emplace_back("message", at(c));
                auto m = tpl(*c.children.at(0));
                ast::body_item* last_require = nullptr;
                for (auto& b : r.body)
                    if (b.kind == ast::item_kind::require) last_require = &b;
                if (last_require && !last_require->message) {
                    last_require->message = std::move(m);
                } else if (!last_require && !r.message) {
                    r.message = std::move(m);
                } else {
                    throw build_error(at(c), last_require
                        ? fmt::format("this 'message' follows a 'require' that already has one in rule '{}'", r.id)
                        : fmt::format("'message' is given twice before the first 'require' in rule '{}'", r.id));
                }
            } else if (c.is_type<g::at_item>()) {
                ast::body_item* last_require = nullptr;
                for (auto& b : r.body)
                    if (b.kind == ast::item_kind::require) last_require = &b;
                if (!last_require) throw build_error(at(c), fmt::format("'at' belongs to a 'require', and none comes before it in rule '{}'", r.id));
                if (last_require->at)
                    throw build_error(at(c), fmt::format("this 'at' follows a 'require' that already has one in rule '{}'", r.id));
                last_require->at = expr(*c.children.at(0));
                last_require->at_pos = at(c);
            } else if (c.is_type<g::when_item>() || c.is_type<g::require_item>()) {
                ast::body_item b;
                b.kind = c.is_type<g::when_item>() ? ast::item_kind::when : ast::item_kind::require;
                b.where = at(c);
                b.e = expr(*c.children.at(0));
                r.body.push_back(std::move(b));
            } else if (c.is_type<g::on_item>()) {
                const pt_node& v = *c.children.at(0);
                ast::trigger t;
                t.where = at(c);
                if (v.is_type<g::on_before>() || v.is_type<g::on_after>()) {
                    t.k = v.is_type<g::on_before>() ? ast::trigger::kind::before : ast::trigger::kind::after;
                    for (const auto& a : v.children) t.actions.push_back(a->string());
                } else {
                    t.k = v.is_type<g::on_final>() ? ast::trigger::kind::final : ast::trigger::kind::snapshot;
                }
                for (const auto& prev : r.triggers)
                    if (prev.k == t.k && (t.k == ast::trigger::kind::final || t.k == ast::trigger::kind::snapshot))
                        throw build_error(at(c), fmt::format("this 'on' is given twice in rule '{}'", r.id));
                r.triggers.push_back(std::move(t));
            } else if (c.is_type<g::let_item>()) {
                ast::body_item b;
                b.kind = ast::item_kind::let;
                b.where = at(c);
                b.name = c.children.at(0)->string();
                b.name_pos = at(*c.children.at(0));
                b.e = expr(*c.children.at(1));
                r.body.push_back(std::move(b));
            }
        }
        return r;
    }

    ast::def_decl def(const pt_node& n) {
        ast::def_decl d;
        d.where = at(n);
        d.end = end_of(n);
        d.name = n.children.at(0)->string();
        d.name_pos = at(*n.children.at(0));
        std::size_t body = 1;
        if (n.children.size() > 2 && n.children[1]->is_type<g::def_params>()) {
            d.has_params = true;
            for (const auto& p : n.children[1]->children) {
                for (const auto& q : d.params)
                    if (q == p->string())
                        throw build_error(at(*p), fmt::format("parameter '{}' is given twice in 'def {}'", q, d.name));
                d.params.push_back(p->string());
                d.param_pos.push_back(at(*p));
            }
            body = 2;
        }
        d.body = expr(*n.children.at(body));
        return d;
    }

    ast::table_decl table(const pt_node& n) {
        ast::table_decl t;
        t.where = at(n);
        t.end = end_of(n);
        t.name = n.children.at(0)->string();
        t.name_pos = at(*n.children.at(0));
        for (std::size_t i = 1; i < n.children.size(); ++i) {
            const pt_node& en = *n.children[i];
            const pt_node& key = *en.children.at(0);
            ast::table_entry e;
            e.where = at(key);
            std::string_view kt = key.string_view();
            e.text = std::string(kt);
            if (kt == "default") {
                e.is_default = true;
            } else if (!key.children.empty() &&
                       (key.children[0]->is_type<g::string_lit>() || key.children[0]->is_type<g::raw_string>())) {
                e.s = string_value(*key.children[0]);
            } else if (kt.size() > 2 && (kt[1] == 'x' || kt[1] == 'X')) {
                e.int_key = true;
                e.i = parse_integer(kt.substr(2), 16, e.where);
            } else {
                e.int_key = true;
                e.i = parse_integer(kt, 10, e.where);
            }
            for (const auto& prev : t.entries) {
                bool same = prev.is_default == e.is_default && prev.int_key == e.int_key &&
                            (e.is_default || (e.int_key ? prev.i == e.i : prev.s == e.s));
                if (same)
                    throw build_error(e.where, fmt::format("key {} is given twice in table '{}' (first at line {})",
                                                           e.is_default ? "'default'" : e.int_key ? std::to_string(e.i) : "'" + e.s + "'",
                                                           t.name, prev.where.line));
            }
            e.value = expr(*en.children.at(1));
            t.entries.push_back(std::move(e));
        }
        return t;
    }

    std::vector<ast::path_seg> schema_path(const pt_node& parent, std::size_t& i, std::string& text) {
        std::vector<ast::path_seg> segs;
        for (; i < parent.children.size(); ++i) {
            const pt_node& c = *parent.children[i];
            ast::path_seg s;
            if (c.is_type<g::schema_seg_first>()) {
                if (!segs.empty()) break;
                s.key = c.children.empty() ? c.string() : string_value(*c.children[0]);
                text += c.string();
            } else if (c.is_type<g::schema_member>()) {
                const pt_node& k = *c.children.at(0);
                if (k.string_view() == "*") s.k = ast::path_seg::kind::any_key;
                else s.key = k.children.empty() ? k.string() : string_value(*k.children[0]);
                text += c.string();
            } else if (c.is_type<g::schema_any_index>()) {
                s.k = ast::path_seg::kind::any_index;
                text += "[*]";
            } else {
                break;
            }
            segs.push_back(std::move(s));
        }
        return segs;
    }

    ast::type_ref type(const pt_node& n) {
        ast::type_ref t;
        t.where = at(n);
        if (n.is_type<g::type_name>()) {
            static const std::vector<std::pair<std::string, ast::type_ref::kind>> names{
                {"string", ast::type_ref::kind::string}, {"int", ast::type_ref::kind::int_},
                {"float", ast::type_ref::kind::float_},  {"bool", ast::type_ref::kind::bool_},
                {"datetime", ast::type_ref::kind::datetime}, {"date", ast::type_ref::kind::date},
                {"time", ast::type_ref::kind::time},     {"table", ast::type_ref::kind::table},
                {"any", ast::type_ref::kind::any}};
            std::string s = n.string();
            for (const auto& [nm, k] : names)
                if (nm == s) {
                    t.k = k;
                    return t;
                }
            std::vector<std::string> cands;
            for (const auto& p : names) cands.push_back(p.first);
            cands.push_back("list");
            cands.push_back("enum");
            std::string m = closest_match(s, cands);
            throw build_error(at(n), m.empty() ? fmt::format("unknown type '{}'", s)
                                               : fmt::format("unknown type '{}', did you mean '{}'?", s, m));
        }
        if (n.is_type<g::type_list>()) {
            t.k = ast::type_ref::kind::list;
            if (!n.children.empty()) t.elem.push_back(type(*n.children[0]));
            return t;
        }
        if (n.is_type<g::type_enum>()) {
            t.k = ast::type_ref::kind::enum_;
            for (const auto& c : n.children) t.enum_values.push_back(string_value(*c));
            return t;
        }
        if (n.is_type<g::type_expr>()) {  // a union
            for (const auto& c : n.children) t.alternatives.push_back(type(*c));
            return t;
        }
        throw build_error(at(n), "expected a type");
    }

    ast::schema_decl schema(const pt_node& n) {
        ast::schema_decl s;
        s.where = at(n);
        s.end = end_of(n);
        for (const auto& cp : n.children) {
            const pt_node& c = *cp;
            if (c.is_type<g::strict_item>()) {
                if (s.strict) throw build_error(at(c), "'strict' is given twice in the schema");
                s.strict = true;
                s.strict_pos = at(c);
                continue;
            }
            if (c.is_type<g::step_arg_item>()) {
                s.step_args.push_back(arg(c));
                continue;
            }
            std::size_t i = 0;
            std::string text;
            auto path = schema_path(c, i, text);
            std::optional<std::vector<ast::path_seg>>* slot = nullptr;
            pos* slot_pos = nullptr;
            const char* what = "";
            if (c.is_type<g::node_id_item>()) slot = &s.node_id, slot_pos = &s.node_id_pos, what = "node_id";
            else if (c.is_type<g::cluster_id_item>()) slot = &s.cluster_id, slot_pos = &s.cluster_id_pos, what = "cluster_id";
            else if (c.is_type<g::planned_item>()) slot = &s.planned, slot_pos = &s.planned_pos, what = "planned";
            else if (c.is_type<g::runbook_item>()) slot = &s.runbook, slot_pos = &s.runbook_pos, what = "runbook";
            else if (c.is_type<g::step_action_item>()) slot = &s.step_action, slot_pos = &s.step_action_pos, what = "step_action";
            else if (c.is_type<g::step_node_item>()) slot = &s.step_node, slot_pos = &s.step_node_pos, what = "step_node";
            if (slot) {
                if (*slot) throw build_error(at(c), fmt::format("'{}' is given twice in the schema", what));
                for (const auto& seg : path)
                    if (seg.k != ast::path_seg::kind::key)
                        throw build_error(at(c), fmt::format("the path of '{}' must name keys only (no '*' or '[*]')", what));
                *slot = std::move(path);
                *slot_pos = at(c);
                continue;
            }
            ast::field_decl f;
            f.where = at(c);
            f.path = std::move(path);
            f.path_text = text;
            f.type = type(*c.children.at(i++));
            for (; i < c.children.size(); ++i) {
                std::string_view flag = c.children[i]->string_view();
                if (flag == "required") f.required = true;
                else if (flag == "optional") f.optional = true;
                else f.nocase = true;
            }
            s.fields.push_back(std::move(f));
        }
        return s;
    }

    void declaration(const pt_node& n, ast::file& f) {
        if (n.is_type<g::rule_decl>()) f.rules.push_back(rule(n));
        else if (n.is_type<g::def_decl>()) f.defs.push_back(def(n));
        else if (n.is_type<g::table_decl>()) f.tables.push_back(table(n));
        else if (n.is_type<g::schema_decl>()) f.schemas.push_back(schema(n));
        else if (n.is_type<g::use_decl>()) f.uses.push_back({at(n), string_value(*find_child_string(n))});
        else if (n.is_type<g::action_decl>()) f.actions.push_back(action(n));
    }

    // `arg NAME TYPE [required]` / `step_arg NAME TYPE [required]`.
    ast::arg_decl arg(const pt_node& n) {
        ast::arg_decl a;
        a.where = at(n);
        a.name = n.children.at(0)->string();
        a.name_pos = at(*n.children.at(0));
        a.type = type(*n.children.at(1));
        a.required = n.children.size() > 2;
        return a;
    }

    ast::action_decl action(const pt_node& n) {
        ast::action_decl a;
        a.where = at(n);
        a.end = end_of(n);
        a.name = n.children.at(0)->string();
        a.name_pos = at(*n.children.at(0));
        for (std::size_t i = 1; i < n.children.size(); ++i) {
            const pt_node& c = *n.children[i];
            if (c.is_type<g::doc_item>()) {
                if (!a.doc.empty()) throw build_error(at(c), fmt::format("'doc' is given twice in action '{}'", a.name));
                a.doc = string_value(*find_child_string(c));
                continue;
            }
            if (c.is_type<g::arg_item>()) {
                a.args.push_back(arg(c));
                continue;
            }
            a.body.push_back(statement(c));
        }
        return a;
    }

    ast::stmt statement(const pt_node& c) {
        ast::stmt st;
        st.where = at(c);
        if (c.is_type<g::doc_item>()) throw build_error(at(c), "'doc' belongs at the top of an action, not inside a block");
        if (c.is_type<g::set_stmt>() || c.is_type<g::add_stmt>() || c.is_type<g::remove_stmt>()) {
            st.kind = c.is_type<g::set_stmt>() ? ast::stmt_kind::set : c.is_type<g::add_stmt>() ? ast::stmt_kind::add : ast::stmt_kind::remove;
            st.target = expr(*c.children.at(0));
            st.value = expr(*c.children.at(1));
        } else if (c.is_type<g::delete_stmt>()) {
            st.kind = ast::stmt_kind::del;
            st.target = expr(*c.children.at(0));
        } else if (c.is_type<g::let_stmt>()) {
            st.kind = ast::stmt_kind::let;
            st.name = c.children.at(0)->string();
            st.name_pos = at(*c.children.at(0));
            st.value = expr(*c.children.at(1));
        } else if (c.is_type<g::if_stmt>()) {
            st.kind = ast::stmt_kind::if_;
            st.value = expr(*c.children.at(0));
            for (std::size_t i = 1; i < c.children.size(); ++i) {
                const pt_node& k = *c.children[i];
                if (k.is_type<g::else_part>()) {
                    for (const auto& e : k.children) st.else_body.push_back(statement(*e));
                } else {
                    st.body.push_back(statement(k));
                }
            }
        } else if (c.is_type<g::for_stmt>()) {
            st.kind = ast::stmt_kind::for_;
            st.name = c.children.at(0)->string();
            st.name_pos = at(*c.children.at(0));
            st.value = expr(*c.children.at(1));
            std::size_t i = 2;
            if (i < c.children.size() && c.children[i]->is_type<g::for_where>()) st.where_ = expr(*c.children[i++]->children.at(0));
            for (; i < c.children.size(); ++i) st.body.push_back(statement(*c.children[i]));
        } else {
            throw build_error(at(c), fmt::format("unexpected '{}' in an action", c.type));
        }
        if (st.target) {
            using ek = ast::expr_kind;
            auto k = st.target->kind;
            if (k != ek::member && k != ek::index && k != ek::name)
                throw build_error(st.target->where, "the target of a statement must be a path such as 'target.services[name].state'");
        }
        return st;
    }

private:
    ast::expr_ptr binary(ast::binop op, ast::expr_ptr a, ast::expr_ptr b) {
        auto e = std::make_unique<ast::expr>();
        e->kind = ast::expr_kind::binary;
        e->op = op;
        e->where = a->where;
        e->kids.push_back(std::move(a));
        e->kids.push_back(std::move(b));
        return e;
    }

    ast::expr_ptr chain(const pt_node& n, bool) {
        ast::expr_ptr acc = expr(*n.children.at(0));
        for (std::size_t i = 1; i + 1 < n.children.size(); i += 2) {
            ast::binop op = n.children[i]->string_view() == "+" ? ast::binop::add : ast::binop::sub;
            acc = binary(op, std::move(acc), expr(*n.children[i + 1]));
        }
        return acc;
    }

    ast::expr_ptr comparison(const pt_node& n) {
        std::string_view o = n.children.at(1)->string_view();
        ast::binop op = o == "==" ? ast::binop::eq
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
        auto e = binary(op, expr(*n.children.at(0)), expr(*n.children.at(2)));
        e->where = at(*n.children.at(1));
        if (op == ast::binop::matches && e->kids[1]->kind != ast::expr_kind::string_lit)
            throw build_error(e->kids[1]->where, "the pattern after 'matches' must be a string literal");
        e->where = e->kids[0]->where;
        return e;
    }

    ast::expr_ptr quantifier(const pt_node& n) {
        auto e = std::make_unique<ast::expr>();
        e->kind = ast::expr_kind::quantifier;
        e->where = at(n);
        std::string_view kw = n.children.at(0)->string_view();
        e->q = kw == "all" ? ast::quant::all
               : kw == "any" ? ast::quant::any
               : kw == "none" ? ast::quant::none
               : kw == "count" ? ast::quant::count
               : kw == "map" ? ast::quant::map
               : kw == "filter" ? ast::quant::filter
                               : ast::quant::the;
        e->text = n.children.at(1)->string();
        e->kids.resize(3);
        e->kids[0] = expr(*n.children.at(2));
        for (std::size_t i = 3; i < n.children.size(); ++i) {
            const pt_node& c = *n.children[i];
            if (c.is_type<g::quant_where>()) e->kids[1] = expr(*c.children.at(0));
            else e->kids[2] = expr(*c.children.at(0));
        }
        if (e->q == ast::quant::count && e->kids[2])
            throw build_error(at(*n.children.back()), "'count' takes no ':' body; put the condition after 'where'");
        if (e->q == ast::quant::the && e->kids[2])
            throw build_error(at(*n.children.back()), "'the' takes no ':' body; put the condition after 'where'");
        if (e->q == ast::quant::filter && e->kids[2])
            throw build_error(at(*n.children.back()), "'filter' takes no ':' body; put the condition after 'where'");
        if (e->q == ast::quant::filter && !e->kids[1])
            throw build_error(e->where, "'filter' needs a 'where' condition");
        if (e->q == ast::quant::map && !e->kids[2])
            throw build_error(e->where, "'map' needs a ':' and the expression to compute for each element");
        if (e->q == ast::quant::the && !e->kids[1])
            throw build_error(e->where, "'the' needs a 'where' condition that selects exactly one element");
        return e;
    }

    ast::expr_ptr postfix(const pt_node& n) {
        ast::expr_ptr acc = expr(*n.children.at(0));
        for (std::size_t i = 1; i < n.children.size(); ++i) {
            const pt_node& c = *n.children[i];
            auto e = std::make_unique<ast::expr>();
            e->where = acc->where;
            e->key_pos = at(c);
            if (c.is_type<g::member>()) {
                e->key_pos = at(*c.children.at(0));
                const pt_node& k = *c.children.at(0);
                if (k.string_view() == "*") {
                    e->kind = ast::expr_kind::member_star;
                } else {
                    e->kind = ast::expr_kind::member;
                    if (k.children.empty()) {
                        e->text = k.string();
                    } else {
                        e->text = string_value(*k.children[0]);
                        e->quoted = true;
                    }
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
            acc = std::move(e);
        }
        return acc;
    }

    source_ptr src_;
};

// Offset of the first byte at or after `off` that is not white space or part of a comment.
std::size_t skip_sep(const std::string& t, std::size_t off) {
    while (off < t.size()) {
        char c = t[off];
        if (c == '#') {
            while (off < t.size() && t[off] != '\n') ++off;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            ++off;
        } else {
            break;
        }
    }
    return off;
}

bool starts_declaration(const std::string& t, std::size_t off) {
    static const char* const words[] = {"rule", "def", "table", "schema", "use", "action"};
    for (const char* w : words) {
        std::size_t n = std::strlen(w);
        if (t.compare(off, n, w) == 0 && (off + n >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[off + n])) || t[off + n] == '_')))
            return true;
    }
    return false;
}

} // namespace

ast::file parse_rules(const source_ptr& src, const parse_options& opt, diagnostics& diags) {
    ast::file f;
    f.src = src;
    const std::string& text = src->text();
    std::size_t off = 0, line = 1, column = 1;
    builder b(src);
    auto report = [&](pos where, std::string msg) {
        diagnostic d;
        d.severity = diag_severity::error;
        d.file = src;
        d.where = where;
        d.message = std::move(msg);
        d.check_id = check_ids::syntax;
        diags.push_back(std::move(d));
    };
    if (auto bad = not_text(text)) {
        report(bad->first, std::move(bad->second));
        return f;
    }
    // A UTF-8 byte order mark (Windows editors write one) is skipped; columns on line 1 count its
    // bytes, as the file is written (the same as in snapshots).
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        off = 3;
        column = 4;
    }
    while (off <= text.size()) {
        pegtl::memory_input<> in(text.data() + off, text.data() + text.size(), src->name(), off, line, column);
        g::depth_state depth{0, opt.max_depth};
        std::size_t decl_start = skip_sep(text, off);
        try {
            auto root = pegtl::parse_tree::parse<g::one_declaration, pt_node, selector, pegtl::nothing, control>(in, depth);
            if (!root || root->children.empty()) break;  // end of file
            try {
                b.declaration(*root->children.front(), f);
            } catch (const build_error& e) {
                report(e.where, e.what());
            }
            const auto& it = in.iterator();
            off = static_cast<std::size_t>(it.data - text.data());
            line = it.line;
            column = it.column;
            if (off >= text.size()) break;
            continue;
        } catch (const pegtl::parse_error& e) {
            const auto& p = e.positions().front();
            report(pos{static_cast<std::uint32_t>(p.line), static_cast<std::uint32_t>(p.column)}, std::string(e.message()));
        }
        // Recover: the next line, after the failed declaration's start, that begins with a declaration keyword.
        std::size_t scan = decl_start + 1;
        std::size_t next = std::string::npos;
        while (scan < text.size()) {
            std::size_t nl = text.find('\n', scan - 1);
            if (nl == std::string::npos) break;
            std::size_t ls = nl + 1;
            if (ls > decl_start && starts_declaration(text, ls)) {
                next = ls;
                break;
            }
            scan = ls + 1;
        }
        if (next == std::string::npos) break;
        // Recompute line and column of `next` (column 1 by construction).
        line = 1;
        for (std::size_t i = 0; i < next; ++i)
            if (text[i] == '\n') ++line;
        column = 1;
        off = next;
    }
    return f;
}

} // namespace kbl
