#pragma once
// What the commands share: the rule pack options and loading, an option's choices, the report
// output path and the input file walker as the commands word it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/engine.hpp"
#include "common/diagnostic.hpp"
#include "common/fs.hpp"
#include "common/source.hpp"

namespace CLI {
class App;
}

namespace kbl::cli {

struct project_config;

/// `-r/--rules`, `--no-builtin` and `--no-config`.
struct pack_flags {
    std::vector<std::string> rules;
    bool no_builtin = false;
    bool no_config = false;          ///< ignore the project file `.kblint.toml`
    const CLI::App* app = nullptr;   ///< the command, to tell flags given from the project file's values
    std::string config_file;         ///< the project file whose `rules`/`no_builtin` were applied, if any
};

/// Add `-r/--rules`, `--no-builtin` and `--no-config` to a command.
void add_rule_options(CLI::App& sub, pack_flags& f);

/// True when the option `name` (e.g. "--rules") was given on the command line of `f`'s command.
bool flag_given(const pack_flags& f, const std::string& name);

/// Read the nearest project file (unless `--no-config`) and set `rules` and `no_builtin` where the
/// command line left them unset; `on_config` then sees the whole file for the command's own keys.
/// False when the file is unreadable or invalid, every problem appended to `errs`.
bool apply_project_file(pack_flags& f, std::size_t max_file_bytes, diagnostics& errs,
                        const std::function<void(const project_config&)>& on_config = {});

/// The hint after "unknown rule 'ID'" or "unknown table": where rules of another pack come from.
std::string other_pack_hint(const pack_flags& f);

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

/// The encoded ASTs of `sources` (builtin_sources()'s, in its order), for load_pack.
std::vector<prebuilt_ast> builtin_images(const std::vector<source_ptr>& sources);

/// Load the built-in pack (unless --no-builtin) and every `--rules` file; on failure print every
/// diagnostic and set the exit status. Warnings are printed unless `quiet`.
loaded_pack load_rules(const pack_flags& f, const load_settings& s);

/// Apply the project file to `f` (apply_project_file), then load the built-in pack (unless
/// `--no-builtin`) and the `--rules` files as `kblint check` does (warnings printed on stderr);
/// null on failure, after printing every diagnostic, with `status` set to the exit status. The
/// warnings of a pack that loaded are also appended to `warnings` when it is given.
std::shared_ptr<const pack> load_rule_pack(pack_flags& f, int& status, diagnostics* warnings = nullptr);

/// load_rule_pack, and a usage error (exit 2) when the pack declares no schema (init, schema).
std::shared_ptr<const pack> load_pack_with_schema(pack_flags& f, int& status);

/// Write to stdout; 0, or 2 after a message when the write failed.
int write_output(std::string_view bytes);

/// A usage error (message on stderr, exit status 2) unless `value` is one of `choices`: "did you
/// mean" when one is close, else the list of choices. Nothing when `value` is fine.
std::optional<int> check_choice(std::string_view option, const std::string& value,
                                const std::vector<std::string>& choices);

/// Write `bytes` to `path` without destroying data (common/fs.hpp `io::write_file`); an error
/// message on failure.
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view bytes);

/// The files that are never snapshots by their name (project files of kblint and of other tools),
/// each with the reason shown with -v.
const std::vector<io::skipped_name>& non_snapshot_names();

/// The rule or snapshot files under `roots` (common/fs.hpp `io::find_files`) with the extension
/// `ext`; errors are appended to `errs`, notes to `notes`. For snapshots, hidden entries,
/// non_snapshot_names() and the `exclude` globs are passed over inside the folders given.
std::vector<std::string> find_inputs(const std::vector<std::string>& roots, std::string_view ext, bool snapshots,
                                     diagnostics& errs, std::vector<std::string>& notes,
                                     const std::vector<std::string>& exclude = {});

} // namespace kbl::cli
