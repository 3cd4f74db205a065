#pragma once
// What the commands written in their own files (cmd_test.cpp, cmd_decode.cpp) share with the
// others: the rule pack options and loading, and writing to stdout. Defined in cli/app.cpp.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine.hpp"

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

/// Write `bytes` to `path` through a temporary file and a rename; an error message on failure.
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view bytes);

} // namespace kbl::cli
