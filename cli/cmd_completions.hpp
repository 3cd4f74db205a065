#pragma once
// `kblint completions bash|zsh|fish`: a completion script made from the command table itself
// (commands, their options, the fixed values of options from cli/choices.hpp), so that the
// completions never drift from the command line. The Debian package installs all three.
#include <string>

namespace CLI {
class App;
}

namespace kbl::cli {

struct completions_flags {
    std::string shell;
};

/// Declare the options of `kblint completions`.
void define_completions(CLI::App& sub, completions_flags& f);

/// Print the script for `f.shell` made from `app`: 0, or 2 for an unknown shell.
int run_completions(const CLI::App& app, const completions_flags& f);

/// The completion script for `shell` ("bash", "zsh" or "fish"); empty for another shell.
std::string completion_script(const CLI::App& app, const std::string& shell);

} // namespace kbl::cli
