// `kblint lsp` features, through the protocol: diagnostics of a rule file (UTF-16 columns) and of
// a snapshot (a known finding of fixtures/), hover, go-to-definition, completion, formatting
// (`kblint fmt`'s text) and document symbols.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "checker/engine/compile.hpp"
#include "tests/lsp_client.hpp"

using kbl::test::json;
using kbl::test::lsp_client;

namespace {

// A rule file with an unknown function after non-ASCII text on its line: "É" is 2 bytes and one
// UTF-16 unit, "😀" 4 bytes and two units, so `lowr` starts at byte 52 and UTF-16 column 49.
const std::string rule_text =
    "use \"helpers.kbl\"\n"                                      // line 0
    "\n"
    "# Shouts: upper case.\n"                                    // line 2
    "def shout(x) = upper(x)\n"                                  // line 3
    "\n"
    "rule T-001 {\n"                                             // line 5
    "  title    \"Café check\"\n"
    "  severity warning\n"
    "  scope    node\n"
    "  ref      Q1 \"s\"\n"
    "  fix      \"do it\"\n"                                     // line 10
    "  let      unused = 1\n"                                    // line 11
    "  require  shout(node.netbios_name) == \"É😀\" and lowr(node.domain) == \"corp\"\n"  // line 12
    "  message  \"bad {helper}\"\n"
    "}\n";

const std::string helpers_text =
    "def helper = \"h\"\n"
    "\n"
    "rule T-002 {\n"
    "  title    \"Helper\"\n"
    "  severity info\n"
    "  scope    node\n"
    "  ref      Q1 \"s\"\n"
    "  fix      \"see T-001\"\n"
    "  require  helper == \"h\"\n"
    "  message  \"no\"\n"
    "}\n";

struct pack_dir {
    std::string dir = kbl::test::temp_dir("lsp-pack");
    std::string rules = dir + "/rules.kbl";
    std::string helpers = dir + "/helpers.kbl";
    pack_dir() {
        kbl::test::write_file(rules, rule_text);
        kbl::test::write_file(helpers, helpers_text);
    }
};

// A pack whose main file loads two modules that both define `over`; module a also has `limit`
// (used by its `over`) and the table `names`.
const std::string main_text =
    "use \"a/lib.kbl\" as a\n"                                      // line 0
    "use \"b/lib.kbl\" as b\n"
    "\n"
    "rule M-001 {\n"                                                // line 3
    "  title    \"Modules\"\n"
    "  severity warning\n"
    "  scope    node\n"
    "  ref      Q1 \"s\"\n"
    "  fix      \"f\"\n"
    "  require  not a.over(len(node.netbios_name)) and b.ok\n"      // line 9: a at 15, over at 17, ok at 52
    "  message  \"{a.names[1]}\"\n"                                 // line 10: names at 15
    "}\n";
const std::string lib_a_text = "# Over the limit.\ndef over(x) = x > limit\ndef limit = 10\ntable names { 1 = \"ten\" }\n";
const std::string lib_b_text = "def over(x) = x > 100\ndef ok = true\n";

struct module_dir {
    std::string dir = kbl::test::temp_dir("lsp-modules");
    std::string main = dir + "/main.kbl", a = dir + "/a/lib.kbl", b = dir + "/b/lib.kbl";
    module_dir() {
        kbl::test::write_file(main, main_text);
        kbl::test::write_file(a, lib_a_text);
        kbl::test::write_file(b, lib_b_text);
    }
};

json position(int line, int character) { return {{"line", line}, {"character", character}}; }
json range(int l0, int c0, int l1, int c1) { return {{"start", position(l0, c0)}, {"end", position(l1, c1)}}; }

void open(lsp_client& c, const std::string& path, const std::string& text, const std::string& lang) {
    c.notify("textDocument/didOpen",
             {{"textDocument", {{"uri", kbl::test::file_uri(path)}, {"languageId", lang}, {"version", 1}, {"text", text}}}});
}

json at(const std::string& path, int line, int character) {
    return {{"textDocument", {{"uri", kbl::test::file_uri(path)}}}, {"position", position(line, character)}};
}

std::vector<std::string> labels(const json& completion) {
    std::vector<std::string> out;
    for (const auto& it : completion["result"]["items"]) out.push_back(it["label"]);
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

} // namespace

TEST_CASE("lsp: a rule file's errors and warnings at their exact UTF-16 ranges, cleared when fixed", "[lsp]") {
    pack_dir p;
    lsp_client c;
    kbl::test::initialize(c);
    open(c, p.rules, rule_text, "kbl");
    json n = c.notification("textDocument/publishDiagnostics");
    CHECK(n["params"]["uri"] == kbl::test::file_uri(p.rules));
    CHECK(n["params"]["version"] == 1);
    // In the order of their positions.
    CHECK(n["params"]["diagnostics"] == json::array({
        {{"range", range(11, 11, 11, 17)}, {"severity", 2}, {"source", "kblint"}, {"code", "unused-let"},
         {"message", "'unused' is bound by 'let' but never used"}},
        {{"range", range(12, 49, 12, 53)}, {"severity", 1}, {"source", "kblint"}, {"code", "unknown-function"},
         {"message", "unknown function 'lowr', did you mean 'lower'?"}},
    }));
    // As you type: the fixed text has no diagnostic.
    std::string fixed = rule_text;
    fixed.replace(fixed.find("  let      unused = 1\n"), 22, "");
    fixed.replace(fixed.find("lowr"), 4, "lower");
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", kbl::test::file_uri(p.rules)}, {"version", 2}}},
                                        {"contentChanges", json::array({{{"text", fixed}}})}});
    n = c.notification("textDocument/publishDiagnostics");
    CHECK(n["params"]["version"] == 2);
    CHECK(n["params"]["diagnostics"] == json::array());
    // An error in another file of the pack (a duplicate rule id) shows at the start of this one.
    std::string dup = fixed;
    dup.replace(dup.find("T-001"), 5, "T-002");
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", kbl::test::file_uri(p.rules)}, {"version", 3}}},
                                        {"contentChanges", json::array({{{"text", dup}}})}});
    n = c.notification("textDocument/publishDiagnostics");
    REQUIRE(n["params"]["diagnostics"].size() == 1);
    json d = n["params"]["diagnostics"][0];
    CHECK(d["code"] == "duplicate-rule");
    CHECK(d["severity"] == 1);
}

TEST_CASE("lsp: a snapshot's findings and TOML errors as diagnostics", "[lsp]") {
    std::string node2 = kbl::test::src_path("fixtures/Q241573-010/NODE2.toml");
    std::string node1 = kbl::test::src_path("fixtures/Q241573-010/NODE1.toml");
    lsp_client c;
    kbl::test::initialize(c);
    open(c, node2, kbl::test::read_file(node2), "toml");
    json n = c.notification("textDocument/publishDiagnostics");
    CHECK(n["params"]["uri"] == kbl::test::file_uri(node2));
    // fixtures/Q241573-010/expected.txt: Q241573-010 NODE2 NODE2.toml:165:1 fail, at `[planned]`.
    CHECK(n["params"]["diagnostics"] == json::array({{
        {"range", range(164, 0, 164, 9)}, {"severity", 1}, {"code", "Q241573-010"}, {"source", "kblint"},
        {"message", "ClusSvc on NODE2 is 'running' at step 1, where the Option Pack is removed from this node\n"
                    "fix: Stop the Cluster Server service on NODE2 (Services applet) and make sure it stays stopped "
                    "before you run Remove All"},
        {"relatedInformation", json::array({{{"location", {{"uri", kbl::test::file_uri(node2)}, {"range", range(43, 8, 43, 17)}}},
                                             {"message", "'services.ClusSvc.state' read here"}}})},
    }}));
    open(c, node1, kbl::test::read_file(node1), "toml");
    CHECK(c.notification("textDocument/publishDiagnostics")["params"]["diagnostics"] == json::array());

    // A TOML error; saving a fixed file (its text on disk) clears it.
    std::string dir = kbl::test::temp_dir("lsp-toml");
    std::string broken = dir + "/broken.toml";
    kbl::test::write_file(broken, "a = \n");
    open(c, broken, "a = \n", "toml");
    CHECK(c.notification("textDocument/publishDiagnostics")["params"]["diagnostics"] == json::array({{
        {"range", range(0, 4, 0, 4)}, {"severity", 1}, {"source", "kblint"}, {"code", "toml"},
        {"message", "invalid key-value pair: expected value, saw '\\n'"}}}));
    // A file that is never a snapshot has no diagnostics.
    std::string cfg = dir + "/Cargo.toml";
    kbl::test::write_file(cfg, "[package]\n");
    open(c, cfg, "[package]\n", "toml");
    CHECK(c.notification("textDocument/publishDiagnostics")["params"]["diagnostics"] == json::array());
}

TEST_CASE("lsp: hover on a def, a built-in function, a rule id and a schema path", "[lsp]") {
    pack_dir p;
    lsp_client c;
    kbl::test::initialize(c);
    open(c, p.rules, rule_text, "kbl");
    c.notification("textDocument/publishDiagnostics");
    auto hover = [&](int line, int character) { return c.request("textDocument/hover", at(p.rules, line, character))["result"]; };
    CHECK(hover(12, 13) == json{{"contents", {{"kind", "markdown"}, {"value", "```kbl\ndef shout(x)\n```\n\nShouts: upper case."}}},
                                {"range", range(12, 11, 12, 16)}});
    CHECK(hover(3, 16)["contents"]["value"] ==
          "```kbl\nupper(x)\n```\n\n`x` in upper case; on a list, each string");
    CHECK(hover(5, 7)["contents"]["value"] == "**T-001**: Café check\n\nseverity warning · scope node · ref Q1 \"s\"\n\n**fix:** do it");
    CHECK(hover(12, 25) == json{{"contents", {{"kind", "markdown"}, {"value", "```kbl\nfield node.netbios_name string required \"the node's NetBIOS computer name (at most 15 characters, any case); it names the node\"\n```"}}},
                                {"range", range(12, 22, 12, 34)}});
    CHECK(hover(13, 17)["contents"]["value"] == "```kbl\ndef helper\n```");  // a def of another file of the pack
    CHECK(hover(1, 0).is_null());
}

TEST_CASE("lsp: the hover of a def shows its parameter types", "[lsp]") {
    std::string dir = kbl::test::temp_dir("lsp-typed");
    const std::string text = "def is_web(n: node, ports: list(int), x) = x in ports\n";
    kbl::test::write_file(dir + "/t.kbl", text);
    lsp_client c;
    kbl::test::initialize(c);
    open(c, dir + "/t.kbl", text, "kbl");
    c.notification("textDocument/publishDiagnostics");
    CHECK(c.request("textDocument/hover", at(dir + "/t.kbl", 0, 5))["result"]["contents"]["value"] ==
          "```kbl\ndef is_web(n: node, ports: list(int), x)\n```");
}

TEST_CASE("lsp: go to the definition of a def, a rule id and a used file", "[lsp]") {
    pack_dir p;
    std::string uri = kbl::test::file_uri(p.rules), helpers = kbl::test::file_uri(p.helpers);
    lsp_client c;
    kbl::test::initialize(c);
    open(c, p.rules, rule_text, "kbl");
    c.notification("textDocument/publishDiagnostics");
    auto def = [&](int line, int character) { return c.request("textDocument/definition", at(p.rules, line, character))["result"]; };
    CHECK(def(12, 12) == json{{"uri", uri}, {"range", range(3, 4, 3, 9)}});
    CHECK(def(13, 17) == json{{"uri", helpers}, {"range", range(0, 4, 0, 10)}});
    CHECK(def(0, 8) == json{{"uri", helpers}, {"range", range(0, 0, 0, 0)}});
    CHECK(def(5, 8) == json{{"uri", uri}, {"range", range(5, 5, 5, 10)}});
    CHECK(def(12, 40).is_null());  // inside a string: nothing
    // A rule id named in a string of another file (its fix: "see T-001").
    open(c, p.helpers, helpers_text, "kbl");
    c.notification("textDocument/publishDiagnostics");
    CHECK(c.request("textDocument/definition", at(p.helpers, 7, 17))["result"] == json{{"uri", uri}, {"range", range(5, 5, 5, 10)}});
}

TEST_CASE("lsp: completion offers keywords, functions, defs and the schema keys after a dot", "[lsp]") {
    pack_dir p;
    lsp_client c;
    kbl::test::initialize(c);
    open(c, p.rules, rule_text, "kbl");
    c.notification("textDocument/publishDiagnostics");
    std::vector<std::string> all = labels(c.request("textDocument/completion", at(p.rules, 12, 11)));
    for (const char* l : {"require", "when", "all", "lower", "upper", "schema_violations", "shout", "helper", "node", "services"})
        CHECK(has(all, l));
    json after_dot = c.request("textDocument/completion", at(p.rules, 12, 22));
    CHECK(labels(after_dot) == std::vector<std::string>{"netbios_name", "dns_name", "domain", "machine_sid"});
    CHECK(after_dot["result"]["items"][0] ==
          json{{"label", "netbios_name"}, {"kind", 5}, {"detail", "field node.netbios_name string required \"the node's NetBIOS computer name (at most 15 characters, any case); it names the node\""}});
    json fn, everything = c.request("textDocument/completion", at(p.rules, 12, 11));
    for (const auto& it : everything["result"]["items"])
        if (it["label"] == "substr") fn = it;
    CHECK(fn == json{{"label", "substr"}, {"kind", 3}, {"detail", "substr(s, start[, len])"},
                     {"documentation", {{"kind", "markdown"}, {"value", "the part of `s` from `start` (of `len` characters)"}}}});
}

TEST_CASE("lsp: formatting is one edit with kblint fmt's text, and document symbols", "[lsp]") {
    pack_dir p;
    std::string messy = "def   shout(x)=upper( x )\n" + rule_text.substr(rule_text.find("rule T-001"));
    kbl::test::write_file(p.rules, messy);
    std::string copy = kbl::test::temp_dir("lsp-fmt") + "/rules.kbl";
    kbl::test::write_file(copy, messy);
    REQUIRE(kbl::test::run_kblint({"fmt", copy}).out == copy + ": reformatted\n");
    std::string formatted = kbl::test::read_file(copy);
    REQUIRE(formatted != messy);

    lsp_client c;
    kbl::test::initialize(c);
    open(c, p.rules, messy, "kbl");
    c.notification("textDocument/publishDiagnostics");
    json params = {{"textDocument", {{"uri", kbl::test::file_uri(p.rules)}}}, {"options", {{"tabSize", 2}, {"insertSpaces", true}}}};
    json edits = c.request("textDocument/formatting", params)["result"];
    CHECK(edits == json::array({{{"range", range(0, 0, 11, 0)}, {"newText", formatted}}}));
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", kbl::test::file_uri(p.rules)}, {"version", 2}}},
                                        {"contentChanges", json::array({{{"text", formatted}}})}});
    CHECK(c.request("textDocument/formatting", params)["result"] == json::array());
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", kbl::test::file_uri(p.rules)}, {"version", 3}}},
                                        {"contentChanges", json::array({{{"text", "rule {"}}})}});
    CHECK(c.request("textDocument/formatting", params)["result"].is_null());

    open(c, p.helpers, helpers_text, "kbl");
    json symbols = c.request("textDocument/documentSymbol", {{"textDocument", {{"uri", kbl::test::file_uri(p.helpers)}}}})["result"];
    CHECK(symbols == json::array({
        {{"name", "helper"}, {"detail", "def helper"}, {"kind", 14}, {"range", range(0, 0, 0, 16)}, {"selectionRange", range(0, 4, 0, 10)}},
        {{"name", "T-002"}, {"detail", "Helper"}, {"kind", 5}, {"range", range(2, 0, 10, 1)}, {"selectionRange", range(2, 5, 2, 10)}},
    }));
}

TEST_CASE("lsp: every built-in function of the engine has a signature and documentation", "[lsp]") {
    for (const auto& b : kbl::builtin_functions()) {
        INFO(b.name);
        CHECK(b.signature.rfind(b.name + "(", 0) == 0);
        CHECK(!b.doc.empty());
    }
}

TEST_CASE("lsp: hover and go to definition follow a module's name and its defs and tables", "[lsp]") {
    module_dir p;
    std::string a = kbl::test::file_uri(p.a), b = kbl::test::file_uri(p.b);
    lsp_client c;
    kbl::test::initialize(c);
    open(c, p.main, main_text, "kbl");
    c.notification("textDocument/publishDiagnostics");
    auto hover = [&](int line, int character) { return c.request("textDocument/hover", at(p.main, line, character))["result"]; };
    auto def = [&](int line, int character) { return c.request("textDocument/definition", at(p.main, line, character))["result"]; };
    auto md = [](const std::string& text) { return json{{"kind", "markdown"}, {"value", text}}; };
    // `over` of a.over is module a's (b has one too), with its comment.
    CHECK(hover(9, 18) == json{{"contents", md("```kbl\ndef over(x)\n```\n\nmodule `a` (a/lib.kbl)\n\nOver the limit.")},
                               {"range", range(9, 17, 9, 21)}});
    CHECK(def(9, 18) == json{{"uri", a}, {"range", range(1, 4, 1, 8)}});
    CHECK(hover(9, 53) == json{{"contents", md("```kbl\ndef ok\n```\n\nmodule `b` (b/lib.kbl)")}, {"range", range(9, 52, 9, 54)}});
    CHECK(def(9, 53) == json{{"uri", b}, {"range", range(1, 4, 1, 6)}});
    // The module's name: its `use` and its file.
    CHECK(hover(9, 15) == json{{"contents", md("```kbl\nuse \"a/lib.kbl\" as a\n```\n\n`" + p.a + "`")}, {"range", range(9, 15, 9, 16)}});
    CHECK(def(9, 15) == json{{"uri", a}, {"range", range(0, 0, 0, 0)}});
    CHECK(hover(1, 19)["contents"] == md("```kbl\nuse \"b/lib.kbl\" as b\n```\n\n`" + p.b + "`"));
    // A module's table, read in a message.
    CHECK(hover(10, 16) == json{{"contents", md("```kbl\ntable names\n```\n\n1 entries\n\nmodule `a` (a/lib.kbl)")},
                                {"range", range(10, 15, 10, 20)}});
    CHECK(def(10, 16) == json{{"uri", a}, {"range", range(3, 6, 3, 11)}});
    // Inside the module its own names come first.
    open(c, p.a, lib_a_text, "kbl");
    c.notification("textDocument/publishDiagnostics");
    CHECK(c.request("textDocument/definition", at(p.a, 1, 19))["result"] == json{{"uri", a}, {"range", range(2, 4, 2, 9)}});
}

TEST_CASE("lsp: completion after a module's name lists its defs and tables, not schema keys", "[lsp]") {
    module_dir p;
    lsp_client c;
    kbl::test::initialize(c);
    open(c, p.main, main_text, "kbl");
    c.notification("textDocument/publishDiagnostics");
    auto complete = [&](int line, int character) { return c.request("textDocument/completion", at(p.main, line, character)); };
    CHECK(complete(9, 52)["result"] == json{{"isIncomplete", false}, {"items", json::array({
        {{"label", "over"}, {"kind", 3}, {"detail", "def over(x)"}},
        {{"label", "ok"}, {"kind", 21}, {"detail", "def ok"}},
    })}});
    CHECK(labels(complete(9, 17)) == std::vector<std::string>{"over", "limit", "names"});
    CHECK(labels(complete(10, 15)) == std::vector<std::string>{"over", "limit", "names"});  // in `{a.names[1]}`
    // Without a dot: the module names, not the modules' own defs.
    json all = complete(9, 11);
    std::vector<std::string> names = labels(all);
    CHECK(has(names, "a"));
    CHECK(has(names, "b"));
    CHECK(!has(names, "limit"));
    CHECK(has(names, "upper"));
    for (const auto& it : all["result"]["items"])
        if (it["label"] == "a") CHECK(it == json{{"label", "a"}, {"kind", 9}, {"detail", "use \"a/lib.kbl\" as a"}});
    // After `node.`, still the schema keys.
    CHECK(labels(complete(9, 31)) == std::vector<std::string>{"netbios_name", "dns_name", "domain", "machine_sid"});
}
