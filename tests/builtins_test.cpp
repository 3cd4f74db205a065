// Built-in functions: the table (every row complete and documented), each function's results
// (values, their types and origins, missing values with their reasons), its static result type and
// load-time checks, and the unknown-function error.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "checker/engine/builtins.hpp"
#include "checker/engine/engine.hpp"
#include "tests/test_util.hpp"

namespace {

const std::string schema = R"(schema {
  node_id node.name
  cluster_id cluster.name
  field node.name string required
  field cluster.name string
  field services table nocase
  field services.*.state enum("running", "stopped")
  field n int
  field s string
  field xs list(string)
  field extra any
}
action a_one {
  set target.services["X"].state = "stopped"
}
)";

const std::string meta = "  title \"t\"\n  severity error\n  ref KB1 \"s\"\n  fix \"f\"\n";

// N1 (lines 1-13) and N2 share cluster C; N3 is alone in cluster D.
const std::string n1 = "n = -2146368502\n"
                       "s = \"  Error Code 2148598794 ( 8011040A ) \"\n"
                       "xs = [\"b\", \"A\", \"b\"]\n"
                       "[node]\n"
                       "name = \"N1\"\n"
                       "[cluster]\n"
                       "name = \"C\"\n"
                       "[services.ClusSvc]\n"
                       "state = \"running\"\n"
                       "[services.W3SVC]\n"
                       "state = \"paused\"\n"
                       "[services.Nope2]\n"
                       "state = \"stopped\"\n";
const std::string n2 = "[node]\nname = \"N2\"\n[cluster]\nname = \"C\"\n";
const std::string n3 = "[node]\nname = \"N3\"\n[cluster]\nname = \"D\"\n";

// Every diagnostic of loading the schema and `rules` as `line:col: severity: message [id]`.
std::vector<std::string> load_errors(const std::string& rules, std::shared_ptr<const kbl::pack>* out = nullptr) {
    auto res = kbl::load_pack({std::make_shared<kbl::source_file>("s.kbl", schema),
                               std::make_shared<kbl::source_file>("r.kbl", rules)});
    std::vector<std::string> diags;
    for (const auto& d : res.diags)
        diags.push_back(fmt::format("{}:{}:{}: {}: {} [{}]", d.name(), d.where.line, d.where.column,
                                    d.severity == kbl::diag_severity::error ? "error" : "warning", d.message, d.check_id));
    if (out) *out = res.p;
    return diags;
}

// A node rule that fails on N1 with the type and value of `e` (located at the value), or is
// unknown with the reason `e` is missing.
std::string probe_rule(std::size_t i, const std::string& e) {
    return fmt::format("rule T-{:03} {{\n{}  scope node\n  when node.name == \"N1\"\n  require str({}) == \"<never>\"\n"
                       "  message \"{{type({})}} {{{}}}\"\n}}\n",
                       i, meta, e, e, e);
}

// `type value @line:col` or `missing: reason @line:col`, one per expression, in order.
std::vector<std::string> probe(const std::vector<std::string>& exprs) {
    std::string rules;
    for (std::size_t i = 0; i < exprs.size(); ++i) rules += probe_rule(i, exprs[i]);
    std::shared_ptr<const kbl::pack> p;
    auto diags = load_errors(rules, &p);
    for (const auto& d : diags) FAIL_CHECK(d);
    REQUIRE(p);
    std::vector<kbl::snap::snapshot> snaps;
    for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{{"n1.toml", n1}, {"n2.toml", n2}, {"n3.toml", n3}}) {
        kbl::diagnostics errs;
        auto sn = kbl::snap::load_snapshot(name, text, kbl::snap::default_load_limits(), kbl::pack_ci_tables(*p), errs);
        REQUIRE(errs.empty());
        snaps.push_back(*sn);
    }
    auto res = kbl::check(*p, snaps, {});
    CHECK(res.errors.empty());
    std::map<std::string, std::string> by_rule;
    const std::string unknown = "cannot check this rule on N1: ";
    for (const auto& f : res.findings) {
        std::string what = f.st == kbl::status::unknown && f.message.rfind(unknown, 0) == 0
                               ? "missing: " + f.message.substr(unknown.size())
                               : f.message;
        CHECK(by_rule.emplace(f.rule, fmt::format("{} @{}:{}", what, f.loc.where.line, f.loc.where.column)).second);
    }
    for (const auto& sk : res.skipped)
        if (sk.node == "N1") by_rule.emplace(sk.rule, "skipped: " + sk.reason);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < exprs.size(); ++i) out.push_back(by_rule[fmt::format("T-{:03}", i)]);
    return out;
}

} // namespace

TEST_CASE("every built-in function's values, types, origins and missing reasons", "[builtins]") {
    // {expression, `type value @line:col` or `missing: reason @line:col`} on N1 (n1.toml).
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"lower(\"AbC\")", "string abc @1:1"},
        {"lower(xs)", "list ['b', 'a', 'b'] @3:6"},
        {"lower(n)", "missing: 'lower' needs a string or a list of strings, but '-2146368502' is a int @1:5"},
        {"upper(s)", "string   ERROR CODE 2148598794 ( 8011040A )  @2:5"},
        {"trim(s)", "string Error Code 2148598794 ( 8011040A ) @2:5"},
        {"trim([\"  a \", 1])", "list ['a', 1] @1:1"},
        {"len(s)", "int 37 @2:5"},
        {"len(xs)", "int 3 @3:6"},
        {"len(services)", "int 3 @8:1"},
        {"len(n)", "missing: 'len' needs a string, a list or a table, but '-2146368502' is a int @1:5"},
        {"count(xs)", "int 3 @3:6"},
        {"count(s)", "missing: 'count' needs a list or a table, but '  Error Code 2148598794 ( 8011040A ) ' is a string @2:5"},
        {"starts_with(s, \"  E\")", "bool true @2:5"},
        {"ends_with(s, \") \")", "bool true @2:5"},
        {"starts_with(n, \"x\")", "missing: 'starts_with' needs strings, but '-2146368502' is a int @1:5"},
        {"replace(s, \"8011040A\", \"X\")", "string   Error Code 2148598794 ( X )  @2:5"},
        {"replace(\"aaa\", \"\", \"b\")", "string aaa @1:1"},
        {"replace(n, \"a\", \"b\")", "missing: 'replace' needs three strings @1:5"},
        {"split(\"a,b,,c\", \",\")", "list ['a', 'b', '', 'c'] @1:1"},
        {"split(\"abc\", \"\")", "list ['a', 'b', 'c'] @1:1"},
        {"split(n, \",\")", "missing: 'split' needs two strings @1:5"},
        {"join(xs, \"+\")", "string b+A+b @3:6"},
        {"join([1, 2.5, true], \"/\")", "string 1/2.5/true @1:1"},
        {"join(s, \",\")", "missing: 'join' needs a list and a string @2:5"},
        {"substr(\"abcdef\", 2)", "string cdef @1:1"},
        {"substr(\"abcdef\", 2, 3)", "string cde @1:1"},
        {"substr(\"abcdef\", -3, 100)", "string abcdef @1:1"},
        {"substr(\"abc\", \"1\")", "missing: 'substr' needs a string and integers @1:1"},
        {"hex(255)", "string 0x000000FF @1:1"},
        {"hex(n)", "string 0x8011040A @1:5"},
        {"hex(\"a\")", "missing: 'hex' needs an int, but 'a' is a string @1:1"},
        {"int(\" 42 \")", "int 42 @1:1"},
        {"int(\"0x1F\")", "int 31 @1:1"},
        {"int(\"-7\")", "int -7 @1:1"},
        {"int(\"12z\")", "missing: '12z' is not an integer @1:1"},
        {"int(1.5)", "missing: 'int' needs an int or a string, but '1.5' is a float @1:1"},
        {"int(\"99999999999999999999\")", "missing: '99999999999999999999' is not an integer @1:1"},
        {"int(n)", "int -2146368502 @1:5"},
        {"parse_int(\"ff\", 16)", "int 255 @1:1"},
        {"parse_int(\"102\", 2)", "missing: '102' is not a base-2 integer @1:1"},
        {"parse_int(\"1\", 40)", "missing: 'parse_int' needs a string and a base from 2 to 36 @1:1"},
        {"u32(n)", "int 2148598794 @1:5"},
        {"u32(5000000000)", "missing: 5000000000 is outside the 32-bit range @1:1"},
        {"u32(\"1\")", "missing: 'u32' needs an int, but '1' is a string @1:1"},
        {"capture(s, 'Code (\\d+)')", "string 2148598794 @2:5"},
        {"capture(s, '[0-9A-F]{8}')", "string 21485987 @2:5"},
        {"capture(s, 'zzz')", "missing: '  Error Code 2148598794 ( 8011040A ) ' does not match the pattern @2:5"},
        {"capture(n, 'x')", "missing: 'capture' needs a string, but '-2146368502' is a int @1:5"},
        {"type(1.5)", "string float @1:1"},
        {"type(services)", "string table @8:1"},
        {"type(xs)", "string list @3:6"},
        {"type(2002-05-20T09:00:00Z)", "string datetime @1:1"},
        {"keys(services)", "list ['ClusSvc', 'W3SVC', 'Nope2'] @8:1"},
        {"values(services)", "list [{state = 'running'}, {state = 'paused'}, {state = 'stopped'}] @8:1"},
        {"keys(xs)", "missing: 'keys' needs a table, but '['b', 'A', 'b']' is a list @3:6"},
        {"key(services.ClusSvc)", "string ClusSvc @8:1"},
        {"key(1)", "missing: 'key' needs a value read from a table @1:1"},
        {"exists(services.Nope)", "bool false @8:1"},
        {"exists(s)", "bool true @2:5"},
        {"default(services.Nope.state, \"none\")", "string none @8:1"},
        {"default(s, \"none\")", "string   Error Code 2148598794 ( 8011040A )  @2:5"},
        {"other(self).node.name", "string N2 @2:8"},
        {"other(1)", "missing: 'other' needs a node, but '1' is a int @1:1"},
        {"len(others(self))", "int 1 @1:1"},
        {"others(self)[0].node.name", "string N2 @2:8"},
        {"len(schema_violations())", "int 1 @1:1"},
        {"schema_violations()[0].message", "string 'services.W3SVC.state' is 'paused', which is not one of 'running', 'stopped' @11:9"},
        {"schema_violations()[0].path", "string services.W3SVC.state @11:9"},
        {"unique(xs)", "list ['b', 'A'] @3:6"},
        {"sort(xs)", "list ['A', 'b', 'b'] @3:6"},
        {"sort(n)", "missing: 'sort' needs a list, but '-2146368502' is a int @1:5"},
        {"step_index(self)", "missing: 'step_index' needs a runbook @1:1"},
        {"node_of(self)", "missing: 'node_of' needs a runbook @1:1"},
        {"is_action(\"a_one\")", "bool true @1:1"},
        {"is_action(\"nope\")", "bool false @1:1"},
        {"is_action(1)", "missing: 'is_action' needs a string, but '1' is a int @1:1"},
        {"actions()", "list ['a_one'] @1:1"},
        {"trigger()", "string snapshot @1:1"},
        {"str(n)", "string -2146368502 @1:5"},
        {"str(xs)", "string ['b', 'A', 'b'] @3:6"},
        {"str(s)", "string   Error Code 2148598794 ( 8011040A )  @2:5"},
    };
    std::vector<std::string> exprs;
    for (const auto& c : cases) exprs.push_back(c.first);
    const std::vector<std::string> got = probe(exprs);
    REQUIRE(got.size() == cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        INFO(cases[i].first);
        CHECK(got[i] == cases[i].second);
    }
}

TEST_CASE("the standard library: numbers, versions, regex capture and replace, sizes and durations", "[builtins]") {
    // {expression, `type value @line:col` or `missing: reason @line:col`} on N1 (n1.toml: n = -2146368502 at 1:5).
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"6 * 7", "int 42 @1:1"},
        {"7 / 2", "int 3 @1:1"},
        {"-7 / 2", "int -3 @1:1"},
        {"-7 % 2", "int -1 @1:1"},
        {"7 / 2.0", "float 3.5 @1:1"},
        {"7.5 % 2", "float 1.5 @1:1"},
        {"1 + 2 * 3", "int 7 @1:1"},
        {"(1 + 2) * 3", "int 9 @1:1"},
        {"n * 2", "int -4292737004 @1:5"},
        {"n / (len(xs) - 3)", "missing: division by zero @1:5"},
        {"n % (len(xs) - 3)", "missing: division by zero @1:5"},
        {"n * 9223372036854775807", "missing: integer overflow @1:5"},
        {"len(xs) * int(s)", "missing: '  Error Code 2148598794 ( 8011040A ) ' is not an integer @2:5"},
        {"min(xs)", "string A @3:12"},
        {"max(xs)", "string b @3:7"},
        {"min(5, 2)", "int 2 @1:1"},
        {"max(n, 0)", "int 0 @1:1"},
        {"min(n, 0)", "int -2146368502 @1:5"},
        {"max([])", "missing: 'max' of an empty list @1:1"},
        {"min([1, \"a\"])", "missing: 'min' cannot order a int and a string @1:1"},
        {"min(n)", "missing: 'min' needs a list, or two values, but '-2146368502' is a int @1:5"},
        {"sum([1, 2, 3])", "int 6 @1:1"},
        {"sum([1, 2.5])", "float 3.5 @1:1"},
        {"sum([])", "int 0 @1:1"},
        {"sum(xs)", "missing: 'sum' needs a list of numbers, but 'b' is a string @3:7"},
        {"abs(n)", "int 2146368502 @1:5"},
        {"abs(-2.5)", "float 2.5 @1:1"},
        {"abs(s)", "missing: 'abs' needs a number, but '  Error Code 2148598794 ( 8011040A ) ' is a string @2:5"},
        {"version_cmp(\"16.10\", \"16.9\")", "int 1 @1:1"},
        {"version_cmp(\"16\", \"16.0.0\")", "int 0 @1:1"},
        {"version_cmp(\"1.02\", \"1.2\")", "int 0 @1:1"},
        {"version_cmp(\"16.0.1\", \"16\")", "int 1 @1:1"},
        {"version_cmp(9, \"10.1\")", "int -1 @1:1"},
        {"version_cmp(\"16rc1\", \"16\")", "missing: '16rc1' is not a dotted numeric version @1:1"},
        {"version_cmp(\"1..2\", \"1\")", "missing: '1..2' is not a dotted numeric version @1:1"},
        {"version_cmp(\"16\", 16.1)", "missing: '16.1' is not a dotted numeric version @1:1"},
        {"version_lt(\"16.9\", \"16.10\")", "bool true @1:1"},
        {"version_lt(\"16.10\", \"16.9\")", "bool false @1:1"},
        {"regex_capture(s, 'Code (\\d+) \\( ([0-9A-F]+)', 2)", "string 8011040A @2:5"},
        {"regex_capture(s, 'Code (\\d+)', 0)", "string Code 2148598794 @2:5"},
        {"regex_capture(s, 'Code (?P<num>\\d+)', \"num\")", "string 2148598794 @2:5"},
        {"regex_capture(s, 'zzz(x)?', 1)", "missing: '  Error Code 2148598794 ( 8011040A ) ' does not match the pattern @2:5"},
        {"regex_capture(s, 'Error(x)?', 1)", "missing: group 1 of the pattern is not in the match @2:5"},
        {"regex_capture(s, '(E)', len(xs))", "missing: the pattern has no group 3 @2:5"},
        {"regex_replace(s, '\\d+', \"#\")", "string   Error Code # ( #A )  @2:5"},
        {"regex_replace(\"16.2\", '(\\d+)\\.(\\d+)', '\\2.\\1')", "string 2.16 @1:1"},
        {"regex_replace(n, 'x', \"y\")", "missing: 'regex_replace' needs strings, but '-2146368502' is a int @1:5"},
        {"bytes(\"64MB\")", "int 67108864 @1:1"},
        {"bytes(\"512 kB\")", "int 524288 @1:1"},
        {"bytes(\"1GiB\")", "int 1073741824 @1:1"},
        {"bytes(\"8k\")", "int 8192 @1:1"},
        {"bytes(\"100\")", "int 100 @1:1"},
        {"bytes(4096)", "int 4096 @1:1"},
        {"bytes(\"1.5GB\")", "missing: '1.5GB' is not a size (a number and B, kB, MB, GB or TB) @1:1"},
        {"bytes(\"64XB\")", "missing: '64XB' is not a size (a number and B, kB, MB, GB or TB) @1:1"},
        {"bytes(\"99999999999TB\")", "missing: integer overflow @1:1"},
        {"seconds(\"5min\")", "int 300 @1:1"},
        {"seconds(\"30s\")", "int 30 @1:1"},
        {"seconds(\"2h\")", "int 7200 @1:1"},
        {"seconds(\"1d\")", "int 86400 @1:1"},
        {"seconds(\"2000ms\")", "int 2 @1:1"},
        {"seconds(\"1500ms\")", "missing: '1500ms' is not a whole number of seconds @1:1"},
        {"seconds(\"5 parsecs\")", "missing: '5 parsecs' is not a duration (a number and ms, s, min, h, d or w) @1:1"},
        {"seconds(60)", "int 60 @1:1"},
    };
    std::vector<std::string> exprs;
    for (const auto& c : cases) exprs.push_back(c.first);
    const std::vector<std::string> got = probe(exprs);
    REQUIRE(got.size() == cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        INFO(cases[i].first);
        CHECK(got[i] == cases[i].second);
    }
}

namespace {

// The diagnostics of a node rule (line 1 of r.kbl is `rule R-1 {`) with `body` after its metadata,
// after the given declarations (`decls`, which must end with a new line) and in the given scope.
std::vector<std::string> rule_errors(const std::string& body, const std::string& decls = "", const std::string& scope = "node") {
    return load_errors(decls + "rule R-1 {\n" + meta + "  scope " + scope + "\n  message \"m\"\n" + body + "}\n");
}

} // namespace

TEST_CASE("every built-in function's static result type", "[builtins][compile]") {
    // {call, its type as the compiler words it when compared with a date; empty: not known statically}
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"lower(s)", "a string"}, {"lower(xs)", "a list"}, {"upper(n)", "a string"}, {"trim(xs)", "a list"},
        {"len(s)", "an int"}, {"count(xs)", "an int"}, {"starts_with(s, s)", "a bool"}, {"ends_with(s, s)", "a bool"},
        {"replace(s, s, s)", "a string"}, {"split(s, s)", "a list"}, {"join(xs, s)", "a string"},
        {"substr(s, 1)", "a string"}, {"hex(n)", "a string"}, {"int(s)", "an int"}, {"parse_int(s, 16)", "an int"},
        {"u32(n)", "an int"}, {"capture(s, 'x')", "a string"}, {"type(n)", "a string"}, {"keys(services)", "a list"},
        {"values(services)", "a list"}, {"key(s)", "a string"}, {"exists(s)", "a bool"}, {"default(n, 1)", "an int"},
        {"default(extra, 1)", ""}, {"other(self)", "a table"}, {"others(self)", "a list"},
        {"schema_violations()", "a list"}, {"unique(xs)", "a list"}, {"sort(n)", "an int"},
        {"step_index(s)", "an int"}, {"node_of(s)", "a table"}, {"is_action(s)", "a bool"}, {"actions()", "a list"},
        {"trigger()", "a string"}, {"str(n)", "a string"},
    };
    for (const auto& [call, type] : cases) {
        INFO(call);
        std::vector<std::string> want;
        if (!type.empty())
            want.push_back(fmt::format("r.kbl:8:{}: error: cannot compare {} with a datetime [type-error]", 15 + call.size(), type));
        CHECK(rule_errors("  require " + call + " == 2002-05-20\n") == want);
    }
}

TEST_CASE("built-in calls: element types, schema positions and load-time checks", "[builtins][compile]") {
    CHECK(rule_errors("  require all k in keys(services): k == 1\n") ==
          std::vector<std::string>{"r.kbl:8:41: error: cannot compare a string with an int [type-error]"});
    CHECK(rule_errors("  require all v in values(services): v.stat == \"running\"\n") ==
          std::vector<std::string>{"r.kbl:8:40: error: unknown field 'stat' in 'services.*', did you mean 'state'? [unknown-path]"});
    CHECK(rule_errors("  require other(self).nod.name == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:23: error: unknown field 'nod' in '', did you mean 'node'? [unknown-path]"});
    CHECK(rule_errors("  require all o in others(self): o.nod.name == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:36: error: unknown field 'nod' in '', did you mean 'node'? [unknown-path]"});
    CHECK(rule_errors("  require unique(xs) == 1\n") ==
          std::vector<std::string>{"r.kbl:8:25: error: cannot compare a list with an int [type-error]"});
    CHECK(rule_errors("  require capture(s, s) == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:22: error: the pattern of 'capture' must be a string literal [regex]"});
    CHECK(rule_errors("  require capture(s, '(') == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:22: error: invalid regular expression: missing ): ( [regex]"});
    CHECK(rule_errors("  require len(schema_violations()) == 0\n", "", "cluster") ==
          std::vector<std::string>{"r.kbl:8:15: error: 'schema_violations()' reads 'self', so it needs a rule of scope 'node' [unknown-name]"});
    CHECK(rule_errors("  require substr(s) == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: 'substr' takes 2 to 3 arguments, but 1 was given [arity]"});
    CHECK(rule_errors("  require trigger(1) == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: 'trigger' takes 0 arguments, but 1 was given [arity]"});
    CHECK(rule_errors("  require exists(s, s)\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: 'exists' takes 1 argument, but 2 were given [arity]"});
    CHECK(rule_errors("  require lower == 1\n", "def lower = 1\ntable upper {\n  1 = 2\n}\n") ==
          std::vector<std::string>{
              "r.kbl:1:5: error: 'lower' is a built-in name; choose another name for this definition [duplicate-name]",
              "r.kbl:2:7: error: 'upper' is a built-in name; choose another name for this table [duplicate-name]",
              "r.kbl:12:11: error: unknown name or snapshot field 'lower' in the snapshot [unknown-path]"});
}

TEST_CASE("operators and the standard library: load-time errors at their place", "[builtins][compile]") {
    CHECK(rule_errors("  require n / 0 == 1\n") ==
          std::vector<std::string>{"r.kbl:8:15: error: division by zero [type-error]"});
    CHECK(rule_errors("  require n % 0.0 == 1\n") ==
          std::vector<std::string>{"r.kbl:8:15: error: division by zero [type-error]"});
    CHECK(rule_errors("  require s * 2 == 1\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: cannot multiply a string and an int [type-error]"});
    CHECK(rule_errors("  require 0 <= n <= 1024\n") ==
          std::vector<std::string>{"r.kbl:8:18: error: comparisons do not chain; write '0 <= n and n <= 1024' [syntax]"});
    // Operands that are themselves operator expressions (found by fuzzing: their parse tree nodes
    // are folded and keep no end) are quoted whole.
    CHECK(rule_errors("  require n>n - 1 == n * 2\n") ==
          std::vector<std::string>{"r.kbl:8:19: error: comparisons do not chain; write 'n > n - 1 and n - 1 == n * 2' [syntax]"});
    CHECK(rule_errors("  require regex_capture(s, s, 1) == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:28: error: the pattern of 'regex_capture' must be a string literal [regex]"});
    CHECK(rule_errors("  require regex_capture(s, '(a)', 2) == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:35: error: the pattern has 1 capture group; group 2 does not exist [regex]"});
    CHECK(rule_errors("  require regex_capture(s, '(?P<x>a)', \"y\") == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:40: error: the pattern has no capture group named 'y' [regex]"});
    CHECK(rule_errors("  require regex_replace(s, '(a)', '\\2') == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:35: error: invalid replacement: Rewrite schema requests 2 matches, but the regexp only has 1 parenthesized subexpressions. [regex]"});
    CHECK(rule_errors("  require version_lt(s, \"16\") == 1\n") ==
          std::vector<std::string>{"r.kbl:8:34: error: cannot compare a bool with an int [type-error]"});
}

TEST_CASE("an unknown function is a load error at the call, with a suggestion when one is close", "[builtins][compile]") {
    CHECK(rule_errors("  require lowr(s) == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: unknown function 'lowr', did you mean 'lower'? [unknown-function]"});
    CHECK(rule_errors("  require qqqqqq(s) == \"x\"\n") ==
          std::vector<std::string>{"r.kbl:8:11: error: unknown function 'qqqqqq' [unknown-function]"});
    CHECK(rule_errors("  require 1 == my_helpr(2)\n", "def my_helper(x) = x  # kbl: allow(unused-def)\n") ==
          std::vector<std::string>{"r.kbl:9:16: error: unknown function 'my_helpr', did you mean 'my_helper'? [unknown-function]"});
}

namespace {

// The built-in functions docs/language.md documents: the `name(` of the first column of the table
// under "### Functions" and of the paragraph "Functions for runbooks:" (as tests/editors reads them).
std::set<std::string> documented_functions() {
    std::string text = kbl::test::read_file(kbl::test::src_path("docs/language.md"));
    std::vector<std::string> cells;
    std::size_t at = text.find("\n### Functions\n");
    REQUIRE(at != std::string::npos);
    std::size_t end = text.find("\n#", at + 1);
    std::istringstream table(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
    for (std::string line; std::getline(table, line);)
        if (line.rfind("|", 0) == 0) cells.push_back(line.substr(1, line.find('|', 1) - 1));
    std::size_t runbook = text.find("\nFunctions for runbooks:");
    REQUIRE(runbook != std::string::npos);
    cells.push_back(text.substr(runbook, text.find("\n\n", runbook) - runbook));
    std::set<std::string> names;
    const std::regex call("`([a-z_][a-z0-9_]*)\\(");
    for (const auto& cell : cells)
        for (std::sregex_iterator it(cell.begin(), cell.end(), call), stop; it != stop; ++it) names.insert((*it)[1].str());
    return names;
}

} // namespace

TEST_CASE("every row of the built-in table is complete, unique and documented in docs/language.md", "[builtins]") {
    std::set<std::string> names;
    for (const kbl::builtin_def& b : kbl::builtin_table()) {
        INFO(b.name);
        CHECK(!b.name.empty());
        CHECK(b.impl != nullptr);
        CHECK(b.min_args <= b.max_args);
        CHECK(b.max_args <= kbl::max_builtin_args);
        CHECK(names.insert(std::string(b.name)).second);
        CHECK(kbl::find_builtin(b.name) == &b);
    }
    CHECK(kbl::find_builtin("lowr") == nullptr);
    // Both ways: a documented function that is not built in would be an unknown function.
    CHECK(documented_functions() == names);
}
