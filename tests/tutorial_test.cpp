// docs/tutorial.md, run as a reader runs it: every command in an empty folder, every output shown
// compared exactly, every file it writes equal to examples/postgres (tests/tutorial/run_tutorial.py).
#include <string>

#include <catch2/catch.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

using namespace kbl::test;

TEST_CASE("tutorial: every command of docs/tutorial.md runs and prints what the page shows", "[docs][tutorial]") {
    run_output r = run_program({python3(), src_path("tests/tutorial/run_tutorial.py"), src_path("docs/tutorial.md"),
                                KBLINT_BIN, temp_dir("tutorial"), src_path("examples/postgres")});
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find("tutorial: 5 command blocks run, all as shown") != std::string::npos);
}

TEST_CASE("tutorial: the runner fails when an output differs from the page", "[docs][tutorial]") {
    std::string page = read_file(src_path("docs/tutorial.md"));
    const std::string shown = "\n2 passed, 0 failed\n";
    REQUIRE(page.find(shown) != std::string::npos);
    page.replace(page.find(shown), shown.size(), "\n3 passed, 0 failed\n");
    std::string dir = temp_dir("tutorial-bad");
    write_file(dir + "/page.md", page);
    run_output r = run_program({python3(), src_path("tests/tutorial/run_tutorial.py"), dir + "/page.md", KBLINT_BIN,
                                dir + "/work", src_path("examples/postgres")});
    CHECK(r.status == 1);
    CHECK(r.out.find("the output differs from the page") != std::string::npos);
    CHECK(r.out.find("-3 passed, 0 failed\n+2 passed, 0 failed") != std::string::npos);
}

TEST_CASE("examples/postgres: its rule tests pass, and .kblint.toml selects the pack", "[examples]") {
    run_output t = run_kblint({"test", "--no-builtin", "-r", "pgpack", "tests"}, src_path("examples/postgres"));
    CHECK(t.status == 0);
    CHECK(t.out == "6 passed, 0 failed\n");
    run_output j = run_kblint({"check", "-f", "json", "snapshots"}, src_path("examples/postgres"));
    CHECK(j.status == 1);
    CHECK(j.out.find("\"PG-002\"") != std::string::npos);
    CHECK(j.out.find("\"PG-005\"") != std::string::npos);
    CHECK(j.out.find("\"Q241573-") == std::string::npos);
}
