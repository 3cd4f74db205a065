#pragma once
// `kblint lsp`: the language server for rule files (.kbl) and snapshots (.toml), over stdio.
#include "cli/common.hpp"

namespace kbl::cli {

/// The options of `kblint lsp`.
struct lsp_flags {
    bool stdio = false;  ///< `--stdio`, which editors pass by habit: stdio is the only transport
};

/// Declare the options of `kblint lsp`.
void define_lsp(CLI::App& sub, lsp_flags& f);

/// Serve until `exit` or the end of input: 0 after a `shutdown` request, 1 without one.
int run_lsp(const lsp_flags& f);

} // namespace kbl::cli
