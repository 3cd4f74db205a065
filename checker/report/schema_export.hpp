#pragma once
// `kblint schema`: the snapshot schema that a rule pack declares (its `schema { ... }` blocks), as a
// listing for people or as a JSON Schema (draft-07) for TOML editors (taplo, Even Better TOML).
#include <string>
#include <vector>

#include "checker/engine/engine.hpp"
#include "parser/ast.hpp"

namespace kbl {

struct schema_node;

/// A type as the rule language writes it: `int | string`, `list(string)`, `enum("a", "b")`.
std::string schema_type_text(const ast::type_ref& t);

/// The children of a schema node in declaration order (by file as loaded, then place): each key,
/// then `*` and `[*]`, with the path segment they add ("key", "*" or "[*]").
std::vector<std::pair<std::string, const schema_node*>> schema_children(const pack& p, const schema_node& n);

/// True when the pack declares a schema (at least one `schema { ... }` block).
bool pack_has_schema(const pack& p);

/// One line per declared field, in declaration order: path, type (enum values listed), then
/// `required` and `nocase` when set, and under the type, on a line of its own, what the field
/// means (its doc string, when it has one); a blank line; then the keys that name the node, its cluster
/// and a change (node id, cluster id, planned step, runbook steps, step action, step node), `-` for
/// those the pack does not declare. Deterministic: the same pack gives the same bytes.
std::string render_schema_text(const pack& p);

/// A draft-07 JSON Schema of a snapshot file (pretty-printed, 2-space indent, trailing newline)
/// that accepts what the schema check of kblint (`schema_violations()`) accepts, as far as JSON
/// Schema can say it: tables are open (undeclared keys are allowed), enumerated strings match in
/// any case (a pattern beside the canonical values), TOML date-times and times are strings (RFC 3339
/// `format`s, or patterns for the local ones that those formats reject), and a union's alternatives
/// or a list's elements are checked for their type only, as kblint does. Each `description` says the
/// path, type and flags, then the field's doc string.
std::string render_json_schema(const pack& p);

} // namespace kbl
