// CI gating end to end, as a team adopting kblint would run it: a git repository of snapshots with
// a .kblint.toml that names the baseline, pull requests as branches (a new finding, a renamed
// folder, a fix, a waiver that expires, a baseline regenerated under an active waiver, an inserted
// runbook step), and the pre-commit hook of this repository (.pre-commit-hooks.yaml) run by
// Debian's pre-commit as a remote `repo:`, on a commit that adds a broken snapshot.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

// Run `argv` in `dir` with extra environment entries (through env(1)).
run_output run_in(const std::string& dir, std::vector<std::string> argv, const std::vector<std::string>& env = {}) {
    std::vector<std::string> full = {"env"};
    full.insert(full.end(), env.begin(), env.end());
    full.insert(full.end(), argv.begin(), argv.end());
    return run_program(full, dir);
}

run_output git(const std::string& dir, std::vector<std::string> args) {
    std::vector<std::string> argv = {"git", "-c", "user.name=kblint", "-c", "user.email=kblint@example.invalid",
                                     "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"};
    argv.insert(argv.end(), args.begin(), args.end());
    run_output r = run_in(dir, argv);
    INFO("git " << args[0] << ": " << r.err);
    REQUIRE(r.status == 0);
    return r;
}

void commit_all(const std::string& dir, const std::string& message) {
    git(dir, {"add", "-A"});
    git(dir, {"commit", "-q", "-m", message});
}

run_output kblint_on(const std::string& dir, std::vector<std::string> args, const std::string& today = "2026-11-23") {
    return run_kblint(args, dir, {"KBLINT_TODAY=" + today});
}

std::vector<std::string> statuses(const run_output& r) {
    std::vector<std::string> out;
    json doc = json::parse(r.out);
    for (const auto& f : doc["findings"])
        out.push_back(f["rule"].get<std::string>() + " " + f["node"].get<std::string>() + " " + f["status"].get<std::string>());
    return out;
}

const std::string web1 = "[host]\nname = \"web1\"\n\n[farm]\nname = \"green\"\n\n[web]\nport = 8080\ntls = true\n\n"
                         "[services.logger]\nstate = \"running\"\n";
const std::string web2 = "[host]\nname = \"web2\"\n\n[farm]\nname = \"green\"\n\n[web]\nport = 80\ntls = false\n";
const std::string web3 = "[host]\nname = \"web3\"\n\n[farm]\nname = \"blue\"\n\n[web]\nport = 8443\ntls = true\n\n"
                         "[services.logger]\nstate = \"running\"\n";

// A repository on main: the test pack, .kblint.toml, the green farm and its committed baseline.
std::string team_repo(const std::string& tag) {
    std::string dir = temp_dir(tag);
    git(dir, {"init", "-q"});
    write_file(dir + "/pack/web.kbl", read_file(src_path("tests/data/pack/web.kbl")));
    write_file(dir + "/.kblint.toml", "rules = \"pack\"\nno_builtin = true\nbaseline = \"kblint-baseline.json\"\n");
    write_file(dir + "/snapshots/green/web1.toml", web1);
    write_file(dir + "/snapshots/green/web2.toml", web2);
    run_output made = kblint_on(dir, {"baseline", "create", "snapshots"});
    REQUIRE(made.status == 0);
    REQUIRE(made.err == "kblint: wrote 'kblint-baseline.json': 3 entries (0 waived findings not recorded)\n");
    commit_all(dir, "snapshots and their baseline");
    return dir;
}

} // namespace

TEST_CASE("gate e2e: branches of a snapshot repository gated by a baseline and waivers", "[gate][e2e]") {
    std::string repo = team_repo("e2e-branches");
    std::string base = read_file(repo + "/kblint-baseline.json");
    CHECK(kblint_on(repo, {"check", "-q", "snapshots"}).out ==
          "0 errors, 0 warnings, 0 infos (3 baselined) in 2 snapshots, 1 cluster, 3 rules\n");

    SECTION("a new finding fails, alone") {
        git(repo, {"checkout", "-q", "-b", "new-finding"});
        write_file(repo + "/snapshots/blue/web3.toml", web3);
        commit_all(repo, "web3");
        run_output r = kblint_on(repo, {"check", "-f", "json", "snapshots"});
        CHECK(r.status == 1);
        CHECK(statuses(r) == std::vector<std::string>{"WEB-001 web3 fail", "WEB-001 web1 baselined",
                                                      "WEB-003 web2 baselined", "WEB-002 web2 baselined"});
    }
    SECTION("a renamed folder with moved lines keeps every entry, and the baseline file does not change") {
        git(repo, {"checkout", "-q", "-b", "rename"});
        git(repo, {"mv", "snapshots/green", "snapshots/prod-green"});
        write_file(repo + "/snapshots/prod-green/web1.toml", "# moved\n\n" + web1);
        commit_all(repo, "rename");
        CHECK(kblint_on(repo, {"check", "-q", "snapshots"}).status == 0);
        REQUIRE(kblint_on(repo, {"baseline", "create", "snapshots"}).status == 0);
        CHECK(read_file(repo + "/kblint-baseline.json") == base);
        CHECK(git(repo, {"status", "--porcelain"}).out.empty());
    }
    SECTION("a fix leaves a stale entry that is reported, and update drops only that line") {
        git(repo, {"checkout", "-q", "-b", "fix"});
        write_file(repo + "/snapshots/green/web1.toml", "[host]\nname = \"web1\"\n[farm]\nname = \"green\"\n[web]\nport = 443\n"
                                                         "tls = true\n[services.logger]\nstate = \"running\"\n");
        run_output r = kblint_on(repo, {"check", "snapshots"});
        CHECK(r.status == 0);
        CHECK(r.err.find("kblint-baseline.json:4:5: note: stale baseline entry for 'WEB-001' on 'web1' at 'web.port'") == 0);
        run_output updated = kblint_on(repo, {"baseline", "update", "snapshots"});
        CHECK(updated.status == 0);
        CHECK(git(repo, {"diff", "--numstat", "kblint-baseline.json"}).out == "0\t1\tkblint-baseline.json\n");
        CHECK(kblint_on(repo, {"check", "snapshots"}).err.empty());
    }
    SECTION("a waiver warns before it expires and fails after, even under a baseline regenerated meanwhile") {
        git(repo, {"checkout", "-q", "-b", "waiver"});
        write_file(repo + "/snapshots/blue/web3.toml", web3);
        write_file(repo + "/.kblint-waivers.toml", "[[waiver]]\nrule = \"WEB-001\"\nnode = \"web3\"\n"
                                                   "reason = \"TLS port until the proxy moves\"\nexpires = 2026-12-31\n"
                                                   "approved_by = \"ops-lead\"\n");
        REQUIRE(kblint_on(repo, {"baseline", "create", "snapshots"}).err ==
                "kblint: wrote 'kblint-baseline.json': 3 entries (1 waived finding not recorded)\n");
        CHECK(read_file(repo + "/kblint-baseline.json") == base);  // the waived finding is not in it
        commit_all(repo, "web3, waived until the end of the year");
        CHECK(kblint_on(repo, {"check", "snapshots"}).err.empty());
        run_output soon = kblint_on(repo, {"check", "snapshots"}, "2026-12-20");
        CHECK(soon.status == 0);
        CHECK(soon.err == ".kblint-waivers.toml:1:1: warning: waiver for 'WEB-001' on 'web3' expires on 2026-12-31 "
                          "(in 11 days); then its findings fail [waiver-expiring]\n");
        run_output late = kblint_on(repo, {"check", "-f", "json", "snapshots"}, "2027-01-01");
        CHECK(late.status == 1);
        CHECK(statuses(late) == std::vector<std::string>{"WEB-001 web3 fail", "WEB-001 web1 baselined",
                                                         "WEB-003 web2 baselined", "WEB-002 web2 baselined"});
    }
}

TEST_CASE("gate e2e: inserting an unrelated runbook step keeps the baselined step findings", "[gate][e2e]") {
    std::string repo = temp_dir("e2e-runbook");
    git(repo, {"init", "-q"});
    std::string node1 = read_file(src_path("fixtures/runbook-late-stop/NODE1.toml"));
    write_file(repo + "/snapshots/NODE1.toml", node1);
    write_file(repo + "/snapshots/NODE2.toml", read_file(src_path("fixtures/runbook-late-stop/NODE2.toml")));
    write_file(repo + "/.kblint.toml", "baseline = \"kblint-baseline.json\"\n");
    REQUIRE(kblint_on(repo, {"baseline", "create", "snapshots"}).status == 0);
    commit_all(repo, "runbook and baseline");
    run_output before = kblint_on(repo, {"check", "-f", "json", "snapshots"});
    CHECK(before.status == 0);
    REQUIRE(json::parse(before.out)["findings"].size() == 1);
    CHECK(json::parse(before.out)["findings"][0]["step"]["index"] == 2);

    git(repo, {"checkout", "-q", "-b", "insert-step"});
    const std::string first = "[[runbook.steps]]\n";
    std::size_t at = node1.find(first);
    REQUIRE(at != std::string::npos);
    node1.insert(at, "[[runbook.steps]]\nnode = \"NODE1\"\naction = \"open_tool\"\ntool = \"cluster_administrator\"\n\n");
    write_file(repo + "/snapshots/NODE1.toml", node1);
    commit_all(repo, "open Cluster Administrator first");
    run_output after = kblint_on(repo, {"check", "-f", "json", "snapshots"});
    CHECK(after.status == 0);
    json doc = json::parse(after.out);
    REQUIRE(doc["findings"].size() == 1);
    CHECK(doc["findings"][0]["step"]["index"] == 3);
    CHECK(doc["findings"][0]["status"] == "baselined");
    CHECK(doc["findings"][0]["fingerprint"] == json::parse(before.out)["findings"][0]["fingerprint"]);
    CHECK(doc["stale_baseline"].empty());
}

TEST_CASE("gate e2e: pre-commit runs the hook of this repository on staged snapshots only", "[gate][e2e]") {
    // The hook repository: the manifest at its top and the script it names, committed.
    std::string hooks = temp_dir("e2e-hooks");
    git(hooks, {"init", "-q"});
    write_file(hooks + "/.pre-commit-hooks.yaml", read_file(src_path(".pre-commit-hooks.yaml")));
    write_file(hooks + "/examples/ci/pre-commit-kblint.sh", read_file(src_path("examples/ci/pre-commit-kblint.sh")));
    run_in(hooks, {"chmod", "+x", "examples/ci/pre-commit-kblint.sh"});
    commit_all(hooks, "hooks");
    std::string rev = git(hooks, {"rev-parse", "HEAD"}).out;
    rev.pop_back();

    std::string repo = team_repo("e2e-pre-commit");
    write_file(repo + "/.pre-commit-config.yaml", "repos:\n  - repo: " + hooks + "\n    rev: " + rev +
                                                      "\n    hooks:\n      - id: kblint-check\n        args: [--root, snapshots]\n");
    commit_all(repo, "pre-commit");
    std::string home = temp_dir("e2e-pre-commit-home");
    std::vector<std::string> env = {"KBLINT=" + std::string(KBLINT_BIN), "PRE_COMMIT_HOME=" + home + "/cache",
                                    "HOME=" + home, "NO_COLOR=1", "KBLINT_TODAY=2026-11-23"};
    auto pre_commit = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "pre-commit");
        run_output r = run_in(repo, args, env);
        INFO("pre-commit stdout:\n" << r.out << "stderr:\n" << r.err);
        return r;
    };

    // An untracked work-in-progress file does not block an unrelated commit.
    write_file(repo + "/snapshots/wip/draft.toml", "[host\n");
    write_file(repo + "/snapshots/green/web2.toml", "# checked on Monday\n" + web2);
    git(repo, {"add", "snapshots/green/web2.toml"});
    run_output ok = pre_commit({"run", "--color", "never"});
    CHECK(ok.status == 0);
    CHECK(ok.out.find("kblint check") != std::string::npos);
    CHECK(ok.out.find("Passed") != std::string::npos);
    CHECK(ok.out.find("draft.toml") == std::string::npos);
    git(repo, {"commit", "-q", "-m", "web2 checked"});

    // A commit that adds a broken snapshot is stopped, with the error located.
    write_file(repo + "/snapshots/blue/web3.toml", "[host]\nname = \"web3\"\nname = \"again\"\n");
    git(repo, {"add", "snapshots/blue/web3.toml"});
    run_output bad = pre_commit({"run", "--color", "never"});
    CHECK(bad.status == 1);
    CHECK(bad.out.find("Failed") != std::string::npos);
    CHECK(bad.out.find("snapshots/blue/web3.toml:3:1: error: ") != std::string::npos);
    CHECK(bad.out.find("draft.toml") == std::string::npos);

    // Installed as the git hook, it refuses the commit.
    CHECK(pre_commit({"install"}).status == 0);
    std::string head = git(repo, {"rev-parse", "HEAD"}).out;
    run_output refused = run_in(repo, {"git", "-c", "user.name=kblint", "-c", "user.email=kblint@example.invalid", "commit",
                                       "-q", "-m", "web3"},
                                env);
    CHECK(refused.status != 0);
    CHECK(git(repo, {"rev-parse", "HEAD"}).out == head);
}
