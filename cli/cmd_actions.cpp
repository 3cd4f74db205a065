#include "cli/cmd_actions.hpp"

#include <algorithm>
#include <vector>

#include <CLI/CLI.hpp>

#include "checker/report/pack_docs.hpp"
#include "cli/console.hpp"

namespace kbl::cli {

void define_actions(CLI::App& sub, actions_flags& f) {
    sub.add_option("ACTION", f.name, "show only this action")->type_name("");
    add_rule_options(sub, f.pack);
    sub.footer(
        "For each action: what it does, its arguments (keys of a step beside the action and the node:\n"
        "'arg NAME TYPE [required]') and its simulated effects, the paths of the cluster state it sets,\n"
        "adds to, removes from or deletes.\n"
        "Exit status: 0 printed; 2 usage error, invalid rule files or an unknown action.");
}

int run_actions(const actions_flags& f) {
    int status = 0;
    pack_flags pf = f.pack;  // a copy: the project file fills in what the command line left unset
    std::shared_ptr<const pack> p = load_rule_pack(pf, status);
    if (!p) return status;
    std::vector<std::string> names = pack_action_names(*p);
    if (names.empty()) return usage_error("{}", "the loaded rule pack declares no action");
    if (!f.name.empty() && std::find(names.begin(), names.end(), f.name) == names.end()) {
        std::string near = closest_match(f.name, names);
        if (near.empty()) return usage_error("unknown action '{}' (run 'kblint actions' for the list)", shown(f.name));
        return usage_error("unknown action '{}', did you mean '{}'?", shown(f.name), near);
    }
    return write_stdout(render_actions_text(*p, f.name));
}

std::optional<int> explain_action(const pack& p, const std::string& name) {
    std::vector<std::string> names = pack_action_names(p);
    if (std::find(names.begin(), names.end(), name) == names.end()) return std::nullopt;
    return write_stdout(render_actions_text(p, name));
}

} // namespace kbl::cli
