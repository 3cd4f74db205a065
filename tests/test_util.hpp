#pragma once
// Helpers shared by the tests: read files, run the kblint binary and capture its output.
#include <string>
#include <vector>

namespace kbl::test {

/// Absolute path of a file in the source tree (`rel` is relative to the repository root).
std::string src_path(const std::string& rel);
/// The folder of conformance inputs kept outside the repository (toml-test, the SARIF schema):
/// $KBLINT_SHARED when set, else ../shared beside the clone.
std::string shared_dir();
/// Absolute path under shared_dir().
std::string shared_path(const std::string& rel);
/// True when shared_path(rel) exists. Otherwise: with KBLINT_REQUIRE_SHARED=1 (CI) the test fails;
/// else a loud warning names what was skipped and the test process exits with skip_status, which
/// CTest reports as "Skipped" (never a silent pass).
bool have_shared(const std::string& rel, const std::string& what);
/// The exit status a test case uses to tell CTest it was skipped (SKIP_RETURN_CODE).
inline constexpr int skip_status = 77;
/// True when some test case of this process called have_shared() on a missing input.
bool skipped_for_missing_shared();
/// Whole file as bytes; throws when it cannot be read.
std::string read_file(const std::string& path);
/// Write bytes to a file, creating parent folders.
void write_file(const std::string& path, const std::string& bytes);
/// A fresh empty temporary folder; the test runner removes it when every test passed.
std::string temp_dir(const std::string& tag);
/// Remove every folder temp_dir made in this process (a passing run leaves nothing in /tmp).
void remove_temp_dirs();

struct run_output {
    int status = -1;      ///< exit status, or -1 when killed by a signal
    std::string out;      ///< stdout
    std::string err;      ///< stderr
};

/// Run the kblint binary with `args` (no shell), in folder `cwd` (empty: repository root),
/// with NO_COLOR set and extra `env` entries ("NAME=value").
run_output run_kblint(const std::vector<std::string>& args, const std::string& cwd = "",
                      const std::vector<std::string>& env = {});

/// The schema block of the small runbook packs of the runbook, trace and timeline tests: nodes and
/// clusters by name, services with a running/stopped state, a runbook of steps (and, with
/// `planned`, a planned change), then one `field` line per entry of `extra` ("pkgs list(string)").
std::string runbook_test_schema(const std::vector<std::string>& extra, bool planned = false);

} // namespace kbl::test
