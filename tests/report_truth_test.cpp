// Reports that tell the truth (issue "Never a silent pass", item 7): an entry of `errors` says
// whether it is an error or a note, every format shows a note as a note and only errors count or
// fail a run; an entry without a position says why (`io`).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/report/report.hpp"
#include "cli/exit_status.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl;
using ojson = nlohmann::ordered_json;

const std::string incomplete = "cluster 'WEBCLUS' is incomplete: 'snaps/NODE2.toml' failed to load; only its node rules "
                               "were evaluated, on the files that loaded";

// The note the engine adds when a file of a cluster's folder failed to load.
diagnostic incomplete_note() {
    diagnostic n;
    n.severity = diag_severity::note;
    n.file = std::make_shared<const source_file>("snaps/NODE1.toml", "[node]\nnetbios_name = \"NODE1\"\n");
    n.message = incomplete;
    n.check_id = "incomplete-cluster";
    return n;
}

// That file's error, then the note.
report error_and_note() {
    report r;
    r.version = "0.1.0";
    diagnostic e;
    e.file = std::make_shared<const source_file>("snaps/NODE2.toml", "x = = 1\n");
    e.where = {1, 5};
    e.message = "invalid value: could not determine value type";
    e.check_id = "toml";
    r.errors = {e, incomplete_note()};
    r.summary.snapshots = 1;
    r.summary.clusters = 1;
    r.summary.rules = 1;
    r.exit_status = cli::exit_usage;
    return r;
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t nl = s.find('\n'); nl != std::string::npos; nl = s.find('\n', start)) {
        out.push_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    if (start < s.size()) out.push_back(s.substr(start));
    return out;
}

} // namespace

TEST_CASE("report: every entry of JSON errors[] has a severity, and the incomplete-cluster note is a note", "[report]") {
    auto doc = ojson::parse(render_json(error_and_note()));
    CHECK(doc["errors"] == ojson::parse(R"([
      {"file": "snaps/NODE2.toml", "line": 1, "column": 5, "message": "invalid value: could not determine value type",
       "id": "toml", "severity": "error"},
      {"file": "snaps/NODE1.toml", "line": null, "column": null, "message": ")" + incomplete + R"(",
       "id": "incomplete-cluster", "severity": "note"}])"));
}

TEST_CASE("report: text and concise print a note as 'note:' and count only the error", "[report]") {
    report r = error_and_note();
    CHECK(render_text(r, {}) == "snaps/NODE2.toml:1:5: error: invalid value: could not determine value type [toml]\n"
                                " 1 | x = = 1\n"
                                "   |     ^\n"
                                "\n"
                                "snaps/NODE1.toml: note: " + incomplete + " [incomplete-cluster]\n"
                                "\n"
                                "0 errors, 0 warnings, 0 infos in 1 snapshot, 1 cluster, 1 rule; 1 input error\n");
    CHECK(render_concise(r, {}) == "snaps/NODE2.toml:1:5: error: invalid value: could not determine value type [toml]\n"
                                   "snaps/NODE1.toml: note: " + incomplete + " [incomplete-cluster]\n"
                                   "0 errors, 0 warnings, 0 infos in 1 snapshot, 1 cluster, 1 rule; 1 input error\n");
}

TEST_CASE("report: SARIF gives the note the level 'note' among the tool execution notifications", "[report]") {
    auto doc = nlohmann::json::parse(render_sarif(error_and_note()));
    const auto& notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    REQUIRE(notes.size() == 2);
    CHECK(notes[0]["level"] == "error");
    CHECK(notes[0]["descriptor"]["id"] == "toml");
    CHECK(notes[1]["level"] == "note");
    CHECK(notes[1]["descriptor"]["id"] == "incomplete-cluster");
    CHECK(notes[1]["message"]["text"] == incomplete);
}

TEST_CASE("report: JUnit makes the error a failed test and puts the note in system-err", "[report]") {
    std::string xml = render_junit(error_and_note());
    CHECK(xml == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<testsuites name=\"kblint\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n"
                 "  <testsuite name=\"kblint\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n"
                 "    <testcase name=\"snaps/NODE2.toml:1:5\" classname=\"input\">\n"
                 "      <error message=\"invalid value: could not determine value type\" type=\"toml\">"
                 "snaps/NODE2.toml:1:5: error: invalid value: could not determine value type [toml]\n"
                 "</error>\n"
                 "    </testcase>\n"
                 "    <system-err>snaps/NODE1.toml: note: " + incomplete + " [incomplete-cluster]\n"
                 "</system-err>\n"
                 "  </testsuite>\n"
                 "</testsuites>\n");
}

TEST_CASE("report: GitHub makes the note a notice titled by its check, GitLab an info entry", "[report]") {
    report r = error_and_note();
    CHECK(lines_of(render_github(r)) ==
          std::vector<std::string>{
              "::error file=snaps/NODE2.toml,line=1,col=5,title=kblint input error::invalid value: could not determine "
              "value type [toml]",
              "::notice file=snaps/NODE1.toml,title=kblint incomplete-cluster::" + incomplete + " [incomplete-cluster]"});
    auto gitlab = nlohmann::json::parse(render_gitlab(r));
    REQUIRE(gitlab.size() == 2);
    CHECK(gitlab[0]["check_name"] == "toml");
    CHECK(gitlab[0]["severity"] == "blocker");
    CHECK(gitlab[1]["check_name"] == "incomplete-cluster");
    CHECK(gitlab[1]["severity"] == "info");
    CHECK(gitlab[1]["description"] == incomplete);
    CHECK(gitlab[1]["location"] == nlohmann::json::parse(R"({"path": "snaps/NODE1.toml", "lines": {"begin": 1}})"));
}

TEST_CASE("report: HTML lists the note as a note and counts one input error", "[report]") {
    std::string page = render_html(error_and_note());
    CHECK(page.find("<p class=\"summary\">0 errors, 0 warnings, 0 infos in 1 snapshot, 1 cluster, 1 rule; 1 input error</p>") !=
          std::string::npos);
    CHECK(page.find("<li><code>snaps/NODE2.toml:1:5</code>: invalid value: could not determine value type</li>\n"
                    "<li><code>snaps/NODE1.toml</code>: note: cluster &#39;WEBCLUS&#39; is incomplete: ") != std::string::npos);
}

TEST_CASE("report: a note alone is no input error in any format and never changes the exit status", "[report]") {
    report r;
    r.errors = {incomplete_note()};
    CHECK(input_error_count(r) == 0);
    CHECK_FALSE(has_errors(r.errors));
    // The status of a check is decided by has_errors (cli/cmd_check.cpp): a note leaves it clean,
    // or at 1 when a finding fails.
    CHECK(cli::check_exit_status(has_errors(r.errors), false, false) == cli::exit_clean);
    CHECK(cli::check_exit_status(has_errors(r.errors), false, true) == cli::exit_findings);
    CHECK(lines_of(render_text(r, {})).back() == "0 errors, 0 warnings, 0 infos in 0 snapshots, 0 clusters, 0 rules");
    CHECK(render_junit(r).find("errors=\"1\"") == std::string::npos);
    CHECK(render_html(r).find("input error") == std::string::npos);
    CHECK(render_gitlab(r).find("blocker") == std::string::npos);
    CHECK(render_github(r).rfind("::notice ", 0) == 0);
}

TEST_CASE("check: the incomplete-cluster note is a note in JSON and SARIF, the file that failed an error", "[report][cli]") {
    std::string dir = test::temp_dir("truth-incomplete");
    test::write_file(dir + "/snaps/NODE1.toml", test::read_file(test::src_path("fixtures/healthy/NODE1.toml")));
    test::write_file(dir + "/snaps/NODE2.toml", "x = = 1\n");
    test::run_output r = test::run_kblint({"check", "-f", "json", "snaps"}, dir);
    CHECK(r.status == 2);
    auto doc = ojson::parse(r.out);
    CHECK(doc["errors"] == ojson::parse(R"([
      {"file": "snaps/NODE2.toml", "line": 1, "column": 5, "message": "invalid value: could not determine value type",
       "id": "toml", "severity": "error"},
      {"file": "snaps/NODE1.toml", "line": null, "column": null, "message": ")" + incomplete + R"(",
       "id": "incomplete-cluster", "severity": "note"}])"));
    test::run_output sarif = test::run_kblint({"check", "-f", "sarif", "snaps"}, dir);
    auto notes = nlohmann::json::parse(sarif.out)["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    REQUIRE(notes.size() == 2);
    CHECK(notes[1]["level"] == "note");
}

TEST_CASE("check: an input error without a position names its file, and its id says why", "[report][cli]") {
    std::string dir = test::temp_dir("truth-io");
    test::write_file(dir + "/snaps/NODE1.toml", test::read_file(test::src_path("fixtures/healthy/NODE1.toml")));
    REQUIRE(::mkfifo((dir + "/snaps/fifo.toml").c_str(), 0600) == 0);
    std::filesystem::create_symlink(dir + "/nowhere.toml", dir + "/snaps/dangling.toml");
    test::run_output r = test::run_kblint({"check", "-f", "json", "snaps", "missing"}, dir);
    CHECK(r.status == 2);
    auto doc = ojson::parse(r.out);
    ojson unplaced = ojson::array();
    for (const auto& e : doc["errors"])
        if (e["line"].is_null()) unplaced.push_back(e);
    CHECK(unplaced == ojson::parse(R"([
      {"file": "missing", "line": null, "column": null, "message": "no such file or folder", "id": "io", "severity": "error"},
      {"file": "snaps/dangling.toml", "line": null, "column": null, "message": "cannot read file: no such file or directory",
       "id": "io", "severity": "error"},
      {"file": "snaps/fifo.toml", "line": null, "column": null, "message": "cannot read file: it is a fifo, not a regular file",
       "id": "io", "severity": "error"},
      {"file": "snaps/NODE1.toml", "line": null, "column": null,
       "message": "cluster 'WEBCLUS' is incomplete: 'snaps/dangling.toml' failed to load; only its node rules were evaluated, on the files that loaded",
       "id": "incomplete-cluster", "severity": "note"}])"));
}

// ---- The engine's part --------------------------------------------------------------------------
// Findings and input errors that differ only by file are both reported; a quantifier written in a
// message has its own slot; an evaluation limit is placed in the snapshot evaluated.

namespace {

// A cluster folder holding a copy of fixtures/<fixture>, its cluster renamed to `cluster` when given.
void copy_fixture(const std::string& fixture, const std::string& to, const std::string& cluster = "") {
    for (const char* node : {"NODE1.toml", "NODE2.toml"}) {
        std::string text = test::read_file(test::src_path("fixtures/" + fixture + "/" + node));
        if (!cluster.empty())
            for (std::size_t at = text.find("\nname = \""); at != std::string::npos; at = std::string::npos) {
                std::size_t end = text.find('"', at + 9);
                text.replace(at + 9, end - (at + 9), cluster);
            }
        test::write_file(to + "/" + node, text);
    }
}

std::vector<std::string> json_places(const std::string& json, const char* key) {
    std::vector<std::string> out;
    const nlohmann::json doc = nlohmann::json::parse(json);
    for (const auto& e : doc[key]) {
        const auto& at = e.contains("location") ? e["location"] : e;
        out.push_back(at["file"].get<std::string>() + ":" + (at["line"].is_null() ? std::string("-") : at["line"].dump()) + " " +
                      e["message"].get<std::string>());
    }
    return out;
}

} // namespace

TEST_CASE("check: a byte-identical copy of a node file gets its own KBL-002 finding", "[report][cli]") {
    std::string dir = test::temp_dir("truth-copy");
    copy_fixture("healthy", dir + "/snaps");
    test::write_file(dir + "/snaps/NODE2-copy.toml", test::read_file(dir + "/snaps/NODE2.toml"));
    test::run_output r = test::run_kblint({"check", "-f", "json", "--only", "KBL-002", "snaps"}, dir);
    CHECK(r.status == 1);
    const std::string two = "2 snapshots of this cluster have the NetBIOS name 'NODE2'";
    CHECK(json_places(r.out, "findings") ==
          std::vector<std::string>{"snaps/NODE2-copy.toml:15 " + two, "snaps/NODE2.toml:15 " + two});
}

TEST_CASE("check: the same input error in two files is reported for each file", "[report][cli]") {
    std::string dir = test::temp_dir("truth-two-runbooks");
    copy_fixture("runbook", dir + "/snaps/a");
    copy_fixture("runbook", dir + "/snaps/b", "WC-other");
    test::run_output r = test::run_kblint({"check", "-f", "json", "--max-runbook-steps", "3", "snaps"}, dir);
    CHECK(r.status == 2);
    const std::string over = "runbook has 25 steps, over the limit of 3 (--max-runbook-steps)";
    CHECK(json_places(r.out, "errors") == std::vector<std::string>{"snaps/a/NODE1.toml:281 " + over, "snaps/b/NODE1.toml:281 " + over});
}

TEST_CASE("check: a quantifier in a message does not disturb the requirement's variable", "[report][cli]") {
    std::string dir = test::temp_dir("truth-message-slot");
    test::write_file(dir + "/pack/web.kbl", test::read_file(test::src_path("tests/data/pack/web.kbl")) +
                                                "\nrule WEB-009 {\n"
                                                "  title    \"Host name used twice\"\n"
                                                "  severity error\n"
                                                "  scope    cluster\n"
                                                "  ref      WEB \"Names\"\n"
                                                "  fix      \"Give each host its own name\"\n"
                                                "  require  all n in nodes: (count m in nodes where m.host.name == n.host.name) == 1\n"
                                                "  message  \"{count m in nodes where m.host.name == n.host.name} hosts are named '{n.host.name}'\"\n"
                                                "}\n");
    for (const char* h : {"a", "b", "c"})
        test::write_file(dir + "/snaps/" + h + ".toml", fmt::format("[host]\nname = \"{}\"\n\n[farm]\nname = \"F\"\n",
                                                                    std::string(h) == "c" ? "z" : "x"));
    test::run_output r = test::run_kblint({"check", "-f", "json", "--no-builtin", "-r", "pack", "--only", "WEB-009", "snaps"}, dir);
    CHECK(r.status == 1);
    CHECK(json_places(r.out, "findings") ==
          std::vector<std::string>{"snaps/a.toml:1 2 hosts are named 'x'", "snaps/b.toml:1 2 hosts are named 'x'"});
}

TEST_CASE("check: an evaluation limit hit on a snapshot's data is located in that snapshot", "[report][cli]") {
    std::string dir = test::temp_dir("truth-limit");
    copy_fixture("runbook", dir + "/snaps");
    test::run_output r = test::run_kblint({"check", "-f", "json", "--max-eval-steps", "2000", "snaps"}, dir);
    CHECK(r.status == 2);
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    for (const auto& e : doc["errors"]) {
        INFO(e.dump());
        CHECK(e["id"] == "limit");
        CHECK(e["file"].get<std::string>().rfind("snaps/", 0) == 0);
    }
    test::run_output text = test::run_kblint({"check", "-q", "--max-eval-steps", "2000", "snaps"}, dir);
    CHECK(text.out.find("snaps/NODE1.toml:") == 0);
    CHECK(text.out.find(": note: the limit was hit here\n") != std::string::npos);
}
