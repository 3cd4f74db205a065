// The user's side of `kblint check` and the starting kit: several reports in one run (`-o
// FORMAT:FILE`), baselined findings hidden in text and concise, the global `--color`, the progress
// line's decision, `kblint init` (a template that loads and checks clean once filled in) and
// `kblint actions`.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/report/terminal.hpp"
#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

kbl::env_lookup env_of(std::vector<std::pair<std::string, std::string>> vars) {
    return [vars = std::move(vars)](const char* name) -> const char* {
        for (const auto& [k, v] : vars)
            if (k == name) return v.c_str();
        return nullptr;
    };
}

// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

} // namespace

TEST_CASE("outputs: -o FORMAT:FILE writes each report, the text report stays on stdout", "[cli][outputs]") {
    std::string dir = temp_dir("outputs");
    run_output r = run_kblint({"check", "-o", "sarif:" + dir + "/k.sarif", "-o", "junit:" + dir + "/junit.xml",
                               "fixtures/Q241573-010"});
    CHECK(r.status == 1);
    run_output text = run_kblint({"check", "fixtures/Q241573-010"});
    CHECK(r.out == text.out);  // the same text report, summary included
    CHECK(r.err.empty());
    json sarif = json::parse(read_file(dir + "/k.sarif"));
    REQUIRE(sarif["runs"][0]["results"].size() == 1);
    CHECK(sarif["runs"][0]["results"][0]["ruleId"] == "Q241573-010");
    CHECK(sarif["runs"][0]["invocations"][0]["exitCode"] == 1);
    std::string junit = read_file(dir + "/junit.xml");
    CHECK(junit.rfind("<?xml", 0) == 0);
    CHECK(count_of(junit, "<failure ") == 1);
    // A JUnit or HTML report written with -o needs the evaluation log as much as one on stdout.
    CHECK(junit == run_kblint({"check", "-f", "junit", "fixtures/Q241573-010"}).out);
    CHECK(count_of(junit, "<testcase ") == 118);

    SECTION("-f github with a SARIF file: annotations on stdout, the summary on stderr") {
        run_output gh = run_kblint({"check", "-f", "github", "-o", "sarif:" + dir + "/g.sarif", "fixtures/Q241573-010"});
        CHECK(gh.status == 1);
        CHECK(gh.out.rfind("::error file=fixtures/Q241573-010/NODE2.toml,line=165,col=1,title=Q241573-010::", 0) == 0);
        CHECK(gh.err == "1 error, 0 warnings, 0 infos in 2 snapshots, 1 cluster, 1 runbook, 105 rules\n");
        CHECK(read_file(dir + "/g.sarif") == read_file(dir + "/k.sarif"));
    }
    SECTION("-f FMT -o FILE works as before: nothing on stdout") {
        run_output old = run_kblint({"check", "-f", "json", "-o", dir + "/r.json", "fixtures/Q241573-010"});
        CHECK(old.status == 1);
        CHECK(old.out.empty());
        CHECK(json::parse(read_file(dir + "/r.json"))["summary"]["errors"] == 1);
    }
    SECTION("FORMAT:- puts that format on stdout instead of --format") {
        run_output c = run_kblint({"check", "-o", "concise:-", "-o", "json:" + dir + "/c.json", "fixtures/Q241573-010"});
        CHECK(c.status == 1);
        CHECK(c.out == run_kblint({"check", "-f", "concise", "fixtures/Q241573-010"}).out);
    }
}

TEST_CASE("outputs: two reports to one place and two plain -o are usage errors", "[cli][outputs]") {
    std::string dir = temp_dir("outputs-bad");
    run_output same = run_kblint({"check", "-o", "sarif:" + dir + "/x", "-o", "junit:" + dir + "/x", "fixtures/Q241573-010"});
    CHECK(same.status == 2);
    CHECK(same.err == "kblint: two reports would be written to '" + dir + "/x' (sarif and junit)\n");
    run_output plain = run_kblint({"check", "-o", dir + "/a", "-o", dir + "/b", "fixtures/Q241573-010"});
    CHECK(plain.status == 2);
    CHECK(plain.err == "kblint: '-o' is given twice without a format ('" + dir + "/a' and '" + dir +
                           "/b'): name the format of each, as in '-o sarif:" + dir + "/b'\n");
    run_output stdout_twice = run_kblint({"check", "-o", "-", "-o", "json:-", "fixtures/Q241573-010"});
    CHECK(stdout_twice.status == 2);
    CHECK(stdout_twice.err == "kblint: two reports would be written to 'standard output' (text and json)\n");
    run_output empty = run_kblint({"check", "-o", "sarif:", "fixtures/Q241573-010"});
    CHECK(empty.status == 2);
    CHECK(empty.err == "kblint: '-o sarif:' names no file (write '-o sarif:FILE', or '-' for stdout)\n");
}

TEST_CASE("baseline: baselined findings are counted, listed only with --show-baselined", "[baseline][cli]") {
    std::string dir = temp_dir("show-baselined");
    REQUIRE(run_kblint(with_pack({"check", "-f", "json", "-o", dir + "/base.json", "tests/data/snaps/farm"})).status == 1);
    run_output text = run_kblint(with_pack({"check", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
    CHECK(text.status == 0);
    CHECK(text.out == "3 baselined findings not shown (--show-baselined lists them)\n"
                      "0 errors, 0 warnings, 0 infos (3 baselined) in 2 snapshots, 1 cluster, 3 rules\n");
    run_output concise = run_kblint(with_pack({"check", "-f", "concise", "--baseline", dir + "/base.json", "tests/data/snaps/farm"}));
    CHECK(concise.out == text.out);
    run_output shown = run_kblint(with_pack({"check", "-f", "concise", "--show-baselined", "--baseline", dir + "/base.json",
                                             "tests/data/snaps/farm"}));
    CHECK(shown.out == "tests/data/snaps/farm/web1.toml:8:8: error: port 8080 on web1 is neither 80 nor 443 (baselined) [WEB-001]\n"
                       "tests/data/snaps/farm/web2.toml:1:1: info: cannot check this rule on web2: 'services' is missing "
                       "(baselined) [WEB-003]\n"
                       "tests/data/snaps/farm/web2.toml:9:7: warning: TLS is off on web2 (baselined) [WEB-002]\n"
                       "0 errors, 0 warnings, 0 infos (3 baselined) in 2 snapshots, 1 cluster, 3 rules\n");
    // JSON and SARIF list them whatever the flag.
    CHECK(json::parse(run_kblint(with_pack({"check", "-f", "json", "--baseline", dir + "/base.json", "tests/data/snaps/farm"})).out)
              ["findings"].size() == 3);
}

TEST_CASE("baseline: the stale entries of a baseline are 'fixed since the baseline' in the summary", "[baseline][cli]") {
    std::string dir = temp_dir("fixed-since");
    REQUIRE(run_kblint(with_pack({"check", "-f", "json", "-o", dir + "/base.json", "tests/data/snaps/farm"})).status == 1);
    write_file(dir + "/snaps/web1.toml", replaced(read_file(src_path("tests/data/snaps/farm/web1.toml")), "8080", "80"));
    write_file(dir + "/snaps/web2.toml", read_file(src_path("tests/data/snaps/farm/web2.toml")));
    run_output r = run_kblint(with_pack({"check", "-f", "concise", "--baseline", dir + "/base.json", dir + "/snaps"}));
    CHECK(r.status == 0);
    CHECK(r.out == "2 baselined findings not shown (--show-baselined lists them)\n"
                   "0 errors, 0 warnings, 0 infos (2 baselined, 1 fixed since the baseline) in 2 snapshots, 1 cluster, 3 rules\n");
}

TEST_CASE("terminal: colour and progress decisions", "[terminal]") {
    using kbl::use_color;
    CHECK(use_color("auto", false, env_of({{"FORCE_COLOR", "1"}})));
    CHECK(use_color("auto", false, env_of({{"CLICOLOR_FORCE", "1"}})));
    CHECK_FALSE(use_color("auto", false, env_of({{"FORCE_COLOR", "0"}})));
    CHECK_FALSE(use_color("auto", true, env_of({{"TERM", "dumb"}})));
    CHECK_FALSE(use_color("auto", true, env_of({{"NO_COLOR", "1"}, {"FORCE_COLOR", "1"}})));
    CHECK(use_color("auto", true, env_of({})));

    using kbl::progress_wanted;
    CHECK(progress_wanted(true, env_of({})));
    CHECK_FALSE(progress_wanted(false, env_of({})));  // piped or redirected
    CHECK_FALSE(progress_wanted(true, env_of({{"CI", "true"}})));
    CHECK_FALSE(progress_wanted(true, env_of({{"CI", "1"}})));
    CHECK(progress_wanted(true, env_of({{"CI", "false"}})));
    CHECK(progress_wanted(true, env_of({{"CI", ""}})));
    CHECK_FALSE(progress_wanted(true, env_of({{"TERM", "dumb"}})));
}

TEST_CASE("color: --color is global, before or after any command that prints diagnostics", "[cli][color]") {
    std::string dir = temp_dir("color");
    write_file(dir + "/bad.kbl", "rule X-1 {\n  severity eror\n}\n");
    const std::string red = "\x1b[";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--color", "always", "rules", "--no-builtin", "-r", dir + "/bad.kbl"},
          std::vector<std::string>{"rules", "--color", "always", "--no-builtin", "-r", dir + "/bad.kbl"},
          std::vector<std::string>{"fmt", "--color", "always", dir + "/bad.kbl"},
          std::vector<std::string>{"explain", "--color=always", "--no-builtin", "-r", dir + "/bad.kbl", "X-1"}}) {
        run_output r = run_kblint(args);
        INFO(args[0] << " " << args[1]);
        CHECK(r.status == 2);
        CHECK(r.err.find(red) != std::string::npos);
    }
    run_output plain = run_kblint({"rules", "--no-builtin", "-r", dir + "/bad.kbl"});
    CHECK(plain.err.find(red) == std::string::npos);
    run_output forced = run_kblint({"rules", "--no-builtin", "-r", dir + "/bad.kbl"}, "", {"FORCE_COLOR=1"});
    CHECK(forced.err.find(red) == std::string::npos);  // NO_COLOR (set by the tests) wins over FORCE_COLOR
    run_output bad = run_kblint({"--color", "sometimes", "rules"});
    CHECK(bad.status == 2);
    CHECK(bad.err.find("'--color'") != std::string::npos);
    CHECK(run_kblint({"version", "--color", "always"}).status == 2);  // no diagnostics, no --color
}

TEST_CASE("init: the template loads, and checks clean once its values are filled in", "[cli][init]") {
    run_output r = run_kblint({"init"});
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    const std::string& t = r.out;
    CHECK(t.find("# netbios_name: string, required. the node's NetBIOS computer name") != std::string::npos);
    CHECK(t.find("\n[node]\nnetbios_name = \"\"\n") == std::string::npos);  // the comment line comes first
    CHECK(t.find("netbios_name = \"\"\n") != std::string::npos);
    CHECK(t.find("# state: enum(\"running\", \"stopped\", \"start_pending\", \"stop_pending\", \"paused\"). the service's state now\n"
                 "# state = \"running\"\n") != std::string::npos);
    CHECK(t.find("# [services.NAME]\n") != std::string::npos);
    CHECK(t.find("# [[cluster.groups.resources]]\n") != std::string::npos);
    CHECK(t.find("# [[runbook.steps]]\n# action = \"") != std::string::npos);

    std::string dir = temp_dir("init");
    write_file(dir + "/NODE1.toml", t);
    run_output raw = run_kblint({"check", "--only", "KBL-*", dir + "/NODE1.toml"});
    CHECK(raw.status == 0);  // it loads and follows the schema as written

    // Filled in as an administrator would for a healthy IIS 5.0 node.
    std::string filled = replaced(t, "netbios_name = \"\"", "netbios_name = \"NODE1\"");
    filled = replaced(filled, "schema_version = 0", "schema_version = 1");
    filled = replaced(filled, "taken_at = 2000-01-01T00:00:00Z", "taken_at = 2026-11-20T09:00:00Z");
    filled = replaced(filled, "# name = \"\"\nmember = false", "name = \"WEBCLUS\"\nmember = true");
    write_file(dir + "/NODE1.toml", filled);
    run_output checked = run_kblint({"check", dir + "/NODE1.toml"});
    INFO(checked.out << checked.err);
    CHECK(checked.status == 0);

    run_output exists = run_kblint({"init", "-o", dir + "/NODE1.toml"});
    CHECK(exists.status == 2);
    CHECK(exists.err == "kblint: '" + dir + "/NODE1.toml' exists already: 'kblint init' never replaces a file\n");
    CHECK(run_kblint({"init", "-o", dir + "/NODE2.toml"}).status == 0);
    CHECK(read_file(dir + "/NODE2.toml") == t);
}

TEST_CASE("actions: arguments and simulated effects, also through explain", "[cli][actions]") {
    run_output one = run_kblint({"actions", "set_service_startup"});
    CHECK(one.status == 0);
    CHECK(one.out == "action set_service_startup\n"
                     "  Sets the startup type of a service: service, start_type (automatic, manual or disabled).\n"
                     "  arg service string\n"
                     "  arg start_type enum(\"automatic\", \"manual\", \"disabled\") required\n"
                     "  effects:\n"
                     "    set target.services[name].start_type = step.start_type\n");
    CHECK(run_kblint({"explain", "set_service_startup"}).out == one.out);
    run_output all = run_kblint({"actions"});
    CHECK(all.status == 0);
    CHECK(all.out.rfind("Every step names its action in 'action' and its node in 'node'.\nEvery step may also give:\n"
                        "  arg command string\n",
                        0) == 0);
    CHECK(all.out.find("\naction uninstall_ntop\n") != std::string::npos);
    run_output typo = run_kblint({"actions", "stop_servce"});
    CHECK(typo.status == 2);
    CHECK(typo.err == "kblint: unknown action 'stop_servce', did you mean 'stop_service'?\n");
}

TEST_CASE("schema: the meanings of the fields, in text and as JSON Schema descriptions", "[cli][schema]") {
    run_output text = run_kblint({"schema"});
    CHECK(text.status == 0);
    CHECK(text.out.find("node.netbios_name") != std::string::npos);
    CHECK(text.out.find("the node's NetBIOS computer name (at most 15 characters, any case); it names the node\n") !=
          std::string::npos);
    json js = json::parse(run_kblint({"schema", "-f", "json-schema"}).out);
    CHECK(js["properties"]["node"]["properties"]["netbios_name"]["description"] ==
          "node.netbios_name: string, required (the node id). the node's NetBIOS computer name (at most 15 characters, "
          "any case); it names the node");
}
