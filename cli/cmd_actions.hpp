#pragma once
// `kblint actions [ACTION]`: the actions a planned change or runbook step may name in the loaded
// rule pack, with their arguments and simulated effects (checker/report/pack_docs.hpp renders them).
#include <memory>
#include <optional>
#include <string>

#include "cli/common.hpp"

namespace kbl::cli {

struct actions_flags {
    pack_flags pack;
    std::string name;  ///< one action, or empty for all
};

/// Declare the options of `kblint actions`.
void define_actions(CLI::App& sub, actions_flags& f);

/// Print the actions: 0 printed; 2 usage error, invalid rule files or an unknown action.
int run_actions(const actions_flags& f);

/// `kblint explain NAME` for a name that is no rule: the action's block when the pack has an action
/// of that name (printed, 0 or the write's status), else nothing.
std::optional<int> explain_action(const pack& p, const std::string& name);

} // namespace kbl::cli
