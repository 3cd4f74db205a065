// Rule authoring (issue 14): a brace never closed is reported where it was opened; `ref` takes an
// article, a URL or a document title (SARIF helpUri from a URL); message placeholders are never shown
// raw in rule help; `kblint fmt` breaks long expressions, prints a diff, reads standard input.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "parser/format.hpp"
#include "parser/parse.hpp"
#include "tests/test_util.hpp"

namespace {

// Every diagnostic of parsing `text` as r.kbl, as `r.kbl:line:col: error: message`.
std::vector<std::string> parse_errors(const std::string& text) {
    kbl::diagnostics d;
    kbl::parse_rules(std::make_shared<kbl::source_file>("r.kbl", text), {}, d);
    std::vector<std::string> out;
    for (const auto& x : d) out.push_back(fmt::format("r.kbl:{}:{}: error: {}", x.where.line, x.where.column, x.message));
    return out;
}

std::string format(const std::string& text) {
    kbl::diagnostics d;
    auto out = kbl::format_rules(std::make_shared<kbl::source_file>("r.kbl", text), d);
    for (const auto& x : d) FAIL_CHECK(kbl::render_diagnostic(x));
    REQUIRE(out);
    return *out;
}

const std::string meta = "  title \"t\"\n  severity error\n  scope node\n";

// The output and exit status of a shell command line.
std::pair<std::string, int> shell(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    int st = ::pclose(p);
    return {out, WIFEXITED(st) ? WEXITSTATUS(st) : -1};
}

} // namespace

TEST_CASE("a brace that is never closed is reported at the brace, with its owner's name", "[parser][authoring]") {
    CHECK(parse_errors("rule X-1 {\n  title \"a\"\n\nrule X-2 {\n  title \"b\"\n}\n") ==
          std::vector<std::string>{"r.kbl:1:10: error: '{' of rule 'X-1' is never closed"});
    CHECK(parse_errors("def a = 1\n\n  rule   X-1   {\n  title \"a\"\n") ==
          std::vector<std::string>{"r.kbl:3:16: error: '{' of rule 'X-1' is never closed"});
    CHECK(parse_errors("action stop {\n  set target.x = 1\n# a comment\ntable t {\n  1 = 2\n}\n") ==
          std::vector<std::string>{"r.kbl:1:13: error: '{' of action 'stop' is never closed"});
    CHECK(parse_errors("table t {\n  1 = 2\n") == std::vector<std::string>{"r.kbl:1:9: error: '{' of table 't' is never closed"});
    CHECK(parse_errors("schema {\n  field a int\nrule R-1 {\n}\n") ==
          std::vector<std::string>{"r.kbl:1:8: error: '{' of the schema is never closed"});
    // A wrong item inside a rule is still reported where it is.
    CHECK(parse_errors("rule X-1 {\n  titel \"a\"\n}\n") ==
          std::vector<std::string>{"r.kbl:2:3: error: unexpected 'titel', did you mean 'title'?"});
}

TEST_CASE("ref takes an article and its section, a URL or a document title", "[parser][authoring]") {
    kbl::diagnostics d;
    auto f = kbl::parse_rules(std::make_shared<kbl::source_file>(
                                  "r.kbl", "rule A-1 {\n  ref Q241573 \"step 1\"\n}\n"
                                           "rule A-2 {\n  ref \"https://www.postgresql.org/docs/16/hot-standby.html\"\n}\n"
                                           "rule A-3 {\n  ref \"PostgreSQL 16 manual\" \"27.4 Hot Standby\"\n}\n"),
                              {}, d);
    REQUIRE(d.empty());
    REQUIRE(f.rules.size() == 3);
    CHECK(*f.rules[0].ref_article == "Q241573");
    CHECK(f.rules[0].ref_section == "step 1");
    CHECK(*f.rules[1].ref_article == "https://www.postgresql.org/docs/16/hot-standby.html");
    CHECK(f.rules[1].ref_section.empty());
    CHECK(*f.rules[2].ref_article == "PostgreSQL 16 manual");
    CHECK(f.rules[2].ref_section == "27.4 Hot Standby");
    CHECK(parse_errors("rule A-1 {\n  ref Q1\n}\n") ==
          std::vector<std::string>{"r.kbl:3:1: error: expected the section as a string after the article"});
    CHECK(parse_errors("rule A-1 {\n  ref \"ftp://x/y\"\n}\n") ==
          std::vector<std::string>{"r.kbl:2:7: error: the URL after 'ref' must start with 'https://' or 'http://'"});
    CHECK(parse_errors("rule A-1 {\n  ref \"https://x/a b\"\n}\n") ==
          std::vector<std::string>{"r.kbl:2:7: error: a URL after 'ref' has no spaces; write a document title without 'http://'"});
    CHECK(parse_errors("rule A-1 {\n  ref = 1\n}\n") ==
          std::vector<std::string>{"r.kbl:2:7: error: expected an article and its section (Q241573 \"step 1\"), a URL or a "
                                   "document title as a string after 'ref'"});
    CHECK(format("rule A-1 {\n  ref   \"https://x.org/a\"\n}\nrule A-2 {\n  ref 'The Doc'   \"s\"\n}\n") ==
          "rule A-1 {\n  ref      \"https://x.org/a\"\n}\n\nrule A-2 {\n  ref      \"The Doc\" \"s\"\n}\n");
}

TEST_CASE("message placeholders read as <expr> where no value is at hand", "[authoring]") {
    CHECK(kbl::readable_template("Stop ClusSvc on {node.netbios_name}") == "Stop ClusSvc on <node.netbios_name>");
    CHECK(kbl::readable_template("{ a }, {{literal}} \\\"q\\\" {f({k = \"}\"})}") == "<a>, {literal} \"q\" <f({k = \"}\"})>");
    CHECK(kbl::readable_template("no placeholder") == "no placeholder");
}

TEST_CASE("SARIF helpUri comes from a URL ref, and rule help and explain show no raw placeholder", "[authoring][sarif]") {
    std::string dir = kbl::test::temp_dir("authoring");
    kbl::test::write_file(dir + "/pack.kbl",
                          "schema {\n  node_id node.name\n  field node.name string required\n  field port int\n}\n"
                          "rule PG-001 {\n" + meta +
                              "  ref \"https://www.postgresql.org/docs/16/runtime-config-connection.html\" \"port\"\n"
                              "  fix \"Set port on {node.name} to {{5432}}\"\n  require port == 5432\n  message \"port is {port}\"\n}\n"
                              "rule PG-002 {\n" + meta +
                              "  ref \"PostgreSQL 16 manual\"\n  fix \"f\"\n  require port > 0\n  message \"m\"\n}\n");
    kbl::test::write_file(dir + "/db1.toml", "port = 5433\n[node]\nname = \"db1\"\n");
    auto r = kbl::test::run_kblint({"check", "--no-builtin", "-r", dir + "/pack.kbl", "--format", "sarif", dir + "/db1.toml"});
    CHECK(r.status == 1);
    auto j = nlohmann::json::parse(r.out);
    const auto& rules = j["runs"][0]["tool"]["driver"]["rules"];
    REQUIRE(rules.size() == 2);
    CHECK(rules[0]["helpUri"] == "https://www.postgresql.org/docs/16/runtime-config-connection.html");
    CHECK(rules[0]["help"]["text"] ==
          "Fix: Set port on <node.name> to {5432}\nReference: https://www.postgresql.org/docs/16/runtime-config-connection.html \"port\"");
    CHECK(!rules[0]["properties"].contains("kbArticle"));
    CHECK(!rules[1].contains("helpUri"));
    CHECK(rules[1]["help"]["text"] == "Fix: f\nReference: PostgreSQL 16 manual");
    CHECK(j["runs"][0]["results"][0]["message"]["text"] == "port is 5433");
    auto ex = kbl::test::run_kblint({"explain", "--no-builtin", "-r", dir + "/pack.kbl", "PG-001"});
    CHECK(ex.status == 0);
    CHECK(ex.out.find("  fix           Set port on <node.name> to {5432}\n") != std::string::npos);
    CHECK(ex.out.find("{node.name}") > ex.out.find("\nsource"));
}

TEST_CASE("fmt breaks a long if/then/else and long operator chains at 100 columns", "[fmt][authoring]") {
    const std::string longer = "rule R-1 {\n  let mode = if settings.synchronous_commit == \"remote_apply\" then "
                               "\"synchronous, applied on the standby\" else \"asynchronous\"\n}\n";
    CHECK(format(longer) == "rule R-1 {\n  let      mode = if settings.synchronous_commit == \"remote_apply\"\n"
                            "             then \"synchronous, applied on the standby\"\n"
                            "             else \"asynchronous\"\n}\n");
    CHECK(format(format(longer)) == format(longer));
    const std::string sum = "def total = settings.shared_buffers_in_bytes + settings.work_mem_in_bytes * settings.max_connections"
                            " + settings.maintenance_work_mem_in_bytes\n";
    CHECK(format(sum) == "def total = settings.shared_buffers_in_bytes + settings.work_mem_in_bytes * settings.max_connections\n"
                         "  + settings.maintenance_work_mem_in_bytes\n");
    CHECK(format(format(sum)) == format(sum));
    // Short ones stay on one line, and `*` `/` `%` keep their precedence.
    CHECK(format("def x = (1 + 2) * 3 % 4 - -a / b\n") == "def x = (1 + 2) * 3 % 4 - -a / b\n");
    CHECK(format("def x = if a then 1 else 2\n") == "def x = if a then 1 else 2\n");
}

TEST_CASE("kblint fmt --diff prints a unified diff and exits 1, and a dash formats standard input", "[fmt][authoring]") {
    std::string dir = kbl::test::temp_dir("fmtdiff");
    kbl::test::write_file(dir + "/a.kbl", "def a = 1\ndef b = 2\ndef   x=1\ndef c = 3\n");
    auto diff = kbl::test::run_kblint({"fmt", "--diff", dir + "/a.kbl"});
    CHECK(diff.status == 1);
    CHECK(diff.out == "--- " + dir + "/a.kbl\n+++ " + dir + "/a.kbl\n@@ -1,4 +1,4 @@\n def a = 1\n def b = 2\n-def   x=1\n+def x = 1\n def c = 3\n");
    CHECK(kbl::test::read_file(dir + "/a.kbl") == "def a = 1\ndef b = 2\ndef   x=1\ndef c = 3\n");
    kbl::test::write_file(dir + "/b.kbl", "def a = 1\n");
    auto same = kbl::test::run_kblint({"fmt", "--diff", dir + "/b.kbl"});
    CHECK(same.status == 0);
    CHECK(same.out.empty());

    const std::string bin = KBLINT_BIN;
    CHECK(shell("printf 'def   x=1\\n' | " + bin + " fmt -") == std::pair<std::string, int>{"def x = 1\n", 0});
    CHECK(shell("printf 'def x = 1\\n' | " + bin + " fmt -") == std::pair<std::string, int>{"def x = 1\n", 0});
    CHECK(shell("printf 'def   x=1\\n' | " + bin + " fmt --check -") == std::pair<std::string, int>{"", 1});
    CHECK(shell("printf 'def   x=1\\n' | " + bin + " fmt --diff -") ==
          std::pair<std::string, int>{"--- <stdin>\n+++ <stdin>\n@@ -1,1 +1,1 @@\n-def   x=1\n+def x = 1\n", 1});
    auto bad = shell("printf 'def = 1\\n' | " + bin + " fmt - 2>&1");
    CHECK(bad.second == 2);
    CHECK(bad.first.rfind("<stdin>:1:5: error: expected a name after 'def' [syntax]\n", 0) == 0);
}
