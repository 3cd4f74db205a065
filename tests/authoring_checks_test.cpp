// Static checks where rules are written (issue 14): action bodies against the schema, def bodies
// typed from their call sites, `step.X` against the step's declared arguments, `step` where no step
// is in scope; the warnings (conditions that cannot change, unused defs and tables, shadowing),
// their ids and `# kbl: allow(ID)`; "did you mean" for a function named by a longer word.
#include <catch2/catch.hpp>

#include "checker/engine/engine.hpp"
#include "cli/builtin_rules.hpp"
#include "test_util.hpp"

namespace {

const std::string schema = R"(schema {
  node_id node.name
  cluster_id cluster.name
  runbook runbook.steps
  step_action action
  step_node node
  field node.name string required
  field node.role enum("primary", "replica")
  field cluster.name string
  field postgres.state enum("running", "stopped")
  field postgres.version string
  field postgres.port int
  field databases table nocase
  field databases.*.owner string
  field tags list(string)
  field runbook any optional
}
)";

const std::string meta = "  title \"t\"\n  severity error\n  ref KB1 \"s\"\n  fix \"f\"\n  message \"m\"\n";

// A rule of `scope` with `body` (line 8 is the body's first line).
std::string rule(const std::string& scope, const std::string& body) {
    return "rule R-1 {\n" + meta + "  scope " + scope + "\n" + body + "}\n";
}

// Every diagnostic's first line, `file:line:col: severity: message [id]`.
std::vector<std::string> load(const std::string& text, const std::string& extra = "") {
    std::vector<kbl::source_ptr> srcs{std::make_shared<kbl::source_file>("s.kbl", schema),
                                      std::make_shared<kbl::source_file>("r.kbl", text)};
    if (!extra.empty()) srcs.push_back(std::make_shared<kbl::source_file>("x.kbl", extra));
    auto res = kbl::load_pack(srcs);
    std::vector<std::string> out;
    for (const auto& d : res.diags) {
        std::string r = kbl::render_diagnostic(d);
        out.push_back(r.substr(0, r.find('\n')));
    }
    CHECK((res.p != nullptr) == !kbl::has_errors(res.diags));
    return out;
}

using lines = std::vector<std::string>;

const std::string upgrade = "action upgrade {\n  arg to_version string required\n  set target.postgres.version = step.to_version\n}\n";

} // namespace

TEST_CASE("action bodies: targets against the schema, values against types and enums", "[authoring]") {
    CHECK(load("action stop {\n  set target.postgres.stat = \"stopped\"\n}\n") ==
          lines{"r.kbl:2:23: error: unknown field 'stat' in 'postgres', did you mean 'state'? [unknown-path]"});
    CHECK(load("action stop {\n  set target.postgres.state = \"down\"\n}\n") ==
          lines{"r.kbl:2:31: error: 'down' is not a value of 'postgres.state' (running, stopped) [type-error]"});
    CHECK(load("action stop {\n  set target.postgres.state = \"stoped\"\n}\n") ==
          lines{"r.kbl:2:31: error: 'stoped' is not a value of 'postgres.state' (running, stopped), did you mean "
                "'stopped'? [type-error]"});
    CHECK(load("action stop {\n  set target.postgres.port = \"5432\"\n}\n") ==
          lines{"r.kbl:2:30: error: cannot set 'postgres.port', declared an int, to a string [type-error]"});
    CHECK(load("action tag {\n  add target.tags, 3\n}\n") ==
          lines{"r.kbl:2:20: error: cannot add an int to 'tags', a list of string [type-error]"});
    CHECK(load("action tag {\n  remove target.postgres.port, 3\n}\n") ==
          lines{"r.kbl:2:10: error: 'remove' needs a list, but 'postgres.port' is declared an int [type-error]"});
    CHECK(load("action own {\n  set target.databases[\"App\"].ownr = \"x\"\n}\n") ==
          lines{"r.kbl:2:31: error: unknown field 'ownr' in 'databases.*', did you mean 'owner'? [unknown-path]"});
    // Values the schema allows, keys of `*` tables, variables bound to a schema position, `delete`.
    CHECK(load("action ok {\n  set target.postgres.state = \"Stopped\"\n  add target.tags, \"x\"\n"
               "  set target.databases[target.node.name].owner = \"me\"\n"
               "  for d in target.databases.* {\n    set d.owner = \"you\"\n  }\n  delete target.postgres.port\n}\n")
              .empty());
}

TEST_CASE("def bodies are checked with the types of their call sites", "[authoring]") {
    CHECK(load("def is_primary(n) = n.node.rol == \"primary\"\n" +
               rule("cluster", "  require all n in nodes: is_primary(n)\n")) ==
          lines{"r.kbl:1:28: error: unknown field 'rol' in 'node', did you mean 'role'? [unknown-path]"});
    // An enum value the field does not have.
    CHECK(load("def primary(n) = n.node.role == \"primry\"\n" + rule("node", "  require primary(self)\n")) ==
          lines{"r.kbl:1:33: error: 'primry' is not a value of 'node.role' (primary, replica), did you mean 'primary'? "
                "[type-error]"});
    // Through another def.
    CHECK(load("def port_ok(n) = n.postgres.prot > 0\ndef check(n) = port_ok(n)\n" +
               rule("node", "  require check(self)\n")) ==
          lines{"r.kbl:1:29: error: unknown field 'prot' in 'postgres', did you mean 'port'? [unknown-path]"});
    // Called with a node and with a table of another shape: the parameter is untyped, no error.
    CHECK(load("def named(x) = exists(x.name)\n" + rule("node", "  require named(node) and named(self)\n")).empty());
    // Never called: checked without types.
    CHECK(load("# kbl: allow(unused-def)\ndef loose(x) = x.anything == 1\n").empty());
}

TEST_CASE("def parameters with written types: the body checked without a call, each argument at the call",
          "[authoring]") {
    // `n: node` types the body even when nothing calls the def.
    CHECK(load("# kbl: allow(unused-def)\ndef is_primary(n: node) = n.node.rol == \"primary\"\n") ==
          lines{"r.kbl:2:34: error: unknown field 'rol' in 'node', did you mean 'role'? [unknown-path]"});
    CHECK(load("# kbl: allow(unused-def)\ndef majors(ns: list(node)) = map n in ns: n.postgres.verison\n") ==
          lines{"r.kbl:2:54: error: unknown field 'verison' in 'postgres', did you mean 'version'? [unknown-path]"});
    CHECK(load("# kbl: allow(unused-def)\ndef half(v: string) = v / 2\n") ==
          lines{"r.kbl:2:23: error: cannot divide a string and an int [type-error]"});
    // Each argument against its parameter's type, at the argument.
    const std::string allow = "# kbl: allow(unused-def)\n";
    const std::string defs = "def is_primary(n: node) = n.node.role == \"primary\"\n"
                             "def major(v: string, k: int | float) = int(split(v, \".\")[0]) > k\n"
                             "def count_of(ns: list(node)) = len(ns)\n";
    CHECK(load(defs + rule("node", "  require is_primary(self) and major(postgres.version, 1.5) and count_of(others(self)) > 0\n"))
              .empty());
    CHECK(load(defs + rule("cluster", "  require all n in nodes: is_primary(n) and major(n.postgres.version, 1) and count_of(nodes) > 0\n"))
              .empty());
    CHECK(load(defs + rule("node", "  require is_primary(node.name) and is_primary(postgres) and major(postgres.port, \"1\")\n") + allow) ==
          lines{"r.kbl:11:22: error: argument 1 of 'is_primary' is a string, the def wants n: node [type-error]",
                "r.kbl:11:48: error: argument 1 of 'is_primary' is the table 'postgres', the def wants n: node [type-error]",
                "r.kbl:11:68: error: argument 1 of 'major' is an int, the def wants v: string [type-error]",
                "r.kbl:11:83: error: argument 2 of 'major' is a string, the def wants k: int | float [type-error]"});
    CHECK(load(defs + rule("node", "  require count_of(tags) > 0 and count_of(self) > 0\n") + allow) ==
          lines{"r.kbl:11:20: error: argument 1 of 'count_of' is a list of strings, the def wants ns: list(node) [type-error]",
                "r.kbl:11:43: error: argument 1 of 'count_of' is a node, the def wants ns: list(node) [type-error]"});
    // The note points at the parameter.
    std::vector<kbl::source_ptr> srcs{std::make_shared<kbl::source_file>("s.kbl", schema),
                                      std::make_shared<kbl::source_file>("r.kbl", defs + rule("node", "  require is_primary(1)\n") + allow)};
    auto res = kbl::load_pack(srcs);
    REQUIRE(res.diags.size() == 1);
    REQUIRE(res.diags[0].notes.size() == 1);
    CHECK(res.diags[0].notes[0].message == "parameter 'n' of 'is_primary' is declared here");
    CHECK(res.diags[0].notes[0].where.line == 1);
    CHECK(res.diags[0].notes[0].where.column == 16);
    // An untyped parameter beside a typed one still takes its call sites' type.
    CHECK(load("def f(n: node, x) = n.node.name == x.nme\n" + rule("node", "  require f(self, node)\n")) ==
          lines{"r.kbl:1:38: error: unknown field 'nme' in 'node', did you mean 'name'? [unknown-path]"});
    // Through a module: the argument is checked against the module's def.
    std::string dir = kbl::test::temp_dir("typed-module");
    kbl::test::write_file(dir + "/x.kbl", "def is_primary(n: node) = n.node.role == \"primary\"\n");
    auto mod = kbl::load_pack({std::make_shared<kbl::source_file>(dir + "/s.kbl", schema),
                               std::make_shared<kbl::source_file>(
                                   dir + "/r.kbl", "use \"x.kbl\" as x\n" + rule("node", "  require x.is_primary(node.role)\n"))});
    REQUIRE(mod.diags.size() == 1);
    CHECK(kbl::render_diagnostic(mod.diags[0]).rfind(
              dir + "/r.kbl:9:24: error: argument 1 of 'is_primary' is a string, the def wants n: node [type-error]\n", 0) == 0);
}

TEST_CASE("step.X is checked against the arguments the step's actions declare", "[authoring]") {
    CHECK(load("action upgrade {\n  arg to_version string required\n  set target.postgres.version = step.to_versoin\n}\n") ==
          lines{"r.kbl:3:38: error: 'to_versoin' is not an argument of action 'upgrade', did you mean 'to_version'? "
                "[unknown-path]"});
    CHECK(load(upgrade + rule("node", "  on before upgrade\n  require step.to_versoin != \"\"\n")) ==
          lines{"r.kbl:13:16: error: 'to_versoin' is not an argument of action 'upgrade', did you mean 'to_version'? "
                "[unknown-path]"});
    // The type of an argument is known: comparing it with an int is an error.
    CHECK(load(upgrade + rule("node", "  on after upgrade\n  require step.to_version != 16\n")) ==
          lines{"r.kbl:13:30: error: cannot compare a string with an int [type-error]"});
    // Several actions: any argument of one of them, and the step's action and node keys.
    std::string two = upgrade + "action stop {\n  arg force bool\n  set target.postgres.state = \"stopped\"\n}\n";
    CHECK(load(two + rule("node", "  on before upgrade, stop\n  require step.force or step.to_version != \"\" or "
                                  "step.action == \"x\" or step.node == \"y\"\n"))
              .empty());
    CHECK(load(two + rule("node", "  on before upgrade, stop\n  require step.forse\n")) ==
          lines{"r.kbl:17:16: error: 'forse' is not an argument of actions 'upgrade' or 'stop', did you mean 'force'? "
                "[unknown-path]"});
    // An action that declares no argument: any key may be read.
    CHECK(load("action legacy {\n  set target.postgres.state = step.state ?? \"stopped\"\n}\n" +
               rule("node", "  on before legacy\n  require step.whatever != \"\"\n"))
              .empty());
}

TEST_CASE("step, target and runbook outside their scope say where they are available", "[authoring]") {
    CHECK(load(rule("node", "  require step.to_version == \"16\"\n")) ==
          lines{"r.kbl:8:11: error: 'step' is only available in action bodies and in rules with 'on before ACTION' or "
                "'on after ACTION' (and in the defs they call); this expression is evaluated on the snapshots "
                "[unknown-name]"});
    CHECK(load(rule("cluster", "  require len(steps) > 0\n")) ==
          lines{"r.kbl:8:15: error: 'steps' is only available in rules of scope 'runbook' and in rules with an 'on' "
                "trigger (and in the defs they call) [unknown-name]"});
}

TEST_CASE("conditions that no snapshot can change are warnings", "[authoring]") {
    auto one = [](const std::string& cond) { return load(rule("node", "  require " + cond + "\n")); };
    CHECK(one("node.role == \"primary\" and node.role == \"replica\"") ==
          lines{"r.kbl:8:11: warning: this condition is always false: 'node.role' cannot be both \"primary\" and "
                "\"replica\" [constant-condition]"});
    CHECK(one("node.role != \"primary\" or node.role != \"replica\"") ==
          lines{"r.kbl:8:11: warning: this condition is always true: 'node.role' is always either not \"primary\" or "
                "not \"replica\" [constant-condition]"});
    CHECK(one("node.role == \"primary\" and node.role == \"Primary\"").empty());
    CHECK(one("node.name == \"a\" or true") ==
          lines{"r.kbl:8:11: warning: this condition is always true: one side of 'or' is 'true' [constant-condition]"});
    CHECK(one("false and node.name == \"a\"") ==
          lines{"r.kbl:8:11: warning: this condition is always false: one side of 'and' is 'false' [constant-condition]"});
    CHECK(one("node.name == \"a\" and true") ==
          lines{"r.kbl:8:11: warning: 'true' never changes the result of 'and'; remove it [constant-condition]"});
    CHECK(one("len(tags) >= 0") ==
          lines{"r.kbl:8:11: warning: this comparison is always true: 'len(...)' is never negative [constant-condition]"});
    CHECK(one("0 > (count t in tags where t == \"x\")") ==
          lines{"r.kbl:8:11: warning: this comparison is always false: a count is never negative [constant-condition]"});
    CHECK(one("node.name == node.name").empty());  // unknown when node.name is missing
    CHECK(one("node.name == \"a\" or node.name == \"a\"") ==
          lines{"r.kbl:8:11: warning: both sides of 'or' are the same condition [constant-condition]"});
    // Nested in a quantifier, and in an action's `if`.
    CHECK(one("all t in tags: t == \"a\" and t == \"b\"") ==
          lines{"r.kbl:8:26: warning: this condition is always false: 't' cannot be both \"a\" and \"b\" "
                "[constant-condition]"});
    CHECK(load("action a {\n  if len(target.tags) < 0 {\n    delete target.tags\n  }\n}\n") ==
          lines{"r.kbl:2:6: warning: this comparison is always false: 'len(...)' is never negative [constant-condition]"});
}

TEST_CASE("unused defs and tables, and names that hide others, are warnings", "[authoring]") {
    CHECK(load("def helper = 3\ntable t {\n  \"a\" = 1\n}\n") ==
          lines{"r.kbl:1:5: warning: 'helper' is defined but never used [unused-def]",
                "r.kbl:2:7: warning: table 't' is declared but never used [unused-table]"});
    CHECK(load("def decode_codes(x) = x\n").empty());  // read by `kblint decode codes`
    CHECK(load("def limit = 3\n" + rule("node", "  let limit = 4\n  require postgres.port > limit\n")) ==
          lines{"r.kbl:9:7: warning: 'limit' hides the def 'limit'; choose another name [shadowing]",
                "r.kbl:1:5: warning: 'limit' is defined but never used [unused-def]"});
    CHECK(load(rule("node", "  let t = 1\n  require all t in tags: t != \"x\"\n")) ==
          lines{"r.kbl:9:11: warning: 't' hides the variable 't' of an enclosing scope; choose another name [shadowing]",
                "r.kbl:8:7: warning: 't' is bound by 'let' but never used [unused-let]"});
    CHECK(load("def has_tag(tags, x) = x in tags\n" + rule("node", "  require has_tag(tags, \"a\")\n")) ==
          lines{"r.kbl:1:13: warning: 'tags' hides the snapshot field 'tags'; choose another name [shadowing]"});
    CHECK(load("action a {\n  for d in target.tags {\n    for d in target.tags {\n      delete target.postgres\n    }\n  }\n}\n") ==
          lines{"r.kbl:3:9: warning: 'd' hides the variable 'd' of an enclosing scope; choose another name [shadowing]"});
}

TEST_CASE("# kbl: allow(ID) silences a warning in its file only", "[authoring]") {
    const std::string helpers = "def helper = 3\ndef spare = 4\n";
    CHECK(load("# helpers for other packs  # kbl: allow(unused-def)\n" + helpers).empty());
    CHECK(load(helpers + "# kbl: allow(shadowing, unused-def)\n").empty());
    CHECK(load(helpers + "# kbl: allow(unused-table)\n") ==
          lines{"r.kbl:1:5: warning: 'helper' is defined but never used [unused-def]",
                "r.kbl:2:5: warning: 'spare' is defined but never used [unused-def]"});
    CHECK(load("# kbl: allow(unused-def)\n", helpers) ==
          lines{"x.kbl:1:5: warning: 'helper' is defined but never used [unused-def]",
                "x.kbl:2:5: warning: 'spare' is defined but never used [unused-def]"});
    // In a string it is no comment.
    CHECK(load("def helper = \"# kbl: allow(unused-def)\"\n") ==
          lines{"r.kbl:1:5: warning: 'helper' is defined but never used [unused-def]"});
}

TEST_CASE("an unknown function named by a longer word suggests the built-in", "[authoring]") {
    CHECK(load(rule("node", "  require length(node.name) > 0\n")) ==
          lines{"r.kbl:8:11: error: unknown function 'length', did you mean 'len'? [unknown-function]"});
    CHECK(load(rule("node", "  require low(node.name) == \"a\"\n")) ==
          lines{"r.kbl:8:11: error: unknown function 'low', did you mean 'lower'? [unknown-function]"});
}

TEST_CASE("the built-in pack loads without a warning", "[authoring]") {
    std::vector<kbl::source_ptr> srcs;
    for (const auto& b : kbl::builtin_rule_files())
        srcs.push_back(std::make_shared<kbl::source_file>(std::string(b.name), std::string(b.text)));
    auto res = kbl::load_pack(srcs);
    for (const auto& d : res.diags) FAIL_CHECK(kbl::render_diagnostic(d));
    CHECK(res.p != nullptr);
}

TEST_CASE("warnings do not fail check, rules --strict fails on them", "[authoring][cli]") {
    std::string dir = kbl::test::temp_dir("authoring");
    kbl::test::write_file(dir + "/pack/s.kbl", schema);
    kbl::test::write_file(dir + "/pack/r.kbl", "def helper = 3\n" + rule("node", "  require postgres.port > 0\n"));
    kbl::test::write_file(dir + "/snaps/a.toml", "[node]\nname = \"a\"\n[cluster]\nname = \"c\"\n[postgres]\nport = 5432\n");
    const std::string warn = "pack/r.kbl:1:5: warning: 'helper' is defined but never used [unused-def]\n";
    auto check = kbl::test::run_kblint({"check", "--no-builtin", "-r", "pack", "snaps"}, dir);
    CHECK(check.status == 0);
    CHECK(check.err.rfind(warn, 0) == 0);
    auto rules = kbl::test::run_kblint({"rules", "--no-builtin", "-r", "pack"}, dir);
    CHECK(rules.status == 0);
    auto strict = kbl::test::run_kblint({"rules", "--no-builtin", "-r", "pack", "--strict"}, dir);
    CHECK(strict.status == 1);
    CHECK(strict.out == rules.out);
    CHECK(strict.err.rfind(warn, 0) == 0);
    CHECK(strict.err.find("1 warning in the rule files (--strict)\n") != std::string::npos);
}

TEST_CASE("the example packs load without a warning under rules --strict", "[authoring][cli]") {
    // examples/postgres: its .kblint.toml selects pgpack (lib/ holds a module its files load with `as`).
    for (const char* example : {"examples/postgres", "examples/webserver"}) {
        INFO(example);
        std::vector<std::string> args{"rules", "--strict"};
        if (std::string(example) == "examples/webserver") args.insert(args.end(), {"--no-builtin", "-r", "."});
        auto r = kbl::test::run_kblint(args, kbl::test::src_path(example));
        CHECK(r.status == 0);
        CHECK(r.err.empty());
    }
}

TEST_CASE("kblint test: an unknown rule in a project that selects its pack hints at -r", "[authoring][cli]") {
    std::string dir = kbl::test::temp_dir("authoring-test");
    kbl::test::write_file(dir + "/.kblint.toml", "no_builtin = true\nrules = [\"pack\"]\n");
    kbl::test::write_file(dir + "/pack/s.kbl", schema);
    kbl::test::write_file(dir + "/pack/r.kbl", rule("node", "  require postgres.port > 0\n"));
    kbl::test::write_file(dir + "/tests/t.toml", "[[case]]\nname = \"c\"\nsnapshots = []\n[[case.expect]]\nrule = \"IIS-7\"\n");
    auto r = kbl::test::run_kblint({"test", "tests"}, dir);
    CHECK(r.status == 2);
    CHECK(r.err.rfind("tests/t.toml:5:8: error: unknown rule 'IIS-7' [test-file]\n", 0) == 0);
    CHECK(r.err.find("help: the rules loaded are those of '.kblint.toml'; another pack needs '-r PATH'\n") !=
          std::string::npos);
}
