#pragma once
// The parse tree to the AST (private to parser/, included by parse.cpp and the builder's files):
// literals and expressions (build_expr.cpp), declarations, items and statements (build_decl.cpp).
// Errors found on the way are thrown as build_error; parse.cpp turns them into diagnostics.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "common/source.hpp"
#include "parser/ast.hpp"
#include "parser/pt_node.hpp"

namespace kbl::build {

/// A located error raised while turning the parse tree into the AST.
struct build_error : std::runtime_error {
    pos where;
    build_error(pos p, const std::string& msg) : std::runtime_error(msg), where(p) {}
};

/// Where a parse tree node starts.
pos at(const pt_node& n);

/// Where a parse tree node ends.
pos end_of(const pt_node& n);

/// The source text a node covers. A node folded by PEGTL's `fold_one` (an operator expression)
/// keeps its start but not its end; its text then runs to the end of its last descendant.
std::string_view source_text(const pt_node& n);

/// The value of a string literal node (basic or raw), escapes decoded and checked.
std::string string_value(const pt_node& n);

/// The body of a basic string or template text (no quotes, at `where`) with its escapes decoded;
/// `braces` also folds `{{` and `}}`.
std::string unescape(std::string_view body, pos where, bool braces);

/// The first child of `n` that is a string literal, or null.
const pt_node* find_child_string(const pt_node& n);

/// The digits `text` in `base` as an integer; a build_error at `where` when it is out of range.
std::int64_t parse_integer(std::string_view text, int base, pos where);

/// Builds the AST of one declaration at a time.
class builder {
public:
    /// Append the declaration `n` to `f`.
    void declaration(const pt_node& n, ast::file& f);

private:
    // Expressions (build_expr.cpp).
    ast::expr_ptr expr(const pt_node& n);
    ast::expr_ptr literal(const pt_node& n);
    ast::expr_ptr record(const pt_node& n);
    ast::expr_ptr negation(const pt_node& n);
    ast::expr_ptr left_fold(const pt_node& n, ast::binop op);
    ast::expr_ptr chain(const pt_node& n);
    ast::expr_ptr comparison(const pt_node& n);
    ast::expr_ptr quantifier(const pt_node& n);
    ast::expr_ptr postfix(const pt_node& n);
    ast::expr_ptr postfix_step(const pt_node& c, ast::expr_ptr acc);
    ast::template_str tpl(const pt_node& n);

    // Declarations, items and statements (build_decl.cpp).
    ast::rule_decl rule(const pt_node& n);
    bool rule_meta(ast::rule_decl& r, const pt_node& c);
    void rule_ref(ast::rule_decl& r, const pt_node& c);
    void rule_message(ast::rule_decl& r, const pt_node& c);
    void rule_at(ast::rule_decl& r, const pt_node& c);
    void rule_trigger(ast::rule_decl& r, const pt_node& c);
    void rule_body(ast::rule_decl& r, const pt_node& c);
    ast::def_decl def(const pt_node& n);
    ast::table_decl table(const pt_node& n);
    ast::table_entry table_item(const pt_node& en);
    std::vector<ast::path_seg> schema_path(const pt_node& parent, std::size_t& i, std::string& text);
    ast::type_ref type(const pt_node& n, bool param = false);
    ast::param_type param_type(const pt_node& n);
    ast::schema_decl schema(const pt_node& n);
    bool schema_slot(ast::schema_decl& s, const pt_node& c, std::vector<ast::path_seg>& path);
    ast::field_decl field(const pt_node& c, std::vector<ast::path_seg> path, std::string text, std::size_t i);
    ast::action_decl action(const pt_node& n);
    ast::use_decl use(const pt_node& n);
    ast::arg_decl arg(const pt_node& n);
    ast::stmt statement(const pt_node& c);
};

} // namespace kbl::build
