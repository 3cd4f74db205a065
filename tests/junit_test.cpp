// JUnit XML reports (`--format junit`): golden files under tests/golden/junit/, and every report
// checked by a real XML parser (python3's xml.dom.minidom), including reports of snapshots whose
// names and values hold bytes XML 1.0 cannot carry.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "checker/report/report.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;

void well_formed(const std::vector<std::string>& reports) {
    std::string dir = temp_dir("junit");
    std::vector<std::string> files;
    for (std::size_t i = 0; i < reports.size(); ++i) {
        files.push_back(dir + "/" + std::to_string(i) + ".xml");
        write_file(files.back(), reports[i]);
    }
    require_well_formed_xml(files);
}

} // namespace

TEST_CASE("junit: a suite per cluster, a test case per rule and node evaluated", "[junit]") {
    run_output r = run_kblint(with_pack({"check", "-f", "junit", "tests/data/snaps/farm", "tests/data/snaps/warn"}));
    CHECK(r.status == 1);
    CHECK(r.err.empty());
    check_golden_in("junit", "farm.xml", r.out);
    well_formed({r.out});
    // green: 3 rules x 2 nodes; gamma.toml (no cluster): a suite named after its file.
    CHECK(count_of(r.out, "<testsuite ") == 2);
    CHECK(r.out.find("<testsuite name=\"green\" tests=\"6\" failures=\"3\" errors=\"0\" skipped=\"0\">") !=
          std::string::npos);
    CHECK(r.out.find("<testsuite name=\"tests/data/snaps/warn/gamma.toml\" tests=\"3\" failures=\"1\"") !=
          std::string::npos);
    CHECK(count_of(r.out, "<testcase ") == 9);
    CHECK(count_of(r.out, "<failure ") == 4);
    CHECK(r.out.find("<testcase name=\"WEB-001 on web2\" classname=\"WEB-001\" file=\"tests/data/snaps/farm/web2.toml\"/>") !=
          std::string::npos);
}

TEST_CASE("junit: waived, baselined and not applicable are skipped, input errors are errors", "[junit]") {
    kbl::report r = sample_ci_report();
    std::string out = kbl::render_junit(r);
    check_golden_in("junit", "sample.xml", out);
    well_formed({out});
    CHECK(out.find("<skipped message=\"waived until 2026-12-31: the change window is &lt;Friday&gt; &amp; &quot;approved&quot;\">") !=
          std::string::npos);
    CHECK(out.find("<skipped message=\"baselined: the finding is in the baseline\">") != std::string::npos);
    CHECK(count_of(out, "<skipped message=\"not applicable: a 'when' condition is false\"/>") == 2);
    CHECK(out.find("<error message=\"expected a value after &apos;=&apos;\" type=\"toml\">") != std::string::npos);
    // Control characters and bytes that are not UTF-8 are visible escapes; the rest is escaped markup.
    CHECK(out.find("\\x1b[2J\\x07, 100% \\r\nand \\xff\\xfe (not UTF-8), \\u{fffe}") != std::string::npos);
    CHECK(out.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\r') == std::string::npos);

    SECTION("end to end, with a waiver file") {
        run_output w = run_kblint(with_pack({"check", "-f", "junit", "--waivers", "tests/data/waivers/farm.toml",
                                             "tests/data/snaps/farm"}),
                                  "", {"KBLINT_TODAY=2026-11-23"});
        CHECK(w.status == 0);
        check_golden_in("junit", "farm_waived.xml", w.out);
        well_formed({w.out});
    }
}

TEST_CASE("junit: valid XML 1.0 whatever bytes the snapshots and their names hold", "[junit]") {
    std::string dir = temp_dir("junit-bytes");
    // Values with every C0 control TOML can escape, DEL, C1 controls, U+FFFE and U+FFFF; file names
    // with a bell, markup and a byte that is not UTF-8; a snapshot that is not UTF-8 at all.
    std::string controls;
    for (int c = 1; c < 0x20; ++c) controls += fmt::format("\\u{:04X}", c);
    write_file(dir + "/snaps/a\x07<&>\"'.toml",
               "[host]\nname = \"x" + controls + "\\u007F\\u0085\\uFFFE\\uFFFF]]>\"\n[web]\nport = 8080\n");
    write_file(dir + "/snaps/b\xff\xfe.toml", "[host]\nname = \"b\"\n[web]\ntls = false\n");
    write_file(dir + "/snaps/c.toml", "[host]\nname = \"\xc3\x28\xff\"\n");
    run_output r = run_kblint(with_pack({"check", "-f", "junit", dir + "/snaps"}));
    CHECK(r.status == 2);
    well_formed({r.out});
    CHECK(r.out.find("a\\x07&lt;&amp;&gt;&quot;&apos;.toml") != std::string::npos);
    CHECK(r.out.find("b\\xff\\xfe.toml") != std::string::npos);
    CHECK(r.out.find("\\x01\\x02\\x03") != std::string::npos);
    CHECK(r.out.find("\\x7f\\u{85}\\u{fffe}\\u{ffff}]]&gt;") != std::string::npos);
    CHECK(r.out.find("<error ") != std::string::npos);  // c.toml is not UTF-8: an input error
    for (char c = 1; c < 0x20; ++c)
        if (c != '\n' && c != '\t') CHECK(r.out.find(c) == std::string::npos);
}
