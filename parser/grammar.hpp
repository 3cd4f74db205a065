#pragma once
// The kblint rule language (.kbl) as a PEGTL grammar.
//
// Padding convention: every rule matches its own token(s) only; `sep` (white space and
// `#` comments, newlines included) is placed explicitly *between* tokens by the enclosing rule,
// never at the start or end of a rule. Postfix operators (`.key`, `[i]`, `?`) and call
// parentheses must follow their operand without white space, which keeps newlines harmless
// between rule items. Keywords have `kw_*` names and use TAO_PEGTL_KEYWORD so that `andx` is an
// identifier; every `must<>` point is a named rule with its own message in errors.hpp.
//
// Differences from the sketch in shared/spec/language.md: a rule body is a flat list of
// keyword-led items (order is evaluation order for when/let/require), each `require` may carry
// its own `message`, quantifier bodies take the rest of the expression, and message/fix strings
// are templates whose `{expr}` parts are parsed here, so their errors are located exactly.
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>

#include "parser/depth.hpp"

namespace kbl::grammar {

namespace pegtl = tao::pegtl;
using namespace pegtl;

// White space and `#` comments, newlines included: `star< sor< space, comment > >` with
// `comment : seq< one< '#' >, until< eolf > >`, scanned in one loop (a comment runs to the end of
// its line, which ends in LF or CRLF: parse_rules refuses any other CR before the parse).
struct sep {
    using rule_t = sep;
    using subs_t = pegtl::empty_list;
    template <typename ParseInput>
    static bool match(ParseInput& in) noexcept(noexcept(in.bump(1))) {
        const char* const p = in.current();
        const char* const end = in.end();
        const char* q = p;
        while (q != end) {
            const char c = *q;
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f') {
                ++q;
            } else if (c == '#') {
                const void* nl = std::memchr(q, '\n', static_cast<std::size_t>(end - q));
                q = nl ? static_cast<const char*>(nl) + 1 : end;
            } else {
                break;
            }
        }
        if (q != p) in.bump(static_cast<std::size_t>(q - p));
        return true;
    }
};

// clang-format off

// Keywords: reserved ones may not be identifiers.
struct kw_and : TAO_PEGTL_KEYWORD( "and" ) {};
struct kw_or : TAO_PEGTL_KEYWORD( "or" ) {};
struct kw_not : TAO_PEGTL_KEYWORD( "not" ) {};
struct kw_in : TAO_PEGTL_KEYWORD( "in" ) {};
struct kw_where : TAO_PEGTL_KEYWORD( "where" ) {};
struct kw_contains : TAO_PEGTL_KEYWORD( "contains" ) {};
struct kw_matches : TAO_PEGTL_KEYWORD( "matches" ) {};
struct kw_true : TAO_PEGTL_KEYWORD( "true" ) {};
struct kw_false : TAO_PEGTL_KEYWORD( "false" ) {};
struct kw_if : TAO_PEGTL_KEYWORD( "if" ) {};
struct kw_then : TAO_PEGTL_KEYWORD( "then" ) {};
struct kw_else : TAO_PEGTL_KEYWORD( "else" ) {};
struct kw_all : TAO_PEGTL_KEYWORD( "all" ) {};
struct kw_any : TAO_PEGTL_KEYWORD( "any" ) {};
struct kw_none : TAO_PEGTL_KEYWORD( "none" ) {};
struct kw_the : TAO_PEGTL_KEYWORD( "the" ) {};
struct kw_count : TAO_PEGTL_KEYWORD( "count" ) {};
struct kw_map : TAO_PEGTL_KEYWORD( "map" ) {};
struct kw_filter : TAO_PEGTL_KEYWORD( "filter" ) {};
// The reserved words: `ident` refuses them (through `reserved_words`, the same list).
struct reserved : sor< kw_and, kw_or, kw_not, kw_in, kw_where, kw_contains, kw_matches, kw_true, kw_false,
                       kw_if, kw_then, kw_else, kw_all, kw_any, kw_none, kw_the > {};
// clang-format on

/// The words of `reserved` as a table (tests/parse_test.cpp checks that the two agree), so that
/// `ident` is `seq< not_at< reserved >, identifier >` with one scan of the word, not one per keyword.
struct reserved_words {
    static constexpr std::string_view list[] = {"and", "or",   "not",  "in",  "where", "contains", "matches", "true",
                                                "false", "if", "then", "else", "all", "any",   "none",     "the"};
};
/// The words `quant_kw` accepts, as `sor< kw_all, kw_any, kw_none, kw_the, kw_count, kw_map, kw_filter >` would.
struct quant_words {
    static constexpr std::string_view list[] = {"all", "any", "none", "the", "count", "map", "filter"};
};

/// A word ([A-Za-z_][A-Za-z0-9_]*, PEGTL's `identifier`) that is in `Words::list` (Listed) or not in
/// it (!Listed), scanned once. The same match as a keyword alternative (each keyword followed by a
/// character that cannot continue a word) before or instead of `identifier`, without a scan per word.
template <typename Words, bool Listed>
struct word {
    using rule_t = word;
    using subs_t = pegtl::empty_list;

    static constexpr bool first(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
    static constexpr bool other(char c) noexcept { return first(c) || (c >= '0' && c <= '9'); }
    static constexpr std::uint64_t lengths = [] {  // bit n: a word of the list has n characters
        std::uint64_t m = 0;
        for (std::string_view l : Words::list) m |= std::uint64_t{1} << l.size();
        return m;
    }();
    static bool listed(std::string_view w) noexcept {
        if (w.size() >= 64 || !((lengths >> w.size()) & 1)) return false;
        for (std::string_view l : Words::list)
            if (l[0] == w[0] && l == w) return true;
        return false;
    }
    template <typename ParseInput>
    static bool match(ParseInput& in) noexcept(noexcept(in.bump_in_this_line(1))) {
        const char* p = in.current();
        const char* const end = in.end();
        if (p == end || !first(*p)) return false;
        const char* q = p + 1;
        while (q != end && other(*q)) ++q;
        const auto n = static_cast<std::size_t>(q - p);
        if (listed(std::string_view(p, n)) != Listed) return false;
        in.bump_in_this_line(n);
        return true;
    }
};

// clang-format off

// Declaration and item keywords (contextual: only recognised where a declaration or item starts).
struct kw_rule : TAO_PEGTL_KEYWORD( "rule" ) {};
struct kw_def : TAO_PEGTL_KEYWORD( "def" ) {};
struct kw_table : TAO_PEGTL_KEYWORD( "table" ) {};
struct kw_schema : TAO_PEGTL_KEYWORD( "schema" ) {};
struct kw_use : TAO_PEGTL_KEYWORD( "use" ) {};
struct kw_as : TAO_PEGTL_KEYWORD( "as" ) {};
struct kw_title : TAO_PEGTL_KEYWORD( "title" ) {};
struct kw_severity : TAO_PEGTL_KEYWORD( "severity" ) {};
struct kw_scope : TAO_PEGTL_KEYWORD( "scope" ) {};
struct kw_ref : TAO_PEGTL_KEYWORD( "ref" ) {};
struct kw_tags : TAO_PEGTL_KEYWORD( "tags" ) {};
struct kw_doc : TAO_PEGTL_KEYWORD( "doc" ) {};
struct kw_fix : TAO_PEGTL_KEYWORD( "fix" ) {};
struct kw_when : TAO_PEGTL_KEYWORD( "when" ) {};
struct kw_let : TAO_PEGTL_KEYWORD( "let" ) {};
struct kw_require : TAO_PEGTL_KEYWORD( "require" ) {};
struct kw_message : TAO_PEGTL_KEYWORD( "message" ) {};
struct kw_default : TAO_PEGTL_KEYWORD( "default" ) {};
struct kw_field : TAO_PEGTL_KEYWORD( "field" ) {};
struct kw_node_id : TAO_PEGTL_KEYWORD( "node_id" ) {};
struct kw_cluster_id : TAO_PEGTL_KEYWORD( "cluster_id" ) {};
struct kw_taken_at : TAO_PEGTL_KEYWORD( "taken_at" ) {};
struct kw_required : TAO_PEGTL_KEYWORD( "required" ) {};
struct kw_nocase : TAO_PEGTL_KEYWORD( "nocase" ) {};
struct kw_optional : TAO_PEGTL_KEYWORD( "optional" ) {};
struct kw_strict : TAO_PEGTL_KEYWORD( "strict" ) {};
struct kw_list : TAO_PEGTL_KEYWORD( "list" ) {};
struct kw_enum : TAO_PEGTL_KEYWORD( "enum" ) {};
struct kw_action : TAO_PEGTL_KEYWORD( "action" ) {};
struct kw_on : TAO_PEGTL_KEYWORD( "on" ) {};
struct kw_before : TAO_PEGTL_KEYWORD( "before" ) {};
struct kw_after : TAO_PEGTL_KEYWORD( "after" ) {};
struct kw_final : TAO_PEGTL_KEYWORD( "final" ) {};
struct kw_snapshot : TAO_PEGTL_KEYWORD( "snapshot" ) {};
struct kw_set : TAO_PEGTL_KEYWORD( "set" ) {};
struct kw_add : TAO_PEGTL_KEYWORD( "add" ) {};
struct kw_remove : TAO_PEGTL_KEYWORD( "remove" ) {};
struct kw_delete : TAO_PEGTL_KEYWORD( "delete" ) {};
struct kw_for : TAO_PEGTL_KEYWORD( "for" ) {};
struct kw_planned : TAO_PEGTL_KEYWORD( "planned" ) {};
struct kw_runbook : TAO_PEGTL_KEYWORD( "runbook" ) {};
struct kw_step_action : TAO_PEGTL_KEYWORD( "step_action" ) {};
struct kw_step_node : TAO_PEGTL_KEYWORD( "step_node" ) {};
struct kw_step_arg : TAO_PEGTL_KEYWORD( "step_arg" ) {};
struct kw_arg : TAO_PEGTL_KEYWORD( "arg" ) {};
struct kw_at : TAO_PEGTL_KEYWORD( "at" ) {};

struct ident : word< reserved_words, false > {};  // a name: not a reserved word
struct any_name : seq< identifier > {};  // member keys may be keywords: `x.count`, `n.node`
struct rule_id : seq< alpha, star< sor< alnum, one< '-', '_' > > > > {};

// Literals.
struct hex_digits : plus< xdigit > {};
struct escape_unicode : seq< one< 'u' >, one< '{' >, rep_min_max< 1, 6, xdigit >, one< '}' > > {};
struct escape_code : sor< one< '"', '\\', 'n', 't', 'r', '{', '}' >, escape_unicode > {};
struct escape : seq< one< '\\' >, must< escape_code > > {};
struct str_plain : plus< not_one< '"', '\\', '\n', '\r' > > {};
struct str_close : one< '"' > {};
struct string_lit : seq< one< '"' >, star< sor< str_plain, escape > >, must< str_close > > {};
struct raw_plain : plus< not_one< '\'', '\n', '\r' > > {};
struct raw_close : one< '\'' > {};
struct raw_string : seq< one< '\'' >, star< raw_plain >, must< raw_close > > {};
struct any_string : sor< string_lit, raw_string > {};
struct d2 : rep< 2, digit > {};
struct d4 : rep< 4, digit > {};
struct time_part : seq< d2, one< ':' >, d2, one< ':' >, d2, opt< one< '.' >, plus< digit > > > {};
struct tz_part : sor< one< 'Z', 'z' >, seq< one< '+', '-' >, d2, one< ':' >, d2 > > {};
struct date_lit : seq< d4, one< '-' >, d2, one< '-' >, d2, opt< one< 'T', 't' >, time_part, opt< tz_part > >, not_at< identifier_other > > {};
struct hex_lit : seq< one< '0' >, one< 'x', 'X' >, hex_digits, not_at< identifier_other > > {};
struct exponent : seq< one< 'e', 'E' >, opt< one< '+', '-' > >, plus< digit > > {};
struct float_lit : seq< plus< digit >, sor< seq< one< '.' >, plus< digit >, opt< exponent > >, exponent >, not_at< identifier_other > > {};
struct int_lit : seq< plus< digit >, not_at< identifier_other > > {};
struct bool_lit : sor< kw_true, kw_false > {};
// The first character of a literal, checked before its forms are tried one by one.
struct literal_first : sor< digit, one< '"', '\'', 't', 'f' > > {};
struct literal : seq< at< literal_first >, sor< date_lit, hex_lit, float_lit, int_lit, any_string, bool_lit > > {};

// Message templates: "text {expr} text", `{{` and `}}` are literal braces.
struct expr;
struct tpl_text : plus< sor< not_one< '"', '\\', '{', '}', '\n', '\r' >, escape, TAO_PEGTL_STRING( "{{" ), TAO_PEGTL_STRING( "}}" ) > > {};
struct tpl_expr : seq< expr > {};
struct tpl_close_brace : one< '}' > {};
struct tpl_interp : seq< one< '{' >, sep, must< tpl_expr >, sep, must< tpl_close_brace > > {};
struct tpl_close : one< '"' > {};
struct template_lit : sor< seq< one< '"' >, star< sor< tpl_text, tpl_interp > >, must< tpl_close > >, raw_string > {};

// Expressions.
struct list_close : one< ']' > {};
struct list_item : seq< expr > {};
struct list_lit : seq< one< '[' >, sep, opt< list_item, sep, star< one< ',' >, sep, list_item, sep > >, must< list_close > > {};
struct record_key : sor< ident, any_string > {};
struct record_eq : one< '=' > {};
struct record_value : seq< expr > {};
struct record_entry : seq< record_key, sep, must< record_eq >, sep, must< record_value > > {};
struct record_close : one< '}' > {};
struct record_lit : seq< one< '{' >, sep, opt< record_entry, sep, star< one< ',' >, sep, record_entry, sep > >, must< record_close > > {};
struct paren_close : one< ')' > {};
struct paren_inner : seq< expr > {};
struct paren : seq< one< '(' >, sep, must< paren_inner >, sep, must< paren_close > > {};
struct if_then : seq< kw_then > {};
struct if_else : seq< kw_else > {};
struct if_cond : seq< expr > {};
struct if_a : seq< expr > {};
struct if_b : seq< expr > {};
struct if_expr : seq< kw_if, sep, must< if_cond >, sep, must< if_then >, sep, must< if_a >, sep, must< if_else >, sep, must< if_b > > {};
struct call_arg : seq< expr > {};
struct call_close : one< ')' > {};
struct call_name : sor< kw_count, kw_map, kw_filter, ident > {};
// `x.f(...)`: a def of the module `use "..." as x` (the whole `x.f` must be followed by `(`, or it
// is a path: `x.f` with `x` a name).
struct call_module : seq< ident > {};
// What a call starts with, matched ahead (no node) so that a name is not taken apart as a call first.
struct call_head : seq< opt< ident, one< '.' > >, ident, one< '(' > > {};
struct call : seq< opt< call_module, one< '.' > >, call_name, one< '(' >, sep, opt< call_arg, sep, star< one< ',' >, sep, must< call_arg >, sep > >, must< call_close > > {};
struct name : seq< ident > {};
// A bracket or `if` is checked before the rule it opens is tried (and its node started).
struct primary : sor< literal, seq< at< one< '[' > >, list_lit >, seq< at< one< '{' > >, record_lit >, seq< at< one< '(' > >, paren >,
                      seq< at< one< 'i' > >, if_expr >, seq< at< call_head >, call >, name > {};

struct member_key : sor< one< '*' >, any_name, any_string > {};
struct member : seq< one< '.' >, must< member_key > > {};
struct index_star : one< '*' > {};
struct index_expr : seq< expr > {};
struct index_close : one< ']' > {};
struct index : seq< one< '[' >, sep, sor< index_star, index_expr >, sep, must< index_close > > {};
struct optional_mark : seq< one< '?' >, not_at< one< '?' > > > {};
struct postfix_first : one< '.', '[', '?' > {};  // what a postfix operator starts with
struct postfix : seq< primary, star< at< postfix_first >, sor< member, index, optional_mark > > > {};

struct unary;
struct neg_operand : seq< unary > {};
struct neg : seq< one< '-' >, sep, must< neg_operand > > {};
struct unary : nested< sor< neg, postfix > > {};

// `*` `/` `%` bind tighter than `+` `-`; `a.*` and `a[*]` are postfix, never a product.
struct mul_op : one< '*', '/', '%' > {};
struct mul_rhs : seq< unary > {};
struct mul_expr : seq< unary, star< sep, mul_op, sep, must< mul_rhs > > > {};
struct add_op : one< '+', '-' > {};
struct add_rhs : seq< mul_expr > {};
struct add_expr : seq< mul_expr, star< sep, add_op, sep, must< add_rhs > > > {};
struct default_rhs : seq< add_expr > {};
struct default_expr : seq< add_expr, star< sep, TAO_PEGTL_STRING( "??" ), sep, must< default_rhs > > > {};
struct op_not_in : seq< kw_not, sep, kw_in > {};
struct cmp_first : one< '=', '!', '<', '>', '~', 'n', 'i', 'c', 'm' > {};  // what a comparison operator starts with
struct cmp_op : seq< at< cmp_first >, sor< TAO_PEGTL_STRING( "==" ), TAO_PEGTL_STRING( "!=" ), TAO_PEGTL_STRING( "<=" ), TAO_PEGTL_STRING( ">=" ),
                     TAO_PEGTL_STRING( "~=" ), one< '<' >, one< '>' >, op_not_in, kw_in, kw_contains, kw_matches > > {};
struct cmp_rhs : seq< default_expr > {};
// Comparisons do not chain: a second operator (`0 <= x <= 1024`) is parsed, then refused by the
// builder with the `and` form to write instead.
struct cmp_expr : seq< default_expr, star< sep, cmp_op, sep, must< cmp_rhs > > > {};
struct not_operand;
struct not_op : seq< kw_not, sep, must< not_operand > > {};
struct not_expr : sor< not_op, cmp_expr > {};
struct not_operand : nested< not_expr > {};
struct and_rhs : seq< not_expr > {};
struct and_expr : seq< not_expr, star< sep, kw_and, sep, must< and_rhs > > > {};
struct or_rhs : seq< and_expr > {};
struct or_expr : seq< and_expr, star< sep, kw_or, sep, must< or_rhs > > > {};

struct quant_kw : word< quant_words, true > {};
struct quant_var : seq< ident > {};
struct quant_in : seq< kw_in > {};
struct quant_coll : seq< default_expr > {};
struct quant_where : seq< or_expr > {};
struct quant_body : seq< expr > {};
struct quantifier : seq< quant_kw, sep, quant_var, sep, must< quant_in >, sep, must< quant_coll >,
                         opt< sep, kw_where, sep, must< quant_where > >,
                         opt< sep, one< ':' >, sep, must< quant_body > > > {};
struct expr : nested< sor< quantifier, or_expr > > {};

// Rule items.
struct title_value : seq< any_string > {};
struct severity_value : sor< TAO_PEGTL_KEYWORD( "error" ), TAO_PEGTL_KEYWORD( "warning" ), TAO_PEGTL_KEYWORD( "info" ) > {};
struct scope_value : sor< TAO_PEGTL_KEYWORD( "node" ), TAO_PEGTL_KEYWORD( "cluster" ), TAO_PEGTL_KEYWORD( "runbook" ) > {};
struct ref_article : plus< sor< alnum, one< '-', '_', '.' > > > {};
struct ref_section : seq< any_string > {};
// `ref Q241573 "step 1"` (an article and its section), `ref "https://..." ["section"]` (a URL) or
// `ref "Document title" ["section"]` (a document named by its title).
struct ref_doc : seq< any_string > {};
struct ref_value : sor< seq< ref_doc, opt< sep, ref_section > >, seq< ref_article, sep, must< ref_section > > > {};
struct tag_value : seq< any_string > {};
struct doc_value : seq< any_string > {};
struct fix_value : seq< template_lit > {};
struct message_value : seq< template_lit > {};
struct when_value : seq< expr > {};
struct require_value : seq< expr > {};
struct let_name : seq< ident > {};
struct let_eq : one< '=' > {};
struct let_value : seq< expr > {};
struct title_item : seq< kw_title, sep, must< title_value > > {};
struct severity_item : seq< kw_severity, sep, must< severity_value > > {};
struct scope_item : seq< kw_scope, sep, must< scope_value > > {};
struct ref_item : seq< kw_ref, sep, must< ref_value > > {};
struct tags_item : seq< kw_tags, sep, must< tag_value >, star< sep, one< ',' >, sep, must< tag_value > > > {};
struct doc_item : seq< kw_doc, sep, must< doc_value > > {};
struct fix_item : seq< kw_fix, sep, must< fix_value > > {};
struct when_item : seq< kw_when, sep, must< when_value > > {};
struct let_item : seq< kw_let, sep, must< let_name >, sep, must< let_eq >, sep, must< let_value > > {};
struct require_item : seq< kw_require, sep, must< require_value > > {};
struct message_item : seq< kw_message, sep, must< message_value > > {};
struct at_value : seq< expr > {};
struct at_item : seq< kw_at, sep, must< at_value > > {};  // where the preceding require's finding points
struct on_action : seq< ident > {};
struct on_actions : seq< must< on_action >, star< sep, one< ',' >, sep, must< on_action > > > {};
struct on_before : seq< kw_before, sep, on_actions > {};
struct on_after : seq< kw_after, sep, on_actions > {};
struct on_final : kw_final {};
struct on_snapshot : kw_snapshot {};
struct on_value : sor< on_before, on_after, on_final, on_snapshot > {};
struct on_item : seq< kw_on, sep, must< on_value > > {};
struct rule_item : sor< title_item, severity_item, scope_item, ref_item, tags_item, doc_item, fix_item,
                        when_item, let_item, require_item, message_item, at_item, on_item > {};
struct rule_open : one< '{' > {};
struct rule_close : one< '}' > {};
struct rule_name : seq< rule_id > {};
struct rule_decl : seq< kw_rule, sep, must< rule_name >, sep, must< rule_open >, sep, star< rule_item, sep >, must< rule_close > > {};

// def NAME [(params)] = expr; a parameter may have a written type: `n: node`, `v: string`.
struct def_name : seq< ident > {};
struct type_expr;
struct def_param_name : seq< ident > {};
struct def_param_type : seq< type_expr > {};
struct def_param : seq< def_param_name, opt< sep, one< ':' >, sep, must< def_param_type > > > {};
struct def_params_close : one< ')' > {};
struct def_params : seq< one< '(' >, sep, opt< def_param, sep, star< one< ',' >, sep, must< def_param >, sep > >, must< def_params_close > > {};
struct def_eq : one< '=' > {};
struct def_body : seq< expr > {};
struct def_decl : seq< kw_def, sep, must< def_name >, sep, opt< def_params, sep >, must< def_eq >, sep, must< def_body > > {};

// table NAME { key = value ... default = value }
struct table_name : seq< ident > {};
struct table_open : one< '{' > {};
struct table_close : one< '}' > {};
struct table_key : sor< kw_default, hex_lit, int_lit, any_string > {};
struct table_eq : one< '=' > {};
struct table_value : seq< expr > {};
struct table_entry : seq< table_key, sep, must< table_eq >, sep, must< table_value > > {};
struct table_decl : seq< kw_table, sep, must< table_name >, sep, must< table_open >, sep, star< table_entry, sep >, must< table_close > > {};

// schema { strict  node_id PATH  cluster_id PATH  taken_at PATH  field PATH TYPE [required] [optional] [nocase] ["DOC"] }
struct schema_seg_first : sor< any_name, any_string > {};
struct schema_member : seq< one< '.' >, must< member_key > > {};
struct schema_any_index : seq< one< '[' >, one< '*' >, must< index_close > > {};
struct schema_seg : sor< schema_member, schema_any_index > {};
struct schema_path : seq< schema_seg_first, star< schema_seg > > {};
struct type_expr;
struct type_close : one< ')' > {};
struct enum_value : seq< any_string > {};
struct type_enum : seq< kw_enum, one< '(' >, sep, must< enum_value >, sep, star< one< ',' >, sep, must< enum_value >, sep >, must< type_close > > {};
struct type_inner : seq< type_expr > {};
struct type_list : seq< kw_list, opt< one< '(' >, sep, must< type_inner >, sep, must< type_close > > > {};
struct type_name : seq< identifier > {};
struct type_term : sor< type_enum, type_list, type_name > {};
struct type_alt : seq< type_term > {};
struct type_expr : seq< type_term, star< sep, one< '|' >, sep, must< type_alt > > > {};
struct field_flag : sor< kw_required, kw_optional, kw_nocase > {};
struct field_path : seq< schema_path > {};
struct field_type : seq< type_expr > {};
struct field_item : seq< kw_field, sep, must< field_path >, sep, must< field_type >, star< sep, field_flag >, opt< sep, any_string > > {};
struct id_path : seq< schema_path > {};
struct node_id_item : seq< kw_node_id, sep, must< id_path > > {};
struct cluster_id_item : seq< kw_cluster_id, sep, must< id_path > > {};
struct taken_at_item : seq< kw_taken_at, sep, must< id_path > > {};
struct planned_item : seq< kw_planned, sep, must< id_path > > {};
struct runbook_item : seq< kw_runbook, sep, must< id_path > > {};
struct step_action_item : seq< kw_step_action, sep, must< id_path > > {};
struct step_node_item : seq< kw_step_node, sep, must< id_path > > {};
struct strict_item : seq< kw_strict > {};
// `arg NAME TYPE [required]` in an action, `step_arg NAME TYPE [required]` in a schema: a step argument.
struct arg_name : seq< any_name > {};
struct arg_type : seq< type_expr > {};
struct arg_required : kw_required {};
struct arg_decl : seq< must< arg_name >, sep, must< arg_type >, opt< sep, arg_required > > {};
struct step_arg_item : seq< kw_step_arg, sep, arg_decl > {};
struct arg_item : seq< kw_arg, sep, arg_decl > {};
struct schema_item : sor< strict_item, step_arg_item, field_item, node_id_item, cluster_id_item, taken_at_item, planned_item, runbook_item, step_action_item, step_node_item > {};
struct schema_open : one< '{' > {};
struct schema_close : one< '}' > {};
struct schema_decl : seq< kw_schema, sep, must< schema_open >, sep, star< schema_item, sep >, must< schema_close > > {};

// action NAME { statements }
struct stmt;
struct block_close : one< '}' > {};
struct block : seq< one< '{' >, sep, star< stmt, sep >, must< block_close > > {};
struct lvalue : seq< postfix > {};
struct stmt_eq : one< '=' > {};
struct stmt_comma : one< ',' > {};
struct stmt_value : seq< expr > {};
struct stmt_target : seq< lvalue > {};
struct stmt_block : seq< block > {};
struct set_stmt : seq< kw_set, sep, must< stmt_target >, sep, must< stmt_eq >, sep, must< stmt_value > > {};
struct add_stmt : seq< kw_add, sep, must< stmt_target >, sep, must< stmt_comma >, sep, must< stmt_value > > {};
struct remove_stmt : seq< kw_remove, sep, must< stmt_target >, sep, must< stmt_comma >, sep, must< stmt_value > > {};
struct delete_stmt : seq< kw_delete, sep, must< stmt_target > > {};
struct let_stmt : seq< kw_let, sep, must< let_name >, sep, must< let_eq >, sep, must< let_value > > {};
struct stmt_cond : seq< expr > {};
struct else_part : seq< kw_else, sep, must< stmt_block > > {};
struct if_stmt : seq< kw_if, sep, must< stmt_cond >, sep, must< stmt_block >, opt< sep, else_part > > {};
struct for_var : seq< ident > {};
struct for_in : seq< kw_in > {};
struct for_coll : seq< default_expr > {};
struct for_where : seq< or_expr > {};
struct for_stmt : seq< kw_for, sep, must< for_var >, sep, must< for_in >, sep, must< for_coll >,
                       opt< sep, kw_where, sep, must< for_where > >, sep, must< stmt_block > > {};
struct stmt : nested< sor< set_stmt, add_stmt, remove_stmt, delete_stmt, let_stmt, if_stmt, for_stmt, doc_item > > {};
struct action_name : seq< ident > {};
struct action_open : one< '{' > {};
struct action_close : one< '}' > {};
struct action_decl : seq< kw_action, sep, must< action_name >, sep, must< action_open >, sep, star< sor< arg_item, stmt >, sep >, must< action_close > > {};

struct use_path : seq< any_string > {};
struct use_alias : seq< ident > {};
struct use_decl : seq< kw_use, sep, must< use_path >, opt< sep, kw_as, sep, must< use_alias > > > {};

struct declaration : sor< rule_decl, def_decl, table_decl, schema_decl, use_decl, action_decl > {};
struct expected_declaration : seq< declaration > {};
// One top-level declaration (the parse driver loops over these to recover after errors).
struct one_declaration : seq< sep, sor< eof, must< expected_declaration > > > {};
// The whole file, used by the grammar analysis test.
struct file : seq< sep, star< declaration, sep >, eof > {};
// clang-format on

} // namespace kbl::grammar

/// For `analyze<>`: `sep` may match nothing.
template <typename Name>
struct tao::pegtl::analyze_traits<Name, kbl::grammar::sep> : tao::pegtl::analyze_opt_traits<> {};

/// For `analyze<>`: a word consumes input when it matches.
template <typename Name, typename Words, bool Listed>
struct tao::pegtl::analyze_traits<Name, kbl::grammar::word<Words, Listed>> : tao::pegtl::analyze_any_traits<> {};
