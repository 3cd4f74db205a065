// `kblint schema`: the text listing and the JSON Schema of a rule pack's snapshot schema. The JSON
// Schema is checked by python3-jsonschema (tests/validate_json_schema.py): a valid draft-07 schema
// that accepts the healthy fixtures, rejects broken snapshots, and agrees with kblint's own schema
// check on a pack that uses every kind of field.
// Set KBLINT_UPDATE_GOLDEN=1 to rewrite tests/golden/schema-*, then review the diff.
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;

// Run tests/validate_json_schema.py on `schema` (a file) and `files`.
run_output validate(const std::string& schema, const std::vector<std::string>& files) {
    std::vector<std::string> argv = {python3(), src_path("tests/validate_json_schema.py"), schema};
    argv.insert(argv.end(), files.begin(), files.end());
    run_output r = run_program(argv);
    INFO("validate_json_schema.py stdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.err.empty());  // python3-jsonschema is there and the schema is a valid draft-07 schema
    return r;
}

// `kblint schema --format json-schema` with `pack` options, written to a file of a fresh folder.
std::string json_schema_file(const std::vector<std::string>& pack, const std::string& tag) {
    std::vector<std::string> args = {"schema", "--format", "json-schema"};
    args.insert(args.end(), pack.begin(), pack.end());
    run_output r = run_kblint(args);
    REQUIRE(r.status == 0);
    REQUIRE(r.err.empty());
    std::string file = temp_dir(tag) + "/kblint.schema.json";
    write_file(file, r.out);
    return file;
}

// `text` with the first `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("schema: the text listing of the test pack", "[schema]") {
    run_output r = run_kblint(with_pack({"schema"}));
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    check_golden_in(".", "schema-web.txt", r.out);
    CHECK(run_kblint(with_pack({"schema", "-f", "text"})).out == r.out);
}

TEST_CASE("schema: the JSON Schema of the built-in pack", "[schema][builtin]") {
    run_output r = run_kblint({"schema", "--format", "json-schema"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    check_golden_in(".", "schema-builtin.json", r.out);
    nlohmann::json doc = nlohmann::json::parse(r.out);
    CHECK(doc["$schema"] == "http://json-schema.org/draft-07/schema#");
    CHECK(doc["required"] == nlohmann::json::array({"cluster", "iis", "node", "os", "snapshot"}));

    std::string dir = temp_dir("schema-builtin");
    std::string schema = dir + "/kblint.schema.json";
    write_file(schema, r.out);

    SECTION("the healthy and runbook fixtures validate") {
        std::vector<std::string> files = {"fixtures/healthy/NODE1.toml", "fixtures/healthy/NODE2.toml",
                                          "fixtures/runbook/NODE1.toml", "fixtures/runbook/NODE2.toml"};
        run_output v = validate(schema, files);
        CHECK(v.status == 0);
        CHECK(v.out ==
              "fixtures/healthy/NODE1.toml: valid\n"
              "fixtures/healthy/NODE2.toml: valid\n"
              "fixtures/runbook/NODE1.toml: valid\n"
              "fixtures/runbook/NODE2.toml: valid\n");
    }
    SECTION("a wrong type, a missing required key or an unknown enum value does not validate") {
        std::string node1 = read_file(src_path("fixtures/healthy/NODE1.toml"));
        std::vector<std::pair<std::string, std::string>> cases = {
            {"wrong-type.toml", replaced(node1, "schema_version = 1 ", "schema_version = \"one\" ")},
            {"no-taken-at.toml", replaced(node1, "taken_at = 2002-05-20T09:00:00Z", "")},
            {"bad-enum.toml", replaced(node1, "edition = \"enterprise\"", "edition = \"enterprize\"")},
            {"enum-case.toml", replaced(node1, "edition = \"enterprise\"", "edition = \"Enterprise\"")},
        };
        std::vector<std::string> files;
        for (const auto& [name, text] : cases) {
            files.push_back(dir + "/" + name);
            write_file(files.back(), text);
        }
        files.push_back("fixtures/KBL-001/NODE1.toml");
        run_output v = validate(schema, files);
        CHECK(v.status == 1);
        CHECK(v.out == files[0] + ": /snapshot/schema_version: 'one' is not of type 'integer'\n" +
                           files[1] + ": /snapshot: 'taken_at' is a required property\n" +
                           files[2] + ": /os/edition: 'enterprize' is not valid under any of the given schemas\n" +
                           files[3] + ": valid\n" +
                           "fixtures/KBL-001/NODE1.toml: /snapshot/schema_version: '1' is not of type 'integer'\n");
    }
}

TEST_CASE("schema: the JSON Schema of another product's pack accepts its snapshots", "[schema]") {
    std::string schema = json_schema_file({"--no-builtin", "-r", "examples/webserver"}, "schema-webserver");
    run_output v = validate(schema, {"examples/webserver/snapshots/web1.toml", "examples/webserver/snapshots/web2.toml",
                                     "examples/webserver/snapshots/web3.toml"});
    CHECK(v.status == 0);
    CHECK(v.out ==
          "examples/webserver/snapshots/web1.toml: valid\n"
          "examples/webserver/snapshots/web2.toml: valid\n"
          "examples/webserver/snapshots/web3.toml: valid\n");
}

TEST_CASE("schema: the JSON Schema accepts what kblint's schema check accepts", "[schema]") {
    // Every kind of field: a nocase table with a required named key and a `*`, enums with letters
    // and without, a list of enums (kblint checks the elements' type only), a union, a float, a
    // datetime (local ones too: the validator checks formats strictly, as taplo does), a date, a
    // time, a list of tables with a required key, `any`.
    std::string dir = temp_dir("schema-agree");
    write_file(dir + "/pack/s.kbl", R"(schema {
  node_id host.name
  field host              table                       required
  field host.name         string                      required
  field svc               table                       nocase
  field svc.Web           table                       required
  field svc.Web.port      int                         required
  field svc.*             table
  field svc.*.state       enum("Running", "stopped")
  field tags              list(enum("a", "b"))
  field mixed             int | string
  field ratio             float
  field when              datetime
  field day               date
  field at                time
  field items             list(table)
  field items[*].id       int                         required
  field extra             any
  field ver               enum("4.0", "5.0")
}

rule S-001 {
  title    "Snapshot does not follow the schema"
  severity error
  scope    node
  ref      S "schema"
  fix      "Follow the schema"
  require  none v in schema_violations()
  message  "{v.message}"
}
)");
    const std::string head = "host = { name = \"h\" }\n";  // top-level keys may follow
    const std::string web = "[svc.Web]\nport = 80\n";
    // name, snapshot, valid for kblint (and so for the JSON Schema)
    const std::vector<std::tuple<std::string, std::string, bool>> cases = {
        {"minimal", head, true},
        {"no-host", "[other]\nx = 1\n", false},
        {"web", head + web, true},
        {"web-lower-case", head + "[svc.web]\nport = 80\n", true},
        {"web-missing", head + "[svc.Other]\nstate = \"running\"\n", false},
        {"web-port-string", head + "[svc.Web]\nport = \"80\"\n", false},
        {"state-any-case", head + web + "[svc.Db]\nstate = \"RUNNING\"\n", true},
        {"state-unknown", head + web + "[svc.Db]\nstate = \"runnin\"\n", false},
        {"svc-not-table", head + "svc = 1\n", false},
        {"tags-unknown-value", head + "tags = [\"a\", \"zzz\"]\n", true},
        {"tags-not-strings", head + "tags = [1]\n", false},
        {"mixed-int", head + "mixed = 1\n", true},
        {"mixed-string", head + "mixed = \"x\"\n", true},
        {"mixed-bool", head + "mixed = true\n", false},
        {"ratio-int", head + "ratio = 1\n", true},
        {"ratio-string", head + "ratio = \"1.5\"\n", false},
        {"when-local", head + "when = 2020-01-02T03:04:05\n", true},
        {"when-offset", head + "when = 2020-01-02 03:04:05.5+01:00\n", true},
        {"when-date", head + "when = 2020-01-02\n", false},
        {"day", head + "day = 2020-01-02\n", true},
        {"at", head + "at = 03:04:05\n", true},
        {"at-fraction", head + "at = 03:04:05.25\n", true},
        {"at-int", head + "at = 3\n", false},
        {"items", head + "[[items]]\nid = 1\n[[items]]\nid = 2\nname = \"x\"\n", true},
        {"items-no-id", head + "[[items]]\nname = \"x\"\n", false},
        {"items-not-array", head + "items = 1\n", false},
        {"extra", head + "extra = [1, \"x\", { y = 2 }]\n", true},
        {"ver", head + "ver = \"5.0\"\n", true},
        {"ver-unknown", head + "ver = \"5.1\"\n", false},
        {"unknown-keys", head + "[whatever]\nx = 1\n", true},
    };
    std::string schema = json_schema_file({"--no-builtin", "-r", dir + "/pack"}, "schema-agree-out");
    std::vector<std::string> files;
    for (const auto& [name, text, valid] : cases) {
        files.push_back(dir + "/" + name + ".toml");
        write_file(files.back(), text);
    }
    run_output v = validate(schema, files);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& [name, text, valid] = cases[i];
        INFO(name << ":\n" << text);
        run_output k = run_kblint({"check", "--no-builtin", "-r", dir + "/pack", files[i]});
        REQUIRE((k.status == 0 || k.status == 1));
        bool json_valid = v.out.find(files[i] + ": valid\n") != std::string::npos;
        CHECK((k.status == 0) == valid);
        CHECK(json_valid == valid);
    }
}

TEST_CASE("schema: usage errors and a pack without a schema", "[schema]") {
    run_output r = run_kblint({"schema", "--format", "yaml"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "kblint: invalid value 'yaml' for '--format' (expected text or json-schema)\n");

    r = run_kblint({"schema", "--format", "json-schem"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "kblint: invalid value 'json-schem' for '--format', did you mean 'json-schema'?\n");

    r = run_kblint({"schema", "--fromat", "text"});
    CHECK(r.status == 2);
    CHECK(r.err == "kblint: unknown option '--fromat', did you mean '--format'?\n");

    // A pack may declare no schema: then there is no schema to print, which is an error (exit 2).
    std::string dir = temp_dir("schema-none");
    write_file(dir + "/r.kbl", R"(rule N-001 {
  title    "Something is off"
  severity info
  scope    node
  ref      N "n"
  fix      "Fix it"
  require  exists(a)
  message  "a is missing"
}
)");
    for (const char* format : {"text", "json-schema"}) {
        INFO(format);
        r = run_kblint({"schema", "--no-builtin", "-r", dir, "--format", format});
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err ==
              "kblint: the loaded rule pack declares no schema: none of its files has a 'schema { ... }' block\n");
    }

    r = run_kblint({"schema", "--help"});
    CHECK(r.status == 0);
    CHECK(r.out.find("Usage: kblint schema") != std::string::npos);
    CHECK(r.out.find("-f,--format") != std::string::npos);
    CHECK(r.out.find("Exit status: 0 printed; 2 usage error, invalid rule files, or a rule pack that declares "
                     "no schema.") != std::string::npos);
}
