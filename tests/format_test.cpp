// `kblint fmt`: canonical layout, comments kept, idempotent, meaning unchanged.
#include <catch2/catch.hpp>

#include <filesystem>

#include "checker/engine/engine.hpp"
#include "parser/format.hpp"
#include "parser/parse.hpp"
#include "tests/test_util.hpp"

namespace fs = std::filesystem;

namespace {

std::string format(const std::string& name, const std::string& text) {
    kbl::diagnostics d;
    auto out = kbl::format_rules(std::make_shared<kbl::source_file>(name, text), d);
    for (const auto& x : d) FAIL_CHECK(kbl::render_diagnostic(x));
    REQUIRE(out);
    return *out;
}

std::vector<std::string> pack_files() {
    std::vector<std::string> files;
    for (const char* dir : {"rules", "examples/webserver"})
        for (const auto& e : fs::directory_iterator(kbl::test::src_path(dir)))
            if (e.path().extension() == ".kbl") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

TEST_CASE("the canonical layout of a messy file, comments kept", "[fmt]") {
    const std::string messy =
        "# header comment\n"
        "\n"
        "def   f( a,b )=a+1   # trailing on def\n"
        "def g = [1,2 ,3]\n"
        "table t {\n"
        "  \"long key\" = 1\n"
        "  0x10 = {a=1, \"b c\"=2}\n"
        "  default=0\n"
        "}\n"
        "schema { node_id node.name\n"
        "  field a.b int required   # why\n"
        "  field a.long_name.c list(string)\n"
        "}\n"
        "rule   X-1 {   title \"T\"  severity error scope node\n"
        "  ref KB1 \"s 1\"\n"
        "  fix 'literal {x}'\n"
        "  # before when\n"
        "  when   not (a.b==1) and (x or y)\n"
        "  let v=a.b??0\n"
        "  require all n in nodes where n.a: n.b ~= 'X' message \"bad {n.b}\"\n"
        "  require -v < 2\n"
        "  message \"m\"\n"
        "}\n"
        "action go { for s in step.list where s != \"\" { set target.x[s] = 1 } if a { delete target.y } else { add target.z, 2 } }\n";
    const std::string expected =
        "# header comment\n"
        "\n"
        "def f(a, b) = a + 1  # trailing on def\n"
        "def g = [1, 2, 3]\n"
        "\n"
        "table t {\n"
        "  \"long key\" = 1\n"
        "  0x10       = {a = 1, \"b c\" = 2}\n"
        "  default    = 0\n"
        "}\n"
        "\n"
        "schema {\n"
        "  node_id node.name\n"
        "  field a.b           int          required  # why\n"
        "  field a.long_name.c list(string)\n"
        "}\n"
        "\n"
        "rule X-1 {\n"
        "  title    \"T\"\n"
        "  severity error\n"
        "  scope    node\n"
        "  ref      KB1 \"s 1\"\n"
        "  fix      'literal {x}'\n"
        "  # before when\n"
        "  when     not (a.b == 1) and (x or y)\n"
        "  let      v = a.b ?? 0\n"
        "  require  all n in nodes where n.a: n.b ~= 'X'\n"
        "  message  \"bad {n.b}\"\n"
        "  require  -v < 2\n"
        "  message  \"m\"\n"
        "}\n"
        "\n"
        "action go {\n"
        "  for s in step.list where s != \"\" {\n"
        "    set target.x[s] = 1\n"
        "  }\n"
        "  if a {\n"
        "    delete target.y\n"
        "  } else {\n"
        "    add target.z, 2\n"
        "  }\n"
        "}\n";
    CHECK(format("m.kbl", messy) == expected);
    CHECK(format("m.kbl", expected) == expected);
}

TEST_CASE("fmt keeps def parameter types, in one spelling", "[fmt]") {
    CHECK(format("a.kbl", "def   f( n:node ,x,  ns :list( node ),v : int|string , e: enum( \"a\",'b' ) )= 1\n") ==
          "def f(n: node, x, ns: list(node), v: int | string, e: enum(\"a\", \"b\")) = 1\n");
    const std::string canonical = "def is_primary(n: node) = n.node.role == \"primary\"\n";
    CHECK(format("b.kbl", canonical) == canonical);
}

TEST_CASE("a def's signature, as fmt, the LSP's hover, completion and symbols show it", "[fmt]") {
    kbl::diagnostics d;
    kbl::ast::file f = kbl::parse_rules(std::make_shared<kbl::source_file>(
        "s.kbl", "def f(n: node, x, ns: list(node)) = 1\ndef K = 2\ndef g() = 3\n"), {}, d);
    REQUIRE(d.empty());
    REQUIRE(f.defs.size() == 3);
    CHECK(kbl::def_signature(f.defs[0]) == "def f(n: node, x, ns: list(node))");
    CHECK(kbl::def_signature(f.defs[1]) == "def K");
    CHECK(kbl::def_signature(f.defs[2]) == "def g()");
}

TEST_CASE("formatting every rule file of the repository is idempotent and keeps its meaning", "[fmt]") {
    std::vector<kbl::source_ptr> before, after;
    for (const auto& f : pack_files()) {
        INFO(f);
        std::string text = kbl::test::read_file(f);
        std::string once = format(f, text);
        CHECK(format(f, once) == once);
        auto comments = [](const std::string& s) { return std::count(s.begin(), s.end(), '#'); };
        CHECK(comments(once) == comments(text));
        if (f.find("/rules/") != std::string::npos) {
            before.push_back(std::make_shared<kbl::source_file>(f, text));
            after.push_back(std::make_shared<kbl::source_file>(f, once));
        }
    }
    auto a = kbl::load_pack(before);
    auto b = kbl::load_pack(after);
    REQUIRE(a.p);
    REQUIRE(b.p);
    auto ra = kbl::pack_rules(*a.p);
    auto rb = kbl::pack_rules(*b.p);
    REQUIRE(ra.size() == rb.size());
    for (std::size_t i = 0; i < ra.size(); ++i) {
        CHECK(ra[i].id == rb[i].id);
        CHECK(ra[i].title == rb[i].title);
        CHECK(ra[i].fix == rb[i].fix);
        CHECK((ra[i].when_text.empty() == rb[i].when_text.empty()));
    }
}

TEST_CASE("kblint fmt rewrites, --check reports, syntax errors are exit 2", "[fmt]") {
    std::string dir = kbl::test::temp_dir("fmt");
    kbl::test::write_file(dir + "/a.kbl", "def   x=1\n");
    kbl::test::write_file(dir + "/b.kbl", "def y = 2\n");
    auto check = kbl::test::run_kblint({"fmt", "--check", dir});
    CHECK(check.status == 1);
    CHECK(check.out == dir + "/a.kbl: would reformat\n");
    CHECK(kbl::test::read_file(dir + "/a.kbl") == "def   x=1\n");
    auto write = kbl::test::run_kblint({"fmt", dir});
    CHECK(write.status == 0);
    CHECK(write.out == dir + "/a.kbl: reformatted\n");
    CHECK(kbl::test::read_file(dir + "/a.kbl") == "def x = 1\n");
    CHECK(kbl::test::run_kblint({"fmt", "--check", dir}).status == 0);
    kbl::test::write_file(dir + "/c.kbl", "def = 1\n");
    auto bad = kbl::test::run_kblint({"fmt", dir + "/c.kbl"});
    CHECK(bad.status == 2);
    CHECK(bad.err.find("c.kbl:1:5: error: expected a name after 'def' [syntax]") != std::string::npos);
    CHECK(kbl::test::read_file(dir + "/c.kbl") == "def = 1\n");
}

TEST_CASE("the rule files of the repository are in the canonical layout", "[fmt]") {
    auto r = kbl::test::run_kblint({"fmt", "--check", "rules", "examples/webserver"});
    CHECK(r.out == "");
    CHECK(r.status == 0);
}
