#pragma once
// Helpers shared by the tests: read files, run the kblint binary and capture its output.
#include <string>
#include <vector>

namespace kbl::test {

/// Absolute path of a file in the source tree (`rel` is relative to the repository root).
std::string src_path(const std::string& rel);
/// Absolute path under ../shared.
std::string shared_path(const std::string& rel);
/// Whole file as bytes; throws when it cannot be read.
std::string read_file(const std::string& path);
/// Write bytes to a file, creating parent folders.
void write_file(const std::string& path, const std::string& bytes);
/// A fresh empty temporary folder (removed at process exit is not guaranteed).
std::string temp_dir(const std::string& tag);

struct run_output {
    int status = -1;      ///< exit status, or -1 when killed by a signal
    std::string out;      ///< stdout
    std::string err;      ///< stderr
};

/// Run the kblint binary with `args` (no shell), in folder `cwd` (empty: repository root),
/// with NO_COLOR set and extra `env` entries ("NAME=value").
run_output run_kblint(const std::vector<std::string>& args, const std::string& cwd = "",
                      const std::vector<std::string>& env = {});

} // namespace kbl::test
