// GitHub Actions workflow commands (`--format github`): stdout holds only `::error`, `::warning`
// and `::notice` lines, with '%', CR and LF escaped (and ':' and ',' in properties); the summary
// goes to stderr. Golden files under tests/golden/github/.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checker/report/report.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Every line is a workflow command: `::NAME PROPERTIES::DATA`.
void only_commands(const std::string& out) {
    REQUIRE(!out.empty());
    CHECK(out.back() == '\n');
    CHECK(out.find('\r') == std::string::npos);
    for (const auto& line : lines_of(out)) {
        INFO(line);
        bool known = line.rfind("::error ", 0) == 0 || line.rfind("::warning ", 0) == 0 || line.rfind("::notice ", 0) == 0;
        CHECK(known);
        CHECK(line.find("::", 2) != std::string::npos);
    }
}

} // namespace

TEST_CASE("github: a workflow command per finding, the summary on stderr", "[github]") {
    run_output r = run_kblint(with_pack({"check", "-f", "github", "tests/data/snaps/farm"}));
    CHECK(r.status == 1);
    check_golden_in("github", "farm.txt", r.out);
    only_commands(r.out);
    CHECK(r.err == "1 error, 1 warning, 1 info (1 unknown) in 2 snapshots, 1 cluster, 3 rules\n");
    CHECK(lines_of(r.out)[0] ==
          "::error file=tests/data/snaps/farm/web1.toml,line=8,col=8,title=WEB-001::port 8080 on web1 is neither 80 nor "
          "443%0Ahelp: Set web.port to 80 or 443 on web1%0Anote: WEB \"Ports, section 1\"");

    SECTION("waived findings are notices; waiver warnings are warnings") {
        run_output w = run_kblint(with_pack({"check", "-f", "github", "--waivers", "tests/data/waivers/farm.toml",
                                             "tests/data/snaps/farm"}),
                                  "", {"KBLINT_TODAY=2026-11-23"});
        CHECK(w.status == 0);
        check_golden_in("github", "farm_waived.txt", w.out);
        only_commands(w.out);
        CHECK(w.out.find("::notice file=tests/data/snaps/farm/web1.toml,line=8,col=8,title=WEB-001 (waived)::") !=
              std::string::npos);
        CHECK(w.out.find("::warning file=tests/data/waivers/farm.toml,line=10,col=1,title=kblint waiver-expired::") !=
              std::string::npos);
        CHECK(w.err == "0 errors, 1 warning, 1 info (1 unknown, 1 waived) in 2 snapshots, 1 cluster, 3 rules\n");
    }
    SECTION("input errors are errors, located") {
        run_output bad = run_kblint(with_pack({"check", "-f", "github", "tests/data/snaps/bad"}));
        CHECK(bad.status == 2);
        only_commands(bad.out);
        CHECK(bad.out.rfind("::error file=tests/data/snaps/bad/broken.toml,line=5,col=8,title=kblint input error::", 0) == 0);
    }
}

TEST_CASE("github: '%', CR, LF, ':' and ',' are escaped and nothing can start a new command", "[github]") {
    kbl::report r = sample_ci_report();
    std::string out = kbl::render_github(r);
    check_golden_in("github", "sample.txt", out);
    only_commands(out);
    CHECK(lines_of(out).size() == 8);
    // Properties escape ':' and ','; data escapes '%', CR and LF.
    CHECK(out.find("file=snaps/lone%2C odd%3Aname%25.toml,line=2,col=16,title=WEB-003::") != std::string::npos);
    CHECK(out.find("LONE: value \"x\" & <y>, 50%25") != std::string::npos);
    CHECK(out.find("100%25 %0D%0Aand \\xff\\xfe") != std::string::npos);
    CHECK(out.find("\\x1b[2J\\x07") != std::string::npos);

    SECTION("a snapshot value cannot inject a workflow command") {
        std::string dir = temp_dir("github-inject");
        write_file(dir + "/x.toml", "[host]\nname = \"x\\n::error file=evil::owned\\r\\n::add-mask::y %0A\"\n[web]\nport = 1\n");
        run_output inj = run_kblint(with_pack({"check", "-f", "github", dir}));
        CHECK(inj.status == 1);
        only_commands(inj.out);
        CHECK(lines_of(inj.out).size() == 3);  // WEB-001, and WEB-002 and WEB-003 unknown
        CHECK(inj.out.find("x%0A::error file=evil::owned%0D%0A::add-mask::y %250A") != std::string::npos);
    }
}
