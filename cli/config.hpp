#pragma once
// The project file `.kblint.toml`: defaults for `kblint check` (rules, no_builtin, fail_on,
// waivers, baseline, waiver_warn_days, skip, only, format, exclude, cache), found in the current folder or a parent. Flags given on the
// command line win over it; `--no-config` ignores it.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"

namespace kbl::cli {

/// The name of the project file.
inline constexpr std::string_view config_file_name = ".kblint.toml";

/// What a project file sets (unset keys stay empty). Paths are already resolved against the
/// folder of the project file.
struct project_config {
    std::string file;  ///< the file read, relative to the folder kblint runs in (e.g. "../.kblint.toml")
    std::optional<std::vector<std::string>> rules;
    std::optional<bool> no_builtin;
    std::optional<std::string> fail_on;
    std::optional<std::string> waivers;
    std::optional<std::string> baseline;         ///< `kblint check --baseline`, the file `kblint baseline` writes
    std::optional<int> waiver_warn_days;         ///< `--waiver-warn-days`
    std::optional<std::vector<std::string>> skip;
    std::optional<std::vector<std::string>> only;
    std::optional<std::string> format;
    /// Globs of paths, relative to each folder given to `check`, that are never snapshots.
    std::optional<std::vector<std::string>> exclude;
    std::optional<std::string> cache;  ///< `check --cache DIR`: the result cache's folder
};

/// The values `format` and `fail_on` accept (also the source of "did you mean").
struct config_choices {
    std::vector<std::string> formats;
    std::vector<std::string> fail_levels;
};

/// The keys a project file may hold.
const std::vector<std::string>& config_keys();

/// The nearest project file: in `start`, then in each parent, stopping after the first folder
/// that holds `.git` (the top of the repository) or at the filesystem root. The path returned is
/// relative to `start` (".kblint.toml", "../.kblint.toml", ...); nullopt when there is none.
std::optional<std::string> find_config(const std::filesystem::path& start);

/// Parse the project file named `name`. Every problem (invalid TOML, an unknown key with "did you
/// mean", a value of the wrong type or out of `choices`) is appended to `errs` with its position;
/// nullopt when there is any.
std::optional<project_config> parse_config(const std::string& name, std::string text, const config_choices& choices,
                                           diagnostics& errs);

/// The whole content of an input file (a project, waiver or baseline file); when it cannot be
/// read, a diagnostic "cannot read WHAT: reason" is appended to `errs`.
std::optional<std::string> read_input(const std::string& path, std::string_view what, std::size_t max_bytes,
                                      diagnostics& errs);

} // namespace kbl::cli
