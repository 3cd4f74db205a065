#pragma once
// `kblint version` (and `kblint --version`): kblint's version and its built-in rule pack's.
#include <string>
#include <string_view>

namespace kbl::cli {

/// kblint's version, set by the build (KBLINT_VERSION).
extern const std::string_view kblint_version;

/// kblint's home page, set by the build (KBLINT_HOMEPAGE); may be empty.
extern const std::string_view kblint_homepage;

/// "kblint VERSION (rule pack N rules, HASH)" with its newline; the hash covers every built-in file.
std::string version_line();

/// Print the version line: 0, or 2 when stdout cannot be written.
int run_version();

} // namespace kbl::cli
