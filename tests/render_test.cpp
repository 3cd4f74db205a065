// Renderers and finding helpers, on findings and diagnostics built by hand: the whole text and
// JSON output is compared with golden files under tests/golden/render/.
// Set KBLINT_UPDATE_GOLDEN=1 to rewrite the golden files, then review the diff.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/engine/finding.hpp"
#include "checker/report/report.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl;

void check_golden(const std::string& name, const std::string& actual) {
    std::string path = test::src_path("tests/golden/render/" + name);
    const char* update = std::getenv("KBLINT_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") test::write_file(path, actual);
    INFO("golden file " << path);
    CHECK(actual == test::read_file(path));
}

// A snapshot with a tab-indented line and a key holding non-ASCII characters.
source_ptr node2_file() {
    return std::make_shared<const source_file>("snapshots/NODE2.toml",
                                               "# NODE2, taken before the Option Pack is removed\n"
                                               "[node]\n"
                                               "netbios_name = \"NODE2\"\n"
                                               "\n"
                                               "[services.ClusSvc]\n"
                                               "state = \"running\"\n"
                                               "\tstart_type = \"automatic\"\n"
                                               "\n"
                                               "[planned]\n"
                                               "action = \"uninstall_ntop\"\n"
                                               "\n"
                                               "[labels]\n"
                                               "\"n\xc5\x93ud\" = \"\xc3\xa9puis\xc3\xa9\"\n");
}

source_ptr node1_file() {
    return std::make_shared<const source_file>("snapshots/NODE1.toml", "[node]\n"
                                                                       "netbios_name = \"NODE1\"\n"
                                                                       "[iis]\n"
                                                                       "version = \"4.0\"\n");
}

source_ptr bad_file() {
    return std::make_shared<const source_file>("snapshots/bad.toml", "[node]\n"
                                                                     "netbios_name = \"BAD\"\n"
                                                                     "port = = 80\n");
}

finding base_finding(std::string rule, severity sev, location loc) {
    finding f;
    f.rule = std::move(rule);
    f.sev = sev;
    f.loc = std::move(loc);
    return f;
}

// Four findings (error with a step and a related place, a warning of status unknown at line 1, an
// info whose message carries control characters, a cluster finding under a tab and UTF-8), one
// located input error and one without a position.
report sample_report() {
    source_ptr n1 = node1_file();
    source_ptr n2 = node2_file();
    report r;
    r.version = "0.1.0";

    finding a = base_finding("Q241573-010", severity::error, {n2, {9, 1}, "planned"});
    a.scope = rule_scope::node;
    a.node = "NODE2";
    a.cluster = "WEBCLUS";
    a.title = "Cluster service still running when IIS is uninstalled";
    a.message = "ClusSvc on NODE2 is 'running'; the uninstall of the Option Pack is planned";
    a.fix = "Stop the Cluster Server service and set its startup type to Manual first";
    a.ref = {"Q241573", "Removing and Reinstalling a Corrupted version of IIS, step 1"};
    a.step = step_ref{1, "uninstall_ntop"};
    a.related.push_back({{n2, {6, 9}, "services.ClusSvc.state"}, "ClusSvc state read here"});
    a.fingerprint = make_fingerprint(a);

    finding b = base_finding("Q241573-011", severity::error, {n2, {7, 15}, "services.ClusSvc.start_type"});
    b.node = "NODE2";
    b.cluster = "WEBCLUS";
    b.title = "Cluster service startup type not Manual when IIS is uninstalled";
    b.message = "ClusSvc on NODE2 starts 'automatic'; it must be 'manual'";
    b.fix = "Set the startup type of the Cluster Server service to Manual";
    b.ref = {"Q241573", "Removing and Reinstalling a Corrupted version of IIS, step 1"};
    b.fingerprint = make_fingerprint(b);

    finding c = base_finding("WEB-003", severity::warning, {n1, {1, 1}, "iis"});
    c.st = status::unknown;
    c.node = "NODE1";
    c.cluster = "WEBCLUS";
    c.title = "IIS version unknown";
    c.message = "'iis.version' is missing";
    c.fix = "Record the IIS version in [iis]";
    c.ref = {"WEB", "Inventory"};
    c.fingerprint = make_fingerprint(c);

    finding d = base_finding("KBL-009", severity::info, {n2, {13, 11}, "labels.n\xc5\x93ud"});
    d.scope = rule_scope::cluster;
    d.cluster = "WEBCLUS";
    d.title = "Label with control characters";
    d.message = "label is 'evil\x1b[2J\x07' and \xff\xfe is not UTF-8";
    d.fix = "Remove the escape sequence";
    d.ref = {"KBL", "Labels"};
    d.fingerprint = make_fingerprint(d);

    r.findings = {c, a, b, d};
    std::sort(r.findings.begin(), r.findings.end(), finding_less);

    diagnostic e;
    e.file = bad_file();
    e.where = {3, 8};
    e.message = "expected a value after '='";
    e.check_id = "toml";
    r.errors.push_back(e);
    diagnostic missing;
    missing.file_name = "snapshots/gone";
    missing.message = "no such file or folder";
    missing.check_id = "io";  // as the walker reports it: no position, so the id says why
    r.errors.push_back(missing);

    r.summary.snapshots = 2;
    r.summary.clusters = 1;
    r.summary.rules = 12;
    count_findings(r);
    return r;
}

} // namespace

TEST_CASE("severity, status and scope have lowercase names", "[finding]") {
    CHECK(to_string(severity::error) == "error");
    CHECK(to_string(severity::warning) == "warning");
    CHECK(to_string(severity::info) == "info");
    CHECK(to_string(status::fail) == "fail");
    CHECK(to_string(status::unknown) == "unknown");
    CHECK(to_string(status::waived) == "waived");
    CHECK(to_string(status::baselined) == "baselined");
    CHECK(to_string(rule_scope::node) == "node");
    CHECK(to_string(rule_scope::cluster) == "cluster");
    CHECK(to_string(rule_scope::runbook) == "runbook");
}

TEST_CASE("fingerprint hashes rule, cluster, node, key path and step only", "[finding]") {
    finding f = base_finding("Q241573-010", severity::error, {node2_file(), {9, 1}, "planned"});
    f.cluster = "WEBCLUS";
    f.node = "NODE2";
    f.step = step_ref{1, "uninstall_ntop"};
    // FNV-1a 64 of "Q241573-010\x1fWEBCLUS\x1fNODE2\x1fplanned\x1f1", computed independently.
    // Baselines store this value: changing it breaks every user's baseline.
    CHECK(make_fingerprint(f) == "c118622cd01d2080");

    SECTION("file, line, column, message and severity do not matter") {
        finding g = f;
        g.loc.file = std::make_shared<const source_file>("elsewhere/renamed.toml", "");
        g.loc.where = {120, 7};
        g.message = "another wording";
        g.sev = severity::warning;
        g.step->action = "renamed_action";
        CHECK(make_fingerprint(g) == make_fingerprint(f));
    }
    SECTION("node and cluster names are compared ignoring case") {
        finding g = f;
        g.cluster = "webclus";
        g.node = "Node2";
        CHECK(make_fingerprint(g) == make_fingerprint(f));
    }
    SECTION("step index, key path, rule, node and cluster change it") {
        finding g = f;
        g.step->index = 2;
        CHECK(make_fingerprint(g) != make_fingerprint(f));
        g = f;
        g.step.reset();
        CHECK(make_fingerprint(g) == "9490281b495f4914");
        g = f;
        g.loc.path = "services.ClusSvc.state";
        CHECK(make_fingerprint(g) != make_fingerprint(f));
        g = f;
        g.rule = "Q241573-011";
        CHECK(make_fingerprint(g) != make_fingerprint(f));
        g = f;
        g.node = "NODE1";
        CHECK(make_fingerprint(g) != make_fingerprint(f));
        g = f;
        g.cluster = "OTHER";
        CHECK(make_fingerprint(g) != make_fingerprint(f));
    }
    SECTION("fields are separated, so moving a character between them changes the hash") {
        finding g = f;
        g.cluster = "WEBCLU";
        g.node = "SNODE2";
        CHECK(make_fingerprint(g) != make_fingerprint(f));
    }
    SECTION("empty fields still give 16 hex digits") {
        finding g;
        g.rule = "WEB-001";
        CHECK(make_fingerprint(g) == "31688c14979135d6");
    }
}

TEST_CASE("findings sort by file, line, column, rule, node, then message", "[finding]") {
    source_ptr a = std::make_shared<const source_file>("a.toml", "");
    source_ptr b = std::make_shared<const source_file>("b.toml", "");
    std::vector<finding> fs;
    auto add = [&](source_ptr file, std::uint32_t line, std::uint32_t col, std::string rule, std::string node,
                   std::string msg) {
        finding f = base_finding(std::move(rule), severity::error, {std::move(file), {line, col}, ""});
        f.node = std::move(node);
        f.message = std::move(msg);
        fs.push_back(f);
    };
    add(b, 1, 1, "A-1", "N", "m");
    add(a, 10, 1, "A-1", "N", "m");
    add(a, 2, 5, "A-1", "N", "m");
    add(a, 2, 3, "B-1", "N", "m");
    add(a, 2, 3, "A-1", "N2", "m");
    add(a, 2, 3, "A-1", "N1", "z");
    add(a, 2, 3, "A-1", "N1", "b");
    std::sort(fs.begin(), fs.end(), finding_less);
    std::vector<std::string> order;
    for (const auto& f : fs)
        order.push_back(f.loc.file->name() + ":" + std::to_string(f.loc.where.line) + ":" +
                        std::to_string(f.loc.where.column) + " " + f.rule + " " + f.node + " " + f.message);
    CHECK(order == std::vector<std::string>{"a.toml:2:3 A-1 N1 b", "a.toml:2:3 A-1 N1 z", "a.toml:2:3 A-1 N2 m",
                                            "a.toml:2:3 B-1 N m", "a.toml:2:5 A-1 N m", "a.toml:10:1 A-1 N m",
                                            "b.toml:1:1 A-1 N m"});
}

TEST_CASE("summary counts failing findings by severity, and waived and baselined apart", "[render]") {
    report r;
    auto add = [&](severity s, status st) {
        finding f;
        f.sev = s;
        f.st = st;
        r.findings.push_back(f);
    };
    add(severity::error, status::fail);
    add(severity::error, status::unknown);
    add(severity::warning, status::fail);
    add(severity::info, status::unknown);
    add(severity::error, status::waived);
    add(severity::warning, status::baselined);
    add(severity::info, status::baselined);
    count_findings(r);
    CHECK(r.summary.errors == 2);
    CHECK(r.summary.warnings == 1);
    CHECK(r.summary.infos == 1);
    CHECK(r.summary.unknown == 2);
    CHECK(r.summary.waived == 1);
    CHECK(r.summary.baselined == 2);
}

TEST_CASE("text report: errors, finding blocks with snippets and carets, summary", "[render]") {
    check_golden("sample.txt", render_text(sample_report(), {}));
}

TEST_CASE("text report, quiet: only input errors and the summary", "[render]") {
    text_options opt;
    opt.quiet = true;
    check_golden("sample_quiet.txt", render_text(sample_report(), opt));
}

TEST_CASE("text report: singular and plural in the summary line", "[render]") {
    report r;
    CHECK(render_text(r, {}) == "0 errors, 0 warnings, 0 infos in 0 snapshots, 0 clusters, 0 rules\n");
    r.summary = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    CHECK(render_text(r, {}) ==
          "1 baselined finding not shown (--show-baselined lists them)\n"
          "1 error, 1 warning, 1 info (1 unknown, 1 waived, 1 baselined) "
          "in 1 snapshot, 1 cluster, 1 runbook, 1 rule\n");
    r.summary = {3, 2, 0, 57, 4, 2, 5, 0, 0, 3};
    diagnostic d;
    d.file_name = "x.toml";
    d.message = "no such file or folder";
    r.errors = {d, d};
    std::string text = render_text(r, {});
    CHECK(text.substr(text.rfind('\n', text.size() - 2) + 1) ==
          "4 errors, 2 warnings, 5 infos (3 baselined) in 3 snapshots, 2 clusters, 57 rules; 2 input errors\n");
}

TEST_CASE("text report: colour only when asked, and snapshot text never reaches the terminal raw", "[render]") {
    report r = sample_report();
    std::string plain = render_text(r, {});
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(plain.find("label is 'evil\\x1b[2J\\x07' and \\xff\\xfe is not UTF-8") != std::string::npos);

    text_options opt;
    opt.color = true;
    std::string colored = render_text(r, opt);
    CHECK(colored.find("\x1b[") != std::string::npos);
    CHECK(colored.find("\x1b[2J") == std::string::npos);
    CHECK(colored.find('\x07') == std::string::npos);
    CHECK(colored.find("evil\\x1b[2J\\x07") != std::string::npos);
}

TEST_CASE("text report: caret under the column after tabs and multi-byte characters", "[render]") {
    source_ptr f = std::make_shared<const source_file>("t.toml", "\ta\tb = 1\n");
    report r;
    r.findings.push_back(base_finding("T-1", severity::error, {f, {1, 8}, "b"}));
    r.findings.back().message = "m";
    // "\ta\tb = 1": the tab expands to 4 columns, 'a', the tab to column 8, "b = " then the value.
    CHECK(render_text(r, {}) == "t.toml:1:8: error: m [T-1]\n"
                                " 1 |     a   b = 1\n"
                                "   |             ^\n"
                                "\n"
                                "0 errors, 0 warnings, 0 infos in 0 snapshots, 0 clusters, 0 rules\n");

    SECTION("a column past the end of the line") {
        r.findings.back().loc.where = {1, 11};
        std::string text = render_text(r, {});
        CHECK(text.find("   |                ^\n") != std::string::npos);
    }
    SECTION("an empty line has no trailing space") {
        source_ptr e = std::make_shared<const source_file>("e.toml", "\n[x]\n");
        r.findings.back().loc = {e, {1, 1}, ""};
        std::string text = render_text(r, {});
        CHECK(text.find(" 1 |\n   | ^\n") != std::string::npos);
    }
    SECTION("no snippet for a line outside the file; an invalid position shows as 1:1") {
        r.findings.back().loc = {f, {40, 2}, ""};
        CHECK(render_text(r, {}).find("t.toml:40:2: error: m [T-1]\n\n") == 0);
        r.findings.back().loc = {f, {}, ""};
        CHECK(render_text(r, {}).find("t.toml:1:1: error: m [T-1]\n 1 |     a   b = 1\n   | ^\n") == 0);
    }
}

TEST_CASE("JSON report version 1", "[render]") {
    std::string json = render_json(sample_report());
    check_golden("sample.json", json);
    auto doc = nlohmann::json::parse(json);
    CHECK(doc["kblint"]["report_version"] == 1);
    auto ordered = nlohmann::ordered_json::parse(json);
    std::vector<std::string> keys;
    for (const auto& item : ordered.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"kblint", "summary", "findings", "errors", "notifications", "checked"});
}

TEST_CASE("JSON report: empty, with a notification, and with invalid UTF-8", "[render]") {
    report r;
    r.version = "0.1.0";
    r.notifications.push_back({"warning", "waiver-expired", ".kblint-waivers.toml", {4, 1},
                               "waiver for Q241573-070 on NODE2 expired on 2026-10-31; it no longer waives"});
    check_golden("empty.json", render_json(r));

    finding f;
    f.rule = "T-1";
    f.message = "bad \xff\xfe bytes and a \x1b escape";
    f.node = "N\xc3";
    r.findings.push_back(f);
    std::string json;
    REQUIRE_NOTHROW(json = render_json(r));
    auto doc = nlohmann::json::parse(json);
    CHECK(doc["findings"][0]["message"] == "bad \xef\xbf\xbd\xef\xbf\xbd bytes and a \x1b escape");
    CHECK(json.find("\\u001b") != std::string::npos);
    CHECK(doc["findings"][0]["node"] == "N\xef\xbf\xbd");
    CHECK(doc["findings"][0]["fingerprint"] == make_fingerprint(f));
}
