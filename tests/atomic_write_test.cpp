// Nothing lost: `-o FILE` writes a temporary file beside FILE and renames it over FILE, so a run
// killed while writing leaves the old report whole (and SIGTERM, SIGINT and SIGHUP remove the
// temporary file); kblint never modifies its inputs; a device, a link or `-` is never replaced
// by a regular file (issue 11 item 5).
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/proc_util.hpp"
#include "tests/test_util.hpp"

namespace fs = std::filesystem;
using kbl::test::timed_output;

namespace {

constexpr double bound_s = 120.0;
const std::string old_report = "old report: must survive a killed run\n";
// A run writing more than this to one file is killed by SIGXFSZ (RLIMIT_FSIZE).
constexpr std::size_t limit = 32u << 10;

// A snapshot set whose JSON report is several megabytes: `pairs` copies of the Q241573-010
// cluster (one finding each, with a long related list), each with its own cluster name.
void write_big_set(const std::string& dir, int pairs) {
    const char* nodes[2] = {"NODE1.toml", "NODE2.toml"};
    for (int n = 0; n < 2; ++n) {
        std::string text = kbl::test::read_file(kbl::test::src_path(std::string("fixtures/Q241573-010/") + nodes[n]));
        for (int i = 0; i < pairs; ++i) {
            std::string t = text;
            std::size_t at = t.find("\nname = \"", t.find("[cluster]")) + 1;
            t.replace(at, t.find('\n', at) - at, "name = \"C" + std::to_string(i) + "\"");
            kbl::test::write_file(dir + "/c" + std::to_string(10000 + i) + "/" + nodes[n], t);
        }
    }
}

std::vector<std::string> temp_files(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind(".report.json.kblint-", 0) == 0) out.push_back(e.path().string());
    return out;
}

// Content hash, size and modification time of every file under `root`.
std::map<std::string, std::string> fingerprint_tree(const std::string& root) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file()) continue;
        std::string bytes = kbl::test::read_file(e.path().string());
        std::uint64_t h = 14695981039346656037ull;
        for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
        struct stat st {};
        ::stat(e.path().c_str(), &st);
        out[e.path().string()] = std::to_string(h) + "/" + std::to_string(bytes.size()) + "/" +
                                 std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "/" +
                                 std::to_string(st.st_mode);
    }
    return out;
}

} // namespace

TEST_CASE("atomic write: a run killed while writing its report leaves the old file whole", "[atomic]") {
    std::string dir = kbl::test::temp_dir("atomic");
    write_big_set(dir + "/snaps", kbl::test::scale(500));
    std::string out = dir + "/out/report.json";
    kbl::test::write_file(out, old_report);
    const std::vector<std::string> args = {"check", "-f", "json", "-j", "2", "-o", out, dir + "/snaps"};

    // The report a complete run writes (to another folder).
    std::string full_path = dir + "/full/report.json";
    fs::create_directories(dir + "/full");
    timed_output full = kbl::test::run_kblint_within(bound_s, {"check", "-f", "json", "-j", "2", "-o", full_path, dir + "/snaps"});
    REQUIRE(full.status == 1);
    const std::string complete = kbl::test::read_file(full_path);
    REQUIRE(complete.size() > 2 * limit);
    REQUIRE(complete.size() == nlohmann::json::parse(complete).dump(2).size() + 1);

    {  // Killed by the file size limit in the middle of the write: deterministic.
        // With RLIMIT_FSIZE the write of the temporary file gets SIGXFSZ part way.
        struct rlimit saved {};
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
        struct rlimit small = saved;
        small.rlim_cur = limit;
        struct rlimit saved_core {};
        REQUIRE(::getrlimit(RLIMIT_CORE, &saved_core) == 0);
        struct rlimit no_core = saved_core;
        no_core.rlim_cur = 0;  // SIGXFSZ dumps core by default: not into the repository
        REQUIRE(::setrlimit(RLIMIT_CORE, &no_core) == 0);
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
        kbl::test::child_process c = kbl::test::spawn_kblint(args);
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &saved) == 0);
        REQUIRE(::setrlimit(RLIMIT_CORE, &saved_core) == 0);
        timed_output r = kbl::test::wait_kblint(c, bound_s);
        REQUIRE_FALSE(r.timed_out);
        CHECK(r.status == -1);  // killed by SIGXFSZ while writing
        CHECK(kbl::test::read_file(out) == old_report);
        // The partial bytes went to the temporary file beside it, never to report.json.
        std::vector<std::string> temps = temp_files(dir + "/out");
        REQUIRE(temps.size() == 1);
        CHECK(fs::file_size(temps[0]) == limit);
        CHECK(complete.compare(0, limit, kbl::test::read_file(temps[0])) == 0);

        // The next run replaces the file whole (the stale temporary file is left alone).
        timed_output again = kbl::test::run_kblint_within(bound_s, args);
        CHECK(again.status == 1);
        CHECK(kbl::test::read_file(out) == complete);
    }

    {  // SIGKILL the moment the temporary file appears, and at staggered times.
        int caught_mid_write = 0;
        for (int attempt = 0; attempt < 6; ++attempt) {
            kbl::test::write_file(out, old_report);
            for (const auto& t : temp_files(dir + "/out")) fs::remove(t);
            kbl::test::child_process c = kbl::test::spawn_kblint(args);
            auto start = std::chrono::steady_clock::now();
            if (attempt % 2 == 0) {
                // Watch for the temporary file and kill as soon as it exists.
                while (temp_files(dir + "/out").empty() &&
                       std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
                    std::this_thread::sleep_for(std::chrono::microseconds(200));
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(150 * attempt));
            }
            ::kill(c.pid, SIGKILL);
            bool temp_existed = !temp_files(dir + "/out").empty();
            timed_output r = kbl::test::wait_kblint(c, bound_s);
            std::string now = kbl::test::read_file(out);
            INFO("attempt " << attempt << ": exit " << r.status << ", report of " << now.size() << " bytes");
            // Old, or the complete new report: never a part.
            CHECK((now == old_report || now == complete));
            if (now == old_report && temp_existed) ++caught_mid_write;
        }
        // The watched kills land between the temporary file's creation and the rename.
        CHECK(caught_mid_write >= 1);
    }
}

TEST_CASE("atomic write: kblint never modifies its inputs", "[atomic]") {
    std::string dir = kbl::test::temp_dir("inputs");
    fs::copy(kbl::test::src_path("fixtures"), dir + "/fixtures", fs::copy_options::recursive);
    fs::copy(kbl::test::src_path("rules"), dir + "/rules", fs::copy_options::recursive);
    fs::copy(kbl::test::src_path("examples"), dir + "/examples", fs::copy_options::recursive);
    auto before = fingerprint_tree(dir);
    REQUIRE(before.size() > 20);
    std::string reports = kbl::test::temp_dir("inputs-out");
    const std::vector<std::vector<std::string>> runs = {
        {"check", "fixtures"},
        {"check", "-f", "json", "-o", reports + "/r.json", "fixtures"},
        {"check", "-o", reports + "/r.txt", "-j", "2", "fixtures"},
        {"check", "--no-builtin", "-r", "rules", "-r", "examples/webserver", "fixtures", "examples/webserver/snapshots"},
        {"rules", "--no-builtin", "-r", "rules"},
        {"explain", "--no-builtin", "-r", "rules", "Q241573-010"},
        {"test", "--no-builtin", "-r", "rules", "rules/tests"},
    };
    for (const auto& args : runs) {
        timed_output r = kbl::test::run_kblint_within(bound_s, args, dir);
        INFO(args[0] << " " << args.back() << ": exit " << r.status << "\n" << r.err.substr(0, 1000));
        CHECK_FALSE(r.timed_out);
        CHECK(r.status != 4);
        CHECK(r.status != -1);
    }
    CHECK(fingerprint_tree(dir) == before);
}

namespace {

// Runs kblint with `args` (in the repository) under the guard; the run must end.
timed_output run(const std::vector<std::string>& args, const std::string& cwd = "") {
    timed_output r = kbl::test::run_kblint_within(bound_s, args, cwd);
    INFO("exit " << r.status << "\nstdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err.substr(0, 2000));
    REQUIRE_FALSE(r.timed_out);
    return r;
}

bool is_link(const std::string& p) { return fs::is_symlink(fs::symlink_status(p)); }

const std::string healthy_summary = "0 errors, 0 warnings, 0 infos in 2 snapshots, 1 cluster, 105 rules\n";

} // namespace

TEST_CASE("outputs: a device node or a link through /proc is written in place, never replaced", "[atomic]") {
    std::string dir = kbl::test::temp_dir("out-device");
    const std::vector<std::string> quiet = {"check", "-q", "fixtures/healthy", "-o"};
    auto with = [&](const std::string& out) {
        std::vector<std::string> a = quiet;
        a.push_back(out);
        return a;
    };
    // /dev/stdout and a link to /proc/self/fd/1 are the standard output kblint was given.
    timed_output std_out = run(with("/dev/stdout"));
    CHECK(std_out.status == 0);
    CHECK(std_out.out == healthy_summary);
    fs::create_symlink("/proc/self/fd/1", dir + "/fd1");
    timed_output fd1 = run(with(dir + "/fd1"));
    CHECK(fd1.status == 0);
    CHECK(fd1.out == healthy_summary);
    CHECK(is_link(dir + "/fd1"));

    // Copies of /dev/null (c 1 3) and /dev/full (c 1 7): still devices afterwards.
    if (::mknod((dir + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0 ||
        ::mknod((dir + "/full").c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) {
        WARN("mknod is not permitted here: the device node cases are skipped");
        return;
    }
    timed_output null = run(with(dir + "/null"));
    CHECK(null.status == 0);
    CHECK(null.out.empty());
    CHECK(fs::is_character_file(dir + "/null"));
    timed_output full = run(with(dir + "/full"));
    CHECK(full.status == 2);
    CHECK(full.err == "kblint: cannot write '" + dir + "/full': no space left on device\n");
    CHECK(fs::is_character_file(dir + "/full"));
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    CHECK(left == std::vector<std::string>{"fd1", "full", "null"});
}

TEST_CASE("outputs: a link is followed, its target replaced and the link kept (check -o and fmt)", "[atomic]") {
    std::string dir = kbl::test::temp_dir("out-link");
    kbl::test::write_file(dir + "/reports/real.json", "old report\n");
    fs::create_symlink("reports/real.json", dir + "/link.json");
    timed_output r = run({"check", "-f", "json", "-o", dir + "/link.json", "fixtures/healthy"});
    CHECK(r.status == 0);
    CHECK(is_link(dir + "/link.json"));
    CHECK(kbl::test::read_file(dir + "/reports/real.json") == run({"check", "-f", "json", "fixtures/healthy"}).out);

    // A dangling link: its target is created.
    fs::create_symlink("reports/new.txt", dir + "/dangling.txt");
    CHECK(run({"check", "-q", "-o", dir + "/dangling.txt", "fixtures/healthy"}).status == 0);
    CHECK(is_link(dir + "/dangling.txt"));
    CHECK(kbl::test::read_file(dir + "/reports/new.txt") == healthy_summary);

    kbl::test::write_file(dir + "/rules/real.kbl", "def   x=1\n");
    fs::create_symlink("real.kbl", dir + "/rules/link.kbl");
    timed_output f = run({"fmt", dir + "/rules/link.kbl"});
    CHECK(f.status == 0);
    CHECK(f.out == dir + "/rules/link.kbl: reformatted\n");
    CHECK(is_link(dir + "/rules/link.kbl"));
    CHECK(kbl::test::read_file(dir + "/rules/real.kbl") == "def x = 1\n");
}

TEST_CASE("outputs: -o onto an input of the run is refused, and '-o -' is stdout", "[atomic]") {
    std::string dir = kbl::test::temp_dir("out-inputs");
    fs::copy(kbl::test::src_path("fixtures/healthy"), dir + "/snaps");
    kbl::test::write_file(dir + "/waivers.toml", "");
    kbl::test::write_file(dir + "/rules/extra.kbl", "def x = 1\n");
    REQUIRE(run({"check", "-f", "json", "-o", dir + "/base.json", dir + "/snaps"}).status == 0);
    fs::create_symlink("snaps/NODE1.toml", dir + "/out.json");
    auto before = fingerprint_tree(dir);

    auto refused = [&](std::vector<std::string> args, const std::string& message) {
        timed_output r = run(args);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err == "kblint: " + message + "\n");
    };
    const std::string snap = dir + "/snaps/NODE1.toml";
    refused({"check", "-f", "json", "-o", snap, dir + "/snaps"},
            "cannot write '" + snap + "': it is an input of this run, and inputs are never modified");
    refused({"check", "-f", "json", "-o", dir + "/out.json", dir + "/snaps"},
            "cannot write '" + dir + "/out.json': it is the same file as '" + snap + "', an input of this run");
    refused({"check", "--waivers", dir + "/waivers.toml", "-o", dir + "/waivers.toml", dir + "/snaps"},
            "cannot write '" + dir + "/waivers.toml': it is an input of this run, and inputs are never modified");
    refused({"check", "--baseline", dir + "/base.json", "-f", "json", "-o", dir + "/base.json", dir + "/snaps"},
            "cannot write '" + dir + "/base.json': it is an input of this run, and inputs are never modified");
    refused({"check", "-q", "-r", dir + "/rules", "-o", dir + "/rules/extra.kbl", dir + "/snaps"},
            "cannot write '" + dir + "/rules/extra.kbl': it is an input of this run, and inputs are never modified");
    CHECK(fingerprint_tree(dir) == before);

    timed_output dash = run({"check", "-q", "-o", "-", "snaps"}, dir);
    CHECK(dash.status == 0);
    CHECK(dash.out == "0 errors, 0 warnings, 0 infos in 2 snapshots, 1 cluster, 105 rules\n");
    CHECK_FALSE(fs::exists(dir + "/-"));
}

TEST_CASE("outputs: SIGTERM, SIGINT or SIGHUP while the report is written removes the temporary file", "[atomic]") {
    std::string dir = kbl::test::temp_dir("out-signal");
    write_big_set(dir + "/snaps", kbl::test::scale(150));
    std::string out = dir + "/out/report.json";
    fs::create_directories(dir + "/out");
    const std::vector<std::string> args = {"check", "-f", "json", "-j", "2", "-o", out, dir + "/snaps"};
    int caught_mid_write = 0;
    const int signals[] = {SIGTERM, SIGINT, SIGHUP};
    // A shell may start the tests with SIGINT or SIGHUP ignored, which kblint would inherit.
    struct sigaction dfl {}, saved[3];
    dfl.sa_handler = SIG_DFL;
    for (int i = 0; i < 3; ++i) ::sigaction(signals[i], &dfl, &saved[i]);
    for (int attempt = 0; attempt < 6; ++attempt) {
        kbl::test::write_file(out, old_report);
        kbl::test::child_process c = kbl::test::spawn_kblint(args);
        auto start = std::chrono::steady_clock::now();
        while (temp_files(dir + "/out").empty() && std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        const bool temp_existed = !temp_files(dir + "/out").empty();
        const int sig = signals[attempt % 3];
        ::kill(c.pid, sig);
        int st = 0;
        REQUIRE(::waitpid(c.pid, &st, 0) == c.pid);
        std::string now = kbl::test::read_file(out);
        INFO("attempt " << attempt << ", signal " << sig << ": report of " << now.size() << " bytes");
        CHECK(temp_files(dir + "/out").empty());
        // The old report, or a whole new one: never a partial write.
        CHECK((now == old_report || (now.size() > 1000 && nlohmann::json::accept(now))));
        if (WIFSIGNALED(st)) {
            CHECK(WTERMSIG(st) == sig);  // the handler ends the process as the signal would have
            if (temp_existed && now == old_report) ++caught_mid_write;
        } else {
            CHECK(WEXITSTATUS(st) == 1);  // it had finished
        }
    }
    for (int i = 0; i < 3; ++i) ::sigaction(signals[i], &saved[i], nullptr);
    CHECK(caught_mid_write >= 1);
}
