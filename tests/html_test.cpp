// HTML reports (`--format html`): golden files under tests/golden/html/, static checks that the page
// is self-contained, and a real browser: headless Chromium loads a report of a hostile snapshot,
// the test reads the DOM it built (no injected element, the text shown escaped), runs the filter
// box's script on another report and keeps a screenshot in the build folder (html-report.png). Chromium is required: the test fails without it.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checker/report/report.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
namespace fs = std::filesystem;

// The page must not reach out: no external resource of any kind, and no script but the filter box's
// inline one, which its Content-Security-Policy allows by hash (links to the rule reference are no
// load). A page without finding has no script at all.
void self_contained(const std::string& page) {
    CHECK(page.rfind("<!DOCTYPE html>\n", 0) == 0);
    CHECK(count_of(page, "<script") == count_of(page, "<script>"));
    CHECK(count_of(page, "<script>") <= 1);
    CHECK(page.find(" src=\"") == std::string::npos);  // snapshot text has its quotes escaped: only the page's own attributes are quoted
    CHECK(page.find("<link") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<iframe") == std::string::npos);
    CHECK(page.find("@import") == std::string::npos);
    CHECK(page.find("url(") == std::string::npos);
    CHECK(page.find("http://") == std::string::npos);
    CHECK(count_of(page, "https://") == count_of(page, "href=\"https://"));
    for (const char* tag : {"<object", "<embed", "<video", "<audio", "<source", "<base", "<form", "<meta http-equiv=\"refresh"})
        CHECK(page.find(tag) == std::string::npos);
    CHECK(page.find("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-") !=
          std::string::npos);
}

// The inline script's SHA-256 (by openssl) is the one the page's Content-Security-Policy allows.
void script_hash_allowed(const std::string& page) {
    std::size_t open = page.find("<script>");
    REQUIRE(open != std::string::npos);
    std::size_t close = page.find("</script>", open);
    REQUIRE(close != std::string::npos);
    std::string dir = temp_dir("html-hash");
    write_file(dir + "/script.js", page.substr(open + 8, close - open - 8));
    run_output h = run_program({"sh", "-c", "openssl dgst -sha256 -binary script.js | base64 -w0"}, dir);
    REQUIRE(h.status == 0);
    REQUIRE(h.out.size() == 44);
    CHECK(page.find("script-src 'sha256-" + h.out + "'\"") != std::string::npos);
}

} // namespace

TEST_CASE("html: summaries, the matrix of the rules with findings, the findings grouped by cluster", "[html]") {
    run_output r = run_kblint(with_pack({"check", "-f", "html", "tests/data/snaps/farm", "tests/data/snaps/warn"}));
    CHECK(r.status == 1);
    CHECK(r.err.empty());
    check_golden_in("html", "farm.html", r.out);
    self_contained(r.out);
    script_hash_allowed(r.out);
    // In this order: the summary by rule, by cluster, the matrix, the findings, the rules.
    std::size_t by_rule = r.out.find("<section id=\"by-rule\">"), by_cluster = r.out.find("<section id=\"by-cluster\">");
    std::size_t matrix = r.out.find("<section id=\"matrix\">"), findings = r.out.find("<section id=\"findings\">");
    std::size_t rules = r.out.find("<section id=\"rules\">");
    CHECK(by_rule < by_cluster);
    CHECK(by_cluster < matrix);
    CHECK(matrix < findings);
    CHECK(findings < rules);
    CHECK(rules != std::string::npos);
    CHECK(r.out.find("<tr><td><a href=\"#finding-3\"><code>WEB-002</code></a></td><td>warning</td><td>TLS is disabled</td>"
                     "<td class=\"num fail\">2</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td>"
                     "<td class=\"num\">2</td></tr>") != std::string::npos);
    CHECK(r.out.find("<tr><td><a href=\"#unit-1\">green</a></td><td class=\"num fail\">2</td><td class=\"num unknown\">1</td>"
                     "<td class=\"num\">0</td><td class=\"num\">0</td><td>WEB-001, WEB-002, WEB-003</td></tr>") !=
          std::string::npos);
    // Row green: WEB-001 fails (web1), WEB-002 fails (web2), WEB-003 unknown (web2); each cell links to its finding.
    CHECK(r.out.find("<tr><th>green</th><td class=\"fail\" title=\"WEB-001 on green: fail (1 finding)\">"
                     "<a href=\"#finding-1\">\xE2\x9C\x97</a></td>") != std::string::npos);
    CHECK(r.out.find("<td class=\"unknown\" title=\"WEB-003 on green: unknown (1 finding)\"><a href=\"#finding-2\">?</a></td>") !=
          std::string::npos);
    CHECK(r.out.find("<td class=\"pass\" title=\"WEB-001 on tests/data/snaps/warn/gamma.toml: pass\">\xE2\x9C\x93</td>") !=
          std::string::npos);
    for (const char* id : {"finding-1", "finding-2", "finding-3", "finding-4"})
        CHECK(count_of(r.out, std::string("id=\"") + id + "\"") == 1);
    CHECK(count_of(r.out, "<section class=\"group\"") == 2);
    CHECK(r.out.find("<section class=\"group\" id=\"unit-2\">\n<h3>tests/data/snaps/warn/gamma.toml &middot; 1 finding</h3>\n"
                     "<article class=\"warning fail\" id=\"finding-4\">") != std::string::npos);
    CHECK(count_of(r.out, "<article ") == 4);
    CHECK(r.out.find("<span class=\"hit\"><b>8</b>port = 8080</span>") != std::string::npos);
    CHECK(r.out.find("&middot; <a href=\"https://github.com/kblint/kblint/blob/main/docs/rules.md#web-002\">rule WEB-002</a></p>") !=
          std::string::npos);
}

TEST_CASE("html: each finding, matrix column and rule links to the rule's entry in docs/rules.md", "[html]") {
    run_output r = run_kblint({"check", "-f", "html", "fixtures/Q241573-011"});
    CHECK(r.status == 1);
    self_contained(r.out);
    const std::string url = "https://github.com/kblint/kblint/blob/main/docs/rules.md#q241573-011";
    CHECK(r.out.find("&middot; <a href=\"" + url + "\">rule Q241573-011</a></p>") != std::string::npos);
    CHECK(r.out.find("<th title=\"Cluster service startup type not Manual when IIS is uninstalled\"><a href=\"" + url + "\">Q241573-011</a></th>") !=
          std::string::npos);
    CHECK(r.out.find("<tr><td><a href=\"" + url + "\"><code>Q241573-011</code></a></td>") != std::string::npos);
    // The matrix has the one rule with findings; the rule table all 105.
    CHECK(count_of(r.out, "<th title=") == 1);
    CHECK(count_of(r.out, "docs/rules.md#") == 105 + 2);
}

TEST_CASE("html: a page without finding has no script and says so", "[html]") {
    run_output r = run_kblint({"check", "-f", "html", "fixtures/healthy"});
    CHECK(r.status == 0);
    self_contained(r.out);
    CHECK(r.out.find("<script") == std::string::npos);
    CHECK(r.out.find("<input") == std::string::npos);
    CHECK(r.out.find("<p class=\"summary\">0 rules with findings; 105 rules without.</p>") != std::string::npos);
    CHECK(r.out.find("<p class=\"summary\">0 clusters with findings; 1 cluster without.</p>") != std::string::npos);
    CHECK(r.out.find("<p class=\"summary\">No rule has a finding.</p>") != std::string::npos);
    CHECK(r.out.find("<table class=\"matrix\">") == std::string::npos);
}

// The fleet of bench/gen.py (healthy two-node clusters) with a tenth of its clusters failing
// Q241573-011: the page grows with the clusters that have findings, not with clusters x rules.
TEST_CASE("html: 2,500 clusters stay under 2 MB (a tenth of the fleet, scaled)", "[html]") {
    std::string dir = temp_dir("html-fleet");
    run_output gen = run_program({python3(), src_path("bench/gen.py"), "fleet", dir, "250"});
    REQUIRE(gen.status == 0);
    for (int c = 0; c < 25; ++c)
        for (const char* node : {"NODE1", "NODE2"}) {
            std::string text = read_file(src_path("fixtures/Q241573-011/") + node + ".toml");
            std::size_t at = text.find("name = \"WC-Q241573-011\"");
            REQUIRE(at != std::string::npos);
            text.replace(at, 24, "name = \"BAD" + std::to_string(c) + "\"");
            write_file(dir + "/BAD" + std::to_string(c) + "-" + node + ".toml", text);
        }
    run_output r = run_kblint({"check", "-f", "html", "-o", dir + "/report.html", dir});
    CHECK(r.status == 1);
    std::string page = read_file(dir + "/report.html");
    self_contained(page);
    CHECK(page.find("<p class=\"summary\">25 errors, 0 warnings, 0 infos in 550 snapshots, 275 clusters, 105 rules</p>") !=
          std::string::npos);
    CHECK(page.find("<p class=\"summary\">25 clusters with findings; 250 clusters without.</p>") != std::string::npos);
    CHECK(count_of(page, "<article ") == 25);
    CHECK(count_of(page, "<tr><th>BAD") == 25);
    INFO("page of 275 clusters: " << page.size() << " bytes");
    CHECK(page.size() * 10 < 2'000'000);
}

TEST_CASE("html: every snapshot-derived string is escaped (waived, baselined and not applicable too)", "[html]") {
    kbl::report r = sample_ci_report();
    std::string page = kbl::render_html(r);
    check_golden_in("html", "sample.html", page);
    self_contained(page);
    script_hash_allowed(page);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page.find("\\x1b[2J\\x07") != std::string::npos);
    CHECK(page.find("\\xff\\xfe") != std::string::npos);
    // WEB-100 has no finding: it is in the rule table (linked under the report's information URI), not in the matrix.
    CHECK(page.find("title=\"WEB-100 on WEBCLUS") == std::string::npos);
    CHECK(page.find("<tr><td><a href=\"https://kblint.example/docs/blob/main/docs/rules.md#web-100\"><code>WEB-100</code></a></td>") != std::string::npos);
    CHECK(page.find("<td class=\"waived\" title=\"Q241573-011 on WEBCLUS: waived (1 finding)\">") != std::string::npos);
    CHECK(page.find("<td class=\"baselined\" title=\"KBL-009 on WEBCLUS: baselined (1 finding)\">") != std::string::npos);
    CHECK(page.find("<b>8</b># &lt;b&gt;before&lt;/b&gt; the uninstall &amp; &quot;more&quot;</span>") != std::string::npos);
    for (char c = 1; c < 0x20; ++c)
        if (c != '\n' && c != '\t') CHECK(page.find(c) == std::string::npos);
}

TEST_CASE("html: headless Chromium renders a hostile report without running anything", "[html][browser]") {
    std::string chromium = find_chromium();
    INFO("Chromium is required for this test: scripts/install-deps.sh installs the Debian package 'chromium'");
    REQUIRE(!chromium.empty());

    std::string dir = temp_dir("html-browser");
    std::string report = dir + "/report.html";
    run_output r = run_kblint(with_pack({"check", "-f", "html", "-o", report, "tests/data/hostile"}));
    CHECK(r.status == 1);
    std::string page = read_file(report);
    self_contained(page);

    std::vector<std::string> dump = chromium_args(chromium, dir + "/profile");
    dump.insert(dump.end(), {"--dump-dom", "file://" + report});
    run_output dom = run_program(dump, dir);
    INFO("chromium stderr:\n" << dom.err);
    REQUIRE(dom.status == 0);
    const std::string& d = dom.out;
    REQUIRE(d.find("<h1>kblint report</h1>") != std::string::npos);
    // The DOM holds no element the snapshot tried to inject, and shows its text escaped.
    std::regex element("<\\s*(img|iframe|object|embed)\\b", std::regex::icase);
    CHECK(!std::regex_search(d, element));
    CHECK(count_of(d, "<script") == 1);
    CHECK(count_of(d, "<script>(function () {") == 1);
    CHECK(d.find("onerror=alert(2)&gt;") != std::string::npos);
    CHECK(d.find("&lt;script&gt;alert(1)&lt;/script&gt;\"'&amp;amp;\\x07\\x1b[2J%0A::error::x") != std::string::npos);
    CHECK(d.find("port = 8080  # &lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;") != std::string::npos);
    CHECK(count_of(d, "<article ") == 3);

    // The filter box's script runs (the page's Content-Security-Policy allows it by hash): the words
    // of `?q=` hide the findings without them, and the groups left empty.
    std::string farm = dir + "/farm.html";
    REQUIRE(run_kblint(with_pack({"check", "-f", "html", "-o", farm, "tests/data/snaps/farm", "tests/data/snaps/warn"})).status == 1);
    std::vector<std::string> filtered = chromium_args(chromium, dir + "/profile");
    filtered.insert(filtered.end(), {"--dump-dom", "file://" + farm + "?q=TLS%20gamma"});
    run_output f = run_program(filtered, dir);
    INFO("chromium stderr:\n" << f.err);
    REQUIRE(f.status == 0);
    CHECK(f.out.find("<input id=\"filter\" type=\"search\" aria-label=") != std::string::npos);
    CHECK(f.out.find("<span id=\"shown\">1 shown</span>") != std::string::npos);
    CHECK(f.out.find("<section class=\"group\" id=\"unit-1\" hidden=\"\">") != std::string::npos);
    CHECK(f.out.find("<section class=\"group\" id=\"unit-2\">") != std::string::npos);
    for (const char* id : {"finding-1", "finding-2", "finding-3"})
        CHECK(f.out.find(std::string("id=\"") + id + "\" hidden=\"\">") != std::string::npos);
    CHECK(f.out.find("<article class=\"warning fail\" id=\"finding-4\">") != std::string::npos);

    // A screenshot for people: build/html-report.png.
    std::string png = (fs::path(KBLINT_BIN).parent_path() / "html-report.png").string();
    fs::remove(png);
    std::vector<std::string> shot = chromium_args(chromium, dir + "/profile");
    shot.insert(shot.end(), {"--hide-scrollbars", "--window-size=1200,1400", "--screenshot=" + png, "file://" + report});
    run_output s = run_program(shot, dir);
    INFO("chromium stderr:\n" << s.err);
    CHECK(s.status == 0);
    REQUIRE(fs::exists(png));
    CHECK(fs::file_size(png) > 10000);
    CHECK(read_file(png).substr(0, 8) == "\x89PNG\r\n\x1a\n");
}
