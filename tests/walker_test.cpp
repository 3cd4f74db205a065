// The folder walk never drops input silently (issue 11 item 4), through the kblint binary: an
// unreadable folder is an input error, folder links are followed (loops are not), a link to a file
// outside the paths given is an error and is never read, `*.TOML` counts, a folder named twice is
// loaded once, and a FIFO given as the waiver or baseline file is an error, not a hang.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/proc_util.hpp"
#include "tests/test_util.hpp"

namespace fs = std::filesystem;
using kbl::test::timed_output;

namespace {

constexpr double bound_s = 60.0;

std::string fixture(const std::string& rel) { return kbl::test::read_file(kbl::test::src_path("fixtures/" + rel)); }

// Who runs kblint: root reads whatever the mode says (CI runs as root), so permission cases run as
// 'nobody' from a copy of the binary that user may run, with `dirs` opened to others.
struct runner {
    uid_t uid = 0;
    std::string binary;
};

runner unprivileged(const std::string& dir, const std::vector<std::string>& dirs) {
    runner r;
    if (::geteuid() != 0) return r;
    r.uid = 65534;
    r.binary = dir + "/kblint";
    fs::copy_file(KBLINT_BIN, r.binary);
    const auto open_perms = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec;
    fs::permissions(r.binary, open_perms);
    for (const auto& d : dirs) fs::permissions(d, open_perms);
    return r;
}

timed_output run(const std::vector<std::string>& args, const std::string& cwd = "", const runner& who = {}) {
    timed_output r = kbl::test::wait_kblint(kbl::test::spawn_kblint(args, cwd, {}, "", who.uid, who.binary), bound_s);
    INFO("exit " << r.status << "\nstdout: " << r.out.substr(0, 3000) << "\nstderr: " << r.err.substr(0, 3000));
    REQUIRE_FALSE(r.timed_out);
    return r;
}

// "file: message" for each error of a JSON report.
std::vector<std::string> json_errors(const std::string& out) {
    std::vector<std::string> errors;
    const nlohmann::json doc = nlohmann::json::parse(out);
    for (const auto& e : doc["errors"])
        errors.push_back(e["file"].get<std::string>() + ": " + e["message"].get<std::string>());
    return errors;
}

void write_healthy(const std::string& folder) {
    kbl::test::write_file(folder + "/NODE1.toml", fixture("healthy/NODE1.toml"));
    kbl::test::write_file(folder + "/NODE2.toml", fixture("healthy/NODE2.toml"));
}

} // namespace

TEST_CASE("walker: an unreadable folder among snapshots or rules is an input error", "[walker]") {
    std::string dir = kbl::test::temp_dir("walker-perm");
    write_healthy(dir + "/snaps");
    kbl::test::write_file(dir + "/snaps/locked/x.toml", fixture("Q241573-010/NODE1.toml"));
    kbl::test::write_file(dir + "/snaps/listless/y.toml", fixture("Q241573-010/NODE2.toml"));
    kbl::test::write_file(dir + "/rules/ok.kbl", "def x = 1\n");
    kbl::test::write_file(dir + "/rules/locked/r.kbl", "def y = 2\n");
    runner who = unprivileged(dir, {dir, dir + "/snaps", dir + "/rules"});
    REQUIRE(::chmod((dir + "/snaps/locked").c_str(), 0) == 0);
    REQUIRE(::chmod((dir + "/snaps/listless").c_str(), 0111) == 0);  // can be passed through, not listed
    REQUIRE(::chmod((dir + "/rules/locked").c_str(), 0) == 0);

    timed_output snaps = run({"check", "-f", "json", dir + "/snaps"}, dir, who);
    CHECK(snaps.status == 2);
    CHECK(json_errors(snaps.out) == std::vector<std::string>{
                                        dir + "/snaps/listless: cannot read folder: permission denied",
                                        dir + "/snaps/locked: cannot read folder: permission denied",
                                    });
    CHECK(nlohmann::json::parse(snaps.out)["summary"]["snapshots"] == 2);

    timed_output rules = run({"check", "-r", dir + "/rules", dir + "/snaps/NODE1.toml"}, dir, who);
    CHECK(rules.status == 2);
    CHECK(rules.out.empty());
    CHECK(rules.err == dir + "/rules/locked: error: cannot read folder: permission denied [io]\n");

    // kblint fmt walks with the same walker.
    timed_output fmt = run({"fmt", "--check", dir + "/rules"}, dir, who);
    CHECK(fmt.status == 2);
    CHECK(fmt.out.empty());
    CHECK(fmt.err == dir + "/rules/locked: error: cannot read folder: permission denied\n");

    for (const char* d : {"/snaps/locked", "/snaps/listless", "/rules/locked"}) ::chmod((dir + d).c_str(), 0755);
}

TEST_CASE("walker: folder links are followed, loops are not, and -v says what was passed over", "[walker]") {
    std::string dir = fs::canonical(kbl::test::temp_dir("walker-links")).string();
    write_healthy(dir + "/snaps");
    kbl::test::write_file(dir + "/real/NODE1.toml", fixture("Q241573-010/NODE1.toml"));
    kbl::test::write_file(dir + "/real/NODE2.toml", fixture("Q241573-010/NODE2.toml"));
    fs::create_directory_symlink("../real", dir + "/snaps/prod");
    fs::create_directory_symlink("..", dir + "/snaps/up");     // holds the folder searched: a loop
    fs::create_directory_symlink("../real", dir + "/snaps/zz");  // the same folder again

    timed_output r = run({"check", "-f", "json", "-v", dir + "/snaps"});
    CHECK(r.status == 1);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["summary"]["snapshots"] == 4);
    CHECK(doc["summary"]["clusters"] == 2);
    REQUIRE(doc["findings"].size() == 1);
    CHECK(doc["findings"][0]["rule"] == "Q241573-010");
    CHECK(doc["findings"][0]["location"]["file"].get<std::string>().rfind(dir + "/snaps/prod/NODE", 0) == 0);
    CHECK(r.err.find("kblint: note: '" + dir + "/snaps/up' skipped: a link to '" + dir +
                     "', a folder that holds it (a loop)\n") != std::string::npos);
    CHECK(r.err.find("kblint: note: '" + dir + "/snaps/zz' skipped: a link to '" + dir +
                     "/real', a folder already searched\n") != std::string::npos);
    CHECK(run({"check", "-f", "json", dir + "/snaps"}).err.empty());
}

TEST_CASE("walker: a link to a file outside the paths given is an input error and is never read", "[walker]") {
    std::string dir = fs::canonical(kbl::test::temp_dir("walker-outside")).string();
    write_healthy(dir + "/snaps");
    kbl::test::write_file(dir + "/outside/secret.toml", "SECRET_TOKEN = 'abc123' = 1\n");
    fs::create_symlink("../outside/secret.toml", dir + "/snaps/env.toml");
    fs::create_symlink("/etc/passwd", dir + "/snaps/passwd.toml");
    fs::create_symlink("NODE1.toml", dir + "/snaps/alias.toml");  // inside the tree: the same file, once

    for (std::string format : {"json", "sarif", "text"}) {
        timed_output r = run({"check", "-f", format, "-v", dir + "/snaps"});
        CHECK(r.status == 2);
        CHECK(r.out.find("abc123") == std::string::npos);
        CHECK(r.out.find("root:") == std::string::npos);
        if (format != "json") continue;
        CHECK(json_errors(r.out) == std::vector<std::string>{
                                        dir + "/snaps/env.toml: it is a link to '" + dir +
                                            "/outside/secret.toml', outside the paths given; it was not read",
                                        dir + "/snaps/passwd.toml: it is a link to '/etc/passwd', outside the paths "
                                              "given; it was not read",
                                    });
        CHECK(nlohmann::json::parse(r.out)["summary"]["snapshots"] == 2);
        CHECK(r.err.find("kblint: note: '" + dir + "/snaps/alias.toml' skipped: the same file as '" + dir +
                         "/snaps/NODE1.toml'\n") != std::string::npos);
    }
    // Named on the command line, a link is the user's choice: it is read.
    timed_output named = run({"check", "-f", "json", dir + "/snaps/alias.toml", dir + "/snaps/passwd.toml"});
    CHECK(named.status == 2);
    // The file that failed to load may have been a member of NODE1's cluster: the engine says so.
    REQUIRE(json_errors(named.out).size() == 2);
    CHECK(json_errors(named.out)[0].rfind(dir + "/snaps/passwd.toml:", 0) == 0);
    CHECK(json_errors(named.out)[1] == dir + "/snaps/alias.toml: cluster 'WEBCLUS' is incomplete: '" + dir +
                                           "/snaps/passwd.toml' failed to load; only its node rules were evaluated, on "
                                           "the files that loaded");
    CHECK(nlohmann::json::parse(named.out)["summary"]["snapshots"] == 1);
}

TEST_CASE("walker: *.TOML counts, and a folder named twice is loaded once", "[walker]") {
    std::string dir = fs::canonical(kbl::test::temp_dir("walker-names")).string();
    kbl::test::write_file(dir + "/snaps/NODE1.TOML", fixture("healthy/NODE1.toml"));
    kbl::test::write_file(dir + "/snaps/NODE2.Toml", fixture("healthy/NODE2.toml"));
    kbl::test::write_file(dir + "/snaps/notes.txt", "not a snapshot\n");

    timed_output r = run({"check", "-f", "json", "-v", "snaps", dir + "/snaps", "./snaps/"}, dir);
    CHECK(r.status == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["summary"]["snapshots"] == 2);
    CHECK(doc["summary"]["clusters"] == 1);
    CHECK(r.err.find("kblint: note: '" + dir + "/snaps' skipped: a folder already searched\n") != std::string::npos);
    CHECK(r.err.find("kblint: note: 'snaps/notes.txt' skipped: not a '*.toml' file\n") != std::string::npos);
    CHECK(r.err.find("kblint: note: 'snaps' skipped: a folder already searched\n") != std::string::npos);
}

TEST_CASE("walker: a FIFO as the waiver or baseline file is a located error, never a hang", "[walker]") {
    std::string dir = kbl::test::temp_dir("walker-fifo");
    REQUIRE(::mkfifo((dir + "/waivers.toml").c_str(), 0600) == 0);
    REQUIRE(::mkfifo((dir + "/baseline.json").c_str(), 0600) == 0);
    timed_output w = run({"check", "--waivers", dir + "/waivers.toml", "fixtures/healthy"});
    CHECK(w.status == 2);
    CHECK(w.out.empty());
    CHECK(w.err == dir + "/waivers.toml: error: cannot read waiver file: it is a fifo, not a regular file\n\n"
                         "kblint: 1 error in the input files; nothing was checked\n");
    timed_output b = run({"check", "--baseline", dir + "/baseline.json", "fixtures/healthy"});
    CHECK(b.status == 2);
    CHECK(b.err == dir + "/baseline.json: error: cannot read baseline: it is a fifo, not a regular file\n\n"
                         "kblint: 1 error in the input files; nothing was checked\n");
    // The default waiver file in the current folder is taken only when it is a regular file.
    REQUIRE(::mkfifo((dir + "/.kblint-waivers.toml").c_str(), 0600) == 0);
    CHECK(run({"check", "-q", kbl::test::src_path("fixtures/healthy")}, dir).status == 0);
}
