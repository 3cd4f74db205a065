// Static checks at load time: duplicates, unknown names with "did you mean", arity, types the
// AST can see, regular expressions, schema paths and enums, missing metadata, unused lets.
#include <catch2/catch.hpp>

#include "checker/engine/engine.hpp"

namespace {

const std::string schema = R"(schema {
  node_id node.netbios_name
  cluster_id cluster.name
  field node.netbios_name string required
  field cluster.name string
  field services table nocase
  field services.*.state enum("running", "stopped")
  field services.*.start_type enum("automatic", "manual", "disabled")
  field os.service_pack int
  field ntop.unchecked_components list(string)
  field iis.installed bool
  field extra any
}
)";

const std::string meta = "  title \"t\"\n  severity error\n  scope node\n  ref KB1 \"s\"\n  fix \"f\"\n  message \"m\"\n";

// Every diagnostic as `file:line:col: severity: message`.
std::vector<std::string> load(const std::vector<std::pair<std::string, std::string>>& files) {
    std::vector<kbl::source_ptr> srcs;
    for (const auto& [name, text] : files) srcs.push_back(std::make_shared<kbl::source_file>(name, text));
    auto res = kbl::load_pack(srcs);
    std::vector<std::string> out;
    for (const auto& d : res.diags)
        out.push_back(d.name() + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                      (d.severity == kbl::diag_severity::error ? "error: " : "warning: ") + d.message);
    if (out.empty()) CHECK(res.p != nullptr);
    return out;
}

std::vector<std::string> rule(const std::string& body) {
    return load({{"s.kbl", schema}, {"r.kbl", "rule R-1 {\n" + meta + body + "}\n"}});
}

} // namespace

TEST_CASE("a valid pack loads without diagnostics", "[compile]") {
    CHECK(rule("  require services.ClusSvc.state == \"stopped\"\n").empty());
    CHECK(rule("  let s = services.ClusSvc\n  require s.start_type ~= \"Manual\"\n").empty());
}

TEST_CASE("duplicate rule ids and names show both locations", "[compile]") {
    std::vector<kbl::source_ptr> srcs{
        std::make_shared<kbl::source_file>("a.kbl", "rule R-1 {\n" + meta + "  require true == true\n}\ndef f = 1  # kbl: allow(unused-def)\n"),
        std::make_shared<kbl::source_file>("b.kbl", "\nrule R-1 {\n" + meta + "  require true == true\n}\ndef f = 2\n")};
    auto res = kbl::load_pack(srcs);
    REQUIRE(res.diags.size() == 2);
    CHECK(res.p == nullptr);
    CHECK(res.diags[0].name() == "b.kbl");
    CHECK(res.diags[0].where == kbl::pos{2, 6});
    CHECK(res.diags[0].message == "duplicate rule id 'R-1'");
    REQUIRE(res.diags[0].notes.size() == 1);
    CHECK(res.diags[0].notes[0].file->name() == "a.kbl");
    CHECK(res.diags[0].notes[0].where == kbl::pos{1, 6});
    CHECK(res.diags[1].message == "'f' is defined twice");
    CHECK(res.diags[1].notes[0].where == kbl::pos{10, 5});
    CHECK(kbl::render_diagnostic(res.diags[0]) ==
          "b.kbl:2:6: error: duplicate rule id 'R-1' [duplicate-rule]\n"
          " 2 | rule R-1 {\n"
          "   |      ^\n"
          "a.kbl:1:6: note: first defined here\n"
          " 1 | rule R-1 {\n"
          "   |      ^\n");
}

TEST_CASE("unknown functions, names and paths get did-you-mean", "[compile]") {
    CHECK(rule("  require lowr(node.netbios_name) == \"a\"\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: unknown function 'lowr', did you mean 'lower'?"});
    CHECK(rule("  require servces.ClusSvc.state == \"stopped\"\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: unknown name or snapshot field 'servces' in the snapshot, did you mean 'services'?"});
    CHECK(rule("  require services.ClusSvc.stat == \"stopped\"\n") ==
          std::vector<std::string>{"r.kbl:8:28: error: unknown field 'stat' in 'services.*', did you mean 'state'?"});
    CHECK(rule("  require extra.anything.goes == 1\n").empty());
    CHECK(load({{"s.kbl", schema}, {"r.kbl", "rule R-1 {\n" + meta + "  scope cluster\n}\n"}}) ==
          std::vector<std::string>{"r.kbl:8:3: error: 'scope' is given twice in rule 'R-1' (first at line 4)"});
    auto cluster = load({{"s.kbl", schema},
                         {"r.kbl", "rule R-1 {\n  title \"t\"\n  severity error\n  scope cluster\n  ref KB1 \"s\"\n  fix \"f\"\n"
                                   "  message \"m\"\n  require os.service_pack == 1\n}\n"}});
    CHECK(cluster == std::vector<std::string>{
                         "r.kbl:8:11: error: unknown name 'os'; in a rule of scope 'cluster' snapshot fields are read through a node, for example 'all n in nodes: n.os'"});
}

TEST_CASE("wrong arity is located at the call", "[compile]") {
    CHECK(rule("  require starts_with(node.netbios_name) == true\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: 'starts_with' takes 2 arguments, but 1 was given"});
    auto d = load({{"s.kbl", schema}, {"r.kbl", "def f(a, b) = a == b\nrule R-1 {\n" + meta + "  require f(1)\n}\n"}});
    CHECK(d == std::vector<std::string>{"r.kbl:9:11: error: 'f' takes 2 arguments, but 1 was given"});
}

TEST_CASE("type errors the AST can see", "[compile]") {
    CHECK(rule("  require os.service_pack == \"5\"\n") ==
          std::vector<std::string>{"r.kbl:8:30: error: cannot compare an int with a string"});
    CHECK(rule("  require \"a\" == 1\n") == std::vector<std::string>{"r.kbl:8:18: error: cannot compare a string with an int"});
    CHECK(rule("  require all x in os.service_pack: x == 1\n") ==
          std::vector<std::string>{"r.kbl:8:20: error: cannot iterate over an int"});
    CHECK(rule("  require node.netbios_name\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: expected a condition (bool), but this is a string"});
    CHECK(rule("  require services.ClusSvc.state == \"stoped\"\n") ==
          std::vector<std::string>{"r.kbl:8:37: error: 'stoped' is not a value of 'services.*.state' (running, stopped), did you mean 'stopped'?"});
    CHECK(rule("  require 1 + \"a\" == 2\n") == std::vector<std::string>{"r.kbl:8:15: error: cannot add an int and a string"});
}

TEST_CASE("invalid regular expressions are load errors", "[compile]") {
    CHECK(rule("  require node.netbios_name matches 'a(b'\n") ==
          std::vector<std::string>{"r.kbl:8:37: error: invalid regular expression: missing ): a(b"});
    CHECK(rule("  require capture(node.netbios_name, '[z-a]') == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:38: error: invalid regular expression: invalid character class range: z-a"});
}

TEST_CASE("missing required metadata is located at the rule id", "[compile]") {
    auto d = load({{"r.kbl", "rule R-9 {\n  require true == true\n}\n"}});
    CHECK(d == std::vector<std::string>{
                   "r.kbl:1:6: error: rule 'R-9' has no 'title'", "r.kbl:1:6: error: rule 'R-9' has no 'severity'",
                   "r.kbl:1:6: error: rule 'R-9' has no 'scope'", "r.kbl:1:6: error: rule 'R-9' has no 'ref'",
                   "r.kbl:1:6: error: rule 'R-9' has no 'fix'", "r.kbl:1:6: error: rule 'R-9' has no 'message'"});
}

TEST_CASE("unused let and unreachable requirements are warnings", "[compile]") {
    CHECK(rule("  let unused = 1\n  require node.netbios_name == \"a\"\n") ==
          std::vector<std::string>{"r.kbl:8:7: warning: 'unused' is bound by 'let' but never used"});
    CHECK(rule("  when 1 == 2 and true\n  require node.netbios_name == \"a\"\n") ==
          std::vector<std::string>{"r.kbl:8:8: warning: 'true' never changes the result of 'and'; remove it"});
    CHECK(rule("  when false\n  require node.netbios_name == \"a\"\n") ==
          std::vector<std::string>{"r.kbl:8:8: warning: this rule never applies: the 'when' condition is always false"});
    CHECK(rule("  require not false\n") ==
          std::vector<std::string>{"r.kbl:8:11: warning: this requirement is always true, so it can never fail"});
}

TEST_CASE("schema declarations are checked", "[compile]") {
    auto d = load({{"s.kbl", "schema {\n  field a int\n  field a string\n  field b int nocase\n}\n"}});
    CHECK(d == std::vector<std::string>{"s.kbl:3:3: error: field 'a' is declared twice in the schema",
                                        "s.kbl:4:3: error: 'nocase' applies to tables only, and 'b' is not a table"});
    CHECK(load({{"a.kbl", "def lower = 1\n"}}) ==
          std::vector<std::string>{"a.kbl:1:5: error: 'lower' is a built-in name; choose another name for this definition"});
}
