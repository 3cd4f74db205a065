#pragma once
// Helpers of the CI-gating tests (sarif, junit, github, html, baseline, waiver and config tests):
// golden files per format, running other programs (python3, chromium), hermetic project folders
// and a hand-built report that holds every kind of finding and hostile text.
// Set KBLINT_UPDATE_GOLDEN=1 to rewrite the golden files, then review the diff.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checker/engine/finding.hpp"
#include "checker/report/report.hpp"
#include "common/source.hpp"
#include "tests/test_util.hpp"

namespace kbl::test {

/// The tiny rule pack of tests/data/pack, without the built-in one.
inline const std::vector<std::string> test_pack = {"--no-builtin", "-r", "tests/data/pack"};

/// `head` followed by `tail` (by default the test pack options).
inline std::vector<std::string> with_pack(std::vector<std::string> head, const std::vector<std::string>& tail = test_pack) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

/// Compare `actual` with tests/golden/FOLDER/NAME byte for byte (rewrite it when KBLINT_UPDATE_GOLDEN=1).
inline void check_golden_in(const std::string& folder, const std::string& name, const std::string& actual) {
    std::string path = src_path("tests/golden/" + folder + "/" + name);
    const char* update = std::getenv("KBLINT_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") write_file(path, actual);
    INFO("golden file " << path);
    CHECK(actual == read_file(path));
}

/// Run `argv` (argv[0] searched on PATH), stdin from /dev/null, in `cwd` (empty: repository root).
inline run_output run_program(const std::vector<std::string>& argv, const std::string& cwd = "") {
    std::string dir = cwd.empty() ? std::string(KBLINT_SOURCE_DIR) : cwd;
    std::string out_path = temp_dir("prog") + "/stdout";
    std::string err_path = out_path.substr(0, out_path.size() - 6) + "stderr";
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = ::open("/dev/null", O_RDONLY);
        ::dup2(o, 1);
        ::dup2(e, 2);
        ::dup2(in, 0);
        if (::chdir(dir.c_str()) != 0) ::_exit(127);
        std::vector<std::string> copy = argv;
        std::vector<char*> args;
        for (auto& a : copy) args.push_back(a.data());
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    run_output r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
}

/// Debian's python3 (where python3-jsonschema installs), else the first python3 on PATH.
inline std::string python3() {
    return std::filesystem::exists("/usr/bin/python3") ? std::string("/usr/bin/python3") : std::string("python3");
}

/// Fail the test unless every file validates against ../shared/sarif/sarif-schema-2.1.0.json.
/// A missing python3 or python3-jsonschema fails too (scripts/install-deps.sh installs them).
inline void require_valid_sarif(const std::vector<std::string>& files) {
    if (!have_shared("sarif/sarif-schema-2.1.0.json", "SARIF 2.1.0 schema validation")) return;
    std::vector<std::string> argv = {python3(), src_path("tests/validate_sarif.py"),
                                     shared_path("sarif/sarif-schema-2.1.0.json")};
    argv.insert(argv.end(), files.begin(), files.end());
    run_output r = run_program(argv);
    INFO("validate_sarif.py stdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.status == 0);
}

/// Fail the test unless every file is well-formed XML 1.0 for a real parser (python3's expat via minidom).
inline void require_well_formed_xml(const std::vector<std::string>& files) {
    std::vector<std::string> argv = {python3(), "-c",
                                     "import sys, xml.dom.minidom\n"
                                     "for p in sys.argv[1:]:\n"
                                     "    xml.dom.minidom.parse(p)\n"
                                     "print('well-formed')\n"};
    argv.insert(argv.end(), files.begin(), files.end());
    run_output r = run_program(argv);
    INFO("python3 xml.dom.minidom stdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.status == 0);
    REQUIRE(r.out == "well-formed\n");
}

/// A fresh folder that holds an empty `.git`, so that the search for `.kblint.toml` stops there.
inline std::string temp_project(const std::string& tag) {
    std::string dir = temp_dir(tag);
    std::filesystem::create_directories(dir + "/.git");
    return dir;
}

/// Number of times `needle` occurs in `hay`.
inline std::size_t count_of(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + needle.size())) ++n;
    return n;
}

/// A report built by hand: a failing error with a step and a related place, an unknown warning, a
/// waived error, a baselined info, findings whose texts hold markup, quotes, '%', CR, LF, control
/// characters and bytes that are not UTF-8, an input error, two notifications, and the evaluations
/// behind them (one rule not applicable).
inline report sample_ci_report() {
    auto n1 = std::make_shared<const source_file>("snaps/NODE1.toml", "[node]\n"
                                                                       "netbios_name = \"NODE1\"\n"
                                                                       "[iis]\n"
                                                                       "version = \"4.0\"\n");
    auto n2 = std::make_shared<const source_file>("snaps/NODE2.toml",
                                                  "# NODE2\n"
                                                  "[node]\n"
                                                  "netbios_name = \"NODE2\"\n"
                                                  "\n"
                                                  "[services.ClusSvc]\n"
                                                  "state = \"running\"\n"
                                                  "\tstart_type = \"automatic\"\n"
                                                  "# <b>before</b> the uninstall & \"more\"\n"
                                                  "[planned]\n"
                                                  "action = \"uninstall_ntop\"\n"
                                                  "\n"
                                                  "[labels]\n"
                                                  "\"n\xc5\x93ud\" = \"\xc3\xa9puis\xc3\xa9\"\n");
    auto lone = std::make_shared<const source_file>("snaps/lone, odd:name%.toml", "[node]\nnetbios_name = \"LONE\"\n");
    auto bad = std::make_shared<const source_file>("snaps/bad.toml", "[node]\nport = = 80\n");
    report r;
    r.version = "0.1.0";
    r.information_uri = "https://kblint.example/docs";
    r.exit_status = 1;
    r.baseline = true;

    auto rule = [](std::string id, severity sev, rule_scope scope, std::string title, std::string fix, kb_ref ref) {
        rule_info ri;
        ri.id = std::move(id);
        ri.sev = sev;
        ri.scope = scope;
        ri.title = std::move(title);
        ri.fix = std::move(fix);
        ri.ref = std::move(ref);
        return ri;
    };
    r.rules.push_back(rule("KBL-009", severity::info, rule_scope::cluster, "Label with <control> characters",
                           "Remove the escape sequence", {"KBL", "Labels"}));
    r.rules.push_back(rule("Q241573-010", severity::error, rule_scope::node,
                           "Cluster service still running when IIS is uninstalled",
                           "Stop the Cluster Server service on {node.netbios_name}",
                           {"Q241573", "Removing and Reinstalling a Corrupted version of IIS, step 1"}));
    r.rules.back().doc = "Setup cannot replace files the cluster service holds open.";
    r.rules.back().tags = {"cluster", "iis"};
    r.rules.push_back(rule("Q241573-011", severity::error, rule_scope::node, "Cluster service startup type not Manual",
                           "Set the startup type to Manual", {"Q241573", "step 1"}));
    r.rules.push_back(rule("WEB-003", severity::warning, rule_scope::node, "IIS version unknown",
                           "Record the IIS version", {"WEB", "Inventory"}));
    r.rules.push_back(rule("WEB-100", severity::warning, rule_scope::node, "Never applies here", "", {}));

    auto make = [](std::string id, severity sev, location loc) {
        finding f;
        f.rule = std::move(id);
        f.sev = sev;
        f.loc = std::move(loc);
        return f;
    };
    finding a = make("Q241573-010", severity::error, {n2, {9, 1}, "planned"});
    a.node = "NODE2";
    a.cluster = "WEBCLUS";
    a.title = r.rules[1].title;
    a.message = "ClusSvc on NODE2 is 'running'; the uninstall of the Option Pack is planned";
    a.fix = "Stop the Cluster Server service on NODE2";
    a.ref = r.rules[1].ref;
    a.step = step_ref{1, "uninstall_ntop"};
    a.related.push_back({{n2, {6, 9}, "services.ClusSvc.state"}, "'services.ClusSvc.state' read here"});
    a.fingerprint = make_fingerprint(a);

    finding b = make("Q241573-011", severity::error, {n2, {7, 15}, "services.ClusSvc.start_type"});
    b.st = status::waived;
    b.node = "NODE2";
    b.cluster = "WEBCLUS";
    b.title = r.rules[2].title;
    b.message = "ClusSvc on NODE2 starts 'automatic'; it must be 'manual'";
    b.fix = "Set the startup type to Manual";
    b.ref = r.rules[2].ref;
    b.waiver = waiver_ref{"the change window is <Friday> & \"approved\"", "2026-12-31", "ops-lead",
                          ".kblint-waivers.toml", {4, 1}};
    b.fingerprint = make_fingerprint(b);

    finding c = make("WEB-003", severity::warning, {n1, {1, 1}, "iis.version"});
    c.st = status::unknown;
    c.node = "NODE1";
    c.cluster = "WEBCLUS";
    c.title = r.rules[3].title;
    c.message = "cannot check this rule on NODE1: 'iis.version' is missing";
    c.fix = "Record the IIS version";
    c.ref = r.rules[3].ref;
    c.fingerprint = make_fingerprint(c);

    finding d = make("KBL-009", severity::info, {n2, {13, 11}, "labels.n\xc5\x93ud"});
    d.st = status::baselined;
    d.scope = rule_scope::cluster;
    d.cluster = "WEBCLUS";
    d.title = r.rules[0].title;
    d.message = "label is '<script>alert(1)</script>' with \x1b[2J\x07, 100% \r\nand \xff\xfe (not UTF-8), \xef\xbf\xbe";
    d.fix = "Remove the escape sequence";
    d.ref = r.rules[0].ref;
    d.fingerprint = make_fingerprint(d);

    finding e = make("WEB-003", severity::warning, {lone, {2, 16}, "node.netbios_name"});
    e.node = "LONE";
    e.title = r.rules[3].title;
    e.message = "LONE: value \"x\" & <y>, 50%";
    e.fix = "Record the IIS version";
    e.ref = r.rules[3].ref;
    e.fingerprint = make_fingerprint(e);

    r.findings = {a, b, c, d, e};
    std::sort(r.findings.begin(), r.findings.end(), finding_less);

    for (const char* node : {"NODE1", "NODE2"}) {
        for (const char* id : {"Q241573-010", "Q241573-011", "WEB-003"})
            r.evaluated.push_back({id, "WEBCLUS", node, node == std::string("NODE1") ? n1 : n2, true});
        r.evaluated.push_back({"WEB-100", "WEBCLUS", node, node == std::string("NODE1") ? n1 : n2, false});
    }
    r.evaluated.push_back({"KBL-009", "WEBCLUS", "", n1, true});
    r.evaluated.push_back({"WEB-003", "", "LONE", lone, true});
    r.evaluated.push_back({"Q241573-010", "", "LONE", lone, true});

    diagnostic err;
    err.file = bad;
    err.where = {2, 8};
    err.message = "expected a value after '='";
    err.check_id = "toml";
    r.errors.push_back(err);

    notification expired;
    expired.level = "warning";
    expired.kind = "waiver-expired";
    expired.file = ".kblint-waivers.toml";
    expired.where = {10, 1};
    expired.message = "waiver for 'WEB-*' on 'NODE1' expired on 2026-10-31; it no longer waives";
    notification unused = expired;
    unused.kind = "waiver-unused";
    unused.where = {16, 1};
    unused.message = "unused waiver for 'OLD-1': it matches no finding";
    r.notifications = {expired, unused};

    r.summary.snapshots = 3;
    r.summary.clusters = 2;
    r.summary.rules = 5;
    count_findings(r);
    return r;
}

/// Chromium as Debian installs it (or a Chrome someone put on PATH); empty when there is none.
inline std::string find_chromium() {
    for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
        const char* path = std::getenv("PATH");
        std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
        std::size_t start = 0;
        while (start <= dirs.size()) {
            std::size_t end = dirs.find(':', start);
            if (end == std::string::npos) end = dirs.size();
            std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / name;
            std::error_code ec;
            if (!dirs.substr(start, end - start).empty() && std::filesystem::is_regular_file(candidate, ec) &&
                ::access(candidate.c_str(), X_OK) == 0)
                return candidate.string();
            start = end + 1;
        }
    }
    return {};
}

/// The command line of headless Chromium with a profile of its own in `profile` (the URL or flags follow).
inline std::vector<std::string> chromium_args(const std::string& bin, const std::string& profile) {
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

} // namespace kbl::test
