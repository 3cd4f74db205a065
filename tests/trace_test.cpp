// `kblint explain --trace RULE PATH...`: the exact trace of a node rule that fires, one whose `when`
// is false, one that reads a missing path and one with a long condition, on a small pack and a
// two-node cluster; a rule before runbook steps that reads the simulated state; exit statuses.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "checker/engine/trace.hpp"
#include "tests/test_util.hpp"

using kbl::test::run_kblint;
using kbl::test::run_output;

namespace {

const std::string pack_text = kbl::test::runbook_test_schema({"flags any"}) + R"KBL(action stop_service {
  arg service string required
  set target.services[step.service].state = "stopped"
}
action uninstall {
}
rule T-FIRE {
  title "t"
  severity error
  scope node
  ref KB "s"
  fix "f"
  require services.ClusSvc.state == "stopped"
  message "ClusSvc is not stopped"
}
rule T-WHEN {
  title "t"
  severity warning
  scope node
  ref KB "s"
  fix "f"
  when flags.iis
  require services.ClusSvc.state == "stopped"
  message "m"
}
rule T-MISSING {
  title "t"
  severity warning
  scope node
  ref KB "s"
  fix "f"
  require flags.level >= 2
  message "m"
}
rule T-LONG {
  title "t"
  severity info
  scope node
  ref KB "s"
  fix "f"
  require services.ClusSvc.state == "stopped" or (flags.iis and services.ClusSvc.state == "running")
  message "m"
}
rule T-STEP {
  title "t"
  severity error
  scope node
  ref KB "s"
  fix "f"
  on before uninstall
  require services.ClusSvc.state == "stopped"
  message "ClusSvc is {services.ClusSvc.state} at step {step_index}"
}
)KBL";

// A folder with the pack (pack/t.kbl) and two snapshots of one cluster (snaps/a.toml, snaps/b.toml).
std::string make_case() {
    std::string dir = kbl::test::temp_dir("trace");
    kbl::test::write_file(dir + "/pack/t.kbl", pack_text);
    kbl::test::write_file(dir + "/snaps/a.toml", R"([node]
name = "A"
[cluster]
name = "C1"
[services.ClusSvc]
state = "running"
[flags]
iis = false
)");
    kbl::test::write_file(dir + "/snaps/b.toml", R"([node]
name = "B"
[cluster]
name = "C1"
[services.ClusSvc]
state = "stopped"
[flags]
iis = false
)");
    return dir;
}

run_output trace(const std::string& dir, const std::string& rule, const std::string& path = "snaps") {
    return run_kblint({"explain", "--no-config", "--no-builtin", "-r", "pack", "--trace", rule, path}, dir);
}

} // namespace

TEST_CASE("explain --trace: a node rule that fires on one node and not on the other", "[trace]") {
    run_output r = trace(make_case(), "T-FIRE");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "T-FIRE on node A (snaps/a.toml)\n"
          "  services.ClusSvc.state == \"stopped\" = false\n"
          "    services.ClusSvc.state = \"running\"    (snaps/a.toml:6:9)\n"
          "      services.ClusSvc = {state = 'running'}    (snaps/a.toml:5:1)\n"
          "        services = {ClusSvc = {state = 'running'}}    (snaps/a.toml:5:1)\n"
          "    \"stopped\" = \"stopped\"\n"
          "  => finding: ClusSvc is not stopped    (snaps/a.toml:6:9)\n"
          "T-FIRE on node B (snaps/b.toml)\n"
          "  services.ClusSvc.state == \"stopped\" = true\n"
          "    services.ClusSvc.state = \"stopped\"    (snaps/b.toml:6:9)\n"
          "      services.ClusSvc = {state = 'stopped'}    (snaps/b.toml:5:1)\n"
          "        services = {ClusSvc = {state = 'stopped'}}    (snaps/b.toml:5:1)\n"
          "    \"stopped\" = \"stopped\"\n"
          "  => no finding\n");
}

TEST_CASE("explain --trace: a false 'when', a missing path and a long condition, each line labelled as written", "[trace]") {
    struct row {
        const char* rule;
        const char* path;
        std::string out;
    };
    const std::vector<row> rows = {
        {"T-WHEN", "snaps",  // the 'when' is false: the rule does not apply
         "T-WHEN on node A (snaps/a.toml)\n"
         "  flags.iis = false    (snaps/a.toml:8:7)\n"
         "    flags = {iis = false}    (snaps/a.toml:7:1)\n"
         "  => does not apply: a 'when' condition is false\n"
         "T-WHEN on node B (snaps/b.toml)\n"
         "  flags.iis = false    (snaps/b.toml:8:7)\n"
         "    flags = {iis = false}    (snaps/b.toml:7:1)\n"
         "  => does not apply: a 'when' condition is false\n"},
        {"T-MISSING", "snaps",  // a missing path makes it unknown, located at its table
         "T-MISSING on node A (snaps/a.toml)\n"
         "  flags.level >= 2 = missing ('flags.level' is missing)\n"
         "    flags.level = missing ('flags.level' is missing)    (snaps/a.toml:7:1)\n"
         "      flags = {iis = false}    (snaps/a.toml:7:1)\n"
         "  => unknown: cannot check this rule on A: 'flags.level' is missing    (snaps/a.toml:7:1)\n"
         "T-MISSING on node B (snaps/b.toml)\n"
         "  flags.level >= 2 = missing ('flags.level' is missing)\n"
         "    flags.level = missing ('flags.level' is missing)    (snaps/b.toml:7:1)\n"
         "      flags = {iis = false}    (snaps/b.toml:7:1)\n"
         "  => unknown: cannot check this rule on B: 'flags.level' is missing    (snaps/b.toml:7:1)\n"},
        {"T-LONG", "snaps/a.toml",  // a label wider than 60 columns is cut with '…'; printed as `kblint fmt` would
         "T-LONG on node A (snaps/a.toml)\n"
         "  services.ClusSvc.state == \"stopped\" or flags.iis and servic… = false\n"
         "    services.ClusSvc.state == \"stopped\" = false\n"
         "      services.ClusSvc.state = \"running\"    (snaps/a.toml:6:9)\n"
         "        services.ClusSvc = {state = 'running'}    (snaps/a.toml:5:1)\n"
         "          services = {ClusSvc = {state = 'running'}}    (snaps/a.toml:5:1)\n"
         "      \"stopped\" = \"stopped\"\n"
         "    flags.iis and services.ClusSvc.state == \"running\" = false\n"
         "      flags.iis = false    (snaps/a.toml:8:7)\n"
         "        flags = {iis = false}    (snaps/a.toml:7:1)\n"
         "  => finding: m    (snaps/a.toml:8:7)\n"},
    };
    std::string dir = make_case();
    for (const row& w : rows) {
        INFO(w.rule);
        run_output r = run_kblint({"explain", "--no-config", "--no-builtin", "-r", "pack", "--trace", w.rule, w.path}, dir);
        CHECK(r.status == 0);
        CHECK(r.err.empty());
        CHECK(r.out == w.out);
    }
}

TEST_CASE("explain --trace: a rule on a runbook step reads the simulated state a step made", "[trace]") {
    std::string dir = make_case();
    kbl::test::write_file(dir + "/runbook/a.toml", R"([node]
name = "A"
[cluster]
name = "C1"
[services.ClusSvc]
state = "running"
[[runbook.steps]]
node = "A"
action = "uninstall"
[[runbook.steps]]
node = "A"
action = "stop_service"
service = "ClusSvc"
[[runbook.steps]]
node = "A"
action = "uninstall"
)");
    run_output r = trace(dir, "T-STEP", "runbook");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    // Before step 1 the state is the snapshot's; before step 3, ClusSvc is as step 2 left it.
    CHECK(r.out ==
          "T-STEP before step 1 (uninstall on A) (runbook/a.toml)\n"
          "  services.ClusSvc.state == \"stopped\" = false\n"
          "    services.ClusSvc.state = \"running\"    (runbook/a.toml:6:9)\n"
          "      services.ClusSvc = {state = 'running'}    (runbook/a.toml:5:1)\n"
          "        services = {ClusSvc = {state = 'running'}}    (runbook/a.toml:5:1)\n"
          "    \"stopped\" = \"stopped\"\n"
          "  services.ClusSvc.state = \"running\"    (runbook/a.toml:6:9)\n"
          "    services.ClusSvc = {state = 'running'}    (runbook/a.toml:5:1)\n"
          "      services = {ClusSvc = {state = 'running'}}    (runbook/a.toml:5:1)\n"
          "  step_index = 1\n"
          "  => finding: ClusSvc is running at step 1    (runbook/a.toml:7:1)\n"
          "T-STEP before step 3 (uninstall on A) (runbook/a.toml)\n"
          "  services.ClusSvc.state == \"stopped\" = true\n"
          "    services.ClusSvc.state = \"stopped\"    (set by step 2 (stop_service) at runbook/a.toml:10:1)\n"
          "      services.ClusSvc = {state = 'stopped'}    (runbook/a.toml:5:1)\n"
          "        services = {ClusSvc = {state = 'stopped'}}    (runbook/a.toml:5:1)\n"
          "    \"stopped\" = \"stopped\"\n"
          "  => no finding\n");
}

TEST_CASE("trace labels are cut to a width in columns, never inside a character", "[trace]") {
    CHECK(kbl::cut_to_width("abcdef", 6) == "abcdef");
    CHECK(kbl::cut_to_width("abcdefg", 6) == "abcde…");
    CHECK(kbl::cut_to_width("ab😀cd", 5) == "ab😀…");  // the emoji takes two columns
    CHECK(kbl::cut_to_width("ab😀cd", 4) == "ab…");
}

TEST_CASE("explain --trace: usage errors exit 2", "[trace]") {
    std::string dir = make_case();
    run_output unknown = trace(dir, "T-FIR");
    CHECK(unknown.status == 2);
    CHECK(unknown.out.empty());
    CHECK(unknown.err == "kblint: unknown rule 'T-FIR', did you mean 'T-FIRE'?\n");
    run_output no_paths = run_kblint({"explain", "--no-config", "--no-builtin", "-r", "pack", "--trace", "T-FIRE"}, dir);
    CHECK(no_paths.status == 2);
    CHECK(no_paths.err == "kblint: --trace needs snapshot files or folders: kblint explain --trace RULE PATH...\n");
    run_output no_trace = run_kblint({"explain", "--no-config", "--no-builtin", "-r", "pack", "T-FIRE", "snaps"}, dir);
    CHECK(no_trace.status == 2);
    CHECK(no_trace.err == "kblint: snapshot paths are read only with --trace: kblint explain --trace RULE PATH...\n");
}
