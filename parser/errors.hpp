#pragma once
// One message per `must<>` point of grammar.hpp, written for a person (PEGTL's
// Errors-and-Exceptions.md "best practice"; compare json_errors.hpp beside json_parse.cpp).
// A missing message is a compile error: see the static_assert in parse.cpp.
#include "parser/grammar.hpp"

namespace kbl::grammar {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off
template<> inline constexpr const char* error_message< str_close > = "unterminated string: expected '\"' before the end of the line";
template<> inline constexpr const char* error_message< raw_close > = "unterminated literal string: expected \"'\" before the end of the line";
template<> inline constexpr const char* error_message< escape_code > = "unknown escape sequence: use \\\", \\\\, \\n, \\t, \\r, \\{, \\} or \\u{HEX}";
template<> inline constexpr const char* error_message< tpl_expr > = "expected an expression after '{' in the message (write '{{' for a literal brace)";
template<> inline constexpr const char* error_message< tpl_close_brace > = "expected '}' to close the interpolation";
template<> inline constexpr const char* error_message< tpl_close > = "unterminated message: expected '\"' before the end of the line (write '}}' for a literal brace)";
template<> inline constexpr const char* error_message< list_close > = "expected ',' or ']' in the list";
template<> inline constexpr const char* error_message< record_eq > = "expected '=' after the record key";
template<> inline constexpr const char* error_message< record_value > = "expected a value after '='";
template<> inline constexpr const char* error_message< record_close > = "expected ',' or '}' in the record";
template<> inline constexpr const char* error_message< paren_inner > = "expected an expression after '('";
template<> inline constexpr const char* error_message< paren_close > = "expected ')' to close the parenthesis";
template<> inline constexpr const char* error_message< if_cond > = "expected a condition after 'if'";
template<> inline constexpr const char* error_message< if_then > = "expected 'then' after the condition of 'if'";
template<> inline constexpr const char* error_message< if_a > = "expected an expression after 'then'";
template<> inline constexpr const char* error_message< if_else > = "expected 'else': an 'if' expression needs both branches";
template<> inline constexpr const char* error_message< if_b > = "expected an expression after 'else'";
template<> inline constexpr const char* error_message< call_arg > = "expected an argument after ','";
template<> inline constexpr const char* error_message< call_close > = "expected ',' or ')' in the argument list";
template<> inline constexpr const char* error_message< member_key > = "expected a key name, a quoted key or '*' after '.'";
template<> inline constexpr const char* error_message< index_close > = "expected ']' to close the index";
template<> inline constexpr const char* error_message< neg_operand > = "expected an operand after '-'";
template<> inline constexpr const char* error_message< add_rhs > = "expected an operand after the operator";
template<> inline constexpr const char* error_message< mul_rhs > = "expected an operand after the operator";
template<> inline constexpr const char* error_message< default_rhs > = "expected a default value after '?" "?'";
template<> inline constexpr const char* error_message< cmp_rhs > = "expected a value after the comparison operator";
template<> inline constexpr const char* error_message< not_operand > = "expected an operand after 'not'";
template<> inline constexpr const char* error_message< and_rhs > = "expected an operand after 'and'";
template<> inline constexpr const char* error_message< or_rhs > = "expected an operand after 'or'";
template<> inline constexpr const char* error_message< quant_in > = "expected 'in' after the quantifier's variable";
template<> inline constexpr const char* error_message< quant_coll > = "expected a collection after 'in'";
template<> inline constexpr const char* error_message< quant_where > = "expected a condition after 'where'";
template<> inline constexpr const char* error_message< quant_body > = "expected an expression after ':'";
template<> inline constexpr const char* error_message< title_value > = "expected the title as a string after 'title'";
template<> inline constexpr const char* error_message< severity_value > = "expected 'error', 'warning' or 'info' after 'severity'";
template<> inline constexpr const char* error_message< scope_value > = "expected 'node', 'cluster' or 'runbook' after 'scope'";
template<> inline constexpr const char* error_message< ref_value > = "expected an article and its section (Q241573 \"step 1\"), a URL or a document title as a string after 'ref'";
template<> inline constexpr const char* error_message< ref_section > = "expected the section as a string after the article";
template<> inline constexpr const char* error_message< tag_value > = "expected a tag as a string";
template<> inline constexpr const char* error_message< doc_value > = "expected the documentation as a string after 'doc'";
template<> inline constexpr const char* error_message< fix_value > = "expected the fix as a string after 'fix'";
template<> inline constexpr const char* error_message< message_value > = "expected the message as a string after 'message'";
template<> inline constexpr const char* error_message< when_value > = "expected a condition after 'when'";
template<> inline constexpr const char* error_message< require_value > = "expected a condition after 'require'";
template<> inline constexpr const char* error_message< let_name > = "expected a name after 'let'";
template<> inline constexpr const char* error_message< let_eq > = "expected '=' after the name in 'let'";
template<> inline constexpr const char* error_message< let_value > = "expected an expression after '='";
template<> inline constexpr const char* error_message< rule_name > = "expected a rule id after 'rule' (for example Q241573-010)";
template<> inline constexpr const char* error_message< rule_open > = "expected '{' after the rule id";
template<> inline constexpr const char* error_message< rule_close > = "expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}'";
template<> inline constexpr const char* error_message< def_name > = "expected a name after 'def'";
template<> inline constexpr const char* error_message< def_param > = "expected a parameter name";
template<> inline constexpr const char* error_message< def_param_type > = "expected a type after ':' (node, list(node), string, int, float, bool, datetime, date, time, table, list, list(T), enum(...) or any)";
template<> inline constexpr const char* error_message< def_params_close > = "expected ',' or ')' in the parameter list";
template<> inline constexpr const char* error_message< def_eq > = "expected '=' after the definition's name";
template<> inline constexpr const char* error_message< def_body > = "expected an expression after '='";
template<> inline constexpr const char* error_message< table_name > = "expected a name after 'table'";
template<> inline constexpr const char* error_message< table_open > = "expected '{' after the table name";
template<> inline constexpr const char* error_message< table_eq > = "expected '=' after the table key";
template<> inline constexpr const char* error_message< table_value > = "expected a value after '='";
template<> inline constexpr const char* error_message< table_close > = "expected a table key (a string, an integer or 'default') or '}'";
template<> inline constexpr const char* error_message< enum_value > = "expected an enum value as a string";
template<> inline constexpr const char* error_message< type_close > = "expected ')' to close the type";
template<> inline constexpr const char* error_message< type_inner > = "expected an element type inside 'list(...)'";
template<> inline constexpr const char* error_message< type_alt > = "expected a type after '|'";
template<> inline constexpr const char* error_message< field_path > = "expected a field path after 'field'";
template<> inline constexpr const char* error_message< field_type > = "expected a type after the field path (string, int, float, bool, datetime, date, time, table, list, enum(...) or any)";
template<> inline constexpr const char* error_message< id_path > = "expected a field path";
template<> inline constexpr const char* error_message< schema_open > = "expected '{' after 'schema'";
template<> inline constexpr const char* error_message< schema_close > = "expected 'field', 'strict', 'node_id', 'cluster_id', 'taken_at', 'planned', 'runbook', 'step_action', 'step_node', 'step_arg' or '}' in the schema";
template<> inline constexpr const char* error_message< arg_name > = "expected an argument name";
template<> inline constexpr const char* error_message< arg_type > = "expected a type after the argument name (string, int, float, bool, datetime, date, time, table, list, enum(...) or any)";
template<> inline constexpr const char* error_message< at_value > = "expected the value a finding points at after 'at'";
template<> inline constexpr const char* error_message< use_path > = "expected a file name as a string after 'use'";
template<> inline constexpr const char* error_message< use_alias > = "expected a module name after 'as'";
template<> inline constexpr const char* error_message< expected_declaration > = "expected a declaration: 'rule', 'def', 'table', 'schema', 'action' or 'use'";
template<> inline constexpr const char* error_message< on_action > = "expected an action name";
template<> inline constexpr const char* error_message< on_value > = "expected 'before ACTION', 'after ACTION', 'final' or 'snapshot' after 'on'";
template<> inline constexpr const char* error_message< block_close > = "expected a statement (set, add, remove, delete, let, if, for) or '}'";
template<> inline constexpr const char* error_message< stmt_target > = "expected the path to change";
template<> inline constexpr const char* error_message< stmt_eq > = "expected '=' after the path";
template<> inline constexpr const char* error_message< stmt_comma > = "expected ',' after the path";
template<> inline constexpr const char* error_message< stmt_value > = "expected a value";
template<> inline constexpr const char* error_message< stmt_cond > = "expected a condition after 'if'";
template<> inline constexpr const char* error_message< stmt_block > = "expected '{' to open a block";
template<> inline constexpr const char* error_message< for_var > = "expected a name after 'for'";
template<> inline constexpr const char* error_message< for_in > = "expected 'in' after the loop variable";
template<> inline constexpr const char* error_message< for_coll > = "expected a collection after 'in'";
template<> inline constexpr const char* error_message< for_where > = "expected a condition after 'where'";
template<> inline constexpr const char* error_message< action_name > = "expected a name after 'action'";
template<> inline constexpr const char* error_message< action_open > = "expected '{' after the action name";
template<> inline constexpr const char* error_message< action_close > = "expected a statement (set, add, remove, delete, let, if, for, doc), 'arg' or '}'";
// clang-format on

/// Words that may stand where a must<> point failed, for "did you mean" (empty: no suggestion).
template <typename Rule>
inline const std::vector<std::string> expected_words{};
template <>
inline const std::vector<std::string> expected_words<rule_close>{"title", "severity", "scope", "ref", "tags", "doc",
                                                                  "fix", "on", "when", "let", "require", "message", "at"};
template <>
inline const std::vector<std::string> expected_words<schema_close>{"field", "strict", "node_id", "cluster_id", "taken_at", "planned", "runbook", "step_action", "step_node", "step_arg"};
template <>
inline const std::vector<std::string> expected_words<expected_declaration>{"rule", "def", "table", "schema", "use", "action"};
template <>
inline const std::vector<std::string> expected_words<on_value>{"before", "after", "final", "snapshot"};
template <>
inline const std::vector<std::string> expected_words<block_close>{"set", "add", "remove", "delete", "let", "if", "for"};
template <>
inline const std::vector<std::string> expected_words<action_close>{"set", "add", "remove", "delete", "let", "if", "for", "doc", "arg"};
template <>
inline const std::vector<std::string> expected_words<severity_value>{"error", "warning", "info"};
template <>
inline const std::vector<std::string> expected_words<scope_value>{"node", "cluster", "runbook"};
template <>
inline const std::vector<std::string> expected_words<if_then>{"then"};
template <>
inline const std::vector<std::string> expected_words<if_else>{"else"};
template <>
inline const std::vector<std::string> expected_words<quant_in>{"in"};

} // namespace kbl::grammar
