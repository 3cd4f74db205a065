// What is a snapshot (issue 15 item 3): in a folder given to `check`, hidden files and folders,
// the files that are other tools' project files by name (pyproject.toml, .taplo.toml, Cargo.toml,
// ...) and the paths matching `--exclude` or `exclude` of .kblint.toml are passed over, each with a
// note under -v; a file named on the command line is always read.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

// A repository root holding two snapshots beside files that are not snapshots.
std::string make_repository(const std::string& tag) {
    std::string dir = temp_project(tag);
    write_file(dir + "/pack/web.kbl", read_file(src_path("tests/data/pack/web.kbl")));
    write_file(dir + "/snaps/web1.toml", read_file(src_path("tests/data/snaps/farm/web1.toml")));
    write_file(dir + "/snaps/web2.toml", read_file(src_path("tests/data/snaps/farm/web2.toml")));
    write_file(dir + "/pyproject.toml", "[project]\nname = \"tools\"\n");
    write_file(dir + "/.taplo.toml", "include = [\"**/*.toml\"]\n");
    write_file(dir + "/snaps/Cargo.toml", "[package]\nname = \"x\"\n");
    write_file(dir + "/.hidden/h.toml", "x = 1\n");
    write_file(dir + "/vendor/deep/junk.toml", "x = 1\n");
    return dir;
}

const std::vector<std::string> pack_args = {"--no-builtin", "-r", "pack", "-f", "json"};

std::vector<std::string> check_args(std::vector<std::string> extra) {
    std::vector<std::string> a = {"check"};
    a.insert(a.end(), pack_args.begin(), pack_args.end());
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

const std::string common_notes = "kblint: note: '.git' skipped: a hidden folder (name it on the command line to check it)\n"
                                 "kblint: note: '.hidden' skipped: a hidden folder (name it on the command line to check it)\n"
                                 "kblint: note: '.taplo.toml' skipped: a hidden file (name it on the command line to check it)\n"
                                 "kblint: note: 'pack/web.kbl' skipped: not a '*.toml' file\n"
                                 "kblint: note: 'pyproject.toml' skipped: a Python project file, not a snapshot\n"
                                 "kblint: note: 'snaps/Cargo.toml' skipped: a Rust package manifest, not a snapshot\n";

} // namespace

TEST_CASE("snapshots: a repository root gives no false errors, every skip noted with -v", "[walk]") {
    std::string dir = make_repository("discovery-root");
    run_output r = run_kblint(check_args({"-v", "--exclude", "vendor/**", "."}), dir);
    CHECK(r.status == 1);
    json doc = json::parse(r.out);
    CHECK(doc["summary"]["snapshots"] == 2);
    CHECK(doc["errors"].empty());
    CHECK(r.err == common_notes + "kblint: note: 'vendor/deep' skipped: excluded by 'vendor/**'\n");

    SECTION("without -v nothing is said") {
        run_output quiet = run_kblint(check_args({"--exclude", "vendor/**", "."}), dir);
        CHECK(quiet.err.empty());
        CHECK(quiet.out == r.out);
    }
    SECTION("without --exclude, vendor/deep/junk.toml is a snapshot") {
        run_output all = run_kblint(check_args({"."}), dir);
        CHECK(json::parse(all.out)["summary"]["snapshots"] == 3);
    }
}

TEST_CASE("snapshots: --exclude is repeatable, and 'exclude' in .kblint.toml applies unless the flag is given", "[walk]") {
    std::string dir = make_repository("discovery-exclude");
    run_output two = run_kblint(check_args({"-v", "--exclude", "vendor", "--exclude", "snaps/web2.toml", "."}), dir);
    CHECK(json::parse(two.out)["summary"]["snapshots"] == 1);
    CHECK(two.err.find("kblint: note: 'snaps/web2.toml' skipped: excluded by 'snaps/web2.toml'\n") != std::string::npos);
    CHECK(two.err.find("kblint: note: 'vendor' skipped: excluded by 'vendor'\n") != std::string::npos);

    write_file(dir + "/.kblint.toml", "exclude = [\"vendor\", \"**/web1.toml\"]\n");
    run_output cfg = run_kblint(check_args({"-v", "."}), dir);
    CHECK(json::parse(cfg.out)["summary"]["snapshots"] == 1);
    CHECK(cfg.err.find("kblint: note: 'snaps/web1.toml' skipped: excluded by '**/web1.toml'\n") != std::string::npos);

    run_output flag = run_kblint(check_args({"--exclude", "**/web2.toml", "."}), dir);
    CHECK(json::parse(flag.out)["summary"]["snapshots"] == 2);  // web1 and vendor/deep/junk: the flag replaces the file's list
}

TEST_CASE("snapshots: what is named on the command line is always read", "[walk]") {
    std::string dir = make_repository("discovery-named");
    run_output hidden = run_kblint(check_args({".hidden", "pyproject.toml"}), dir);
    json doc = json::parse(hidden.out);
    CHECK(doc["summary"]["snapshots"] == 2);
    CHECK(doc["errors"].empty());

    // --exclude applies inside the folders given, never to a file given.
    run_output excluded = run_kblint(check_args({"-v", "--exclude", "*.toml", "pyproject.toml", "snaps"}), dir);
    CHECK(json::parse(excluded.out)["summary"]["snapshots"] == 1);
    CHECK(excluded.err == "kblint: note: rule 'WEB-001' not evaluated on 'pyproject': does not apply: a 'when' condition is false\n"
                          "kblint: note: rule 'WEB-002' not evaluated on 'pyproject': does not apply: a 'when' condition is false\n"
                          "kblint: note: 'snaps/Cargo.toml' skipped: excluded by '*.toml'\n"
                          "kblint: note: 'snaps/web1.toml' skipped: excluded by '*.toml'\n"
                          "kblint: note: 'snaps/web2.toml' skipped: excluded by '*.toml'\n");
}

TEST_CASE("snapshots: path_glob_match", "[walk]") {
    using kbl::io::path_glob_match;
    CHECK(path_glob_match("vendor/**", "vendor/a/b.toml"));
    CHECK(path_glob_match("**/b.toml", "b.toml"));
    CHECK(path_glob_match("**/b.toml", "x/y/b.toml"));
    CHECK(path_glob_match("a/**/b.toml", "a/b.toml"));
    CHECK(path_glob_match("a/**/b.toml", "a/x/y/b.toml"));
    CHECK(path_glob_match("*.bak.toml", "deep/old.bak.toml"));  // no '/': a name at any depth
    CHECK(path_glob_match("./snaps/*.toml", "snaps/a.toml"));
    CHECK_FALSE(path_glob_match("snaps/*.toml", "snaps/sub/a.toml"));
    CHECK_FALSE(path_glob_match("a/?", "a/bc"));
    CHECK_FALSE(path_glob_match("vendor/**", "vendors/a.toml"));
}
