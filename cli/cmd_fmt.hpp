#pragma once
// `kblint fmt [--check | --diff] FILE...|-`: rewrite rule files in the canonical layout (`-`: standard
// input to standard output).
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace kbl::cli {

/// The options of `kblint fmt`.
struct fmt_flags {
    std::vector<std::string> paths;  ///< none: the `rules` folders of the project file
    bool check = false;
    bool diff = false;   ///< print a unified diff instead of writing
    bool no_config = false;
};

/// Declare the arguments and options of `kblint fmt`.
void define_fmt(CLI::App& sub, fmt_flags& f);

/// Format: 0 done (or nothing to change), 1 with --check when a file would change, 2 input error.
int run_fmt(const fmt_flags& f);

} // namespace kbl::cli
