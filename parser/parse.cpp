// Rule files to ASTs: the text checks, the PEGTL parse of one declaration at a time with its
// control (nesting limits, one message per must<> point), the conversion of parse errors and build
// errors into diagnostics, and the recovery at the next declaration.
#include "parser/parse.hpp"

#include <fmt/format.h>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <utility>

#include "common/check_ids.hpp"
#include "common/text.hpp"
#include "parser/builder.hpp"
#include "parser/errors.hpp"
#include "parser/grammar.hpp"
#include "parser/pt_parse.hpp"

namespace kbl {

namespace pegtl = tao::pegtl;
namespace g = grammar;
using build::pt_node;

namespace {

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

template <typename Rule>
inline constexpr bool is_decl_open = std::is_same_v<Rule, g::rule_open> || std::is_same_v<Rule, g::action_open> ||
                                     std::is_same_v<Rule, g::table_open> || std::is_same_v<Rule, g::schema_open>;
template <typename Rule>
inline constexpr bool is_decl_name = std::is_same_v<Rule, g::rule_name> || std::is_same_v<Rule, g::action_name> ||
                                     std::is_same_v<Rule, g::table_name>;

// What a declaration's closing brace closes, for the message of one that is never closed.
template <typename Rule>
std::string brace_owner(const g::depth_state& d) {
    if constexpr (std::is_same_v<Rule, g::rule_close>) return fmt::format("rule '{}'", d.name);
    else if constexpr (std::is_same_v<Rule, g::action_close>) return fmt::format("action '{}'", d.name);
    else if constexpr (std::is_same_v<Rule, g::table_close>) return fmt::format("table '{}'", d.name);
    else return "the schema";
}

bool starts_declaration(std::string_view t, std::size_t off);

// True when only white space and comments lie between `p` and the end, or a declaration keyword
// follows them: the declaration's closing brace is missing, not an item.
bool at_next_declaration(const char* p, const char* end) {
    while (p < end) {
        if (*p == '#') {
            while (p < end && *p != '\n') ++p;
        } else if (std::isspace(static_cast<unsigned char>(*p))) {
            ++p;
        } else {
            return starts_declaration(std::string_view(p, static_cast<std::size_t>(end - p)), 0);
        }
    }
    return true;
}

// The parse control: nesting limits and one message per must<> point (errors.hpp).
template <typename Rule>
struct control : pegtl::normal<Rule> {
    template <typename Input, typename... States>
    static void start(const Input& in, States&&... st) {
        if constexpr (is_decl_open<Rule> || is_decl_name<Rule>) {
            if (auto* d = find_depth(st...)) {
                if constexpr (is_decl_name<Rule>) {
                    d->name_start = in.current();
                } else {
                    d->brace_line = in.position().line;
                    d->brace_column = in.position().column;
                    d->brace_byte = in.position().byte;
                }
            }
        }
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
    static void success(const Input& in, States&&... st) {
        if constexpr (is_decl_name<Rule>) {
            if (auto* d = find_depth(st...); d && d->name_start)
                d->name.assign(d->name_start, static_cast<std::size_t>(in.current() - d->name_start));
        }
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
    [[noreturn]] static void raise(const Input& in, States&&... st) {
        static_assert(g::error_message<Rule> != nullptr, "every must<> point needs a message in errors.hpp");
        if constexpr (std::is_same_v<Rule, g::rule_close> || std::is_same_v<Rule, g::action_close> ||
                      std::is_same_v<Rule, g::table_close> || std::is_same_v<Rule, g::schema_close>) {
            const g::depth_state* d = find_depth(st...);
            if (d && d->brace_line && at_next_declaration(in.current(), in.end()))
                throw pegtl::parse_error(fmt::format("'{{' of {} is never closed", brace_owner<Rule>(*d)),
                                         pegtl::position(d->brace_byte, d->brace_line, d->brace_column, in.source()));
        }
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
        g::tpl_text, g::name, g::call_module, g::call_name, g::use_alias, g::member_key, g::record_key, g::quant_kw, g::quant_var, g::let_name,
        g::def_name, g::def_param, g::def_param_name, g::table_name, g::table_key, g::rule_name, g::ref_article, g::ref_doc, g::ref_section, g::severity_value,
        g::scope_value, g::type_name, g::field_flag, g::schema_seg_first, g::list_lit, g::record_lit, g::record_entry,
        g::if_expr, g::call, g::member, g::index, g::index_star, g::optional_mark, g::neg, g::not_op, g::add_op, g::mul_op,
        g::cmp_op, g::quantifier, g::quant_where, g::quant_body, g::title_item, g::severity_item, g::scope_item,
        g::ref_item, g::tags_item, g::doc_item, g::fix_item, g::when_item, g::let_item, g::require_item,
        g::message_item, g::rule_decl, g::def_decl, g::def_params, g::table_decl, g::table_entry, g::schema_decl,
        g::field_item, g::node_id_item, g::cluster_id_item, g::taken_at_item, g::schema_member, g::schema_any_index, g::type_enum,
        g::type_list, g::use_decl, g::on_item, g::on_before, g::on_after, g::on_final, g::on_snapshot, g::on_action,
        g::action_decl, g::action_name, g::set_stmt, g::add_stmt, g::remove_stmt, g::delete_stmt, g::let_stmt, g::if_stmt,
        g::else_part, g::for_stmt, g::for_var, g::for_where, g::planned_item, g::runbook_item, g::step_action_item,
        g::step_node_item, g::strict_item, g::at_item, g::arg_item, g::step_arg_item, g::arg_name, g::arg_required>,
    pegtl::parse_tree::fold_one::on<g::expr, g::stmt, g::unary, g::not_operand, g::postfix, g::mul_expr, g::add_expr, g::default_expr,
                                    g::cmp_expr, g::and_expr, g::or_expr, g::type_expr>>;

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

bool starts_declaration(std::string_view t, std::size_t off) {
    static const char* const words[] = {"rule", "def", "table", "schema", "use", "action"};
    for (const char* w : words) {
        std::size_t n = std::strlen(w);
        if (t.compare(off, n, w) == 0 && (off + n >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[off + n])) || t[off + n] == '_')))
            return true;
    }
    return false;
}

// The start of the next line after `decl_start` that begins with a declaration keyword, or npos.
std::size_t next_declaration(const std::string& text, std::size_t decl_start) {
    std::size_t scan = decl_start + 1;
    while (scan < text.size()) {
        std::size_t nl = text.find('\n', scan - 1);
        if (nl == std::string::npos) break;
        std::size_t ls = nl + 1;
        if (ls > decl_start && starts_declaration(text, ls)) return ls;
        scan = ls + 1;
    }
    return std::string::npos;
}

} // namespace

ast::file parse_rules(const source_ptr& src, const parse_options& opt, diagnostics& diags) {
    ast::file f;
    f.src = src;
    const std::string& text = src->text();
    std::size_t off = 0, line = 1, column = 1;
    build::builder b;
    auto report = [&](pos where, std::string msg) {
        diags.push_back(error_at(src, where, std::move(msg), check_ids::syntax));
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
        g::depth_state depth;
        depth.limit = opt.max_depth;
        std::size_t decl_start = skip_sep(text, off);
        try {
            auto root = build::flat_tree::parse<g::one_declaration, pt_node, selector, pegtl::nothing, control>(in, depth);
            if (!root || root->children.empty()) break;  // end of file
            try {
                b.declaration(*root->children.front(), f);
            } catch (const build::build_error& e) {
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
        off = next_declaration(text, decl_start);
        if (off == std::string::npos) break;
        line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(off), '\n'));
        column = 1;  // a declaration found by the recovery starts its line
    }
    return f;
}

} // namespace kbl
