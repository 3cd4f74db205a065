#pragma once
// Step arguments (internal to checker/engine/): each step of [planned] and [[runbook.steps]] is
// checked against the arguments its action declares (`arg`) and the keys of every step (`step_arg`,
// `step_action`, `step_node`), as schema issues. See docs/language.md, "Step arguments".
#include <vector>

#include "checker/engine/pack.hpp"
#include "checker/engine/schema_check.hpp"

namespace kbl {

/// The node at `path` (keys only) below `n`, or null.
const snap::node* walk_path(const snap::node* n, const std::vector<ast::path_seg>& path);

/// The steps of a snapshot: its [planned] table, then the tables of its runbook, in order.
std::vector<const snap::node*> snapshot_steps(const pack& p, const snap::node& root);

/// The declared action a step names (exactly, else ignoring case), or null.
const caction* step_action_of(const pack& p, const snap::node& step);

/// The ways one step breaks its action's arguments: a key neither common nor declared (at the key),
/// a value of the wrong type (at the value), a missing `required` argument (at the step). An action
/// that declares no `arg` accepts any key unless the schema is `strict`. A step without a declared
/// action has none (an unknown action is reported by the rules).
std::vector<schema_issue> step_issues(const pack& p, const snap::node& step, bool strict);

/// step_issues() of every step of `root`, appended to `out`.
void check_steps(const pack& p, const snap::node& root, bool strict, std::vector<schema_issue>& out);

} // namespace kbl
