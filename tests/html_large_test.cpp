// A large HTML report in headless Chromium: 2,500 clusters (bench/gen.py's fleet, a tenth of the
// clusters failing) render; the DOM holds every finding and summary row; the first screen (1200x900)
// shows the summary and the filter box, measured in the page as laid out; a screenshot is written.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
namespace fs = std::filesystem;

constexpr int clusters = 2500;
constexpr int failing = clusters / 10;

// The fleet: bench/gen.py's healthy clusters, and `failing` copies of the Q241573-011 fixture.
std::string large_fleet() {
    std::string dir = temp_dir("html-large");
    run_output gen = run_program({python3(), src_path("bench/gen.py"), "fleet", dir + "/fleet", std::to_string(clusters - failing)});
    REQUIRE(gen.status == 0);
    for (const char* node : {"NODE1", "NODE2"}) {
        std::string text = read_file(src_path("fixtures/Q241573-011/") + node + ".toml");
        std::size_t at = text.find("name = \"WC-Q241573-011\"");
        REQUIRE(at != std::string::npos);
        for (int c = 0; c < failing; ++c) {
            std::string copy = text;
            copy.replace(at, 24, "name = \"BAD" + std::to_string(c) + "\"");
            write_file(dir + "/fleet/BAD" + std::to_string(c) + "-" + node + ".toml", copy);
        }
    }
    return dir;
}

// A page that frames the report at the window's size (file URLs of one origin with
// --allow-file-access-from-files) and writes, once it is laid out, what the first screen shows.
const std::string probe = R"(<!doctype html>
<html><head><meta charset="utf-8"><style>body { margin: 0; } iframe { width: 1200px; height: 900px; border: 0; }</style></head>
<body><iframe id="report" src="report.html"></iframe><pre id="probe">loading</pre>
<script>
document.getElementById('report').addEventListener('load', function () {
  var d = this.contentDocument, height = this.clientHeight;
  function box(sel) {
    var e = d.querySelector(sel);
    if (!e) return null;
    var r = e.getBoundingClientRect();
    return { top: Math.round(r.top), bottom: Math.round(r.bottom), visible: r.bottom <= height && r.height > 0 };
  }
  document.getElementById('probe').textContent = JSON.stringify({
    height: height,
    summary: box('p.summary'),
    filter: box('#filter'),
    articles: d.querySelectorAll('article').length,
    matrix_rows: d.querySelectorAll('table.matrix tbody tr').length,
    groups: d.querySelectorAll('section.group').length
  });
});
</script></body></html>
)";

std::uint32_t be32(const std::string& bytes, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
}

} // namespace

TEST_CASE("html large: headless Chromium renders 2,500 clusters, the summary and the filter box on the first screen",
          "[html][browser]") {
    std::string chromium = find_chromium();
    INFO("Chromium is required for this test: scripts/install-deps.sh installs the Debian package 'chromium'");
    REQUIRE(!chromium.empty());
    std::string dir = large_fleet();
    std::string page_file = dir + "/report.html";
    run_output r = run_kblint({"check", "-f", "html", "-o", page_file, dir + "/fleet"});
    REQUIRE(r.status == 1);
    std::string page = read_file(page_file);
    CHECK(page.find("<p class=\"summary\">250 errors, 0 warnings, 0 infos in 5000 snapshots, 2500 clusters, 105 rules</p>") !=
          std::string::npos);
    CHECK(page.size() < 2'000'000);

    write_file(dir + "/probe.html", probe);
    std::vector<std::string> dump = chromium_args(chromium, dir + "/profile");
    dump.insert(dump.end(), {"--allow-file-access-from-files", "--window-size=1200,1000", "--virtual-time-budget=60000",
                             "--dump-dom", "file://" + dir + "/probe.html"});
    run_output dom = run_program(dump, dir);
    INFO("chromium stderr:\n" << dom.err);
    REQUIRE(dom.status == 0);
    std::size_t from = dom.out.find("<pre id=\"probe\">"), to = dom.out.find("</pre>", from);
    REQUIRE(from != std::string::npos);
    std::string text = dom.out.substr(from + 16, to - from - 16);
    INFO("probe: " << text);
    REQUIRE(text != "loading");
    nlohmann::json seen = nlohmann::json::parse(text);
    CHECK(seen["height"] == 900);
    CHECK(seen["articles"] == failing);
    CHECK(seen["matrix_rows"] == failing);
    CHECK(seen["groups"] == failing);
    REQUIRE(seen["summary"].is_object());
    REQUIRE(seen["filter"].is_object());
    CHECK(seen["summary"]["visible"] == true);
    CHECK(seen["filter"]["visible"] == true);

    // The first screen as people see it: build/html-large-report.png, 1200x900.
    std::string png = (fs::path(KBLINT_BIN).parent_path() / "html-large-report.png").string();
    fs::remove(png);
    std::vector<std::string> shot = chromium_args(chromium, dir + "/profile");
    shot.insert(shot.end(), {"--hide-scrollbars", "--window-size=1200,900", "--screenshot=" + png, "file://" + page_file});
    run_output s = run_program(shot, dir);
    INFO("chromium stderr:\n" << s.err);
    CHECK(s.status == 0);
    REQUIRE(fs::exists(png));
    std::string bytes = read_file(png);
    REQUIRE(bytes.size() > 24);
    CHECK(bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n");
    CHECK(fs::file_size(png) > 10000);
    CHECK(be32(bytes, 16) == 1200);
    CHECK(be32(bytes, 20) == 900);
}
