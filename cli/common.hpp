#pragma once
// What the commands share: the rule pack options and loading, an option's choices, the report
// output path and the input file walker as the commands word it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/engine.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"

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

/// A rule pack as loaded for a command.
struct loaded_pack {
    std::shared_ptr<const pack> p;  ///< null when the pack could not be loaded (already reported)
    diagnostics diags;              ///< warnings of a pack that loaded
    int status = 0;                 ///< the exit status when `p` is null
    std::vector<std::string> files; ///< the rule files read from `--rules` paths
    std::vector<std::string> notes; ///< what the walk of the `--rules` folders passed over (for -v)
};

/// The limits and output settings of loading a pack.
struct load_settings {
    std::size_t max_file_bytes;   ///< --max-file-size
    std::uint32_t max_rule_depth; ///< --max-rule-depth
    bool color = false;           ///< colour on stderr
    bool quiet = false;           ///< warnings not printed
};

/// The files of the built-in pack as sources.
std::vector<source_ptr> builtin_sources();

/// Load the built-in pack (unless --no-builtin) and every `--rules` file; on failure print every
/// diagnostic and set the exit status. Warnings are printed unless `quiet`.
loaded_pack load_rules(const pack_flags& f, const load_settings& s);

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

/// Write `bytes` to `path` without destroying data (common/fs.hpp `io::write_file`); an error
/// message on failure.
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view bytes);

/// The rule or snapshot files under `roots` (common/fs.hpp `io::find_files`) with the extension
/// `ext`; errors are appended to `errs`, notes to `notes`.
std::vector<std::string> find_inputs(const std::vector<std::string>& roots, std::string_view ext, bool snapshots,
                                     diagnostics& errs, std::vector<std::string>& notes);

} // namespace kbl::cli
