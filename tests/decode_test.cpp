// `kblint decode TABLE CODE`: calls the pack's `def decode_TABLE(code)` and prints the record it
// returns. Generic behaviour with the pack under tests/data/ruletest (--no-builtin); the forms of
// an IISSYNC status with the built-in pack's decode_iissync.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_util.hpp"

namespace {

using kbl::test::run_kblint;
using kbl::test::run_output;

std::vector<std::string> farm(std::vector<std::string> a) {
    a.insert(a.begin(), "decode");
    for (const char* x : {"--no-builtin", "-r", "tests/data/ruletest/pack"}) a.emplace_back(x);
    return a;
}

} // namespace

TEST_CASE("decode: a record, one aligned 'field: value' line per field", "[decode]") {
    run_output r = run_kblint(farm({"status", "0x80004005"}));
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "name:    E_FAIL\n"
                   "meaning: unspecified failure\n"
                   "retry:   true\n");
    // The def decides what a code is: decimal, hex and signed forms alike; a code it does not know
    // is a record saying so, not an error.
    CHECK(run_kblint(farm({"status", "2147500037"})).out == r.out);
    CHECK(run_kblint(farm({"status", "-2147467259"})).out == r.out);
    CHECK(run_kblint(farm({"STATUS", "0x80004005"})).out == r.out);
    run_output unknown = run_kblint(farm({"status", "7"}));
    CHECK(unknown.status == 0);
    CHECK(unknown.out == "name:    unknown\n"
                         "meaning: not in the table\n"
                         "code:    7\n");
}

TEST_CASE("decode: --format json prints the record as an object with typed values", "[decode]") {
    run_output r = run_kblint(farm({"status", "5", "--format", "json"}));
    CHECK(r.status == 0);
    CHECK(r.out == "{\n"
                   "  \"name\": \"ACCESS_DENIED\",\n"
                   "  \"meaning\": \"access is denied\",\n"
                   "  \"retry\": false\n"
                   "}\n");
    run_output unknown = run_kblint(farm({"-f", "json", "status", "7"}));
    CHECK(nlohmann::json::parse(unknown.out)["code"] == 7);
}

TEST_CASE("decode: a def that returns no record prints its text", "[decode]") {
    run_output r = run_kblint(farm({"word", "abc"}));
    CHECK(r.status == 0);
    CHECK(r.out == "ABC\n");
    CHECK(run_kblint(farm({"word", "abc", "-f", "json"})).out == "\"ABC\"\n");
}

TEST_CASE("decode: errors", "[decode]") {
    SECTION("a def that gives no value: exit 1") {
        run_output r = run_kblint(farm({"status", "abc"}));
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        CHECK(r.err.rfind("kblint: cannot decode 'abc' with 'decode_status': ", 0) == 0);
    }
    SECTION("an unknown table lists the decoders (one-parameter 'decode_*' defs): exit 2") {
        run_output r = run_kblint(farm({"stauts", "1"}));
        CHECK(r.status == 2);
        CHECK(r.err == "kblint: unknown table 'stauts', did you mean 'status'? (tables: 'status', 'word')\n");
        r = run_kblint(farm({"pair", "1"}));
        CHECK(r.status == 2);
        CHECK(r.err == "kblint: unknown table 'pair' (tables: 'status', 'word')\n");
        r = run_kblint({"decode", "--no-builtin", "-r", "tests/data/pack", "iissync", "1"});
        CHECK(r.status == 2);
        CHECK(r.err == "kblint: unknown table 'iissync': the rule pack has no 'decode_*' function (another pack "
                       "needs '-r PATH' or 'rules' in .kblint.toml)\n");
    }
    SECTION("usage") {
        run_output r = run_kblint(farm({"status"}));
        CHECK(r.status == 2);
        CHECK(r.err == "kblint: CODE is required (run 'kblint decode --help' for usage)\n");
        r = run_kblint(farm({"status", "1", "-f", "jsn"}));
        CHECK(r.status == 2);
        CHECK(r.err == "kblint: invalid value 'jsn' for '--format', did you mean 'json'?\n");
    }
}

TEST_CASE("decode iissync: decimal, 0x hex, bare 8-digit hex and signed 32-bit forms", "[decode][builtin]") {
    run_output dec = run_kblint({"decode", "iissync", "2148598794"});
    CHECK(dec.status == 0);
    CHECK(dec.err.empty());
    CHECK(dec.out.find("\nhex:          0x8011040A\n") != std::string::npos);
    CHECK(dec.out.find("\nsymbol:       mtsErrBadPath\n") != std::string::npos);
    CHECK(dec.out.rfind("known:        true\n", 0) == 0);
    for (const char* form : {"0x8011040A", "0x8011040a", "8011040A", "-2146368502"}) {
        INFO(form);
        run_output r = run_kblint({"decode", "iissync", form});
        CHECK(r.status == 0);
        CHECK(r.out == dec.out);
    }
    run_output json = run_kblint({"decode", "--format", "json", "iissync", "0x8011040A"});
    CHECK(json.status == 0);
    auto j = nlohmann::json::parse(json.out);
    CHECK(j["known"] == true);
    CHECK(j["decimal"] == 2148598794LL);
    CHECK(j["signed"] == -2146368502LL);
    CHECK(j["hex"] == "0x8011040A");
    CHECK(j["article"] == "Q224801");

    SECTION("a code the table does not hold is a record saying so, not an error") {
        run_output r = run_kblint({"decode", "-f", "json", "iissync", "12345"});
        CHECK(r.status == 0);
        auto u = nlohmann::json::parse(r.out);
        CHECK(u["known"] == false);
        CHECK(u["decimal"] == 12345);
        CHECK(u["hex"] == "0x00003039");
        run_output text = run_kblint({"decode", "iissync", "not-a-code"});
        CHECK(text.status == 0);
        CHECK(text.out.rfind("known:   false\n", 0) == 0);
    }
}
