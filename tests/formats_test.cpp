// The format table, the concise and GitLab formats, --statistics, grouping of unknown findings,
// and the colour decision.
#include <map>
#include <set>
#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/engine/finding.hpp"
#include "checker/report/formats.hpp"
#include "checker/report/report.hpp"
#include "checker/report/terminal.hpp"

using namespace kbl;

namespace {

source_ptr snap() {
    return std::make_shared<const source_file>("snaps/WEB1.toml", "[node]\nnetbios_name = \"WEB1\"\n[iis]\nport = 81\n");
}

finding make(std::string rule, severity sev, status st, pos where, std::string path, std::string message) {
    finding f;
    f.rule = std::move(rule);
    f.sev = sev;
    f.st = st;
    f.node = "WEB1";
    f.cluster = "WEB";
    f.title = "title of " + f.rule;
    f.loc = {snap(), where, std::move(path)};
    f.message = std::move(message);
    f.fingerprint = make_fingerprint(f);
    return f;
}

// Two unknown findings on one missing path, one failing finding, one baselined; one input error.
report sample() {
    report r;
    r.version = "0.1.0";
    r.findings = {make("WEB-003", severity::warning, status::unknown, {3, 1}, "iis.version", "'iis.version' is missing"),
                  make("WEB-004", severity::warning, status::unknown, {3, 1}, "iis.version", "'iis.version' is missing"),
                  make("WEB-001", severity::error, status::fail, {4, 8}, "iis.port", "port is 81, not 80"),
                  make("WEB-001", severity::error, status::baselined, {4, 8}, "iis.port", "port is 81, not 80")};
    diagnostic e;
    e.file_name = "snaps/gone.toml";
    e.message = "cannot read file: permission denied";
    e.check_id = "io";
    r.errors.push_back(e);
    r.summary.snapshots = 1;
    r.summary.clusters = 1;
    r.summary.rules = 3;
    count_findings(r);
    return r;
}

} // namespace

TEST_CASE("formats: one table gives --format its choices and its renderers", "[formats]") {
    CHECK(report_format_names() ==
          std::vector<std::string>{"text", "concise", "json", "sarif", "junit", "github", "gitlab", "html"});
    const report_format* f = find_report_format("concise");
    REQUIRE(f != nullptr);
    CHECK(f->terminal);
    CHECK(find_report_format("json")->render(sample(), {}) == render_json(sample()));
    CHECK(find_report_format("nope") == nullptr);
}

TEST_CASE("concise: one line per error and finding, unknowns on one missing path grouped", "[formats]") {
    text_options all;
    all.show_baselined = true;
    CHECK(render_concise(sample(), all) ==
          "snaps/gone.toml: error: cannot read file: permission denied [io]\n"
          "snaps/WEB1.toml:3:1: warning: 'iis.version' is missing (unknown) [WEB-003, WEB-004]\n"
          "snaps/WEB1.toml:4:8: error: port is 81, not 80 [WEB-001]\n"
          "snaps/WEB1.toml:4:8: error: port is 81, not 80 (baselined) [WEB-001]\n"
          "1 error, 2 warnings, 0 infos (2 unknown, 1 baselined) in 1 snapshot, 1 cluster, 3 rules; 1 input error\n");
}

TEST_CASE("text: the unknown findings of one missing path are one block", "[formats]") {
    std::string text = render_text(sample(), {});
    CHECK(text.find("snaps/WEB1.toml:3:1: warning: 'iis.version' is missing (unknown) [WEB-003, WEB-004]\n"
                    " 3 | [iis]\n"
                    "   | ^\n") != std::string::npos);
    CHECK(text.find("[WEB-003]") == std::string::npos);
}

TEST_CASE("statistics: counts per rule and severity, most frequent first", "[formats]") {
    CHECK(render_statistics(sample()) == "count  rule     severity  title\n"
                                         "    2  WEB-001  error     title of WEB-001 (1 baselined)\n"
                                         "    1  WEB-003  warning   title of WEB-003 (1 unknown)\n"
                                         "    1  WEB-004  warning   title of WEB-004 (1 unknown)\n");
    CHECK(render_statistics(report{}) == "no findings\n");
}

TEST_CASE("gitlab: Code Quality entries for errors and gating findings only", "[formats]") {
    report r = sample();
    auto doc = nlohmann::json::parse(render_gitlab(r));
    REQUIRE(doc.is_array());
    REQUIRE(doc.size() == 4);
    CHECK(doc[0]["check_name"] == "io");
    CHECK(doc[0]["severity"] == "blocker");
    CHECK(doc[0]["location"]["path"] == "snaps/gone.toml");
    CHECK(doc[0]["location"]["lines"]["begin"] == 1);
    CHECK(doc[1]["description"] == "'iis.version' is missing (unknown)");
    CHECK(doc[1]["check_name"] == "WEB-003");
    CHECK(doc[1]["severity"] == "minor");
    CHECK(doc[3]["check_name"] == "WEB-001");
    CHECK(doc[3]["severity"] == "major");
    CHECK(doc[3]["fingerprint"] == r.findings[2].fingerprint);
    CHECK(doc[3]["location"]["path"] == "snaps/WEB1.toml");
    CHECK(doc[3]["location"]["lines"]["begin"] == 4);
    std::set<std::string> prints;
    for (const auto& e : doc) prints.insert(e["fingerprint"].get<std::string>());
    CHECK(prints.size() == doc.size());
    CHECK(render_gitlab(report{}) == "[]\n");
}

TEST_CASE("colour: --color, NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE and TERM=dumb", "[formats][terminal]") {
    std::map<std::string, std::string> vars;
    env_lookup env = [&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
    CHECK(use_color("auto", true, env));
    CHECK_FALSE(use_color("auto", false, env));
    CHECK(use_color("always", false, env));
    CHECK_FALSE(use_color("never", true, env));
    vars["TERM"] = "dumb";
    CHECK_FALSE(use_color("auto", true, env));
    vars["FORCE_COLOR"] = "1";
    CHECK(use_color("auto", false, env));
    vars["FORCE_COLOR"] = "0";
    CHECK_FALSE(use_color("auto", true, env));
    vars.erase("TERM");
    vars["CLICOLOR_FORCE"] = "1";
    CHECK(use_color("auto", false, env));
    vars["NO_COLOR"] = "1";
    CHECK_FALSE(use_color("auto", true, env));
    CHECK(use_color("always", true, env));
    vars["NO_COLOR"] = "";
    CHECK(use_color("auto", false, env));
}

TEST_CASE("text: with a width, source lines are cut to the terminal", "[formats][terminal]") {
    report r;
    auto file = std::make_shared<const source_file>("l.toml", "k = \"" + std::string(100, 'x') + "\"\n");
    finding f = make("L-1", severity::error, status::fail, {1, 5}, "k", "m");
    f.loc.file = file;
    r.findings.push_back(f);
    text_options opt;
    opt.width = 30;
    std::string text = render_text(r, opt);
    CHECK(text.find(" 1 | k = \"" + std::string(14, 'x') + "...\n") != std::string::npos);
}

TEST_CASE("json: an input error names its check id, so a null position is explained", "[formats]") {
    auto doc = nlohmann::json::parse(render_json(sample()));
    REQUIRE(doc["errors"].size() == 1);
    const auto& e = doc["errors"][0];
    CHECK(e["file"] == "snaps/gone.toml");
    CHECK(e["line"].is_null());
    CHECK(e["column"].is_null());
    CHECK(e["message"] == "cannot read file: permission denied");
    CHECK(e["id"] == "io");
}
