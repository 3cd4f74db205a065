// The CI recipes of examples/ci/ and the pre-commit manifest at the repository root, checked as a
// user copies them: every file parses as YAML (python3-yaml), the GitHub workflows have the shape
// GitHub requires and agree on one major version per action, every shell script in them passes
// `bash -n`, and the kblint command lines they run work as written on a copy of fixtures/.
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using kbl::test::run_output;

namespace {

const std::vector<std::string> github_files = {"examples/ci/github-workflow.yml", "examples/ci/github-matrix.yml",
                                               "examples/ci/github-release.yml"};

// The YAML file at `rel` (from the repository root) as JSON, parsed by PyYAML's safe loader.
json yaml_file(const std::string& rel) {
    run_output r = kbl::test::run_program(
        {kbl::test::python3(), "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", rel});
    INFO(rel << ": " << r.err);
    REQUIRE(r.status == 0);
    return json::parse(r.out);
}

// `bash -n` on a script of a workflow, its ${{ ... }} expressions replaced by a word.
void require_bash_syntax(const std::string& what, const std::string& script) {
    static const std::regex expression(R"(\$\{\{[^}]*\}\})");
    std::string path = kbl::test::temp_dir("ci-script") + "/script.sh";
    kbl::test::write_file(path, std::regex_replace(script, expression, "x"));
    run_output r = kbl::test::run_program({"bash", "-n", path});
    INFO(what << ":\n" << script << "\n" << r.err);
    CHECK(r.status == 0);
}

// The folder of a project whose snapshots/ is a copy of fixtures/.
std::string project_with_fixtures(const std::string& tag) {
    std::string dir = kbl::test::temp_project(tag);
    fs::copy(kbl::test::src_path("fixtures"), dir + "/snapshots", fs::copy_options::recursive);
    return dir;
}

// The words of the `kblint ...` command in `line`, up to a `||`; the binary is the one under test.
std::vector<std::string> kblint_args(const std::string& line) {
    std::string cmd = line.substr(line.find("kblint ") + 7);
    cmd = cmd.substr(0, cmd.find(" ||"));
    std::vector<std::string> args;
    std::istringstream words(cmd);
    for (std::string w; words >> w;) args.push_back(w);
    return args;
}

// The line of `script` that runs `kblint check`.
std::string check_line(const std::string& script) {
    std::istringstream lines(script);
    for (std::string l; std::getline(lines, l);)
        if (l.find("kblint check") != std::string::npos && l.find('#') > l.find("kblint check")) return l;
    FAIL("no kblint check line in:\n" << script);
    return {};
}

} // namespace

TEST_CASE("ci examples: the GitHub workflows have GitHub's shape, one major version per action, and scripts bash accepts",
          "[ci-examples]") {
    std::map<std::string, std::string> major_of;  // action -> "@vN" as first seen
    for (const auto& file : github_files) {
        INFO(file);
        json doc = yaml_file(file);
        CHECK(doc.contains("name"));
        CHECK((doc.contains("on") || doc.contains("true")));  // YAML 1.1 reads the key `on` as true
        REQUIRE(doc.contains("jobs"));
        for (const auto& [job, body] : doc["jobs"].items()) {
            INFO("job " << job);
            CHECK(body["runs-on"].is_string());
            REQUIRE(body["steps"].is_array());
            CHECK_FALSE(body["steps"].empty());
            for (const auto& step : body["steps"]) {
                INFO("step " << step.value("name", step.dump()));
                CHECK(step.contains("uses") != step.contains("run"));  // exactly one of the two
                if (step.contains("run")) require_bash_syntax(file + ", job " + job, step["run"].get<std::string>());
                if (!step.contains("uses")) continue;
                static const std::regex pinned(R"(^([\w.-]+/[\w./-]+)@(v[0-9]+)$)");
                std::smatch m;
                std::string uses = step["uses"];
                REQUIRE(std::regex_match(uses, m, pinned));
                auto [it, fresh] = major_of.emplace(m[1].str(), m[2].str());
                INFO(m[1].str() << " is used at " << it->second << " and at " << m[2].str());
                CHECK(it->second == m[2].str());
            }
        }
    }
    CHECK(major_of.size() >= 4);
}

TEST_CASE("ci examples: the GitHub workflow installs the .deb and its one kblint run works as written", "[ci-examples]") {
    json doc = yaml_file("examples/ci/github-workflow.yml");
    std::string install, check;
    for (const auto& step : doc["jobs"]["kblint"]["steps"]) {
        std::string run = step.value("run", "");
        if (run.find("apt-get install -y /tmp/kblint.deb") != std::string::npos) install = run;
        if (run.find("kblint check") != std::string::npos) check = run;
    }
    // The .deb of the release named by the variables, the file name CPack gives it.
    CHECK(install.find("/releases/download/v$KBLINT_VERSION/kblint_${KBLINT_VERSION}_amd64.deb") != std::string::npos);
    CHECK(install.find("cmake") == std::string::npos);
    std::vector<std::string> args = kblint_args(check_line(check));
    CHECK(args == std::vector<std::string>{"check", "--format", "github", "-o", "sarif:kblint.sarif", "snapshots/"});
    std::string dir = project_with_fixtures("ci-github");
    run_output r = kbl::test::run_kblint(args, dir);
    CHECK(r.status == 1);  // the broken fixtures have findings
    CHECK(r.out.rfind("::error file=snapshots/", 0) == 0);
    kbl::test::require_valid_sarif({dir + "/kblint.sarif"});
}

TEST_CASE("ci examples: the GitLab job installs the .deb, writes the reports it declares, and bash accepts it",
          "[ci-examples]") {
    json doc = yaml_file("examples/ci/gitlab-ci.yml");
    const json& job = doc["kblint"];
    CHECK(job["image"] == "debian:bookworm");
    std::string before, script;
    for (const auto& l : job["before_script"]) before += l.get<std::string>() + "\n";
    for (const auto& l : job["script"]) script += l.get<std::string>() + "\n";
    require_bash_syntax("before_script", before);
    require_bash_syntax("script", script);
    CHECK(before.find("/releases/download/v$KBLINT_VERSION/kblint_${KBLINT_VERSION}_amd64.deb") != std::string::npos);
    CHECK(job["artifacts"]["when"] == "always");
    const std::string quality = job["artifacts"]["reports"]["codequality"], junit = job["artifacts"]["reports"]["junit"];

    std::vector<std::string> args = kblint_args(check_line(script));
    CHECK(args == std::vector<std::string>{"check", "-o", "gitlab:" + quality, "-o", "junit:" + junit, "snapshots/"});
    std::string dir = project_with_fixtures("ci-gitlab");
    run_output r = kbl::test::run_kblint(args, dir);
    CHECK(r.status == 1);
    CHECK(r.out.find("snapshots/") != std::string::npos);  // the text report, in the job log
    json issues = json::parse(kbl::test::read_file(dir + "/" + quality));
    REQUIRE(issues.is_array());
    REQUIRE_FALSE(issues.empty());
    for (const auto& i : issues) {
        CHECK(i["location"]["path"].get<std::string>().rfind("snapshots/", 0) == 0);
        CHECK(i.contains("check_name"));
        CHECK(i.contains("fingerprint"));
    }
    kbl::test::require_well_formed_xml({dir + "/" + junit});
}

TEST_CASE("ci examples: the pre-commit manifest at the root runs a script of this repository", "[ci-examples]") {
    json hooks = yaml_file(".pre-commit-hooks.yaml");
    REQUIRE(hooks.is_array());
    REQUIRE(hooks.size() == 1);
    const json& h = hooks[0];
    CHECK(h["id"] == "kblint-check");
    CHECK(h["language"] == "script");  // not the deprecated `system`
    fs::path entry = kbl::test::src_path(h["entry"].get<std::string>());
    REQUIRE(fs::is_regular_file(entry));
    CHECK((fs::status(entry).permissions() & fs::perms::owner_exec) != fs::perms::none);
    std::string script = kbl::test::read_file(entry.string());
    require_bash_syntax(entry.string(), script);
}
