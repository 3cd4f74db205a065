#pragma once
// The kblint command line: a table of commands (check, rules, explain, version), each with its
// options, one line of help and a handler. `cli/main.cpp` only calls `run_app`.

namespace kbl {

/// Parse `argv`, run the chosen command and return the process exit status
/// (0 clean, 1 findings, 2 usage or input error, 3 nothing evaluated; see docs/cli.md).
/// Exceptions other than usage errors propagate to the caller (exit status 4 in main).
int run_app(int argc, char** argv);

} // namespace kbl
