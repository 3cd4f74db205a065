// Every subcommand that loads rules honours the project file `.kblint.toml` as `check` does: a
// project whose file says `no_builtin = true, rules = ["pgpack"]` (examples/postgres) sees that
// pack in `rules`, `explain`, `schema`, `test` and `fmt`; flags win; `--no-config` ignores it; an
// unknown rule id hints at where rules come from.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
namespace fs = std::filesystem;

// A copy of examples/postgres in a repository of its own (the walk up for .kblint.toml stops there).
std::string postgres_project(const std::string& tag) {
    std::string dir = temp_project(tag);
    fs::copy(src_path("examples/postgres"), dir, fs::copy_options::recursive);
    fs::create_directories(dir + "/sub");
    return dir;
}

const std::string pg_rules = "PG-001  error    node     Primary cannot feed replicas             "
                             "[PG16 \"Server Configuration: wal_level\"]\n";

} // namespace

TEST_CASE("project file: rules, explain, schema and test load the pack it names", "[config]") {
    std::string dir = postgres_project("project-pack");
    for (const std::string& cwd : {dir, dir + "/sub"}) {
        INFO(cwd);
        run_output rules = run_kblint({"rules"}, cwd);
        CHECK(rules.status == 0);
        CHECK(rules.err.empty());
        CHECK(rules.out.substr(0, pg_rules.size()) == pg_rules);
        CHECK(count_of(rules.out, "\n") == 9);
        CHECK(rules.out.find("KBL-001") == std::string::npos);

        run_output explain = run_kblint({"explain", "PG-001"}, cwd);
        CHECK(explain.status == 0);
        CHECK(explain.out.substr(0, 37) == "PG-001: Primary cannot feed replicas\n");

        run_output schema = run_kblint({"schema"}, cwd);
        CHECK(schema.status == 0);
        const std::string first = "snapshot                     table                                  required\n";
        CHECK(schema.out.substr(0, first.size()) == first);
    }
    run_output test = run_kblint({"test", "tests"}, dir);
    CHECK(test.status == 0);
    CHECK(test.out == "6 passed, 0 failed\n");
    CHECK(test.err.empty());
}

TEST_CASE("project file: flags win, --no-config ignores it", "[config]") {
    std::string dir = postgres_project("project-pack-flags");
    run_output builtin = run_kblint({"rules", "--no-config"}, dir);
    CHECK(builtin.status == 0);
    CHECK(builtin.out.substr(0, 7) == "KBL-001");
    CHECK(builtin.out.find("PG-001") == std::string::npos);

    // -r on the command line replaces the project's rules; its no_builtin still holds.
    run_output other_pack = run_kblint({"rules", "-r", src_path("tests/data/pack")}, dir);
    CHECK(other_pack.status == 0);
    CHECK(other_pack.out.substr(0, 7) == "WEB-001");
    CHECK(other_pack.out.find("PG-001") == std::string::npos);
    CHECK(other_pack.out.find("KBL-001") == std::string::npos);

    run_output other = run_kblint({"test", "--no-config", "tests"}, dir);
    CHECK(other.status == 2);  // the built-in pack has no PG rules: the expectations name unknown rules
}

TEST_CASE("project file: an unknown rule id hints at -r and .kblint.toml", "[config]") {
    std::string dir = postgres_project("project-pack-unknown");
    run_output in_project = run_kblint({"explain", "IIS-001"}, dir);
    CHECK(in_project.status == 2);
    CHECK(in_project.out.empty());
    CHECK(in_project.err ==
          "kblint: unknown rule 'IIS-001' (run 'kblint rules' for the list; the rules loaded are those of "
          "'.kblint.toml'; another pack needs '-r PATH')\n");

    run_output outside = run_kblint({"explain", "PG-001"}, dir + "/sub", {});
    CHECK(outside.status == 0);  // sub is inside the project

    run_output no_config = run_kblint({"explain", "--no-config", "PG-001"}, dir);
    CHECK(no_config.status == 2);
    CHECK(no_config.err == "kblint: unknown rule 'PG-001' (run 'kblint rules' for the list; another pack needs "
                           "'-r PATH' or 'rules' in .kblint.toml)\n");
}

TEST_CASE("project file: an invalid one stops every command that loads rules", "[config]") {
    std::string dir = postgres_project("project-pack-invalid");
    write_file(dir + "/.kblint.toml", "no_builtin = true\nrulez = [\"pgpack\"]\n");
    for (const char* cmd : {"rules", "schema"}) {
        INFO(cmd);
        run_output r = run_kblint({cmd}, dir);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err == ".kblint.toml:2:1: error: unknown key 'rulez' in the project file, did you mean 'rules'? "
                       "[config]\n"
                       " 2 | rulez = [\"pgpack\"]\n"
                       "   | ^\n"
                       "\n"
                       "kblint: 1 error in the project file; nothing was done\n");
    }
    CHECK(run_kblint({"rules", "--no-config"}, dir).status == 0);
}

TEST_CASE("project file: fmt without FILE formats the rules folders it names", "[config]") {
    std::string dir = postgres_project("project-pack-fmt");
    run_output clean = run_kblint({"fmt", "--check"}, dir);
    CHECK(clean.status == 0);
    CHECK(clean.out.empty());

    write_file(dir + "/pgpack/extra.kbl", "def   twice(x) = x + x\n");
    run_output changed = run_kblint({"fmt", "--check"}, dir + "/sub");
    CHECK(changed.status == 1);
    CHECK(changed.out == "../pgpack/extra.kbl: would reformat\n");

    run_output none = run_kblint({"fmt", "--check", "--no-config"}, dir);
    CHECK(none.status == 2);
    CHECK(none.err == "kblint: no FILE given, and no project file .kblint.toml names 'rules' to format\n");
}
