// The scan that learns a snapshot's cluster id before its parse (checker/snapshot/key_scan.hpp):
// exact on valid TOML, unsure rather than wrong, and always the loader's answer when sure.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checker/snapshot/key_scan.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "tests/test_util.hpp"

namespace {

using kbl::snap::scan_outcome;
const std::vector<std::string> path = {"cluster", "name"};

kbl::snap::key_scan scan(const std::string& text) { return kbl::snap::scan_string_at(text, path); }

// What the loader reads at cluster.name: the string, or nullopt for no string there.
std::optional<std::string> parsed(const std::string& text) {
    kbl::diagnostics errs;
    auto s = kbl::snap::load_snapshot("t.toml", text, kbl::snap::default_load_limits(), {}, errs);
    REQUIRE(s);
    const kbl::snap::entry* c = s->root->find("cluster");
    if (!c || c->value->k != kbl::snap::kind::table) return std::nullopt;
    const kbl::snap::entry* n = c->value->find("name");
    if (!n || n->value->k != kbl::snap::kind::string) return std::nullopt;
    return n->value->str;
}

} // namespace

TEST_CASE("the scan finds the cluster id the loader reads") {
    const std::vector<std::string> found = {
        "[cluster]\nname = \"CLUSA\"\n",
        "[node]\nx = 1\n[cluster]\nmode = 'a'\nname = 'Lit\\eral'   # comment\n",
        "cluster.name = \"A\"\n[node]\nname = \"B\"\n",
        "[ cluster ]\r\n\"name\" = \"quoted key\"\r\n",
        "a = \"\"\"\n[cluster]\nname = \"fake\"\n\"\"\"\n[cluster]\nname = \"real\"\n",
        "arr = [\n  [1, 2], # c\n  \"[cluster]\",\n]\nt = { name = \"x\", n = { a = 1 } }\nd = 1979-05-27 07:32:00Z\n[cluster]\nname = \"after\"\n",
        "\xEF\xBB\xBF[cluster]\nname = \"\"\n",
    };
    for (const auto& t : found) {
        INFO(t);
        auto k = scan(t);
        REQUIRE(k.outcome == scan_outcome::found);
        CHECK(std::optional<std::string>(k.value) == parsed(t));
    }
}

TEST_CASE("the scan says absent only where the loader finds no string") {
    const std::vector<std::string> absent = {
        "[node]\nname = \"n\"\n",
        "[cluster]\nname = 3\n",
        "[[cluster]]\nname = \"in an array\"\n",
        "[cluster.name]\nx = \"a table\"\n",
        "s = '''\n[cluster]\nname = \"in a string\"\n'''\n",
        "[other]\ncluster.name = \"elsewhere\"\n",
    };
    for (const auto& t : absent) {
        INFO(t);
        CHECK(scan(t).outcome == scan_outcome::absent);
        CHECK(parsed(t) == std::nullopt);
    }
}

TEST_CASE("the scan is unsure of what it cannot read for sure") {
    const std::vector<std::string> unsure = {
        "[cluster]\nname = \"esc\\u0041ped\"\n",         // an escape
        "[cluster]\nname = \"\"\"multi\"\"\"\n",          // a multi-line string
        "cluster = { name = \"inline\" }\n",              // an inline table on the way
        "[cluster]\n\"na\\u006de\" = \"x\"\n",             // an escaped key
        "[cluster]\nname = \"a\"\nname = \"b\"\n",        // written twice (invalid)
        "[cluster\nname = \"a\"\n",                       // not TOML
        "[cluster]\nname = \"unterminated\n",
        "x = [1,\n",
    };
    for (const auto& t : unsure) {
        INFO(t);
        CHECK(scan(t).outcome == scan_outcome::unsure);
    }
    CHECK(kbl::snap::scan_string_at("name = \"x\"\n", {}).outcome == scan_outcome::unsure);
}

namespace {

// The limits the scan proved for `text`, or nullopt when it proved none.
std::optional<kbl::snap::load_limits> proven_limits(const std::string& text) {
    const auto k = scan(text);
    if (k.outcome == scan_outcome::unsure || !k.limits_known) return std::nullopt;
    auto lim = kbl::snap::default_load_limits();
    lim.max_depth = k.depth;
    lim.max_values = k.values;
    CHECK(kbl::snap::within_limits(k, lim));
    if (k.values > 0) {
        auto fewer = lim;
        fewer.max_values = k.values - 1;
        CHECK_FALSE(kbl::snap::within_limits(k, fewer));
    }
    if (k.depth > 0) {
        auto shallower = lim;
        shallower.max_depth = k.depth - 1;
        CHECK_FALSE(kbl::snap::within_limits(k, shallower));
    }
    return lim;
}

// With the limits the scan proved, the load's own limit scan finds neither limit exceeded.
void check_limits_hold(const std::string& text) {
    const std::optional<kbl::snap::load_limits> lim = proven_limits(text);
    if (!lim) return;
    kbl::diagnostics errs;
    (void)kbl::snap::load_snapshot("t.toml", text, *lim, {}, errs);
    for (const auto& d : errs) CHECK(d.check_id != "limit");
}

} // namespace

TEST_CASE("the scan counts the values and bounds the depth the load's limits check") {
    // a: 1 value; b, its two elements and their two: 5; t, x, y.z: 3; u: 1.
    const std::string text = "a = 1\nb = [1, [2, 3]]\nt = { x = 1, y.z = 2 }\n[s.t]\nu = 'v'\n[cluster]\nname = \"c\"\n";
    const auto k = scan(text);
    REQUIRE(k.outcome == scan_outcome::found);
    CHECK(k.limits_known);
    CHECK(k.values == 11);
    CHECK(k.depth == 6);  // u in [s.t]: the header's bound (2 segments: 5) plus one segment
    check_limits_hold(text);
}

TEST_CASE("the scan proves no limits where the load's limit scan reads the bytes otherwise") {
    const std::vector<std::string> otherwise = {
        "a = \"x\\\n[[a.b.c.d]]\"\n",  // a backslash before a line feed in a one-line string
        "a = 1\"x\n",                     // a quote inside a scalar
        "a = x[1\n",
        "t = {\n  a = 1 }\n",             // a line feed inside an inline table
        "t = { a = 1 # c\n}\n",
    };
    for (const auto& t : otherwise) {
        INFO(t);
        const auto k = scan(t);
        CHECK(k.outcome != scan_outcome::unsure);
        CHECK_FALSE(k.limits_known);
        CHECK_FALSE(kbl::snap::within_limits(k, kbl::snap::default_load_limits()));
    }
}

TEST_CASE("the limits the scan proves hold for the load") {
    std::vector<std::string> texts = {
        "[[a]]\n[[a]]\n[a.b]\nc.d = [[{ e = [1] }]]\n",
        "[[a.b]]\n[a.b.c]\n[[a.b.c.d]]\nx = { y = { z = [[], {}] } }\n",
        "s = \"\"\"\n[x.y.z]\n\"\"\"\nt = '''a''''\nd = 1979-05-27 07:32:00Z\n",
        "\xEF\xBB\xBF[\"q\".'r'.s]\r\nk = [\r\n  1, # c\r\n  2,\r\n]\r\n",
    };
    for (const auto& t : texts) {
        INFO(t);
        REQUIRE(proven_limits(t));
        check_limits_hold(t);
    }
    for (const std::string folder : {"toml-test/valid", "toml-test/invalid"}) {
        if (!kbl::test::have_shared(folder, "the scan's limits over toml-test")) continue;
        for (const auto& e : std::filesystem::recursive_directory_iterator(kbl::test::shared_path(folder))) {
            if (!e.is_regular_file() || e.path().extension() != ".toml") continue;
            INFO(e.path().string());
            check_limits_hold(kbl::test::read_file(e.path().string()));
        }
    }
}
