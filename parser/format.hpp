#pragma once
// `kblint fmt`: the canonical layout of a rule file. Printed from the AST, so the layout does
// not depend on how the file was written; comments are kept, before the item they precede or at
// the end of the line they followed.
#include <optional>
#include <string>
#include <string_view>

#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "parser/ast.hpp"

namespace kbl {

/// The canonical text of `src`, or nullopt (with the parse errors in `diags`) when it does not parse.
std::optional<std::string> format_rules(const source_ptr& src, diagnostics& diags);

/// An expression on one line, as `kblint fmt` writes it (for `when` conditions shown by `rules` and
/// `explain`, however many lines they were written on).
std::string expression_text(const ast::expr& e);

/// A def parameter's written type as `kblint fmt` writes it (`node`, `list(node)`, `list(string)`,
/// `int | string`); empty when none was written.
std::string param_type_text(const ast::param_type& t);

/// A def's head as `kblint fmt` writes it: `def name(n: node, v)`, `def NAME` for a constant.
std::string def_signature(const ast::def_decl& def);

/// How operator `op` is written in rule files (`==`, `~=`, `not in`, `??`).
std::string_view binop_text(ast::binop op);

/// A message or fix template as written (`raw`, without its quotes) made readable where no value is
/// at hand (rule help, `kblint explain`): each `{expr}` becomes `<expr>`, `{{`/`}}` and escapes are
/// decoded (`"ClusSvc on {node.name}"` reads `ClusSvc on <node.name>`).
std::string readable_template(std::string_view raw);

} // namespace kbl
