// Waivers (`.kblint-waivers.toml` or `--waivers FILE`): waived findings stay visible and never fail;
// expired and unused waivers are warnings (JSON notifications, SARIF toolExecutionNotifications,
// stderr in text) that never change the exit status; an invalid waiver file is exit 2, every
// problem located. "Today" is pinned with KBLINT_TODAY.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/gate/waivers.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

const std::string farm_waivers = "tests/data/waivers/farm.toml";

run_output on_day(const std::string& today, std::vector<std::string> args) {
    return run_kblint(with_pack(std::move(args)), "", {"KBLINT_TODAY=" + today});
}

// Check the farm with a waiver file written from `text`; messages name it "waivers.toml".
run_output with_waivers(const std::string& text, const std::string& format = "text") {
    std::string file = temp_dir("waivers") + "/waivers.toml";
    write_file(file, text);
    run_output r = on_day("2026-11-23", {"check", "-f", format, "--waivers", file, "tests/data/snaps/farm"});
    for (std::size_t at; (at = r.err.find(file)) != std::string::npos;) r.err.replace(at, file.size(), "waivers.toml");
    for (std::size_t at; (at = r.out.find(file)) != std::string::npos;) r.out.replace(at, file.size(), "waivers.toml");
    return r;
}

std::vector<std::string> statuses(const std::string& report) {
    std::vector<std::string> out;
    json doc = json::parse(report);
    for (const auto& f : doc["findings"])
        out.push_back(f["rule"].get<std::string>() + " " + f["status"].get<std::string>());
    return out;
}

} // namespace

TEST_CASE("waivers: a waived finding is shown and does not fail, warnings go to stderr", "[waivers]") {
    // farm.toml: WEB-001 on web1 (until 2026-12-31), WEB-00* on web2 (expired 2026-10-31), WEB-009 (unused).
    run_output r = on_day("2026-11-23", {"check", "--waivers", farm_waivers, "tests/data/snaps/farm"});
    CHECK(r.status == 0);
    check_golden_in("waivers", "farm.txt", r.out);
    CHECK(r.err ==
          "tests/data/waivers/farm.toml:10:1: warning: waiver for 'WEB-00*' on 'web2' in cluster 'GREEN' expired on "
          "2026-10-31; it no longer waives [waiver-expired]\n"
          "tests/data/waivers/farm.toml:17:1: warning: unused waiver for 'WEB-009': it matches no finding [waiver-unused]\n");

    run_output j = on_day("2026-11-23", {"check", "-f", "json", "--waivers", farm_waivers, "tests/data/snaps/farm"});
    CHECK(j.status == 0);
    CHECK(j.err.empty());
    check_golden_in("waivers", "farm.json", j.out);
    json doc = json::parse(j.out);
    CHECK(statuses(j.out) == std::vector<std::string>{"WEB-001 waived", "WEB-003 unknown", "WEB-002 fail"});
    CHECK(doc["findings"][0]["waiver"]["reason"] == "port 8080 is behind the proxy until the migration");
    CHECK(doc["findings"][0]["waiver"]["expires"] == "2026-12-31");
    CHECK(doc["findings"][0]["waiver"]["approved_by"] == "ops-lead");
    CHECK(doc["findings"][0]["waiver"]["line"] == 3);
    CHECK(doc["summary"]["waived"] == 1);
    REQUIRE(doc["notifications"].size() == 2);
    CHECK(doc["notifications"][0]["kind"] == "waiver-expired");
    CHECK(doc["notifications"][0]["level"] == "warning");
    CHECK(doc["notifications"][0]["line"] == 10);
    CHECK(doc["notifications"][1]["kind"] == "waiver-unused");

    SECTION("the exit status ignores the warnings; --fail-on still applies to the rest") {
        CHECK(on_day("2026-11-23", {"check", "-q", "--fail-on", "warning", "--waivers", farm_waivers, "tests/data/snaps/farm"})
                  .status == 1);
        run_output quiet = on_day("2026-11-23", {"check", "-q", "--waivers", farm_waivers, "tests/data/snaps/farm"});
        CHECK(quiet.status == 0);
        CHECK(quiet.err.empty());
    }
}

TEST_CASE("waivers: a waiver holds until the end of its day, UTC", "[waivers]") {
    auto web1 = [](const std::string& today) {
        run_output r = on_day(today, {"check", "-f", "json", "--waivers", farm_waivers, "tests/data/snaps/farm"});
        return std::make_pair(r.status, statuses(r.out)[0]);
    };
    CHECK(web1("2026-12-31") == std::make_pair(0, std::string("WEB-001 waived")));
    CHECK(web1("2027-01-01") == std::make_pair(1, std::string("WEB-001 fail")));
    run_output late = on_day("2027-01-01", {"check", "--waivers", farm_waivers, "tests/data/snaps/farm"});
    CHECK(late.err.find("tests/data/waivers/farm.toml:3:1: warning: waiver for 'WEB-001' on 'web1' expired on 2026-12-31; it "
                        "no longer waives [waiver-expired]\n") != std::string::npos);
    // Before 2026-10-31 the second waiver holds: web2's WEB-002 and WEB-003 are waived too.
    run_output early = on_day("2026-10-31", {"check", "-f", "json", "--waivers", farm_waivers, "tests/data/snaps/farm"});
    CHECK(early.status == 0);
    CHECK(statuses(early.out) == std::vector<std::string>{"WEB-001 waived", "WEB-003 waived", "WEB-002 waived"});

    run_output bad = on_day("2026-02-30", {"check", "tests/data/snaps/farm"});
    CHECK(bad.status == 2);
    CHECK(bad.err == "kblint: invalid KBLINT_TODAY '2026-02-30' (expected a date such as 2026-11-23)\n");
}

TEST_CASE("waivers: rule, node and cluster are globs, ignoring case", "[waivers]") {
    std::string head = "[[waiver]]\nreason = \"r\"\nexpires = 2030-01-01\n";
    run_output r = with_waivers(head + "rule = \"web-*\"\ncluster = \"gr??n\"\n", "json");
    CHECK(r.status == 0);
    CHECK(statuses(r.out) == std::vector<std::string>{"WEB-001 waived", "WEB-003 waived", "WEB-002 waived"});
    CHECK(r.err.empty());

    r = with_waivers(head + "rule = \"WEB-002\"\ncluster = \"blue\"\n", "json");
    CHECK(r.status == 1);
    CHECK(statuses(r.out) == std::vector<std::string>{"WEB-001 fail", "WEB-003 unknown", "WEB-002 fail"});
    CHECK(r.out.find("unused waiver for 'WEB-002' in cluster 'blue': it matches no finding") != std::string::npos);

    r = with_waivers(head + "rule = \"*\"\nnode = \"WEB2\"\n", "json");
    CHECK(r.status == 1);
    CHECK(statuses(r.out) == std::vector<std::string>{"WEB-001 fail", "WEB-003 waived", "WEB-002 waived"});
}

TEST_CASE("waivers: every format shows waived findings and the warnings", "[waivers]") {
    auto run = [](const char* format) {
        run_output r = on_day("2026-11-23", {"check", "-f", format, "--waivers", farm_waivers, "tests/data/snaps/farm"});
        CHECK(r.status == 0);
        return r.out;
    };
    std::string sarif = run("sarif");
    CHECK(count_of(sarif, "\"suppressions\"") == 1);
    CHECK(sarif.find("\"justification\": \"port 8080 is behind the proxy until the migration\"") != std::string::npos);
    CHECK(count_of(sarif, "\"descriptor\": {\n                \"id\": \"waiver-") == 2);
    CHECK(count_of(run("junit"), "<skipped message=\"waived until 2026-12-31: ") == 1);
    CHECK(count_of(run("github"), "title=WEB-001 (waived)::") == 1);
    std::string html = run("html");
    CHECK(html.find("<td class=\"waived\" title=\"WEB-001 on green: waived (1 finding)\">") != std::string::npos);
    CHECK(html.find("waiver-unused") != std::string::npos);
}

TEST_CASE("waivers: .kblint-waivers.toml in the current folder is read by default", "[waivers]") {
    std::string dir = temp_project("waivers-default");
    write_file(dir + "/snaps/web1.toml", read_file(src_path("tests/data/snaps/farm/web1.toml")));
    write_file(dir + "/.kblint-waivers.toml", "[[waiver]]\nrule = \"WEB-001\"\nreason = \"known\"\nexpires = 2030-01-01\n");
    std::vector<std::string> pack = {"--no-builtin", "-r", src_path("tests/data/pack")};
    run_output r = run_kblint(with_pack({"check", "-f", "json", "snaps"}, pack), dir, {"KBLINT_TODAY=2026-11-23"});
    CHECK(r.status == 0);
    CHECK(statuses(r.out) == std::vector<std::string>{"WEB-001 waived"});
    CHECK(json::parse(r.out)["findings"][0]["waiver"]["file"] == ".kblint-waivers.toml");

    // --waivers names another file: the default one is not read.
    write_file(dir + "/other.toml", "[[waiver]]\nrule = \"WEB-002\"\nreason = \"x\"\nexpires = 2030-01-01\n");
    r = run_kblint(with_pack({"check", "-f", "json", "--waivers", "other.toml", "snaps"}, pack), dir,
                   {"KBLINT_TODAY=2026-11-23"});
    CHECK(r.status == 1);
    CHECK(statuses(r.out) == std::vector<std::string>{"WEB-001 fail"});
}

TEST_CASE("waivers: an invalid waiver file is exit 2, every problem located", "[waivers]") {
    run_output r = with_waivers("# waivers\n"
                                "[[waiver]]\n"
                                "rule = \"WEB-001\"\n"
                                "reson = \"typo\"\n"
                                "expires = \"2026-12-31\"\n"
                                "\n"
                                "[[waiver]]\n"
                                "rule = \"WEB-002\"\n"
                                "reason = \"\"\n"
                                "expires = 2026-12-31T10:00:00\n"
                                "approved = \"me\"\n"
                                "\n"
                                "[[waiver]]\n"
                                "node = 3\n");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    check_golden_in("waivers", "invalid.err", r.err);
    CHECK(r.err.find("waivers.toml:4:1: error: unknown key 'reson' in a waiver, did you mean 'reason'? [waivers]\n") !=
          std::string::npos);
    CHECK(r.err.find("waivers.toml:5:11: error: 'expires' must be a TOML date such as 2026-12-31, not a string [waivers]\n") !=
          std::string::npos);
    CHECK(r.err.find("  = help: write the date without quotes: expires = 2026-12-31\n") != std::string::npos);
    CHECK(r.err.find("waivers.toml:2:1: error: this waiver has no 'reason' [waivers]\n") != std::string::npos);
    CHECK(r.err.find("waivers.toml:9:10: error: 'reason' must not be empty [waivers]\n") != std::string::npos);
    CHECK(r.err.find("waivers.toml:11:1: error: unknown key 'approved' in a waiver, did you mean 'approved_by'? [waivers]\n") !=
          std::string::npos);
    CHECK(r.err.find("waivers.toml:14:8: error: 'node' must be a string, not an integer [waivers]\n") != std::string::npos);
    CHECK(r.err.find("waivers.toml:13:1: error: this waiver has no 'rule' [waivers]\n") != std::string::npos);
    CHECK(count_of(r.err, ": error: ") == 10);
    CHECK(r.err.find("kblint: 10 errors in the input files; nothing was checked\n") != std::string::npos);

    SECTION("invalid TOML, a table instead of an array of tables, an unknown top-level key") {
        run_output toml = with_waivers("[[waiver]]\nrule = \"WEB-001\nreason = \"x\"\n");
        CHECK(toml.status == 2);
        CHECK(toml.err.rfind("waivers.toml:2:", 0) == 0);
        run_output table = with_waivers("[waiver]\nrule = \"WEB-001\"\nreason = \"x\"\nexpires = 2030-01-01\n");
        CHECK(table.status == 2);
        CHECK(table.err.rfind("waivers.toml:1:1: error: 'waiver' must be an array of tables, not a table [waivers]\n", 0) == 0);
        run_output key = with_waivers("waivers = []\n");
        CHECK(key.status == 2);
        CHECK(key.err.rfind("waivers.toml:1:1: error: unknown key 'waivers' in a waiver file, did you mean 'waiver'? [waivers]\n",
                            0) == 0);
        run_output gone = on_day("2026-11-23", {"check", "--waivers", "tests/data/waivers/none.toml", "tests/data/snaps/farm"});
        CHECK(gone.status == 2);
        CHECK(gone.err.rfind("tests/data/waivers/none.toml: error: cannot read waiver file: no such file or directory\n", 0) == 0);
    }
    SECTION("an empty waiver file is valid") {
        run_output empty = with_waivers("# nothing waived yet\n");
        CHECK(empty.status == 1);
        CHECK(empty.err.empty());
    }
}

TEST_CASE("waivers: apply_waivers and dates", "[waivers]") {
    CHECK(kbl::is_date("2024-02-29"));
    CHECK(!kbl::is_date("2023-02-29"));
    CHECK(!kbl::is_date("2026-13-01"));
    CHECK(!kbl::is_date("2026-1-01"));
    CHECK(kbl::is_date(kbl::utc_today()));

    kbl::waiver_file wf;
    wf.name = "w.toml";
    wf.waivers.push_back({"A-*", "", "", "because", "2026-06-30", "", {1, 1}});
    wf.waivers.push_back({"A-1", "", "", "twice", "2026-06-30", "", {5, 1}});
    std::vector<kbl::finding> fs(3);
    fs[0].rule = "A-1";
    fs[1].rule = "A-2";
    fs[1].st = kbl::status::baselined;
    fs[2].rule = "B-1";
    auto notes = kbl::apply_waivers(wf, fs, "2026-06-30", 0);
    CHECK(notes.notifications.empty());  // both matched A-1; no warning before expiry with 0 days
    CHECK(notes.expired_match == std::vector<bool>{false, false, false});
    CHECK(fs[0].st == kbl::status::waived);
    REQUIRE(fs[0].waiver);
    CHECK(fs[0].waiver->reason == "because");  // the first matching waiver in file order
    CHECK(fs[1].st == kbl::status::baselined);
    CHECK(fs[2].st == kbl::status::fail);
}

TEST_CASE("waivers: a waiver in use that stops waiving within N days warns", "[waivers]") {
    CHECK(kbl::days_between("2026-12-17", "2026-12-31") == 14);
    CHECK(kbl::days_between("2024-02-28", "2024-03-01") == 2);
    CHECK(kbl::days_between("2027-01-01", "2026-12-31") == -1);

    // farm.toml: WEB-001 on web1 holds until 2026-12-31.
    auto on = [](const std::string& today, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"check", "--waivers", farm_waivers};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back("tests/data/snaps/farm");
        run_output r = on_day(today, args);
        args.insert(args.begin() + 1, {"-f", "json"});
        return std::make_pair(r, json::parse(on_day(today, args).out));
    };
    auto expiring = [](const std::string& when) {
        return "tests/data/waivers/farm.toml:3:1: warning: waiver for 'WEB-001' on 'web1' expires on 2026-12-31 (" + when +
               "); then its findings fail [waiver-expiring]\n";
    };
    auto [early, early_json] = on("2026-12-17");
    CHECK(early.status == 0);
    CHECK(early.err.find("[waiver-expiring]") == std::string::npos);  // 14 days left: not within 14 days
    auto [soon, soon_json] = on("2026-12-18");
    CHECK(soon.status == 0);  // a warning never changes the exit status
    CHECK(soon.err.find(expiring("in 13 days")) != std::string::npos);
    REQUIRE(soon_json["notifications"].size() == 3);
    CHECK(soon_json["notifications"][0]["kind"] == "waiver-expiring");
    CHECK(soon_json["notifications"][0]["line"] == 3);
    CHECK(on("2026-12-30").first.err.find(expiring("tomorrow")) != std::string::npos);
    CHECK(on("2026-12-31").first.err.find(expiring("today")) != std::string::npos);
    CHECK(on("2026-12-31", {"--waiver-warn-days", "0"}).first.err.find("[waiver-expiring]") == std::string::npos);
    CHECK(on("2026-10-01", {"--waiver-warn-days", "100"}).first.err.find(expiring("in 91 days")) != std::string::npos);

    run_output bad = on_day("2026-12-31", {"check", "--waiver-warn-days", "-1", "tests/data/snaps/farm"});
    CHECK(bad.status == 2);
    CHECK(bad.err == "kblint: --waiver-warn-days: '-1' is not a number of days from 0 to 3660 (run 'kblint check --help' for "
                     "usage)\n");
}
