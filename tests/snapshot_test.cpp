// Snapshot loading: positions, paths, case-insensitive tables, date-times, errors and limits.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/limits.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "tests/test_util.hpp"

using kbl::pos;
using namespace std::string_literals;
using kbl::snap::kind;
using kbl::snap::node;

namespace {

struct loaded {
    std::optional<kbl::snap::snapshot> snap;
    kbl::diagnostics errs;
};

loaded load(std::string text, const std::vector<std::string>& ci = {},
            kbl::snap::load_limits lim = kbl::snap::default_load_limits()) {
    loaded r;
    r.snap = kbl::snap::load_snapshot("test.toml", std::move(text), lim, ci, r.errs);
    return r;
}

kbl::snap::snapshot must_load(std::string text, const std::vector<std::string>& ci = {}) {
    auto r = load(std::move(text), ci);
    INFO((r.errs.empty() ? std::string() : kbl::render_diagnostic(r.errs.front())));
    REQUIRE(r.snap);
    REQUIRE(r.errs.empty());
    return *r.snap;
}

// Like toml++'s parsing_should_fail: the load must fail with one error at exactly line:col.
void parsing_should_fail(std::string text, std::uint32_t line, std::uint32_t col, const std::string& message,
                         const std::string& check_id = "toml",
                         kbl::snap::load_limits lim = kbl::snap::default_load_limits()) {
    auto r = load(std::move(text), {}, lim);
    CHECK_FALSE(r.snap);
    REQUIRE(r.errs.size() == 1);
    const auto& d = r.errs.front();
    INFO(kbl::render_diagnostic(d));
    CHECK(d.severity == kbl::diag_severity::error);
    CHECK(d.file);
    CHECK(d.name() == "test.toml");
    CHECK(d.where == pos{line, col});
    CHECK(d.message == message);
    CHECK(d.check_id == check_id);
}

// Follows `a.b[1].c`-style steps: each step is a key, or "[n]" for an array element.
const node& at(const node& root, const std::vector<std::string>& steps) {
    const node* n = &root;
    for (const auto& step : steps) {
        INFO("step " << step << " of " << n->path);
        if (!step.empty() && step.front() == '[') {
            const auto idx = std::stoul(step.substr(1));
            REQUIRE(n->k == kind::array);
            REQUIRE(idx < n->items.size());
            n = n->items[idx].get();
        } else {
            const auto* e = n->find(step);
            REQUIRE(e);
            n = e->value.get();
        }
    }
    return *n;
}

const kbl::snap::entry& entry_of(const node& table, const std::string& key) {
    const auto* e = table.find(key);
    REQUIRE(e);
    return *e;
}

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

std::string join_keys(std::size_t n) {
    std::string out = "a";
    for (std::size_t i = 1; i < n; ++i) out += ".a";
    return out;
}

kbl::snap::load_limits depth_limit(std::uint32_t d) {
    auto lim = kbl::snap::default_load_limits();
    lim.max_depth = d;
    return lim;
}

} // namespace

TEST_CASE("snapshot: default limits and kind names", "[snapshot]") {
    const auto lim = kbl::snap::default_load_limits();
    CHECK(lim.max_file_bytes == kbl::limits::max_file_bytes);
    CHECK(lim.max_depth == kbl::limits::max_toml_depth);
    CHECK(kbl::snap::kind_name(kind::table) == "table");
    CHECK(kbl::snap::kind_name(kind::array) == "array");
    CHECK(kbl::snap::kind_name(kind::string) == "string");
    CHECK(kbl::snap::kind_name(kind::integer) == "integer");
    CHECK(kbl::snap::kind_name(kind::floating) == "float");
    CHECK(kbl::snap::kind_name(kind::boolean) == "boolean");
    CHECK(kbl::snap::kind_name(kind::offset_datetime) == "datetime");
    CHECK(kbl::snap::kind_name(kind::local_datetime) == "local datetime");
    CHECK(kbl::snap::kind_name(kind::local_date) == "date");
    CHECK(kbl::snap::kind_name(kind::local_time) == "time");
}

TEST_CASE("snapshot: positions of keys, values and tables", "[snapshot]") {
    const auto snap = must_load(
        "# header comment\n"                                                // 1
        "title = \"kb\"\n"                                                  // 2
        "\n"                                                                // 3
        "[services.ClusSvc]\n"                                              // 4
        "state = \"running\"\n"                                             // 5
        "  start.mode = 'manual'\n"                                         // 6
        "\n"                                                                // 7
        "[[cluster.groups]]\n"                                              // 8
        "name = \"g1\"\n"                                                   // 9
        "resources = [ { name = \"r1\" }, { name = \"r2\", deps = [1, 2] } ]\n"  // 10
        "[[cluster.groups]]\n"                                              // 11
        "name = \"g2\"\n");                                                 // 12
    const node& root = *snap.root;
    CHECK(root.k == kind::table);
    CHECK(root.where == pos{1, 1});
    CHECK(root.path.empty());
    REQUIRE(snap.file);
    CHECK(snap.file->name() == "test.toml");

    SECTION("entries keep source order, not key order") {
        REQUIRE(root.entries.size() == 3);
        CHECK(root.entries[0].key == "title");
        CHECK(root.entries[1].key == "services");
        CHECK(root.entries[2].key == "cluster");
        const node& groups0 = at(root, {"cluster", "groups", "[0]"});
        REQUIRE(groups0.entries.size() == 2);
        CHECK(groups0.entries[0].key == "name");
        CHECK(groups0.entries[1].key == "resources");
    }
    SECTION("scalar keys and values") {
        CHECK(entry_of(root, "title").key_pos == pos{2, 1});
        CHECK(at(root, {"title"}).where == pos{2, 9});
        CHECK(at(root, {"title"}).str == "kb");
        const node& svc = at(root, {"services", "ClusSvc"});
        CHECK(entry_of(svc, "state").key_pos == pos{5, 1});
        CHECK(at(svc, {"state"}).where == pos{5, 9});
    }
    SECTION("table headers and the keys inside them") {
        CHECK(entry_of(root, "services").key_pos == pos{4, 2});
        CHECK(at(root, {"services"}).where == pos{4, 1});  // implicit: the header that created it
        const node& services = at(root, {"services"});
        CHECK(entry_of(services, "ClusSvc").key_pos == pos{4, 11});
        CHECK(at(services, {"ClusSvc"}).where == pos{4, 1});
    }
    SECTION("dotted-key tables sit at their first key") {
        const node& svc = at(root, {"services", "ClusSvc"});
        CHECK(entry_of(svc, "start").key_pos == pos{6, 3});
        const node& start = at(svc, {"start"});
        CHECK(start.k == kind::table);
        CHECK(start.where == pos{6, 3});
        CHECK(entry_of(start, "mode").key_pos == pos{6, 9});
        CHECK(at(start, {"mode"}).where == pos{6, 16});
        CHECK(at(start, {"mode"}).str == "manual");
    }
    SECTION("arrays of tables, inline tables and inline arrays") {
        CHECK(entry_of(root, "cluster").key_pos == pos{8, 3});
        CHECK(entry_of(at(root, {"cluster"}), "groups").key_pos == pos{8, 11});
        const node& groups = at(root, {"cluster", "groups"});
        CHECK(groups.k == kind::array);
        CHECK(groups.where == pos{8, 1});
        REQUIRE(groups.items.size() == 2);
        CHECK(groups.items[0]->where == pos{8, 1});
        CHECK(groups.items[1]->where == pos{11, 1});
        CHECK(at(groups, {"[1]", "name"}).where == pos{12, 8});

        const node& g0 = *groups.items[0];
        CHECK(entry_of(g0, "resources").key_pos == pos{10, 1});
        const node& res = at(g0, {"resources"});
        CHECK(res.where == pos{10, 13});
        REQUIRE(res.items.size() == 2);
        CHECK(res.items[0]->where == pos{10, 15});
        CHECK(entry_of(*res.items[0], "name").key_pos == pos{10, 17});
        CHECK(at(*res.items[0], {"name"}).where == pos{10, 24});
        CHECK(res.items[1]->where == pos{10, 32});
        CHECK(entry_of(*res.items[1], "name").key_pos == pos{10, 34});
        CHECK(at(*res.items[1], {"name"}).where == pos{10, 41});
        CHECK(entry_of(*res.items[1], "deps").key_pos == pos{10, 47});
        const node& deps = at(*res.items[1], {"deps"});
        CHECK(deps.where == pos{10, 54});
        REQUIRE(deps.items.size() == 2);
        CHECK(deps.items[0]->where == pos{10, 55});
        CHECK(deps.items[1]->where == pos{10, 58});
        CHECK(deps.items[1]->i == 2);
    }
    SECTION("paths") {
        CHECK(at(root, {"title"}).path == "title");
        CHECK(at(root, {"services"}).path == "services");
        CHECK(at(root, {"services", "ClusSvc", "state"}).path == "services.ClusSvc.state");
        CHECK(at(root, {"services", "ClusSvc", "start", "mode"}).path == "services.ClusSvc.start.mode");
        CHECK(at(root, {"cluster", "groups"}).path == "cluster.groups");
        CHECK(at(root, {"cluster", "groups", "[0]"}).path == "cluster.groups[0]");
        CHECK(at(root, {"cluster", "groups", "[1]", "name"}).path == "cluster.groups[1].name");
        CHECK(at(root, {"cluster", "groups", "[0]", "resources", "[1]", "name"}).path ==
              "cluster.groups[0].resources[1].name");
        CHECK(at(root, {"cluster", "groups", "[0]", "resources", "[1]", "deps", "[1]"}).path ==
              "cluster.groups[0].resources[1].deps[1]");
    }
}

TEST_CASE("snapshot: a table defined after its sub-table takes its own header's position", "[snapshot]") {
    const auto snap = must_load("[a.b.c]\nz = 1\n[a]\ny = [1, [2, 3]]\n");
    const node& a = at(*snap.root, {"a"});
    CHECK(a.where == pos{3, 1});
    CHECK(entry_of(*snap.root, "a").key_pos == pos{1, 2});
    REQUIRE(a.entries.size() == 2);
    CHECK(a.entries[0].key == "b");
    CHECK(a.entries[1].key == "y");
    CHECK(at(a, {"b"}).where == pos{1, 1});
    CHECK(at(a, {"y", "[1]", "[0]"}).path == "a.y[1][0]");
    CHECK(at(a, {"y", "[1]", "[0]"}).where == pos{4, 10});
}

TEST_CASE("snapshot: keys that are not bare are quoted in paths", "[snapshot]") {
    const auto snap = must_load(
        "[services.\"W3 SVC\"]\n"
        "state = \"stopped\"\n"
        "\"\" = 1\n"
        "'a.b' = 2\n"
        "\"\xC3\xA9\" = 3\n"
        "plain-key_1 = 4\n"
        "\"quote\\\"d\" = 5\n"
        "\"back\\\\slash\" = 6\n");
    const node& w3 = at(*snap.root, {"services", "W3 SVC"});
    CHECK(entry_of(at(*snap.root, {"services"}), "W3 SVC").key_pos == pos{1, 11});
    CHECK(w3.path == "services.\"W3 SVC\"");
    CHECK(at(w3, {"state"}).path == "services.\"W3 SVC\".state");
    CHECK(at(w3, {""}).path == "services.\"W3 SVC\".\"\"");
    CHECK(at(w3, {"a.b"}).path == "services.\"W3 SVC\".\"a.b\"");
    CHECK(at(w3, {"\xC3\xA9"}).path == "services.\"W3 SVC\".\"\xC3\xA9\"");
    CHECK(at(w3, {"plain-key_1"}).path == "services.\"W3 SVC\".plain-key_1");
    CHECK(at(w3, {"quote\"d"}).path == "services.\"W3 SVC\".\"quote\\\"d\"");
    CHECK(at(w3, {"back\\slash"}).path == "services.\"W3 SVC\".\"back\\\\slash\"");
    // columns count bytes: the key "é" is four bytes wide, so its value starts at column 8
    CHECK(at(w3, {"\xC3\xA9"}).where == pos{5, 8});
}

TEST_CASE("snapshot: columns count bytes after multi-byte characters", "[snapshot]") {
    const auto snap = must_load("a = \"\xC3\xA9\xC3\xA9\"\nb = { x = \"\xE6\x97\xA5\xE6\x9C\xAC\", y = 2 }\n");
    CHECK(at(*snap.root, {"a"}).where == pos{1, 5});
    const node& b = at(*snap.root, {"b"});
    CHECK(b.where == pos{2, 5});
    CHECK(entry_of(b, "x").key_pos == pos{2, 7});
    CHECK(at(b, {"x"}).where == pos{2, 11});
    CHECK(entry_of(b, "y").key_pos == pos{2, 21});
    CHECK(at(b, {"y"}).where == pos{2, 25});
    parsing_should_fail("a = \"\xE6\x97\xA5\xE6\x9C\xAC\" x\n", 1, 14,
                        "invalid key-value pair: expected a comment or whitespace, saw 'x'");
    parsing_should_fail("a = \"\xC3\xA9\x01\"\n", 1, 8,
                        "invalid string: unescaped control characters other than TAB (U+0009) are explicitly "
                        "prohibited");
}

TEST_CASE("snapshot: case-insensitive tables", "[snapshot]") {
    const std::string text =
        "[services.ClusSvc]\nstate = \"running\"\n[services.W3SVC]\nstate = \"stopped\"\n"
        "[Other]\nKey = 1\n[t]\nA = 1\na = 2\n[deep.er]\nX = 1\n";
    const auto snap = must_load(text, {"services", "t", "deep.er"});
    const node& root = *snap.root;
    const node& services = at(root, {"services"});
    CHECK(services.ci_keys);
    CHECK_FALSE(root.ci_keys);
    REQUIRE(services.find("clussvc"));
    CHECK(services.find("clussvc")->key == "ClusSvc");
    CHECK(services.find("CLUSSVC")->key == "ClusSvc");
    CHECK(services.find("w3svc")->key == "W3SVC");
    CHECK_FALSE(services.find("nope"));
    CHECK_FALSE(services.find("clussv"));

    const node& clus = at(services, {"ClusSvc"});
    CHECK_FALSE(clus.ci_keys);
    CHECK(clus.find("state"));
    CHECK_FALSE(clus.find("STATE"));

    CHECK(root.find("Other"));
    CHECK_FALSE(root.find("other"));

    const node& t = at(root, {"t"});
    REQUIRE(t.ci_keys);
    CHECK(t.find("a")->key == "A");  // first match in source order
    CHECK(t.find("A")->key == "A");

    CHECK(at(root, {"deep", "er"}).ci_keys);
    CHECK_FALSE(at(root, {"deep"}).ci_keys);
    CHECK(at(root, {"deep", "er"}).find("x"));

    const auto inline_snap = must_load("services = { ClusSvc = { state = \"x\" } }\n", {"services"});
    CHECK(at(*inline_snap.root, {"services"}).find("CLUSSVC"));

    CHECK_FALSE(at(root, {"services", "ClusSvc", "state"}).find("x"));  // not a table
}

TEST_CASE("snapshot: scalar values", "[snapshot]") {
    const auto snap = must_load(
        "s = 'lit\\eral'\ni = -42\nh = 0x8011040A\nbig = 9223372036854775807\nf = 1.5e3\n"
        "inf = -inf\nnan = nan\nb = true\nml = \"\"\"\nline1\nline2\"\"\"\n");
    const node& r = *snap.root;
    CHECK(at(r, {"s"}).k == kind::string);
    CHECK(at(r, {"s"}).str == "lit\\eral");
    CHECK(at(r, {"i"}).k == kind::integer);
    CHECK(at(r, {"i"}).i == -42);
    CHECK(at(r, {"h"}).i == 0x8011040A);
    CHECK(at(r, {"big"}).i == INT64_MAX);
    CHECK(at(r, {"f"}).k == kind::floating);
    CHECK(at(r, {"f"}).f == 1500.0);
    CHECK(at(r, {"inf"}).f == -INFINITY);
    CHECK(std::isnan(at(r, {"nan"}).f));
    CHECK(at(r, {"b"}).k == kind::boolean);
    CHECK(at(r, {"b"}).b);
    CHECK(at(r, {"ml"}).str == "line1\nline2");
    CHECK(at(r, {"ml"}).where == pos{9, 6});
}

TEST_CASE("snapshot: date-times have a canonical text", "[snapshot]") {
    const auto snap = must_load(
        "odt1 = 1979-05-27T07:32:00Z\n"
        "odt2 = 1979-05-27T00:32:00-07:00\n"
        "odt3 = 1979-05-27T00:32:00.999999-07:00\n"
        "odt4 = 1979-05-27 07:32:00.5+01:30\n"
        "odt5 = 2000-01-01T00:30:00+01:00\n"
        "odt6 = 2000-02-28T23:00:00-02:00\n"
        "odt7 = 1999-12-31t23:59:59z\n"
        "odt8 = 2024-01-01T00:00:00.000Z\n"
        "odt9 = 2024-01-01T00:00:00.123456789Z\n"
        "odt10 = 2024-01-01T00:00:00.1Z\n"
        "odt11 = 2023-12-31T23:30:00-00:45\n"
        "ldt1 = 1979-05-27T07:32:00\n"
        "ldt2 = 1979-05-27 00:32:00.999999\n"
        "ld = 1979-05-27\n"
        "lt1 = 07:32:00\n"
        "lt2 = 00:32:00.999999\n"
        "lt3 = 00:32:00.5\n");
    const node& r = *snap.root;
    const auto text_of = [&](const std::string& key) { return at(r, {key}).str; };
    CHECK(at(r, {"odt1"}).k == kind::offset_datetime);
    CHECK(text_of("odt1") == "1979-05-27T07:32:00Z");
    CHECK(text_of("odt2") == "1979-05-27T07:32:00Z");
    CHECK(text_of("odt3") == "1979-05-27T07:32:00.999999Z");
    CHECK(text_of("odt4") == "1979-05-27T06:02:00.500Z");
    CHECK(text_of("odt5") == "1999-12-31T23:30:00Z");
    CHECK(text_of("odt6") == "2000-02-29T01:00:00Z");
    CHECK(text_of("odt7") == "1999-12-31T23:59:59Z");
    CHECK(text_of("odt8") == "2024-01-01T00:00:00Z");
    CHECK(text_of("odt9") == "2024-01-01T00:00:00.123456789Z");
    CHECK(text_of("odt10") == "2024-01-01T00:00:00.100Z");
    CHECK(text_of("odt11") == "2024-01-01T00:15:00Z");
    CHECK(at(r, {"ldt1"}).k == kind::local_datetime);
    CHECK(text_of("ldt1") == "1979-05-27T07:32:00");
    CHECK(text_of("ldt2") == "1979-05-27T00:32:00.999999");
    CHECK(at(r, {"ld"}).k == kind::local_date);
    CHECK(text_of("ld") == "1979-05-27");
    CHECK(at(r, {"lt1"}).k == kind::local_time);
    CHECK(text_of("lt1") == "07:32:00");
    CHECK(text_of("lt2") == "00:32:00.999999");
    CHECK(text_of("lt3") == "00:32:00.500");
    CHECK(at(r, {"odt4"}).where == pos{4, 8});
}

TEST_CASE("snapshot: toml errors are located and worded", "[snapshot]") {
    parsing_should_fail("a = 1\na = 2\n", 2, 1, "key 'a' is already defined as an integer");
    parsing_should_fail("[t]\nx = { y = 1 }\n\"x\" = 2\n", 3, 1, "key 'x' is already defined as a table");
    parsing_should_fail("[a]\nx = 1\n[a]\n", 3, 1, "cannot redefine existing table 'a'");
    parsing_should_fail("a = 1\n[a.b]\n", 2, 1, "cannot redefine existing integer 'a.b' as table");
    parsing_should_fail("a = [{b=1}]\n\n[a.c]\n", 3, 1, "cannot redefine existing array 'a.c' as table");
    parsing_should_fail("a = {b = 1}\na.c = 2\n", 2, 1, "cannot add keys to existing table 'a' with a dotted key");
    parsing_should_fail("x.y = 1\nx.y.z = 2\n", 2, 3, "cannot add keys to existing integer 'x.y' with a dotted key");
    parsing_should_fail("key value\n", 1, 5, "invalid key-value pair: expected '=', saw 'v'");
    parsing_should_fail("a = 1 b = 2\n", 1, 7, "invalid key-value pair: expected a comment or whitespace, saw 'b'");
    parsing_should_fail("a = \"unterminated\nb = 1\n", 1, 18,
                        "invalid string: missing closing quote before the end of the line");
    parsing_should_fail("a = 'unterminated\r\n", 1, 18,
                        "invalid literal string: missing closing quote before the end of the line");
    parsing_should_fail("a = [1, 2\n", 1, 11, "invalid array: encountered end-of-file");
    parsing_should_fail("\n\nt = 24:00:00\n", 3, 5, "invalid time: expected hour between 0 and 23 (inclusive), saw 24");
    parsing_should_fail("x = --1\n", 1, 6, "invalid decimal integer: expected digit or sign, saw '-'");
    parsing_should_fail("[a]\n[[a]]\n", 2, 1, "cannot redefine existing table 'a' as array-of-tables");
    parsing_should_fail("= 1\n", 1, 1, "invalid toml: expected keys, tables, whitespace or comments, saw '='");
}

TEST_CASE("snapshot: bytes toml++ must not see", "[snapshot]") {
    SECTION("null bytes") {
        parsing_should_fail("a = 1\nb = \"x\0y\"\n"s, 2, 7, "null byte in file");
        parsing_should_fail("\0a\0=\0"s, 1, 1, "null byte in file");
        auto r = load("\0k\0 \0=\0 \0\"\0v\0\""s);
        REQUIRE(r.errs.size() == 1);
        REQUIRE(r.errs[0].notes.size() == 1);
        CHECK(r.errs[0].notes[0].message == "the file looks like utf-16; toml files must be utf-8");
    }
    SECTION("invalid utf-8") {
        parsing_should_fail("# ok\na = \"\xC3\"\n", 2, 6, "invalid utf-8: truncated multi-byte sequence");
        parsing_should_fail("a = 1 # \xFF\n", 1, 9, "invalid utf-8: byte 0xff cannot start a character");
        parsing_should_fail("a = \"\xC0\x80\"\n", 1, 6, "invalid utf-8: byte 0xc0 cannot start a character");
        parsing_should_fail("a = \"\x80\"\n", 1, 6, "invalid utf-8: unexpected continuation byte 0x80");
        parsing_should_fail("a = \"\xE0\x80\x80\"\n", 1, 6, "invalid utf-8: overlong encoding");
        parsing_should_fail("a = \"\xED\xA0\x80\"\n", 1, 6, "invalid utf-8: encoded surrogate U+D800");
        parsing_should_fail("a = \"\xF4\x90\x80\x80\"\n", 1, 6, "invalid utf-8: code point above U+10FFFF");
        parsing_should_fail("a = \"\xE6\x97\"", 1, 6, "invalid utf-8: truncated multi-byte sequence");
        parsing_should_fail("\xFF\xFE#\0", 1, 1, "invalid utf-8: byte 0xff cannot start a character");
    }
    SECTION("bare carriage returns") {
        parsing_should_fail("a = 1\rb = 2\n", 1, 6, "carriage return not followed by a line feed");
        parsing_should_fail("a = 1\r\nb = \"x\ry\"\r\n", 2, 7, "carriage return not followed by a line feed");
        parsing_should_fail("a = 1\r", 1, 6, "carriage return not followed by a line feed");
    }
}

TEST_CASE("snapshot: byte order mark, CRLF and empty files", "[snapshot]") {
    SECTION("a BOM is skipped but still counted in line 1's columns") {
        const auto snap = must_load("\xEF\xBB\xBF" "a = 1\nb = \"x\"\n");
        CHECK(entry_of(*snap.root, "a").key_pos == pos{1, 4});
        CHECK(at(*snap.root, {"a"}).where == pos{1, 8});
        CHECK(entry_of(*snap.root, "b").key_pos == pos{2, 1});
        CHECK(at(*snap.root, {"b"}).where == pos{2, 5});
        const auto wide = must_load("\xEF\xBB\xBF" "k = \"\xC3\xA9\" # \xC3\xA9\nz = 1\n");
        CHECK(entry_of(*wide.root, "k").key_pos == pos{1, 4});
        CHECK(at(*wide.root, {"k"}).where == pos{1, 8});
        CHECK(entry_of(*wide.root, "z").key_pos == pos{2, 1});
        parsing_should_fail("\xEF\xBB\xBF" "a = \n", 1, 8, "invalid key-value pair: expected value, saw '\\n'");
        parsing_should_fail("\xEF\xBB\xBF" "a = \"\xC3\xA9\xC3\"\n", 1, 11,
                            "invalid utf-8: truncated multi-byte sequence");
        CHECK(must_load("\xEF\xBB\xBF").root->entries.empty());
    }
    SECTION("CRLF line ends") {
        const auto snap = must_load("a = 1\r\n[t]\r\nb = \"\"\"x\r\ny\"\"\"\r\nc = 2\r\n");
        CHECK(entry_of(*snap.root, "a").key_pos == pos{1, 1});
        CHECK(at(*snap.root, {"t"}).where == pos{2, 1});
        CHECK(at(*snap.root, {"t", "b"}).where == pos{3, 5});
        CHECK(at(*snap.root, {"t", "b"}).str == "x\ny");
        CHECK(entry_of(at(*snap.root, {"t"}), "c").key_pos == pos{5, 1});
        parsing_should_fail("a = 1\r\nb = \r\n", 2, 5, "invalid key-value pair: expected value, saw '\\r'");
    }
    SECTION("empty and comment-only files") {
        const auto empty = must_load("");
        CHECK(empty.root->k == kind::table);
        CHECK(empty.root->entries.empty());
        CHECK(empty.root->where == pos{1, 1});
        CHECK(must_load("  \n# only a comment\n\n").root->entries.empty());
    }
}

TEST_CASE("snapshot: file size limit", "[snapshot][limit]") {
    auto lim = kbl::snap::default_load_limits();
    lim.max_file_bytes = 10;
    parsing_should_fail("a = 123456\n", 1, 1, "file is 11 bytes, larger than the limit of 10 (--max-file-size)",
                        "limit", lim);
    CHECK(load("a = 12345\n", {}, lim).snap);

    const std::string dir = kbl::test::temp_dir("snapshot-size");
    const std::string small = dir + "/small.toml";
    kbl::test::write_file(small, "a = 123456\n");
    kbl::diagnostics errs;
    CHECK_FALSE(kbl::snap::load_snapshot_file(small, lim, {}, errs));
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].name() == small);
    CHECK(errs[0].where == pos{1, 1});
    CHECK(errs[0].check_id == "limit");
    CHECK(errs[0].message == "file is 11 bytes, larger than the limit of 10 (--max-file-size)");

    // A sparse 70 MB file: rejected from its size alone, without reading it.
    const std::string big = dir + "/big.toml";
    {
        const int fd = ::open(big.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, 70'000'000) == 0);
        ::close(fd);
    }
    errs.clear();
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(kbl::snap::load_snapshot_file(big, kbl::snap::default_load_limits(), {}, errs));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(200));
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].message == "file is 70000000 bytes, larger than the limit of 67108864 (--max-file-size)");
    CHECK(errs[0].check_id == "limit");
    std::filesystem::remove_all(dir);
}

TEST_CASE("snapshot: nesting depth limit", "[snapshot][limit]") {
    const std::string limit_message = "nesting depth exceeds the limit of 64 (--max-toml-depth)";
    constexpr std::size_t deep = 200'000;
    const auto rejects_fast = [&](const std::string& text, pos where) {
        const auto t0 = std::chrono::steady_clock::now();
        parsing_should_fail(text, where.line, where.column, limit_message, "limit");
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
        INFO("took " << ms.count() << " ms");
        CHECK(ms.count() < 2000);
    };

    SECTION("200,000-deep dotted keys") { rejects_fast(join_keys(deep) + " = 1\n", pos{1, 129}); }
    SECTION("200,000-deep table header") { rejects_fast("[" + join_keys(deep) + "]\n", pos{1, 130}); }
    SECTION("200,000-deep array-of-tables header") { rejects_fast("[[" + join_keys(deep) + "]]\n", pos{1, 131}); }
    SECTION("200,000-deep arrays") { rejects_fast("a = " + repeat("[", deep) + repeat("]", deep) + "\n", pos{1, 69}); }
    SECTION("200,000-deep inline tables") {
        rejects_fast("a = " + repeat("{a = ", deep) + "1" + repeat("}", deep) + "\n", pos{1, 321});
    }
    SECTION("200,000-deep arrays of inline tables") {
        rejects_fast("a = " + repeat("[{a = ", deep) + "1" + repeat("}]", deep) + "\n", pos{1, 193});
    }
    SECTION("a deep key inside a deep table") {
        rejects_fast("[" + join_keys(40) + "]\n" + join_keys(deep) + " = 1\n", pos{2, 49});
    }
    SECTION("a limit above what kblint supports is capped") {
        auto r = load(join_keys(deep) + " = 1\n", {}, depth_limit(1'000'000));
        REQUIRE(r.errs.size() == 1);
        CHECK(r.errs[0].check_id == "limit");
        CHECK(r.errs[0].where == pos{1, 2049});
        CHECK(r.errs[0].message == "nesting depth exceeds 1024, the most kblint supports (--max-toml-depth)");
    }
    SECTION("exactly at the limit loads") {
        CHECK(load(join_keys(64) + " = 1\n").snap);
        CHECK(load("[" + join_keys(64) + "]\n").snap);
        CHECK(load("a = " + repeat("[", 63) + "1" + repeat("]", 63) + "\n").snap);
        CHECK(load("a = " + repeat("[", 64) + repeat("]", 64) + "\n").snap);
        rejects_fast(join_keys(65) + " = 1\n", pos{1, 129});
        rejects_fast("a = " + repeat("[", 64) + "1" + repeat("]", 64) + "\n", pos{1, 69});
    }
    SECTION("how each construct counts") {
        const auto lim = depth_limit(3);
        const std::string msg = "nesting depth exceeds the limit of 3 (--max-toml-depth)";
        CHECK(load("a.b.c = 1\n", {}, lim).snap);
        parsing_should_fail("a.b.c.d = 1\n", 1, 7, msg, "limit", lim);
        CHECK(load("[a.b]\nc = 1\n", {}, lim).snap);
        parsing_should_fail("[a.b]\nc.d = 1\n", 2, 3, msg, "limit", lim);
        CHECK(load("[[a.b]]\n", {}, lim).snap);
        parsing_should_fail("[[a.b]]\nc = 1\n", 2, 1, msg, "limit", lim);
        parsing_should_fail("[[a.b.c]]\n", 1, 1, msg, "limit", lim);
        CHECK(load("[[a]]\n[a.b]\n", {}, lim).snap);  // a[0].b
        parsing_should_fail("[[a]]\n[a.b]\nc = 1\n", 3, 1, msg, "limit", lim);
        parsing_should_fail("[[a]]\n[[a.b]]\n", 2, 1, msg, "limit", lim);  // a[0].b[0]
        parsing_should_fail("[[a]]\n[a.b]\n", 2, 4, "nesting depth exceeds the limit of 2 (--max-toml-depth)",
                            "limit", depth_limit(2));
        CHECK(load("a = [[1]]\n", {}, lim).snap);
        parsing_should_fail("a = [[[1]]]\n", 1, 8, msg, "limit", lim);
        CHECK(load("a = {b = {c = 1}}\n", {}, lim).snap);
        parsing_should_fail("a = {b = {c = {d = 1}}}\n", 1, 16, msg, "limit", lim);
        CHECK(load("a = [{b = 1}]\n", {}, lim).snap);
        parsing_should_fail("a = [{b = [1]}]\n", 1, 12, msg, "limit", lim);
        parsing_should_fail("a = [\n  1,\n  [2, [3]],\n]\n", 3, 8, msg, "limit", lim);
    }
    SECTION("strings and comments do not count") {
        const auto lim = depth_limit(3);
        const std::string text =
            "a = \"[[[[{{{{.\\\"[[[[\"\n"
            "b = '[[[[\\'\n"
            "c = \"\"\"\n[[[[ \"\" \\\"\"\" [[[\n\"\"\"\n"
            "d = '''[[[['''' # [[[[\n"
            "e = \"\"\"x\"\"\"\"\" # five quotes\n"
            "# [[[[[[[ a.b.c.d.e = 1\n"
            "\"q.q.q.q\".'r.r' = [ # [[[[\n  \"[[\", '{{', # ]]]]\n]\n"
            "[t] # [[[[\n"
            "x.y = 1\n";
        auto r = load(text, {}, lim);
        INFO((r.errs.empty() ? std::string() : kbl::render_diagnostic(r.errs.front())));
        REQUIRE(r.snap);
        CHECK(at(*r.snap->root, {"d"}).str == "[[[['");
        CHECK(at(*r.snap->root, {"e"}).str == "x\"\"");
        parsing_should_fail(text + "[u]\ny.z.w = 2\n", 15, 5, "nesting depth exceeds the limit of 3 (--max-toml-depth)",
                            "limit", lim);
        CHECK(load("a = \"" + repeat("[", deep) + "\"\n# " + repeat("{", deep) + "\n").snap);
    }
}

TEST_CASE("snapshot: reading files", "[snapshot][file]") {
    const std::string dir = kbl::test::temp_dir("snapshot-files");
    const auto read_error = [](const std::string& path) {
        kbl::diagnostics errs;
        auto snap = kbl::snap::load_snapshot_file(path, kbl::snap::default_load_limits(), {}, errs);
        CHECK_FALSE(snap);
        REQUIRE(errs.size() == 1);
        CHECK(errs[0].name() == path);
        CHECK_FALSE(errs[0].file);
        CHECK_FALSE(errs[0].where.valid());
        CHECK(errs[0].check_id == "io");
        return errs[0].message;
    };

    SECTION("a regular file") {
        const std::string path = dir + "/node1.toml";
        kbl::test::write_file(path, "[node]\nnetbios_name = \"NODE1\"\r\n");
        kbl::diagnostics errs;
        auto snap = kbl::snap::load_snapshot_file(path, kbl::snap::default_load_limits(), {}, errs);
        REQUIRE(snap);
        CHECK(errs.empty());
        CHECK(snap->file->name() == path);
        CHECK(at(*snap->root, {"node", "netbios_name"}).str == "NODE1");
    }
    SECTION("a toml error names the file") {
        const std::string path = dir + "/bad.toml";
        kbl::test::write_file(path, "a = 1\na = 2\n");
        kbl::diagnostics errs;
        CHECK_FALSE(kbl::snap::load_snapshot_file(path, kbl::snap::default_load_limits(), {}, errs));
        REQUIRE(errs.size() == 1);
        REQUIRE(errs[0].file);
        CHECK(errs[0].name() == path);
        CHECK(errs[0].where == pos{2, 1});
    }
    SECTION("a missing file") {
        CHECK(read_error(dir + "/missing.toml") == "cannot read file: no such file or directory");
    }
    SECTION("a directory") { CHECK(read_error(dir) == "cannot read file: is a directory"); }
    SECTION("a character device") {
        CHECK(read_error("/dev/null") == "cannot read file: it is a character device, not a regular file");
    }
    SECTION("a fifo with no writer does not block") {
        const std::string fifo = dir + "/pipe.toml";
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::alarm(5);
            kbl::diagnostics errs;
            (void)kbl::snap::load_snapshot_file(fifo, kbl::snap::default_load_limits(), {}, errs);
            ::_exit(errs.size() == 1 ? 0 : 1);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
        CHECK(read_error(fifo) == "cannot read file: it is a fifo, not a regular file");
    }
    SECTION("an unreadable file") {
        const std::string path = dir + "/secret.toml";
        kbl::test::write_file(path, "a = 1\n");
        REQUIRE(::chmod(path.c_str(), 0) == 0);
        if (::access(path.c_str(), R_OK) == 0) {
            WARN("running as a user who can read mode-000 files (root?): unreadable-file test skipped");
        } else {
            CHECK(read_error(path) == "cannot read file: permission denied");
        }
        ::chmod(path.c_str(), 0600);
    }
    std::filesystem::remove_all(dir);
}
