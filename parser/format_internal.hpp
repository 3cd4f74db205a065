#pragma once
// What kblint fmt's two halves share (internal to parser/): format_expr.cpp writes expressions,
// templates, paths and types; format.cpp lays out files (comments, blocks, aligned columns).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parser/ast.hpp"

namespace kbl::format_detail {

/// `s` as a double-quoted string literal, escaped.
std::string quote(std::string_view s);

/// An expression on one line; parenthesised when its precedence is below `min_level`.
std::string print(const ast::expr& e, int min_level = 0);

/// An item's expression, broken at its top-level `and`/`or` (or after a quantifier's ':') when the
/// line would be longer than 100 columns. `indent` is the column continuation lines start at.
std::string print_wrapped(const ast::expr& e, std::size_t first_col, std::size_t indent, int min_level = 0);

std::string print_template(const ast::template_str& t);
std::string print_path(const std::vector<ast::path_seg>& p);

/// The flags of a schema field, in a fixed order: `required optional nocase`.
std::string field_flags(const ast::field_decl& fd);

/// `NAME\x1fTYPE\x1f[required]` of an `arg` or `step_arg` (columns aligned like schema fields).
std::string print_arg(const ast::arg_decl& a);

std::string print_type(const ast::type_ref& t);

} // namespace kbl::format_detail
