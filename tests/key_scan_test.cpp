// The scan that learns a snapshot's cluster id before its parse (checker/snapshot/key_scan.hpp):
// exact on valid TOML, unsure rather than wrong, and always the loader's answer when sure.
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checker/snapshot/key_scan.hpp"
#include "checker/snapshot/snapshot.hpp"

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
