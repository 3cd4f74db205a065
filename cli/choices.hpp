#pragma once
// The fixed values an option accepts, said where the option is declared, so that the shell
// completions (cmd_completions) offer them. The check of a value stays with the command
// (check_choice in cli/common.hpp), which words its own "did you mean".
#include <string>
#include <vector>

namespace CLI {
class Option;
}

namespace kbl::cli {

/// Record `values` as the choices of `opt`; returns `opt`, for chaining after `add_option`.
CLI::Option* with_choices(CLI::Option* opt, std::vector<std::string> values);

/// The choices recorded for `opt`; empty when it has none.
const std::vector<std::string>& choices_of(const CLI::Option* opt);

} // namespace kbl::cli
