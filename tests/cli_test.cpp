// End-to-end tests of the kblint binary: commands, options, exit statuses and reports, with the
// tiny rule pack under tests/data/pack (always with --no-builtin, so the built-in pack can change
// freely). Whole outputs are compared with golden files under tests/golden/cli/.
// Set KBLINT_UPDATE_GOLDEN=1 to rewrite the golden files, then review the diff.
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_util.hpp"

namespace {

using kbl::test::run_kblint;
using kbl::test::run_output;
namespace fs = std::filesystem;

const std::vector<std::string> pack = {"--no-builtin", "-r", "tests/data/pack"};

std::vector<std::string> args(std::vector<std::string> head, const std::vector<std::string>& tail = pack) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

void check_golden(const std::string& name, const std::string& actual) {
    std::string path = kbl::test::src_path("tests/golden/cli/" + name);
    const char* update = std::getenv("KBLINT_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") kbl::test::write_file(path, actual);
    INFO("golden file " << path);
    CHECK(actual == kbl::test::read_file(path));
}

std::string last_line(const std::string& s) {
    std::size_t end = s.size() && s.back() == '\n' ? s.size() - 1 : s.size();
    std::size_t start = s.rfind('\n', end == 0 ? 0 : end - 1);
    return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
}

std::vector<std::string> folder_entries(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    return out;
}

} // namespace

TEST_CASE("check: exit 0 when nothing fails", "[cli]") {
    run_output r = run_kblint(args({"check", "tests/data/snaps/clean"}));
    CHECK(r.status == 0);
    CHECK(r.out == "0 errors, 0 warnings, 0 infos in 1 snapshot, 1 cluster, 3 rules\n");
    CHECK(r.err.empty());
}

TEST_CASE("check: exit 1 on an error finding, with the whole text report", "[cli]") {
    run_output r = run_kblint(args({"check", "tests/data/snaps/farm"}));
    CHECK(r.status == 1);
    CHECK(r.err.empty());
    check_golden("farm.txt", r.out);
}

TEST_CASE("check: JSON report of version 1", "[cli]") {
    run_output r = run_kblint(args({"check", "--format", "json", "tests/data/snaps/farm"}));
    CHECK(r.status == 1);
    CHECK(r.err.empty());
    check_golden("farm.json", r.out);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["kblint"]["version"] == "0.1.0");
    CHECK(doc["summary"]["snapshots"] == 2);
    CHECK(doc["summary"]["clusters"] == 1);
}

TEST_CASE("check: --fail-on sets the lowest severity that fails", "[cli]") {
    // gamma: one warning; delta: one info; farm: an error, a warning and an unknown info.
    CHECK(run_kblint(args({"check", "tests/data/snaps/warn"})).status == 0);
    CHECK(run_kblint(args({"check", "--fail-on", "error", "tests/data/snaps/warn"})).status == 0);
    CHECK(run_kblint(args({"check", "--fail-on", "warning", "tests/data/snaps/warn"})).status == 1);
    CHECK(run_kblint(args({"check", "--fail-on=info", "tests/data/snaps/warn"})).status == 1);
    CHECK(run_kblint(args({"check", "--fail-on", "warning", "tests/data/snaps/info"})).status == 0);
    CHECK(run_kblint(args({"check", "--fail-on", "info", "tests/data/snaps/info"})).status == 1);
    CHECK(run_kblint(args({"check", "--fail-on", "never", "tests/data/snaps/farm"})).status == 0);

    run_output bad = run_kblint(args({"check", "--fail-on", "eror", "tests/data/snaps/farm"}));
    CHECK(bad.status == 2);
    CHECK(bad.err == "kblint: invalid value 'eror' for '--fail-on', did you mean 'error'?\n");
    bad = run_kblint(args({"check", "--fail-on", "all", "tests/data/snaps/farm"}));
    CHECK(bad.status == 2);
    CHECK(bad.err == "kblint: invalid value 'all' for '--fail-on' (expected error, warning, info or never)\n");
}

TEST_CASE("check: an unknown finding counts as failing", "[cli]") {
    // web2 has no [services.Logger]: WEB-003 (info) is unknown.
    run_output r = run_kblint(args({"check", "--only", "WEB-003", "--fail-on", "info", "tests/data/snaps/farm"}));
    CHECK(r.status == 1);
    CHECK(last_line(r.out) == "0 errors, 0 warnings, 1 info (1 unknown) in 2 snapshots, 1 cluster, 1 rule");
    CHECK(r.out.find("(unknown) [WEB-003]") != std::string::npos);
}

TEST_CASE("check: --only and --skip select rules by glob", "[cli]") {
    run_output r = run_kblint(args({"check", "--only", "WEB-002", "tests/data/snaps/farm"}));
    CHECK(r.status == 0);
    CHECK(last_line(r.out) == "0 errors, 1 warning, 0 infos in 2 snapshots, 1 cluster, 1 rule");

    r = run_kblint(args({"check", "--skip", "WEB-001", "--skip", "web-003", "tests/data/snaps/farm"}));
    CHECK(r.status == 0);
    CHECK(last_line(r.out) == "0 errors, 1 warning, 0 infos in 2 snapshots, 1 cluster, 1 rule");

    r = run_kblint(args({"check", "--only", "WEB-00?", "--skip", "*-003", "tests/data/snaps/farm"}));
    CHECK(r.status == 1);
    CHECK(last_line(r.out) == "1 error, 1 warning, 0 infos in 2 snapshots, 1 cluster, 2 rules");

    run_output json = run_kblint(args({"check", "-f", "json", "--only", "WEB-001", "tests/data/snaps/farm"}));
    auto doc = nlohmann::json::parse(json.out);
    REQUIRE(doc["findings"].size() == 1);
    CHECK(doc["findings"][0]["rule"] == "WEB-001");
}

TEST_CASE("check: exit 3 when every rule is filtered out", "[cli]") {
    run_output r = run_kblint(args({"check", "--skip", "WEB-*", "tests/data/snaps/farm"}));
    CHECK(r.status == 3);
    CHECK(r.err == "kblint: every rule was filtered out by --only/--skip\n");

    r = run_kblint(args({"check", "--only", "WEB-01", "tests/data/snaps/farm"}));
    CHECK(r.status == 3);
    CHECK(r.err == "kblint: warning: '--only WEB-01' matches no rule, did you mean 'WEB-001'?\n"
                   "kblint: every rule was filtered out by --only/--skip\n");
}

TEST_CASE("check: exit 3 when no snapshot is found", "[cli]") {
    // The folder holds only .kblint.toml and .kblint-waivers.toml, which are never snapshots.
    run_output r = run_kblint(args({"check", "tests/data/snaps/empty"}));
    CHECK(r.status == 3);
    CHECK(r.err == "kblint: no snapshot found under 'tests/data/snaps/empty'\n");
    CHECK(r.out == "0 errors, 0 warnings, 0 infos in 0 snapshots, 0 clusters, 3 rules\n");
}

TEST_CASE("check: snapshot discovery is recursive, sorted, deduplicated and loop-free", "[cli]") {
    // A file named twice counts once.
    run_output r = run_kblint(args({"check", "-q", "tests/data/snaps/farm/web1.toml", "tests/data/snaps/farm",
                                    "tests/data/snaps/./farm/web1.toml"}));
    CHECK(last_line(r.out) == "1 error, 1 warning, 1 info (1 unknown) in 2 snapshots, 1 cluster, 3 rules");

    // A directory symlink that points back up is not followed; the order does not depend on the
    // order of the paths on the command line.
    std::string dir = kbl::test::temp_dir("cli-discovery");
    std::string alpha = kbl::test::read_file(kbl::test::src_path("tests/data/snaps/clean/alpha.toml"));
    kbl::test::write_file(dir + "/b/alpha.toml", alpha);
    std::string web2 = kbl::test::read_file(kbl::test::src_path("tests/data/snaps/farm/web2.toml"));
    kbl::test::write_file(dir + "/a/web2.toml", web2);
    kbl::test::write_file(dir + "/a/notes.txt", "not a snapshot\n");
    fs::create_directory_symlink("..", dir + "/a/loop");
    run_output json = run_kblint(args({"check", "-f", "json", dir + "/b", dir}));
    CHECK(json.status == 0);
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["summary"]["snapshots"] == 2);
    REQUIRE(doc["findings"].size() == 2);
    CHECK(doc["findings"][0]["location"]["file"] == dir + "/a/web2.toml");
    CHECK(run_kblint(args({"check", "-f", "json", dir, dir + "/b"})).out == json.out);

    // A file named explicitly is a snapshot whatever its extension.
    kbl::test::write_file(dir + "/c/snapshot.txt", alpha);
    run_output txt = run_kblint(args({"check", "-q", dir + "/c/snapshot.txt"}));
    CHECK(txt.status == 0);
    CHECK(txt.out == "0 errors, 0 warnings, 0 infos in 1 snapshot, 1 cluster, 3 rules\n");
}

TEST_CASE("check: exit 2 on an invalid snapshot, whatever --fail-on says", "[cli]") {
    run_output r = run_kblint(args({"check", "--fail-on", "never", "tests/data/snaps/bad"}));
    CHECK(r.status == 2);
    CHECK(r.out.find("tests/data/snaps/bad/broken.toml:5:") == 0);
    CHECK(last_line(r.out) == "0 errors, 0 warnings, 0 infos in 0 snapshots, 0 clusters, 3 rules; 1 input error");

    SECTION("the snapshots that loaded are still checked and reported") {
        run_output both = run_kblint(args({"check", "-f", "json", "tests/data/snaps/bad", "tests/data/snaps/farm"}));
        CHECK(both.status == 2);
        CHECK(both.err == "kblint: 1 input error; see the report\n");
        auto doc = nlohmann::json::parse(both.out);
        REQUIRE(doc["errors"].size() == 1);
        CHECK(doc["errors"][0]["file"] == "tests/data/snaps/bad/broken.toml");
        CHECK(doc["errors"][0]["line"] == 5);
        CHECK(doc["summary"]["snapshots"] == 2);
        CHECK(doc["findings"].size() == 3);
    }
    SECTION("a path that does not exist") {
        run_output gone = run_kblint(args({"check", "tests/data/snaps/clean", "tests/data/no-such-folder"}));
        CHECK(gone.status == 2);
        CHECK(gone.out.find("tests/data/no-such-folder: error: no such file or folder [io]\n") == 0);
    }
}

TEST_CASE("check: exit 2 on an invalid rule pack, every error reported", "[cli]") {
    run_output r = run_kblint({"check", "--no-builtin", "-r", "tests/data/bad_pack", "tests/data/snaps/clean"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("tests/data/bad_pack/broken.kbl:10:3: error: ") == 0);
    CHECK(r.err.find("\ntests/data/bad_pack/broken.kbl:19:24: error: ") != std::string::npos);
    CHECK(last_line(r.err) == "kblint: 2 errors in the rule files; nothing was checked");

    run_output none = run_kblint({"check", "--no-builtin", "tests/data/snaps/clean"});
    CHECK(none.status == 2);
    CHECK(none.err ==
          "kblint: no rule to load: '--no-builtin' was given and no '--rules' path holds a '*.kbl' file\n");
}

TEST_CASE("check: -o writes the report atomically", "[cli]") {
    std::string dir = kbl::test::temp_dir("cli-output");
    std::string out = dir + "/report.json";
    kbl::test::write_file(out, "old report\n");

    run_output r = run_kblint(args({"check", "-f", "json", "-o", out, "tests/data/snaps/farm"}));
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    run_output direct = run_kblint(args({"check", "-f", "json", "tests/data/snaps/farm"}));
    CHECK(kbl::test::read_file(out) == direct.out);
    CHECK(folder_entries(dir) == std::vector<std::string>{"report.json"});

    SECTION("into a folder that does not exist: exit 2, nothing written") {
        std::string missing = dir + "/missing/report.json";
        run_output bad = run_kblint(args({"check", "-o", missing, "tests/data/snaps/farm"}));
        CHECK(bad.status == 2);
        CHECK(bad.out.empty());
        CHECK(bad.err == "kblint: cannot write '" + missing + "': no such file or directory\n");
        CHECK(!fs::exists(dir + "/missing"));
    }
    SECTION("a 250-byte name works: the temporary file beside it gets a short name") {
        std::string old = dir + "/" + std::string(250, 'r');
        kbl::test::write_file(old, "old report\n");
        run_output ok = run_kblint(args({"check", "-q", "-o", old, "tests/data/snaps/clean"}));
        CHECK(ok.status == 0);
        CHECK(ok.err.empty());
        CHECK(kbl::test::read_file(old) == "0 errors, 0 warnings, 0 infos in 1 snapshot, 1 cluster, 3 rules\n");
        CHECK(folder_entries(dir).size() == 2);
    }
    SECTION("text reports are written without colour") {
        run_output text = run_kblint(args({"check", "--color", "always", "-o", out, "tests/data/snaps/farm"}));
        CHECK(text.status == 1);
        std::string written = kbl::test::read_file(out);
        CHECK(written.find('\x1b') == std::string::npos);
        CHECK(last_line(written) == "1 error, 1 warning, 1 info (1 unknown) in 2 snapshots, 1 cluster, 3 rules");
    }
}

TEST_CASE("check: --color, --quiet and --verbose", "[cli]") {
    run_output always = run_kblint(args({"check", "--color", "always", "tests/data/snaps/farm"}));
    CHECK(always.out.find("\x1b[") != std::string::npos);
    run_output never = run_kblint(args({"check", "--color", "never", "tests/data/snaps/farm"}));
    CHECK(never.out.find('\x1b') == std::string::npos);
    // Not a terminal, and NO_COLOR is set by run_kblint.
    run_output automatic = run_kblint(args({"check", "tests/data/snaps/farm"}));
    CHECK(automatic.out == never.out);
    run_output bad = run_kblint(args({"check", "--color", "sometimes", "tests/data/snaps/farm"}));
    CHECK(bad.status == 2);
    CHECK(bad.err == "kblint: invalid value 'sometimes' for '--color' (expected auto, always or never)\n");

    run_output quiet = run_kblint(args({"check", "-q", "tests/data/snaps/farm"}));
    CHECK(quiet.status == 1);
    CHECK(quiet.out == "1 error, 1 warning, 1 info (1 unknown) in 2 snapshots, 1 cluster, 3 rules\n");

    run_output both = run_kblint(args({"check", "-q", "-v", "tests/data/snaps/farm"}));
    CHECK(both.status == 2);
    CHECK(both.err == "kblint: '--quiet' and '--verbose' cannot be used together\n");

    run_output verbose = run_kblint(args({"check", "-v", "-j", "2", "--skip", "WEB-003", "tests/data/snaps/farm"}));
    CHECK(verbose.status == 1);
    CHECK(verbose.err.find("kblint: note: rule 'WEB-003' not evaluated") == 0);
    run_output not_verbose = run_kblint(args({"check", "--skip", "WEB-003", "tests/data/snaps/farm"}));
    CHECK(not_verbose.err.empty());
    // -v adds the "Checked:" block before the summary line, and nothing else.
    std::size_t block = verbose.out.find("Checked:\n  snapshot tests/data/snaps/farm/web1.toml: node 'web1'");
    REQUIRE(block != std::string::npos);
    std::size_t end = verbose.out.find("\n\n", block) + 2;
    CHECK(verbose.out.substr(0, block) + verbose.out.substr(end) == not_verbose.out);
}

TEST_CASE("check: the report does not depend on --jobs", "[cli]") {
    run_output one = run_kblint(args({"check", "-f", "json", "-j", "1", "tests/data/snaps"}));
    run_output many = run_kblint(args({"check", "-f", "json", "--jobs", "8", "tests/data/snaps"}));
    CHECK(one.status == 2);  // tests/data/snaps/bad
    CHECK(many.status == one.status);
    CHECK(many.out == one.out);
}

TEST_CASE("check: limit flags are accepted and applied", "[cli]") {
    run_output r = run_kblint(args({"check", "--max-file-size", "20", "tests/data/snaps/clean"}));
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("tests/data/pack/web.kbl: error: rule file is ") == 0);
    CHECK(r.err.find(" bytes, over the limit of 20 bytes (--max-file-size) [limit]\n") != std::string::npos);

    // A snapshot larger than the rule file: the limit applies to it too.
    std::string dir = kbl::test::temp_dir("cli-limits");
    kbl::test::write_file(dir + "/big.toml", "[host]\nname = \"big\"\n" + std::string(5000, '#') + "\n");
    r = run_kblint(args({"check", "--max-file-size", "4000", dir}));
    CHECK(r.status == 2);
    CHECK(r.out.find(dir + "/big.toml") == 0);

    // A rule that hits an evaluation limit on a snapshot's data is an error located in that snapshot,
    // with a note at the rule where the limit was hit: exit 2.
    r = run_kblint(args({"check", "-f", "json", "--max-eval-steps", "1", "tests/data/snaps/clean"}));
    CHECK(r.status == 2);
    auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc["errors"].size() == 3);
    CHECK(doc["errors"][0]["file"] == "tests/data/snaps/clean/alpha.toml");
    CHECK(doc["errors"][0]["message"].get<std::string>().find("(--max-eval-steps)") != std::string::npos);
    CHECK(r.err == "kblint: 3 input errors; see the report\n");

    r = run_kblint(args({"check", "--max-toml-depth", "64", "--max-rule-depth", "100", "--max-eval-depth", "100",
                         "--max-eval-steps", "100000", "tests/data/snaps/clean"}));
    CHECK(r.status == 0);
}

TEST_CASE("check: every report format of cli.md is accepted, others get a suggestion", "[cli]") {
    // The formats themselves are tested in sarif_test, junit_test, github_test and html_test.
    for (const char* f : {"text", "json", "sarif", "junit", "github", "html"}) {
        run_output r = run_kblint(args({"check", "-f", f, "tests/data/snaps/farm"}));
        CHECK(r.status == 1);
        CHECK(!r.out.empty());
    }
    run_output r = run_kblint(args({"check", "--format", "jsn", "tests/data/snaps/farm"}));
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: invalid value 'jsn' for '--format', did you mean 'json'?\n");
}

TEST_CASE("usage errors: unknown commands and options get a suggestion", "[cli]") {
    run_output r = run_kblint({"chek", "tests/data/snaps/farm"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown command 'chek', did you mean 'check'?\n");
    CHECK(r.out.empty());

    r = run_kblint({"frobnicate"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown command 'frobnicate' (run 'kblint --help' for the list)\n");

    r = run_kblint({"check", "--formt", "json", "tests/data/snaps/farm"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown option '--formt', did you mean '--format'?\n");

    r = run_kblint({"check", "--formt=json", "tests/data/snaps/farm"});
    CHECK(r.err == "kblint: unknown option '--formt', did you mean '--format'?\n");

    r = run_kblint({"check", "-x", "tests/data/snaps/farm"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown option '-x' (run 'kblint check --help' for the options)\n");

    r = run_kblint({"rules", "--no-bultin"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown option '--no-bultin', did you mean '--no-builtin'?\n");

    r = run_kblint({"--verison"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown option '--verison', did you mean '--version'?\n");

    r = run_kblint({"schem"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown command 'schem', did you mean 'schema'?\n");

    r = run_kblint({"check", "--baselin", "old.json", "tests/data/snaps/farm"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown option '--baselin', did you mean '--baseline'?\n");

    SECTION("option values that look like options are not taken for options") {
        run_output v = run_kblint(args({"check", "--only", "-x", "tests/data/snaps/farm"}));
        CHECK(v.status == 3);
    }
    SECTION("a missing PATH or command") {
        run_output m = run_kblint(args({"check"}));
        CHECK(m.status == 2);
        CHECK(m.err == "kblint: PATH is required (run 'kblint check --help' for usage)\n");
        run_output none = run_kblint({});
        CHECK(none.status == 2);
        CHECK(last_line(none.err) == "kblint: no command given");
    }
}

TEST_CASE("--help works on every command", "[cli]") {
    run_output top = run_kblint({"--help"});
    CHECK(top.status == 0);
    CHECK(top.out.find("Usage: kblint [OPTIONS] [SUBCOMMAND]") != std::string::npos);
    for (const char* cmd : {"check", "rules", "explain", "version", "test", "decode", "schema", "fmt"}) {
        INFO(cmd);
        run_output r = run_kblint({cmd, "--help"});
        CHECK(r.status == 0);
        CHECK(r.err.empty());
        CHECK(r.out.find(std::string("Usage: kblint ") + cmd) != std::string::npos);
        CHECK(top.out.find(std::string("  ") + cmd + " ") != std::string::npos);
        CHECK(run_kblint({cmd, "-h"}).out == r.out);
    }
    run_output check = run_kblint({"check", "--help"});
    for (const char* opt : {"--rules", "--no-builtin", "--format", "--output", "--fail-on", "--only", "--skip",
                            "--jobs", "--color", "--quiet", "--verbose", "--max-file-size", "--max-toml-depth",
                            "--max-rule-depth", "--max-eval-depth", "--max-eval-steps", "--baseline", "--waivers", "--no-config"}) {
        INFO(opt);
        CHECK(check.out.find(opt) != std::string::npos);
    }
}

TEST_CASE("help COMMAND is COMMAND --help, with examples at the end", "[cli]") {
    run_output top = run_kblint({"help"});
    CHECK(top.status == 0);
    CHECK(top.out == run_kblint({"--help"}).out);
    CHECK(top.out.find("  help ") != std::string::npos);
    for (const char* cmd : {"check", "rules", "explain", "version", "test", "decode", "schema", "fmt", "help"}) {
        INFO(cmd);
        run_output h = run_kblint({"help", cmd});
        CHECK(h.status == 0);
        CHECK(h.err.empty());
        CHECK(h.out == run_kblint({cmd, "--help"}).out);
        const std::string examples = std::string("\nExamples:\n  kblint ");
        CHECK(h.out.find(examples) != std::string::npos);
    }
    run_output typo = run_kblint({"help", "chek"});
    CHECK(typo.status == 2);
    CHECK(typo.out.empty());
    CHECK(typo.err == "kblint: unknown command 'chek', did you mean 'check'?\n");
    run_output far = run_kblint({"help", "nothing-like-it"});
    CHECK(far.status == 2);
    CHECK(far.err == "kblint: unknown command 'nothing-like-it' (run 'kblint --help' for the list)\n");
}

TEST_CASE("the examples in the help are real command lines", "[cli]") {
    for (const char* cmd : {"rules", "explain", "version", "test", "decode", "schema", "fmt", "help"}) {
        std::string help = run_kblint({cmd, "--help"}).out;
        std::size_t at = help.find("\nExamples:\n");
        REQUIRE(at != std::string::npos);
        std::size_t start = at + 11;
        while (start < help.size()) {
            std::size_t nl = help.find('\n', start);
            std::string line = help.substr(start, nl - start);
            start = nl + 1;
            if (line.substr(0, 9) != "  kblint ") break;
            if (line.find('>') != std::string::npos || line.find("mypack") != std::string::npos) continue;
            std::vector<std::string> words;
            std::size_t w = 9;
            while (w < line.size()) {
                std::size_t sp = std::min(line.find(' ', w), line.size());
                words.push_back(line.substr(w, sp - w));
                w = sp + 1;
            }
            INFO(line);
            run_output r = run_kblint(words);
            CHECK(r.status == 0);
            CHECK(r.err.empty());
        }
    }
}

TEST_CASE("version and --version name kblint and its rule pack", "[cli]") {
    run_output v = run_kblint({"version"});
    CHECK(v.status == 0);
    CHECK(std::regex_match(v.out, std::regex("kblint 0\\.1\\.0 \\(rule pack [0-9]+ rules?, [0-9a-f]{16}\\)\n")));
    CHECK(run_kblint({"--version"}).out == v.out);
    CHECK(run_kblint({"-V"}).out == v.out);
}

TEST_CASE("rules lists every loaded rule", "[cli]") {
    run_output text = run_kblint(args({"rules"}));
    CHECK(text.status == 0);
    check_golden("rules.txt", text.out);

    run_output json = run_kblint(args({"rules", "--format", "json"}));
    CHECK(json.status == 0);
    check_golden("rules.json", json.out);

    run_output bad = run_kblint(args({"rules", "--format", "yaml"}));
    CHECK(bad.status == 2);
    CHECK(bad.err == "kblint: invalid value 'yaml' for '--format' (expected text, json or markdown)\n");
}

TEST_CASE("explain shows a rule's metadata and source", "[cli]") {
    run_output r = run_kblint(args({"explain", "WEB-001"}));
    CHECK(r.status == 0);
    check_golden("explain_web_001.txt", r.out);
    CHECK(run_kblint(args({"explain", "web-001"})).out == r.out);

    run_output near = run_kblint(args({"explain", "WEB-01"}));
    CHECK(near.status == 2);
    CHECK(near.err == "kblint: unknown rule 'WEB-01', did you mean 'WEB-001'?\n");

    run_output far = run_kblint(args({"explain", "NOTHING-LIKE-IT"}));
    CHECK(far.status == 2);
    CHECK(far.err == "kblint: unknown rule 'NOTHING-LIKE-IT' (run 'kblint rules' for the list; another pack needs "
                     "'-r PATH' or 'rules' in .kblint.toml)\n");
}
