#pragma once
// What a rule pack tells its users beyond its rules: the actions a change or runbook step may name
// (`kblint actions`, `kblint explain ACTION`) and a snapshot template made from its schema
// (`kblint init`). Both read the compiled pack only; they evaluate nothing.
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/engine.hpp"

namespace kbl {

/// The names of the pack's actions, sorted.
std::vector<std::string> pack_action_names(const pack& p);

/// The actions of the pack (only the one named `name` when it is not empty), one block each:
/// `action NAME`, its doc string, its arguments (`arg NAME TYPE [required]`) and its simulated
/// effects: its `set`, `add`, `remove` and `delete` statements as written (inside `if` and `for`
/// too), each once, in order. Before the blocks of a full listing, the keys every step may have.
std::string render_actions_text(const pack& p, std::string_view name = {});

/// A commented snapshot template (TOML) from the pack's schema: a section per table, each field
/// with a comment line giving its meaning (doc string), type (allowed values listed), and whether
/// it is required. Required tables and fields are written with placeholder values of their type
/// (the first allowed value of an enumeration), everything else is commented out, so that the file
/// loads as it is; a planned change and a runbook step are shown as commented examples.
std::string render_snapshot_template(const pack& p);

} // namespace kbl
