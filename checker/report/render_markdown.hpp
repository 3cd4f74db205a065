#pragma once
// The rule reference as Markdown (`kblint rules --format markdown`, docs/rules.md).
#include <string>
#include <vector>

#include "checker/engine/engine.hpp"

namespace kbl {

/// A Markdown page describing `rules` (in the given order): an index table, a table of the rules
/// whose doc has a sentence starting "Reinterpreted: " (with that sentence), then per rule its
/// title, severity, scope, when it applies, fix, KB reference, tags and rationale. Deterministic:
/// the same rules give the same bytes.
std::string render_markdown(const std::vector<rule_info>& rules);

} // namespace kbl
