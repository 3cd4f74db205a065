// `kblint explain --trace RULE PATH...`: the exact trace of a node rule that fires, one whose `when`
// is false and one that reads a missing path, on a small pack and a two-node cluster; exit statuses.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "test_util.hpp"

using kbl::test::run_kblint;
using kbl::test::run_output;

namespace {

const std::string pack_text = R"KBL(schema {
  node_id node.name
  cluster_id cluster.name
  field node.name string
  field cluster.name string
  field services table nocase
  field services.*.state enum("running", "stopped")
  field flags any
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

run_output trace(const std::string& dir, const std::string& rule) {
    return run_kblint({"explain", "--no-config", "--no-builtin", "-r", "pack", "--trace", rule, "snaps"}, dir);
}

} // namespace

TEST_CASE("explain --trace: a node rule that fires on one node and not on the other", "[trace]") {
    run_output r = trace(make_case(), "T-FIRE");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "T-FIRE on node A (snaps/a.toml)\n"
          "  == = false\n"
          "    services.ClusSvc.state = \"running\"    (snaps/a.toml:6:9)\n"
          "      services.ClusSvc = {state = 'running'}    (snaps/a.toml:5:1)\n"
          "        services = {ClusSvc = {state = 'running'}}    (snaps/a.toml:5:1)\n"
          "    \"stopped\" = \"stopped\"\n"
          "  => finding: ClusSvc is not stopped    (snaps/a.toml:6:9)\n"
          "T-FIRE on node B (snaps/b.toml)\n"
          "  == = true\n"
          "    services.ClusSvc.state = \"stopped\"    (snaps/b.toml:6:9)\n"
          "      services.ClusSvc = {state = 'stopped'}    (snaps/b.toml:5:1)\n"
          "        services = {ClusSvc = {state = 'stopped'}}    (snaps/b.toml:5:1)\n"
          "    \"stopped\" = \"stopped\"\n"
          "  => no finding\n");
}

TEST_CASE("explain --trace: a rule whose 'when' is false does not apply", "[trace]") {
    run_output r = trace(make_case(), "T-WHEN");
    CHECK(r.status == 0);
    CHECK(r.out ==
          "T-WHEN on node A (snaps/a.toml)\n"
          "  flags.iis = false    (snaps/a.toml:8:7)\n"
          "    flags = {iis = false}    (snaps/a.toml:7:1)\n"
          "  => does not apply: a 'when' condition is false\n"
          "T-WHEN on node B (snaps/b.toml)\n"
          "  flags.iis = false    (snaps/b.toml:8:7)\n"
          "    flags = {iis = false}    (snaps/b.toml:7:1)\n"
          "  => does not apply: a 'when' condition is false\n");
}

TEST_CASE("explain --trace: a missing path makes the rule unknown, located at its table", "[trace]") {
    run_output r = trace(make_case(), "T-MISSING");
    CHECK(r.status == 0);
    CHECK(r.out ==
          "T-MISSING on node A (snaps/a.toml)\n"
          "  >= = missing ('flags.level' is missing)\n"
          "    flags.level = missing ('flags.level' is missing)    (snaps/a.toml:7:1)\n"
          "      flags = {iis = false}    (snaps/a.toml:7:1)\n"
          "  => unknown: cannot check this rule on A: 'flags.level' is missing    (snaps/a.toml:7:1)\n"
          "T-MISSING on node B (snaps/b.toml)\n"
          "  >= = missing ('flags.level' is missing)\n"
          "    flags.level = missing ('flags.level' is missing)    (snaps/b.toml:7:1)\n"
          "      flags = {iis = false}    (snaps/b.toml:7:1)\n"
          "  => unknown: cannot check this rule on B: 'flags.level' is missing    (snaps/b.toml:7:1)\n");
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
