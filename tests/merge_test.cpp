// `kblint merge`: the JSON reports of the shards of one run joined into the report of a single run,
// byte for byte in every format, with its exit status; and every report it refuses, located.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/shard_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;
using nlohmann::json;

const std::vector<std::string> all_formats = {"text", "json", "sarif", "junit", "html", "github", "gitlab", "concise"};

std::vector<std::string> merge_args(const std::string& format, const std::vector<std::string>& reports,
                                    const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"merge", "-f", format};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), reports.begin(), reports.end());
    return args;
}

// For N = 1, 2, 3: merging the shards of `kblint check ARGS` gives the single run's stdout, stderr
// and exit status in every format of `formats`.
void check_merges(const std::vector<std::string>& args, const std::vector<std::string>& formats, const std::string& cwd = "",
                  const std::vector<std::string>& env = {}) {
    std::string dir = temp_dir("merge-shards");
    std::vector<std::vector<std::string>> runs;
    for (std::uint32_t n : {1u, 2u, 3u}) runs.push_back(run_shards(args, n, dir, cwd, env));
    for (const auto& format : formats) {
        std::vector<std::string> single_args = {"check", "-f", format};
        single_args.insert(single_args.end(), args.begin(), args.end());
        run_output single = run_kblint(single_args, cwd, env);
        for (const auto& reports : runs) {
            INFO(format << ", " << reports.size() << " shards");
            run_output merged = run_kblint(merge_args(format, reports), cwd, env);
            CHECK(merged.status == single.status);
            CHECK(merged.out == single.out);
            CHECK(merged.err == single.err);
        }
    }
}

// The fleet of make_fleet with a waiver file (waivers used by one cluster each, one expiring soon,
// one expired, one unused) and a baseline recorded before GEN-8 was fixed (a stale entry).
std::string fleet_with_gate() {
    std::string root = temp_dir("merge-fleet");
    make_fleet(root);
    write_file(root + "/.kblint-waivers.toml",
               "[[waiver]]\nrule = \"Q241573-072\"\ncluster = \"GEN-0\"\nreason = \"rights pushed by GPO\"\nexpires = 2031-01-01\n\n"
               "[[waiver]]\nrule = \"Q241573-070\"\ncluster = \"gen-1\"\nreason = \"accounts move next week\"\n"
               "expires = 2030-01-02\napproved_by = \"ops-lead\"\n\n"
               "[[waiver]]\nrule = \"Q241573-074\"\nreason = \"old\"\nexpires = 2020-01-01\n\n"
               "[[waiver]]\nrule = \"Q224801-001\"\nreason = \"never fires\"\nexpires = 2031-01-01\n\n"
               "[[waiver]]\nrule = \"Q241573-07*\"\ncluster = \"GEN-6\"\nreason = \"glob\"\nexpires = 2031-01-01\n");
    std::string broken = read_file(root + "/fleet/c3/broken.toml"), bad = read_file(root + "/fleet/solo/bad-utf8.toml");
    std::filesystem::remove(root + "/fleet/c3/broken.toml");
    std::filesystem::remove(root + "/fleet/solo/bad-utf8.toml");
    write_cluster(root, 8, "Q241573-077");
    run_output created = run_kblint({"baseline", "create", "--baseline", "base.json", "fleet"}, root, {"KBLINT_TODAY=2029-12-25"});
    REQUIRE(created.status == 0);
    write_cluster(root, 8, "healthy");
    write_file(root + "/fleet/c3/broken.toml", broken);
    write_file(root + "/fleet/solo/bad-utf8.toml", bad);
    return root;
}

struct refused {
    std::string files;  // the reports given, space-separated, in the folder of the test
    std::string err;
};

run_output merge_in(const std::string& dir, const std::vector<std::string>& files) {
    std::vector<std::string> args = {"merge"};
    args.insert(args.end(), files.begin(), files.end());
    return run_kblint(args, dir);
}

// "FILE:LINE:COL: error: MESSAGE [input-error]" with the line of the report and a caret at the value.
std::string located(const std::string& dir, const std::string& file, std::string_view key, const std::string& message,
                    const std::string& help) {
    std::string text = read_file(dir + "/" + file);
    auto [line, column] = place_after(text, key, key == "\"version\": " ? "" : "\"shard\": {");
    std::size_t start = 0;
    for (std::size_t l = 1; l < line; ++l) start = text.find('\n', start) + 1;
    std::string source = text.substr(start, text.find('\n', start) - start);
    std::string gutter(std::to_string(line).size(), ' ');
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message + " [input-error]\n " +
           std::to_string(line) + " | " + source + "\n " + gutter + " | " + std::string(column - 1, ' ') + "^\n  = help: " + help +
           "\n";
}

} // namespace

TEST_CASE("merge: the shards of fixtures/ give the single run's report in every format, with its exit status",
          "[merge][cli]") {
    check_merges({"fixtures"}, all_formats);
}

TEST_CASE("merge: a fleet with snapshots outside clusters, broken files, waivers and a baseline", "[merge][cli]") {
    std::string root = fleet_with_gate();
    const std::vector<std::string> env = {"KBLINT_TODAY=2029-12-25"};
    json single = json::parse(run_kblint({"check", "--baseline", "base.json", "-f", "json", "fleet"}, root, env).out);
    REQUIRE(single["errors"].size() == 3);
    std::vector<std::string> kinds;
    for (const auto& n : single["notifications"]) kinds.push_back(n["kind"]);
    REQUIRE(kinds == std::vector<std::string>{"waiver-expiring", "waiver-expired", "waiver-unused", "baseline-stale",
                                              "baseline-stale"});
    CHECK(single["summary"]["waived"] == 4);
    CHECK(single["summary"]["baselined"] == 17);
    check_merges({"--baseline", "base.json", "fleet"}, all_formats, root, env);
}

TEST_CASE("merge: the errors of limits keep the order of one run (cluster size, runbook length, evaluation)",
          "[merge][cli]") {
    std::string root = temp_dir("merge-limits");
    make_fleet(root);
    const std::vector<std::string> formats = {"text", "json", "sarif"};
    check_merges({"--max-cluster-nodes", "1", "fleet"}, formats, root);
    // The same rule hits --max-eval-steps on several clusters: one run reports it once, at the first.
    check_merges({"--max-eval-steps", "300", "--max-runbook-steps", "2", "fleet"}, formats, root);
}

TEST_CASE("merge: --fail-on is the shards' unless given again", "[merge][cli]") {
    std::string dir = temp_dir("merge-fail-on");
    std::vector<std::string> reports = run_shards({"--fail-on", "never", "fixtures"}, 2, dir);
    CHECK(run_kblint(merge_args("text", reports)).status == 0);
    run_output strict = run_kblint(merge_args("sarif", reports, {"--fail-on", "warning"}));
    CHECK(strict.status == 1);
    run_output single = run_kblint({"check", "--fail-on", "never", "-f", "sarif", "fixtures"});
    CHECK(single.status == 0);
    CHECK(run_kblint(merge_args("sarif", reports, {"--fail-on", "never"})).out == single.out);
    CHECK(strict.out != single.out);  // SARIF records the exit status
}

TEST_CASE("merge: a file that is not a shard's report is a located input error (exit 2)", "[merge][cli]") {
    std::string dir = temp_dir("merge-refused");
    write_file(dir + "/corrupt.json", "{\"kblint\": {\"version\": \"0.1.0\", ");
    write_file(dir + "/foreign.json", "{\"a\": 1}\n");
    write_file(dir + "/array.json", "[1, 2]\n");
    write_file(dir + "/plain.json", run_kblint({"check", "-f", "json", "fixtures/healthy"}).out);
    const std::string help = "  = help: write the report of each shard with 'kblint check --shard K/N --format json -o FILE ...'\n";
    const std::string tail = "\nkblint: 1 error in the reports; nothing was merged\n";
    const std::vector<refused> cases = {
        {"corrupt.json",
         "corrupt.json:1:33: error: invalid JSON in the report: syntax error while parsing object key - unexpected end of "
         "input; expected string literal [input-error]\n 1 | {\"kblint\": {\"version\": \"0.1.0\", \n   |                                 ^\n" +
             help + tail},
        {"foreign.json", "foreign.json:1:1: error: not a kblint JSON report: it has no 'kblint' key [input-error]\n 1 | {\"a\": 1}\n   | ^\n" +
                             help + tail},
        {"array.json",
         "array.json:1:1: error: not a kblint JSON report: the document is an array, not an object [input-error]\n 1 | [1, 2]\n   | ^\n" +
             help + tail},
        {"plain.json", "plain.json:1:1: error: not the report of a shard: it has no 'shard' key [input-error]\n 1 | {\n   | ^\n" + help + tail},
        {"missing.json", "missing.json: error: cannot read report: no such file or directory\n" + tail},
    };
    for (const auto& c : cases) {
        INFO(c.files);
        run_output r = merge_in(dir, {c.files});
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err == c.err);
    }
}

TEST_CASE("merge: reports of another kblint, another run or a wrong type are located input errors (exit 2)",
          "[merge][cli]") {
    std::string dir = temp_dir("merge-runs");
    std::vector<std::string> two = run_shards({"fixtures"}, 2, dir);
    auto shard = [&](const std::string& name, std::vector<std::string> args) {
        args.insert(args.begin(), "check");
        args.insert(args.end(), {"-f", "json", "-o", dir + "/" + name});
        REQUIRE(run_kblint(args).status <= 2);
    };
    shard("only.json", {"--shard", "2/2", "--only", "Q*", "fixtures"});
    shard("pack.json", {"--shard", "2/2", "--no-builtin", "-r", "tests/data/pack", "fixtures"});
    shard("three.json", {"--shard", "2/3", "fixtures"});
    shard("healthy.json", {"--shard", "2/2", "fixtures/healthy"});
    std::string s2 = read_file(two[1]);
    std::string newer = s2;
    newer.replace(newer.find("\"version\": \"0.1.0\""), 18, "\"version\": \"0.2.0\"");
    write_file(dir + "/newer.json", newer);
    json typed = json::parse(s2);
    typed["findings"][0]["rule"] = 5;
    write_file(dir + "/typed.json", typed.dump(2));
    const std::string tail = "\nkblint: 1 error in the reports; nothing was merged\n";
    const std::string run_help = "give the reports of the shards of one run, each once";
    CHECK(merge_in(dir, {"shard2-1.json", "newer.json"}).err ==
          located(dir, "newer.json", "\"version\": ", "the report was written by kblint 0.2.0; this is kblint 0.1.0",
                  "merge the reports with the kblint that wrote them") + tail);
    CHECK(merge_in(dir, {"shard2-1.json", "only.json"}).err ==
          located(dir, "only.json", "\"options\": ",
                  "the report was written with other options than 'shard2-1.json' (rule selection, limits, --strict-schema, "
                  "--fail-on, waivers, baseline or date)",
                  "run every shard with the same options on the same day") + tail);
    CHECK(merge_in(dir, {"shard2-1.json", "pack.json"}).err ==
          located(dir, "pack.json", "\"pack\": ", "the report was written with another rule pack than 'shard2-1.json'",
                  "run every shard with the same rules and kblint") + tail);
    CHECK(merge_in(dir, {"shard2-1.json", "healthy.json"}).err ==
          located(dir, "healthy.json", "\"inputs\": ", "the report was written over other snapshot files than 'shard2-1.json'",
                  "run every shard with the same paths from the same folder") + tail);
    CHECK(merge_in(dir, {"shard2-1.json", "three.json"}).err ==
          located(dir, "three.json", "\"count\": ", "the report is shard 2 of 3, but 'shard2-1.json' is shard 1 of 2", run_help) + tail);
    CHECK(merge_in(dir, {"shard2-1.json", "shard2-2.json", "shard2-2.json"}).err ==
          located(dir, "shard2-2.json", "\"index\": ", "the report is shard 2 of 2 again: so is 'shard2-2.json'", run_help) + tail);
    run_output alone = merge_in(dir, {"shard2-2.json"});
    CHECK(alone.status == 2);
    CHECK(alone.err ==
          "kblint: no report of shard 1 of 2 was given: 'kblint merge' needs the report of every shard; nothing was merged\n");
    auto [line, column] = place_after(read_file(dir + "/typed.json"), "\"rule\": ");
    run_output bad = merge_in(dir, {"shard2-1.json", "typed.json"});
    CHECK(bad.status == 2);
    CHECK(bad.err.rfind("typed.json:" + std::to_string(line) + ":" + std::to_string(column) +
                            ": error: 'findings[0].rule' is an integer, not a string [input-error]\n",
                        0) == 0);
}

TEST_CASE("merge: usage errors, and the help names the command with examples", "[merge][cli]") {
    std::string dir = temp_dir("merge-usage");
    std::vector<std::string> reports = run_shards({"fixtures/healthy"}, 1, dir);
    run_output onto = run_kblint({"merge", "-o", reports[0], reports[0]});
    CHECK(onto.status == 2);
    CHECK(onto.err == "kblint: cannot write '" + reports[0] + "': it is the same file as '" + reports[0] +
                          "', a report being merged\n");
    CHECK(read_file(reports[0]).find("\"shard\"") != std::string::npos);
    run_output fmt = run_kblint({"merge", "-f", "sarf", reports[0]});
    CHECK(fmt.status == 2);
    CHECK(fmt.err == "kblint: invalid value 'sarf' for '--format', did you mean 'sarif'?\n");
    CHECK(run_kblint({"merge"}).status == 2);
    run_output help = run_kblint({"merge", "--help"});
    CHECK(help.status == 0);
    CHECK(help.out.find("Examples:\n"
                        "  kblint check --shard 2/3 -f json -o shard-2.json snapshots/\n"
                        "  kblint merge shard-1.json shard-2.json shard-3.json\n"
                        "  kblint merge -f sarif -o kblint.sarif shard-*.json\n") != std::string::npos);
    CHECK(run_kblint({"--help"}).out.find("  merge                       join the JSON reports of 'kblint check --shard K/N'") !=
          std::string::npos);
}

TEST_CASE("merge: --show-baselined lists the baselined findings as check does", "[merge][cli][baseline]") {
    std::string root = fleet_with_gate();
    const std::vector<std::string> env = {"KBLINT_TODAY=2029-12-25"};
    std::vector<std::string> reports = run_shards({"--baseline", "base.json", "fleet"}, 2, temp_dir("merge-baselined"), root, env);
    for (const std::string format : {"text", "concise"}) {
        INFO(format);
        run_output single = run_kblint({"check", "-f", format, "--show-baselined", "--baseline", "base.json", "fleet"}, root, env);
        run_output merged = run_kblint(merge_args(format, reports, {"--show-baselined"}), root, env);
        CHECK(merged.status == single.status);
        CHECK(merged.out == single.out);
        CHECK(merged.err == single.err);
        CHECK(count_of(merged.out, "(baselined) [") == 17);
        // Without it, counted only.
        run_output hidden = run_kblint(merge_args(format, reports), root, env);
        CHECK(count_of(hidden.out, "(baselined) [") == 0);
        CHECK(hidden.out.find("17 baselined findings not shown (--show-baselined lists them)\n") != std::string::npos);
    }
}
