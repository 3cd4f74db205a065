#pragma once
// What the commands written in their own files (cmd_test, cmd_decode, cmd_fmt, cmd_schema) share
// with the others: the rule pack options and loading, an option's choices, writing. Defined in
// cli/app.cpp.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/engine.hpp"

namespace CLI {
class App;
}

namespace kbl::cli {

/// `-r/--rules` and `--no-builtin`.
struct pack_flags {
    std::vector<std::string> rules;
    bool no_builtin = false;
};

/// Add `-r/--rules` and `--no-builtin` to a command.
void add_rule_options(CLI::App& sub, pack_flags& f);

/// Load the built-in pack (unless `--no-builtin`) and the `--rules` files as `kblint check` does
/// (warnings printed on stderr); null on failure, after printing every diagnostic, with `status`
/// set to the exit status.
std::shared_ptr<const pack> load_rule_pack(const pack_flags& f, int& status);

/// Write to stdout; 0, or 2 after a message when the write failed.
int write_output(std::string_view bytes);

/// A usage error (message on stderr, exit status 2) unless `value` is one of `choices`: "did you
/// mean" when one is close, else the list of choices. Nothing when `value` is fine.
std::optional<int> check_choice(std::string_view option, const std::string& value,
                                const std::vector<std::string>& choices);

/// Write `bytes` to `path` through a temporary file and a rename; an error message on failure.
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view bytes);

} // namespace kbl::cli
