// The concise report and the summary line cut to the terminal's width: only when stdout is a
// terminal of known width (COLUMNS, else the terminal's own), never when piped. The end-to-end
// case runs kblint on a pseudo-terminal.
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checker/engine/finding.hpp"
#include "checker/report/render_util.hpp"
#include "checker/report/report.hpp"
#include "tests/test_util.hpp"

using namespace kbl;

namespace {

finding long_finding() {
    finding f;
    f.rule = "WEB-001";
    f.sev = severity::error;
    f.st = status::fail;
    f.node = "WEB1";
    f.title = "t";
    f.loc = {std::make_shared<const source_file>("snaps/WEB1.toml", "[iis]\nport = 81\n"), {2, 8}, "iis.port"};
    f.message = "port is 81, not the port 80 that every web server of the farm listens on";
    f.fingerprint = make_fingerprint(f);
    return f;
}

report sample() {
    report r;
    r.findings = {long_finding()};
    r.summary.snapshots = 120;
    r.summary.clusters = 60;
    r.summary.rules = 105;
    count_findings(r);
    return r;
}

// Run kblint with `args` on a pseudo-terminal (its stdout and stderr), with extra `env`; what it wrote.
std::string run_on_terminal(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    int master = -1;
    termios raw{};
    ::cfmakeraw(&raw);  // no "\r\n" for "\n": the bytes as kblint wrote them
    winsize size{};
    size.ws_col = 100;
    size.ws_row = 40;
    pid_t pid = ::forkpty(&master, nullptr, &raw, &size);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (::chdir(KBLINT_SOURCE_DIR) != 0) ::_exit(127);
        ::setenv("NO_COLOR", "1", 1);
        for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
        std::vector<std::string> argv_s = {KBLINT_BIN};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;  // EIO once the child has closed the terminal
        out.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    return out;
}

} // namespace

TEST_CASE("terminal width: concise lines and the summary line are cut to the width", "[terminal][concise]") {
    report r = sample();
    text_options opt;
    opt.width = 60;
    CHECK(render_concise(r, opt) ==
          "snaps/WEB1.toml:2:8: error: port is 81, not the port 80 t...\n"
          "1 error, 0 warnings, 0 infos in 120 snapshots, 60 cluster...\n");
    // The text report cuts its summary line alike (its source lines are cut around the caret).
    std::string text = render_text(r, opt);
    CHECK(text.substr(text.rfind('\n', text.size() - 2) + 1) == "1 error, 0 warnings, 0 infos in 120 snapshots, 60 cluster...\n");
    // No width (not a terminal, or its width unknown): nothing is cut.
    opt.width = 0;
    CHECK(render_concise(r, opt) ==
          "snaps/WEB1.toml:2:8: error: port is 81, not the port 80 that every web server of the farm listens on [WEB-001]\n"
          "1 error, 0 warnings, 0 infos in 120 snapshots, 60 clusters, 105 rules\n");
}

TEST_CASE("terminal width: colour takes no column, and a cut line resets it", "[terminal]") {
    CHECK(render::cut_lines("\x1b[1mabcdefghij\x1b[0m\nshort\n", 8) == "\x1b[1mabcde...\x1b[0m\nshort\n");
    CHECK(render::cut_lines("\x1b[1mabcdefgh\x1b[0m", 8) == "\x1b[1mabcdefgh\x1b[0m");
    // Wide characters count two columns, and are never split.
    CHECK(render::cut_lines("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xa7\xe3\x81\x99", 8) == "\xe6\x97\xa5\xe6\x9c\xac...");
    CHECK(render::cut_lines("abc\n", 0) == "abc\n");
}

TEST_CASE("terminal width: on a terminal kblint cuts to COLUMNS, or to the terminal's width, and never when piped",
          "[terminal][concise][cli]") {
    const std::vector<std::string> args = {"check", "-f", "concise", "fixtures/Q241573-010"};
    std::string at60 = run_on_terminal(args, {"COLUMNS=60"});
    CHECK(at60 == "fixtures/Q241573-010/NODE2.toml:165:1: error: ClusSvc on ...\n"
                  "1 error, 0 warnings, 0 infos in 2 snapshots, 1 cluster, 1...\n");
    std::string at100 = run_on_terminal(args, {});  // the terminal's own width: 100
    kbl::test::run_output piped = kbl::test::run_kblint(args, "", {"COLUMNS=60"});
    CHECK(piped.out.find("...\n") == std::string::npos);
    std::size_t longest = 0, start = 0;
    while (start < piped.out.size()) {
        std::size_t end = piped.out.find('\n', start);
        longest = std::max(longest, end - start);
        start = end + 1;
    }
    CHECK(longest > 100);
    CHECK(at100.find("...\n") != std::string::npos);
    for (std::size_t s = 0; s < at100.size();) {
        std::size_t e = at100.find('\n', s);
        REQUIRE(e != std::string::npos);
        CHECK(e - s <= 100);
        s = e + 1;
    }
}
