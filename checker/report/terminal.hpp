#pragma once
// Terminal conventions on the report side: whether to colour, and how wide the terminal is.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kbl {

/// Reads an environment variable (null when unset); tests pass their own.
using env_lookup = std::function<const char*(const char*)>;

/// The process environment (std::getenv).
env_lookup process_env();

/// Whether to colour output, the one decision every command takes: `mode` "always" or "never"
/// decide alone; for "auto", a non-empty `NO_COLOR` turns colour off, then a `FORCE_COLOR` or
/// `CLICOLOR_FORCE` other than empty or "0" turns it on, then `TERM=dumb` turns it off, else colour
/// is on when the output `is_terminal`.
bool use_color(std::string_view mode, bool is_terminal, const env_lookup& env);

/// Whether to show a progress line on a stream: only on a terminal (`is_terminal`), never in CI (a
/// non-empty `CI` variable, as GitHub Actions, GitLab CI and most others set) nor with `TERM=dumb`.
bool progress_wanted(bool is_terminal, const env_lookup& env);

/// Columns of the terminal on file descriptor `fd`: `COLUMNS` when it is a positive number, else
/// the terminal's own width; nothing when `fd` is not a terminal (no cutting then).
std::optional<std::size_t> terminal_columns(int fd, const env_lookup& env);

} // namespace kbl
