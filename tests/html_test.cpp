// HTML reports (`--format html`): golden files under tests/golden/html/, static checks that the page
// is self-contained, and a real browser: headless Chromium loads a report of a hostile snapshot,
// the test reads the DOM it built (no injected element, the text shown escaped) and keeps a
// screenshot in the build folder (html-report.png). Chromium is required: the test fails without it.
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

// Chromium as Debian installs it (or a Chrome someone put on PATH); empty when there is none.
std::string find_chromium() {
    for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
        const char* path = std::getenv("PATH");
        std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
        std::size_t start = 0;
        while (start <= dirs.size()) {
            std::size_t end = dirs.find(':', start);
            if (end == std::string::npos) end = dirs.size();
            fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
            std::error_code ec;
            if (!dirs.substr(start, end - start).empty() && fs::is_regular_file(candidate, ec) &&
                ::access(candidate.c_str(), X_OK) == 0)
                return candidate.string();
            start = end + 1;
        }
    }
    return {};
}

std::vector<std::string> chromium_args(const std::string& bin, const std::string& profile) {
    return {bin,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--user-data-dir=" + profile};
}

// The page must not reach out or run anything: no script, no external resource of any kind.
void self_contained(const std::string& page) {
    CHECK(page.rfind("<!DOCTYPE html>\n", 0) == 0);
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<link") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<iframe") == std::string::npos);
    CHECK(page.find("@import") == std::string::npos);
    CHECK(page.find("url(") == std::string::npos);
    CHECK(page.find("http://") == std::string::npos);
    CHECK(page.find("https://") == std::string::npos);
    for (const char* tag : {"<object", "<embed", "<video", "<audio", "<source", "<base", "<form", "<meta http-equiv=\"refresh"})
        CHECK(page.find(tag) == std::string::npos);
    CHECK(page.find("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"") !=
          std::string::npos);
}

} // namespace

TEST_CASE("html: a self-contained page with the cluster x rule matrix and the findings", "[html]") {
    run_output r = run_kblint(with_pack({"check", "-f", "html", "tests/data/snaps/farm", "tests/data/snaps/warn"}));
    CHECK(r.status == 1);
    CHECK(r.err.empty());
    check_golden_in("html", "farm.html", r.out);
    self_contained(r.out);
    // Row green: WEB-001 fails (web1), WEB-002 fails (web2), WEB-003 unknown (web2).
    CHECK(r.out.find("<tr><th>green</th><td class=\"fail\" title=\"WEB-001 on green: fail (1 finding)\">") !=
          std::string::npos);
    CHECK(r.out.find("<td class=\"unknown\" title=\"WEB-003 on green: unknown (1 finding)\">") != std::string::npos);
    CHECK(r.out.find("<td class=\"pass\" title=\"WEB-001 on tests/data/snaps/warn/gamma.toml: pass\">") !=
          std::string::npos);
    CHECK(count_of(r.out, "<article ") == 4);
    CHECK(r.out.find("<span class=\"hit\"><b>8</b>port = 8080</span>") != std::string::npos);
}

TEST_CASE("html: every snapshot-derived string is escaped (waived, baselined and not applicable too)", "[html]") {
    kbl::report r = sample_ci_report();
    std::string page = kbl::render_html(r);
    check_golden_in("html", "sample.html", page);
    self_contained(page);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page.find("\\x1b[2J\\x07") != std::string::npos);
    CHECK(page.find("\\xff\\xfe") != std::string::npos);
    CHECK(page.find("<td class=\"na\" title=\"WEB-100 on WEBCLUS: not applicable\">") != std::string::npos);
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
    std::regex element("<\\s*(script|img|iframe|object|embed)\\b", std::regex::icase);
    CHECK(!std::regex_search(d, element));
    CHECK(d.find("onerror=alert(2)&gt;") != std::string::npos);
    CHECK(d.find("&lt;script&gt;alert(1)&lt;/script&gt;\"'&amp;amp;\\x07\\x1b[2J%0A::error::x") != std::string::npos);
    CHECK(d.find("port = 8080  # &lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;") != std::string::npos);
    CHECK(count_of(d, "<article ") == 3);

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
