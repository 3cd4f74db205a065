#pragma once
// The exit statuses of kblint (docs/cli.md) and the one rule that picks the status of a check.

namespace kbl::cli {

/// No finding at or above --fail-on (or a command that succeeded).
inline constexpr int exit_clean = 0;
/// At least one failing or unknown finding at or above --fail-on (fmt --check: a file would change).
inline constexpr int exit_findings = 1;
/// A usage error or invalid input.
inline constexpr int exit_usage = 2;
/// Nothing evaluated: no snapshot found, or every rule filtered out.
inline constexpr int exit_nothing = 3;
/// An internal error (a bug in kblint).
inline constexpr int exit_internal = 4;

/// The status of a check run: input errors win over "nothing evaluated", which wins over findings.
constexpr int check_exit_status(bool input_errors, bool nothing_evaluated, bool failing) {
    if (input_errors) return exit_usage;
    if (nothing_evaluated) return exit_nothing;
    return failing ? exit_findings : exit_clean;
}

} // namespace kbl::cli
