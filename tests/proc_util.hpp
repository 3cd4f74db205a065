#pragma once
// Running the kblint binary under a wall-clock guard (hostile, fail-closed and atomic-write tests):
// like kbl::test::run_kblint, but the run is killed when it outlives its bound, so a hang fails
// the test instead of the whole suite, and the time it took is returned.
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_util.hpp"

namespace kbl::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool sanitized_build = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif
#else
inline constexpr bool sanitized_build = false;
#endif
/// Sizes of the large-input tests: a sanitizer build runs kblint about ten times slower, and it
/// checks memory errors there, not scale.
inline constexpr int scale(int n) { return sanitized_build ? n / 5 : n; }

/// A started kblint process; its stdout and stderr go to files.
struct child_process {
    pid_t pid = -1;
    std::string out_path;
    std::string err_path;
};

/// Start kblint with `args` in `cwd` (empty: the repository root), NO_COLOR set, extra `env`.
/// `stdout_to` replaces the captured stdout file (e.g. "/dev/full"; then `out` reads empty).
/// `run_as` (a user id other than 0) drops root before kblint starts, and `binary` replaces the
/// built binary (a copy that user may run): how a test run as root gets a file it cannot read.
inline child_process spawn_kblint(const std::vector<std::string>& args, const std::string& cwd = "",
                                  const std::vector<std::string>& env = {}, const std::string& stdout_to = "",
                                  uid_t run_as = 0, const std::string& binary = "") {
    child_process c;
    std::string dir = temp_dir("proc");
    c.out_path = stdout_to.empty() ? dir + "/stdout" : stdout_to;
    c.err_path = dir + "/stderr";
    std::string where = cwd.empty() ? src_path("") : cwd;
    std::vector<std::string> argv_s;
    argv_s.push_back(binary.empty() ? std::string(KBLINT_BIN) : binary);
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_copy = env;
    c.pid = ::fork();
    if (c.pid < 0) throw std::runtime_error("fork failed");
    if (c.pid == 0) {
        int o = stdout_to.empty() ? ::open(c.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600)
                                  : ::open(c.out_path.c_str(), O_WRONLY);
        int e = ::open(c.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = ::open("/dev/null", O_RDONLY);
        ::dup2(o, 1);
        ::dup2(e, 2);
        ::dup2(in, 0);
        if (run_as != 0 && (::setgroups(0, nullptr) != 0 || ::setgid(run_as) != 0 || ::setuid(run_as) != 0)) ::_exit(126);
        if (::chdir(where.c_str()) != 0) ::_exit(127);
        ::setenv("NO_COLOR", "1", 1);
        for (auto& kv : env_copy) ::putenv(kv.data());
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return c;
}

/// The outcome of a guarded run.
struct timed_output : run_output {
    double seconds = 0;      ///< wall-clock time until exit (or until killed)
    bool timed_out = false;  ///< killed after the bound
};

/// Wait for `c` at most `bound_s` seconds (then SIGKILL it) and collect its output.
inline timed_output wait_kblint(const child_process& c, double bound_s) {
    using clock = std::chrono::steady_clock;
    auto start = clock::now();
    timed_output r;
    int st = 0;
    for (;;) {
        pid_t w = ::waitpid(c.pid, &st, WNOHANG);
        if (w == c.pid) break;
        if (std::chrono::duration<double>(clock::now() - start).count() > bound_s) {
            ::kill(c.pid, SIGKILL);
            ::waitpid(c.pid, &st, 0);
            r.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    r.seconds = std::chrono::duration<double>(clock::now() - start).count();
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (c.out_path.rfind("/dev/", 0) != 0) r.out = read_file(c.out_path);
    r.err = read_file(c.err_path);
    return r;
}

/// run_kblint under a wall-clock guard of `bound_s` seconds.
inline timed_output run_kblint_within(double bound_s, const std::vector<std::string>& args,
                                      const std::string& cwd = "", const std::vector<std::string>& env = {}) {
    return wait_kblint(spawn_kblint(args, cwd, env), bound_s);
}

} // namespace kbl::test
