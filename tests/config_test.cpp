// The project file `.kblint.toml`: found in the current folder or a parent (up to the folder that
// holds `.git`), paths relative to it, command-line flags win, `--no-config` ignores it, and an
// invalid one is exit 2 with every problem located and "did you mean".
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/ci_test_util.hpp"
#include "cli/config.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;
namespace fs = std::filesystem;

// project/.git, project/.kblint.toml (from `config`), project/pack/web.kbl, project/sub/deeper/snaps/*.toml.
std::string make_project(const std::string& tag, const std::string& config) {
    std::string dir = temp_project(tag);
    write_file(dir + "/pack/web.kbl", read_file(src_path("tests/data/pack/web.kbl")));
    write_file(dir + "/sub/deeper/snaps/web1.toml", read_file(src_path("tests/data/snaps/farm/web1.toml")));
    write_file(dir + "/sub/deeper/snaps/web2.toml", read_file(src_path("tests/data/snaps/farm/web2.toml")));
    if (!config.empty()) write_file(dir + "/.kblint.toml", config);
    return dir;
}

const std::string full_config = "# project defaults\n"
                                "rules = [\"pack\"]\n"
                                "no_builtin = true\n"
                                "format = \"json\"\n"
                                "fail_on = \"never\"\n"
                                "skip = \"WEB-003\"\n"
                                "waivers = \"ci/waivers.toml\"\n";

} // namespace

TEST_CASE("config: .kblint.toml in a parent folder sets the defaults, paths relative to it", "[config]") {
    std::string dir = make_project("config-parent", full_config);
    write_file(dir + "/ci/waivers.toml", "[[waiver]]\nrule = \"WEB-002\"\nreason = \"TLS at the edge\"\nexpires = 2030-01-01\n");
    run_output r = run_kblint({"check", "snaps"}, dir + "/sub/deeper", {"KBLINT_TODAY=2026-11-23"});
    CHECK(r.status == 0);  // fail_on = never
    CHECK(r.err.empty());
    json doc = json::parse(r.out);  // format = json
    CHECK(doc["summary"]["rules"] == 2);  // built-in pack off, WEB-003 skipped
    REQUIRE(doc["findings"].size() == 2);
    CHECK(doc["findings"][0]["rule"] == "WEB-001");
    CHECK(doc["findings"][1]["status"] == "waived");
    CHECK(doc["findings"][1]["waiver"]["file"] == "../../ci/waivers.toml");

    SECTION("flags given on the command line win") {
        run_output text = run_kblint({"check", "-f", "text", "--fail-on", "error", "--skip", "WEB-002", "-q", "snaps"},
                                     dir + "/sub/deeper", {"KBLINT_TODAY=2026-11-23"});
        CHECK(text.status == 1);
        CHECK(text.out == "1 error, 0 warnings, 1 info (1 unknown) in 2 snapshots, 1 cluster, 2 rules\n");
        run_output only = run_kblint({"check", "--only", "WEB-002", "-q", "-f", "text", "snaps"}, dir + "/sub/deeper",
                                     {"KBLINT_TODAY=2026-11-23"});
        CHECK(only.status == 0);
        CHECK(only.out == "0 errors, 0 warnings, 0 infos (1 waived) in 2 snapshots, 1 cluster, 1 rule\n");
    }
    SECTION("--no-config ignores it") {
        run_output none = run_kblint({"check", "--no-config", "--no-builtin", "-r", "../../pack", "-q", "snaps"},
                                     dir + "/sub/deeper");
        CHECK(none.status == 1);
        CHECK(none.out == "1 error, 1 warning, 1 info (1 unknown) in 2 snapshots, 1 cluster, 3 rules\n");
    }
}

TEST_CASE("config: the search stops at the folder that holds .git", "[config]") {
    std::string dir = make_project("config-git", full_config);
    fs::create_directories(dir + "/sub/.git");  // sub is a repository of its own: the project file above is not read
    run_output r = run_kblint({"check", "--no-builtin", "-r", "../../pack", "-q", "snaps"}, dir + "/sub/deeper");
    CHECK(r.status == 1);
    CHECK(r.out == "1 error, 1 warning, 1 info (1 unknown) in 2 snapshots, 1 cluster, 3 rules\n");

    // Unit: the nearest file, relative to the start folder.
    CHECK(kbl::cli::find_config(dir + "/sub/deeper") == std::nullopt);
    CHECK(kbl::cli::find_config(dir) == std::optional<std::string>(".kblint.toml"));
    fs::remove_all(dir + "/sub/.git");
    CHECK(kbl::cli::find_config(dir + "/sub/deeper") == std::optional<std::string>("../../.kblint.toml"));
    write_file(dir + "/sub/.kblint.toml", "");
    CHECK(kbl::cli::find_config(dir + "/sub/deeper") == std::optional<std::string>("../.kblint.toml"));
}

TEST_CASE("config: an invalid project file is exit 2, every problem located", "[config]") {
    std::string dir = make_project("config-invalid", "rules = \"pack\"\n"
                                                     "no_bultin = true\n"
                                                     "format = \"sarf\"\n"
                                                     "fail_on = 3\n"
                                                     "skip = [\"WEB-001\", 2]\n"
                                                     "colour = \"always\"\n");
    run_output r = run_kblint({"check", "snaps"}, dir + "/sub/deeper");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    check_golden_in("config", "invalid.err", r.err);
    CHECK(r.err.find("../../.kblint.toml:2:1: error: unknown key 'no_bultin' in the project file, did you mean "
                     "'no_builtin'? [config]\n") != std::string::npos);
    CHECK(r.err.find("../../.kblint.toml:3:10: error: invalid value 'sarf' for 'format', did you mean 'sarif'? [config]\n") !=
          std::string::npos);
    CHECK(r.err.find("../../.kblint.toml:4:11: error: 'fail_on' must be a string, not an integer [config]\n") !=
          std::string::npos);
    CHECK(r.err.find("../../.kblint.toml:5:20: error: 'skip' must hold only strings, not an integer [config]\n") !=
          std::string::npos);
    CHECK(r.err.find("../../.kblint.toml:6:1: error: unknown key 'colour' in the project file [config]\n") !=
          std::string::npos);
    CHECK(r.err.find("kblint: 5 errors in the input files; nothing was checked\n") != std::string::npos);

    // --no-config skips even an invalid one.
    run_output skipped = run_kblint({"check", "--no-config", "--no-builtin", "-r", "../../pack", "-q", "snaps"},
                                    dir + "/sub/deeper");
    CHECK(skipped.status == 1);

    SECTION("invalid TOML") {
        write_file(dir + "/.kblint.toml", "format = \n");
        run_output bad = run_kblint({"check", "snaps"}, dir + "/sub/deeper");
        CHECK(bad.status == 2);
        CHECK(bad.err.rfind("../../.kblint.toml:1:", 0) == 0);
    }
    SECTION("a waiver file it names must exist") {
        write_file(dir + "/.kblint.toml", "waivers = \"missing.toml\"\n");
        run_output bad = run_kblint({"check", "snaps"}, dir + "/sub/deeper");
        CHECK(bad.status == 2);
        CHECK(bad.err.rfind("../../missing.toml: error: cannot read waiver file: no such file or directory\n", 0) == 0);
    }
}

TEST_CASE("config: the format it sets applies to every format, rules may be a single path", "[config]") {
    std::string dir = make_project("config-format", "rules = \"pack/web.kbl\"\nno_builtin = true\nformat = \"github\"\n");
    run_output r = run_kblint({"check", "snaps"}, dir + "/sub/deeper");
    CHECK(r.status == 1);
    CHECK(r.out.rfind("::error file=snaps/web1.toml,line=8,col=8,title=WEB-001::", 0) == 0);
    CHECK(r.err == "1 error, 1 warning, 1 info (1 unknown) in 2 snapshots, 1 cluster, 3 rules\n");
}

TEST_CASE("config: baseline and waiver_warn_days, flags still win", "[config]") {
    std::string dir = make_project("config-gate", "rules = \"pack\"\nno_builtin = true\nwaivers = \"waivers.toml\"\n"
                                                  "baseline = \"ci/kblint-baseline.json\"\nwaiver_warn_days = 40\n");
    write_file(dir + "/waivers.toml", read_file(src_path("tests/data/waivers/farm.toml")));
    run_output nowhere = run_kblint({"baseline", "create", "snaps"}, dir + "/sub/deeper", {"KBLINT_TODAY=2026-11-23"});
    CHECK(nowhere.status == 2);
    CHECK(nowhere.err.find("kblint: cannot write '../../ci/kblint-baseline.json': no such file or directory\n") !=
          std::string::npos);
    fs::create_directories(dir + "/ci");
    run_output made = run_kblint({"baseline", "create", "snaps"}, dir + "/sub/deeper", {"KBLINT_TODAY=2026-11-23"});
    CHECK(made.status == 0);
    CHECK(made.err.find("kblint: wrote '../../ci/kblint-baseline.json': 2 entries (1 waived finding not recorded)\n") !=
          std::string::npos);
    // 38 days before the web1 waiver stops waiving: within the 40 days of the project file.
    run_output r = run_kblint({"check", "snaps"}, dir + "/sub/deeper", {"KBLINT_TODAY=2026-11-23"});
    CHECK(r.status == 0);
    CHECK(r.err.find("../../waivers.toml:3:1: warning: waiver for 'WEB-001' on 'web1' expires on 2026-12-31 (in 38 days); "
                     "then its findings fail [waiver-expiring]\n") != std::string::npos);
    run_output flag = run_kblint({"check", "--waiver-warn-days", "0", "snaps"}, dir + "/sub/deeper", {"KBLINT_TODAY=2026-11-23"});
    CHECK(flag.err.find("[waiver-expiring]") == std::string::npos);
    run_output other = run_kblint({"check", "-q", "--baseline", "../../none.json", "snaps"}, dir + "/sub/deeper");
    CHECK(other.status == 2);
    CHECK(other.err.rfind("../../none.json: error: cannot read baseline: no such file or directory\n", 0) == 0);

    write_file(dir + "/.kblint.toml", "baseline = 5\nwaiver_warn_days = -3\nwaiver_warn_day = 3\n");
    run_output bad = run_kblint({"check", "snaps"}, dir + "/sub/deeper");
    CHECK(bad.status == 2);
    CHECK(bad.err.find("../../.kblint.toml:1:12: error: 'baseline' must be a string, not an integer [config]\n") !=
          std::string::npos);
    CHECK(bad.err.find("../../.kblint.toml:2:20: error: 'waiver_warn_days' must be a number of days from 0 to 3660, not -3 "
                       "[config]\n") != std::string::npos);
    CHECK(bad.err.find("../../.kblint.toml:3:1: error: unknown key 'waiver_warn_day' in the project file, did you mean "
                       "'waiver_warn_days'? [config]\n") != std::string::npos);
}
