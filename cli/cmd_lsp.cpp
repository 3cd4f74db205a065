#include "cli/cmd_lsp.hpp"

#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/lsp/server.hpp"
#include "common/limits.hpp"

namespace kbl::cli {

void define_lsp(CLI::App& sub, lsp_flags& f) {
    sub.add_flag("--stdio", f.stdio, "talk over stdin and stdout (the default and only transport)");
    sub.footer(
        "Speaks the Language Server Protocol 3.17 on stdin/stdout: diagnostics, hover, go-to-definition,\n"
        "completion, formatting and document symbols for .kbl files; findings as diagnostics for snapshots.\n"
        "Exit status: 0 after 'shutdown' then 'exit'; 1 when input ends or 'exit' comes without 'shutdown'.");
}

int run_lsp(const lsp_flags&) {
    ::signal(SIGPIPE, SIG_IGN);  // a client that goes away ends the input; a write to it must not kill us
    // A message holds at most a whole document: the largest file kblint reads, escaped as JSON.
    lsp::message_reader in(STDIN_FILENO, 8 * limits::max_file_bytes);
    lsp::server s;
    return s.run(in);
}

} // namespace kbl::cli
