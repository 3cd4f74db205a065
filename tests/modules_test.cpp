// Modules: `use "x.kbl" as x` keeps x's defs and tables in their own namespace, read as `x.f(...)`,
// `x.c` and `x.t[k]`; errors name the module; a plain `use` keeps the one global namespace.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "checker/engine/engine.hpp"
#include "parser/format.hpp"
#include "tests/test_util.hpp"

namespace {

const std::string schema = "schema {\n  node_id node.name\n  field node.name string required\n  field n int\n}\n";

const std::string rule_head = "  title \"t\"\n  severity error\n  scope node\n  ref KB \"s\"\n  fix \"f\"\n";

std::string dir;  // the folder of the last load

// A pack of the files `files` (written to a fresh folder) loaded from its first file.
kbl::pack_result load(const std::string& tag, const std::vector<std::pair<std::string, std::string>>& files) {
    dir = kbl::test::temp_dir(tag);
    for (const auto& [name, text] : files) kbl::test::write_file(dir + "/" + name, text);
    std::vector<kbl::source_ptr> srcs{std::make_shared<kbl::source_file>(dir + "/" + files[0].first, files[0].second)};
    return kbl::load_pack(srcs);
}

// Every diagnostic as `file:line:col: message`, paths relative to the folder of the load.
std::vector<std::string> messages(const kbl::pack_result& res) {
    std::vector<std::string> out;
    for (const auto& d : res.diags) {
        std::string line = fmt::format("{}:{}:{}: {}", d.name(), d.where.line, d.where.column, d.message);
        for (std::size_t at = line.find(dir + "/"); at != std::string::npos; at = line.find(dir + "/"))
            line.erase(at, dir.size() + 1);
        out.push_back(line);
    }
    return out;
}

// `RULE node: message` for each finding of the pack on one snapshot.
std::vector<std::string> findings(const kbl::pack& p, const std::string& snapshot) {
    kbl::diagnostics errs;
    auto s = kbl::snap::load_snapshot("n.toml", snapshot, kbl::snap::default_load_limits(), kbl::pack_ci_tables(p), errs);
    REQUIRE(errs.empty());
    auto res = kbl::check(p, {*s}, kbl::check_options{});
    std::vector<std::string> out;
    for (const auto& f : res.findings) out.push_back(fmt::format("{} {}: {}", f.rule, f.node, f.message));
    return out;
}

// Two packs that both define `limit`, `over(x)` and the table `names`, each calling its own.
const std::vector<std::pair<std::string, std::string>> two_packs = {
    {"main.kbl", "use \"s.kbl\"\nuse \"a/lib.kbl\" as a\nuse \"b/lib.kbl\" as b\n"
                 "rule M-1 {\n" + rule_head + "  message \"a {a.names[1]}\"\n  require not a.over(n)\n}\n"
                 "rule M-2 {\n" + rule_head + "  message \"b {b.names[1]}\"\n  require not b.over(n)\n}\n"},
    {"s.kbl", schema},
    {"a/lib.kbl", "def limit = 10\ndef over(x) = x > limit\ntable names { 1 = \"ten\" }\n"},
    {"b/lib.kbl", "def limit = 100\ndef over(x) = x > limit\ntable names { 1 = \"hundred\" }\n"},
};

} // namespace

TEST_CASE("two modules define the same names and each alias reaches its own", "[modules]") {
    auto res = load("modules-two", two_packs);
    REQUIRE(messages(res).empty());
    REQUIRE(res.p);
    CHECK(findings(*res.p, "n = 5\n[node]\nname = \"N1\"\n").empty());
    CHECK(findings(*res.p, "n = 50\n[node]\nname = \"N1\"\n") == std::vector<std::string>{"M-1 N1: a ten"});
    CHECK(findings(*res.p, "n = 500\n[node]\nname = \"N1\"\n") ==
          std::vector<std::string>{"M-1 N1: a ten", "M-2 N1: b hundred"});
}

TEST_CASE("an unknown name in a module is located and named with the module", "[modules]") {
    auto files = two_packs;
    files[0].second = "use \"s.kbl\"\nuse \"a/lib.kbl\" as a\n"
                      "rule M-1 {\n" + rule_head + "  message \"m\"\n  let t = a.name[1]\n  require not a.ovr(n) and t == 1\n  require b.over(n)\n}\n";
    CHECK(messages(load("modules-unknown", files)) ==
          std::vector<std::string>{"main.kbl:10:11: unknown name 'name' in module 'a' (a/lib.kbl), did you mean 'names'?",
                                   "main.kbl:11:15: unknown function 'ovr' in module 'a' (a/lib.kbl), did you mean 'over'?",
                                   "main.kbl:12:11: unknown module 'b', did you mean 'a'?",
                                   "a/lib.kbl:2:5: 'over' is defined but never used",
                                   "a/lib.kbl:3:7: table 'names' is declared but never used"});
}

TEST_CASE("a plain use keeps one namespace: the same name twice is still a duplicate", "[modules]") {
    auto files = two_packs;
    files[0].second = "use \"s.kbl\"\nuse \"a/lib.kbl\"\nuse \"b/lib.kbl\"\n";
    CHECK(messages(load("modules-plain", files)) ==
          std::vector<std::string>{"b/lib.kbl:1:5: 'limit' is defined twice", "b/lib.kbl:2:5: 'over' is defined twice",
                                   "b/lib.kbl:3:7: 'names' is defined twice", "a/lib.kbl:2:5: 'over' is defined but never used",
                                   "a/lib.kbl:3:7: table 'names' is declared but never used"});
}

TEST_CASE("a module's names are not global, and a file is a module or global, not both", "[modules]") {
    auto files = two_packs;
    files[0].second = "use \"s.kbl\"\nuse \"a/lib.kbl\" as a\nuse \"a/lib.kbl\"\n"
                      "rule M-1 {\n" + rule_head + "  message \"m\"\n  require not over(n)\n}\n";
    CHECK(messages(load("modules-both", files)) ==
          std::vector<std::string>{"main.kbl:3:1: 'a/lib.kbl' is loaded both as a module ('use ... as') and "
                                   "into the global namespace (a plain 'use')",
                                   "main.kbl:11:15: unknown function 'over'",
                                   "a/lib.kbl:2:5: 'over' is defined but never used",
                                   "a/lib.kbl:3:7: table 'names' is declared but never used"});
}

TEST_CASE("a rule file that a 'use ... as' names is that module: a pack's folder holds its own modules", "[modules]") {
    dir = kbl::test::temp_dir("modules-folder");
    const std::vector<std::pair<std::string, std::string>> files = {
        {"lib.kbl", "def over(x) = x > 10\n"},
        {"main.kbl", "use \"lib.kbl\" as l\nrule M-1 {\n" + rule_head + "  message \"m\"\n  require not l.over(n)\n}\n"},
        {"s.kbl", schema},
    };
    std::vector<kbl::source_ptr> srcs;  // as `-r folder` gives them: every file, in name order
    for (const auto& [name, text] : files) {
        kbl::test::write_file(dir + "/" + name, text);
        srcs.push_back(std::make_shared<kbl::source_file>(dir + "/" + name, text));
    }
    auto res = kbl::load_pack(srcs);
    REQUIRE(messages(res).empty());
    REQUIRE(res.p);
    CHECK(findings(*res.p, "n = 50\n[node]\nname = \"N1\"\n") == std::vector<std::string>{"M-1 N1: m"});

    srcs[1] = std::make_shared<kbl::source_file>(dir + "/main.kbl", "use \"lib.kbl\" as l\nuse \"lib.kbl\"\n");
    CHECK(messages(kbl::load_pack(srcs)) ==
          std::vector<std::string>{"main.kbl:2:1: 'lib.kbl' is loaded both as a module ('use ... as') and into the "
                                   "global namespace (a plain 'use')",
                                   "lib.kbl:1:5: 'over' is defined but never used"});
    srcs[1] = std::make_shared<kbl::source_file>(dir + "/main.kbl", "rule M-1 {\n" + rule_head + "  message \"m\"\n  require not over(n)\n}\n");
    CHECK(messages(kbl::load_pack(srcs)).empty());  // no `use ... as` names it: global, as before
}

TEST_CASE("fmt keeps a module name and qualified names, and a missing module name is a syntax error", "[modules]") {
    kbl::diagnostics d;
    auto src = std::make_shared<kbl::source_file>("m.kbl", "use  \"s.kbl\"   as   s\ndef f(x) = s.g( x ) and s.t[1]\n");
    CHECK(kbl::format_rules(src, d) == "use \"s.kbl\" as s\n\ndef f(x) = s.g(x) and s.t[1]\n");
    CHECK(d.empty());
    auto bad = load("modules-syntax", {{"m.kbl", "use \"s.kbl\" as\n"}});
    CHECK(messages(bad) == std::vector<std::string>{"m.kbl:2:1: expected a module name after 'as'"});
}
