#pragma once
// What the server answers about a place in a `.kbl` rule file: hover, go-to-definition and
// completion, looked up in the declarations of the pack the file belongs to.
#include <nlohmann/json.hpp>

#include "cli/lsp/documents.hpp"

namespace kbl::lsp {

/// Hover at `at` (1-based byte position): a rule id (title, severity, scope, reference, doc,
/// fix), a `def` (signature and the comment above it), a `table`, an `action`, a built-in
/// function, a module name (its `use` and file) or a module's def or table (`x.f`), or a schema
/// path (the field as declared); null when there is nothing to say.
nlohmann::json kbl_hover(const document& doc, const document_store& docs, pos at);

/// The Location of the declaration of the name at `at` (a def, table, rule id or action; of a
/// module for `x.f`), or of the file a `use` line or a module name names; null when there is none
/// (or it is in the built-in pack).
nlohmann::json kbl_definition(const document& doc, const document_store& docs, pos at);

/// Completion items at `at`: after `x.` for a module name `x` of the file, the module's defs and
/// tables; after another `.`, the schema keys under the path before it; else the keywords,
/// built-in functions, module names, visible defs and tables, and top-level schema keys.
nlohmann::json kbl_completion(const document& doc, const document_store& docs, pos at);

} // namespace kbl::lsp
