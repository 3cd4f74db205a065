// Runbook timelines (`check --show-runbook`): the effects the simulation records per step (every
// kind: set, created, deleted, added, removed), the findings placed at their steps and in the end
// state, nothing recorded unless asked, the text form on the bundled runbook fixture, the HTML
// section's rows, and headless Chromium showing that section (DOM and a screenshot).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "checker/engine/engine.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

namespace fs = std::filesystem;

const std::string pack_text = kbl::test::runbook_test_schema({"pkgs list(string)", "flags any"}, true) + R"KBL(action stop_service {
  for name in step.services { set target.services[name].state = "stopped" }
}
action uninstall {
  set target.flags.installed = false
  delete target.services.W3SVC
  remove target.pkgs, "iis"
}
action install {
  set target.flags.installed = true
  add target.pkgs, "iis"
  set target.flags.by = target.node.name
}
rule R-BEFORE {
  title "t"
  severity error
  scope node
  ref KB "s"
  fix "f"
  on before uninstall
  require services.ClusSvc.state == "stopped"
  message "ClusSvc on {node.name} is running"
}
rule R-FINAL {
  title "t"
  severity info
  scope node
  ref KB "s"
  fix "f"
  on final
  require flags.installed ?? true
  message "{node.name} ends without IIS"
}
rule R-WHOLE {
  title "t"
  severity warning
  scope runbook
  ref KB "s"
  fix "f"
  require count(steps) < 4
  message "a long runbook"
}
)KBL";

const std::string n2 = "pkgs = [\"base\", \"IIS\"]\n[node]\nname = \"N2\"\n[cluster]\nname = \"C\"\n[services.ClusSvc]\n"
                       "state = \"running\"\n[services.W3SVC]\nstate = \"running\"\n[flags]\ninstalled = true\n";

kbl::check_result run(const std::string& n1, bool keep) {
    auto pr = kbl::load_pack({std::make_shared<kbl::source_file>("p.kbl", pack_text)});
    for (const auto& d : pr.diags) FAIL_CHECK(kbl::render_diagnostic(d));
    REQUIRE(pr.p);
    std::vector<kbl::snap::snapshot> snaps;
    for (const auto& [name, text] : {std::pair<std::string, std::string>{"N1.toml", n1}, {"N2.toml", n2}}) {
        kbl::diagnostics errs;
        auto s = kbl::snap::load_snapshot(name, text, kbl::snap::default_load_limits(), kbl::pack_ci_tables(*pr.p), errs);
        for (const auto& d : errs) FAIL_CHECK(kbl::render_diagnostic(d));
        REQUIRE(s);
        snaps.push_back(*s);
    }
    kbl::check_options opt;
    opt.keep_timelines = keep;
    return kbl::check(*pr.p, snaps, opt);
}

std::vector<std::string> lines_of(const kbl::check_result& res) {
    std::vector<std::string> out;
    for (const auto& t : res.timelines) {
        out.push_back(fmt::format("{} {} {}", t.planned ? "planned" : "runbook", t.file->name(), t.cluster));
        for (const auto& s : t.steps) {
            out.push_back(fmt::format("{} {} {} line {}{}", s.index, s.node, s.action, s.line, s.simulated ? "" : " not simulated"));
            for (const auto& e : s.effects) out.push_back(fmt::format("  {} {}", e.node, kbl::effect_text(e)));
            for (const auto& f : s.findings) out.push_back("  ! " + f.rule);
        }
        for (const auto& f : t.whole) out.push_back("whole ! " + f.rule);
        for (const auto& f : t.end_state) out.push_back("end ! " + f.rule);
    }
    return out;
}

const std::string n1 = "[node]\nname = \"N1\"\n[cluster]\nname = \"C\"\n"     // 1-4
                        "[[runbook.steps]]\nnode = \"N2\"\naction = \"uninstall\"\n"  // 5-7
                        "[[runbook.steps]]\nnode = \"n2\"\naction = \"stop_service\"\nservices = [\"clussvc\", \"W3SVC\"]\n"  // 8-11
                        "[[runbook.steps]]\naction = \"install\"\n"         // 12-13
                        "[[runbook.steps]]\nnode = \"N2\"\naction = \"install\"\n"  // 14-16
                        "[[runbook.steps]]\nnode = \"N2\"\naction = \"uninstall\"\n";  // 17-19

} // namespace

TEST_CASE("timeline: each step's effects on the simulated state and the findings at it", "[timeline]") {
    kbl::check_result res = run(n1, true);
    CHECK(lines_of(res) == std::vector<std::string>{
                               "runbook N1.toml C",
                               "1 N2 uninstall line 5",
                               "  N2 pkgs: - IIS",
                               "  N2 services.W3SVC: {state = 'running'} -> (deleted)",
                               "  N2 flags.installed: true -> false",
                               "  ! R-BEFORE",
                               "2 n2 stop_service line 8",
                               "  N2 services.ClusSvc.state: running -> stopped",
                               "  N2 services.W3SVC: (absent) -> {state = 'stopped'}",  // set makes the tables on its way
                               "3 N1 install line 12",
                               "  N1 flags: (absent) -> {installed = true, by = 'N1'}",  // new keys in the order made
                               "  N1 pkgs: (absent) -> ['iis']",
                               "4 N2 install line 14",
                               "  N2 pkgs: + iis",
                               "  N2 flags.installed: false -> true",
                               "  N2 flags.by: (absent) -> N2",
                               "5 N2 uninstall line 17",
                               "  N2 pkgs: - iis",
                               "  N2 services.W3SVC: {state = 'stopped'} -> (deleted)",
                               "  N2 flags.installed: true -> false",
                               "whole ! R-WHOLE",
                               "end ! R-FINAL",
                           });
    // The timeline names the findings of the run (by rule and fingerprint).
    REQUIRE(res.timelines.size() == 1);
    REQUIRE(res.timelines[0].steps[0].findings.size() == 1);
    CHECK(res.timelines[0].steps[0].findings[0].fingerprint == res.findings.at(0).fingerprint);
}

TEST_CASE("timeline: nothing is recorded unless a report asks for it", "[timeline]") {
    kbl::check_result res = run(n1, false);
    CHECK(res.timelines.empty());
    CHECK(res.findings.size() == 3);
}

TEST_CASE("timeline: --show-runbook prints the bundled late-stop runbook after the findings", "[timeline]") {
    kbl::test::run_output r = kbl::test::run_kblint({"check", "--show-runbook", "fixtures/runbook-late-stop"});
    CHECK(r.status == 1);
    CHECK(r.err.empty());
    kbl::test::check_golden_in("timeline", "runbook-late-stop.txt", r.out);
    // Without the flag the report is the one it always was: no timeline.
    kbl::test::run_output plain = kbl::test::run_kblint({"check", "fixtures/runbook-late-stop"});
    CHECK(plain.out.find("runbook fixtures/") == std::string::npos);
    CHECK(r.out.find(plain.out.substr(0, plain.out.rfind("\n1 error"))) == 0);
    // Colour only when asked: the finding's mark and severity painted, the columns as without it.
    kbl::test::run_output coloured = kbl::test::run_kblint({"--color", "always", "check", "--show-runbook", "fixtures/runbook-late-stop"});
    CHECK(coloured.out.find("\n                                        \x1b[1m!\x1b[0m Q241573-010 \x1b[1m\x1b[91merror\x1b[0m (line 270)\n"
                            "   3  NODE2  stop_service               services.ClusSvc.state: running -> stopped\n") != std::string::npos);
    CHECK(r.out.find('\x1b') == std::string::npos);
}

TEST_CASE("timeline: the HTML report's Runbooks section, a row per step", "[timeline][html]") {
    std::string dir = kbl::test::temp_dir("timeline-html");
    std::string page_file = dir + "/report.html";
    auto r = kbl::test::run_kblint({"check", "--show-runbook", "-f", "html", "-o", page_file, "fixtures/runbook-late-stop"});
    REQUIRE(r.status == 1);
    std::string page = kbl::test::read_file(page_file);
    CHECK(page.find("<section id=\"runbooks\">\n<h2>Runbooks (1)</h2>\n<h3>Runbook <code>fixtures/runbook-late-stop/NODE1.toml</code> "
                    "&middot; WC-runbook-late-stop (25 steps)</h3>\n") != std::string::npos);
    CHECK(page.find("<tr id=\"runbook-1-step-2\" class=\"hit error\"><td class=\"num\">2</td><td>NODE2</td><td><code>uninstall_ntop"
                    "</code></td><td><ul class=\"effects\"><li><b>NODE2</b> <code>os.pending.restart: false -&gt; true</code></li>") !=
          std::string::npos);
    CHECK(page.find("<li><b>NODE2</b> <code>mts.packages: - Utilities</code></li></ul></td><td><a class=\"badge error\" "
                    "href=\"#finding-1\" title=\"ClusSvc on NODE2 is &#39;running&#39; at step 2, where the Option Pack is removed "
                    "from this node\">Q241573-010</a></td></tr>\n") != std::string::npos);
    CHECK(page.find("<tr id=\"runbook-1-step-15\"><td class=\"num\">15</td><td>NODE1</td><td><code>move_group</code></td><td><ul "
                    "class=\"effects\"><li><b>NODE1</b> <code>cluster.groups[1].owner: NODE1 -&gt; NODE2</code></li></ul></td><td>"
                    "</td></tr>\n") != std::string::npos);
    CHECK(page.find("<tr id=\"runbook-1-step-16\"><td class=\"num\">16</td><td>NODE2</td><td><code>verify</code></td><td>no change"
                    "</td><td></td></tr>\n") != std::string::npos);
    CHECK(page.find("<tr class=\"end\"><th colspan=\"4\">End state</th><td>no finding</td></tr>\n</tbody>\n</table></div>\n"
                    "</section>\n") != std::string::npos);
    CHECK(kbl::test::count_of(page, "<tr id=\"runbook-1-step-") == 25);
    CHECK(kbl::test::count_of(page, "<article ") == 1);
    CHECK(page.find("<article class=\"error fail\" id=\"finding-1\">") != std::string::npos);
    // The section's style rules are in the page's one style block; no script was added.
    CHECK(kbl::test::count_of(page, "<style>") == 1);
    CHECK(page.find("table.timeline a.badge { text-decoration: none; white-space: nowrap; }\n</style>") != std::string::npos);
    CHECK(kbl::test::count_of(page, "<script") == 1);
    // Without the flag: no section, no style rules for it.
    auto plain = kbl::test::run_kblint({"check", "-f", "html", "fixtures/runbook-late-stop"});
    CHECK(plain.out.find("id=\"runbooks\"") == std::string::npos);
    CHECK(plain.out.find("table.timeline") == std::string::npos);
}

TEST_CASE("timeline: headless Chromium shows the Runbooks section (DOM and a screenshot)", "[timeline][html][browser]") {
    std::string chromium = kbl::test::find_chromium();
    INFO("Chromium is required for this test: scripts/install-deps.sh installs the Debian package 'chromium'");
    REQUIRE(!chromium.empty());
    std::string dir = kbl::test::temp_dir("timeline-browser");
    std::string page_file = dir + "/report.html";
    REQUIRE(kbl::test::run_kblint({"check", "--show-runbook", "-f", "html", "-o", page_file, "fixtures/runbook-late-stop"}).status == 1);

    std::vector<std::string> dump = kbl::test::chromium_args(chromium, dir + "/profile");
    dump.insert(dump.end(), {"--dump-dom", "file://" + page_file});
    kbl::test::run_output dom = kbl::test::run_program(dump, dir);
    INFO("chromium stderr:\n" << dom.err);
    REQUIRE(dom.status == 0);
    CHECK(dom.out.find("<h2>Runbooks (1)</h2>") != std::string::npos);
    CHECK(kbl::test::count_of(dom.out, "<tr id=\"runbook-1-step-") == 25);
    CHECK(dom.out.find("<tr id=\"runbook-1-step-2\" class=\"hit error\">") != std::string::npos);
    CHECK(dom.out.find("<a class=\"badge error\" href=\"#finding-1\"") != std::string::npos);
    CHECK(dom.out.find("<tr class=\"end\"><th colspan=\"4\">End state</th><td>no finding</td></tr>") != std::string::npos);

    // The screenshot of the section: build/runbook-timeline.png, the window's size.
    std::string png = (fs::path(KBLINT_BIN).parent_path() / "runbook-timeline.png").string();
    fs::remove(png);
    std::vector<std::string> shot = kbl::test::chromium_args(chromium, dir + "/profile");
    shot.insert(shot.end(), {"--hide-scrollbars", "--window-size=1200,1600", "--screenshot=" + png, "file://" + page_file + "#runbooks"});
    kbl::test::run_output s = kbl::test::run_program(shot, dir);
    INFO("chromium stderr:\n" << s.err);
    CHECK(s.status == 0);
    REQUIRE(fs::exists(png));
    std::string bytes = kbl::test::read_file(png);
    REQUIRE(bytes.size() > 24);
    CHECK(bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n");
    CHECK(fs::file_size(png) > 10000);
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) << 24) |
               (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
               (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
               static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 3]));
    };
    CHECK(be32(16) == 1200);
    CHECK(be32(20) == 1600);
}

TEST_CASE("timeline: a planned change is a one-step timeline on its holder", "[timeline]") {
    kbl::check_result res = run("[node]\nname = \"N1\"\n[cluster]\nname = \"C\"\n[planned]\naction = \"install\"\n", true);
    CHECK(lines_of(res) == std::vector<std::string>{
                               "planned N1.toml C",
                               "1 N1 install line 5",
                               "  N1 flags: (absent) -> {installed = true, by = 'N1'}",
                               "  N1 pkgs: (absent) -> ['iis']",
                           });
    CHECK(res.findings.empty());  // both nodes end with IIS: no end-state finding
}
