// The engine validates every snapshot against the pack's schema (whether or not a rule calls
// schema_violations()), reports undeclared keys in strict mode, and does not evaluate cluster rules
// on a cluster that lost a member to a load error.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "checker/engine/engine.hpp"

namespace {

const std::string pg_schema = R"(schema {
  node_id node.name
  cluster_id cluster.name
  field node.name string required
  field node.role enum("primary", "replica") required
  field cluster.name string
  field settings table nocase
  field settings.max_wal_senders int
  field settings.wal_level string
}
)";

const std::string pg_rule = R"(rule PG-1 {
  title "one primary"
  severity error
  scope cluster
  ref KB "s"
  fix "f"
  require (count n in nodes where n.node.role == "primary") == 1
  message "cluster has {count n in nodes where n.node.role == 'primary'} primaries"
}
rule PG-2 {
  title "role is known"
  severity warning
  scope node
  ref KB "s"
  fix "f"
  require node.role in ["primary", "replica"]
  message "bad role"
}
)";

struct outcome {
    std::vector<std::string> lines;     ///< `RULE node file:line:col status: message`, then `note: ...`
    std::vector<kbl::not_evaluated> skipped;
};

outcome run(const std::string& schema, const std::vector<std::pair<std::string, std::string>>& files,
            kbl::check_options opt = {}, const std::string& rules = pg_rule) {
    auto res = kbl::load_pack({std::make_shared<kbl::source_file>("s.kbl", schema),
                               std::make_shared<kbl::source_file>("r.kbl", rules)});
    for (const auto& d : res.diags) FAIL_CHECK(kbl::render_diagnostic(d));
    REQUIRE(res.p);
    std::vector<kbl::snap::snapshot> snaps;
    for (const auto& [name, text] : files) {
        kbl::diagnostics errs;
        auto s = kbl::snap::load_snapshot(name, text, kbl::snap::default_load_limits(), kbl::pack_ci_tables(*res.p), errs);
        REQUIRE(errs.empty());
        snaps.push_back(*s);
    }
    auto r = kbl::check(*res.p, snaps, opt);
    outcome out;
    for (const auto& f : r.findings)
        out.lines.push_back(fmt::format("{} {} {}:{}:{} {}: {}", f.rule, f.node, f.loc.file->name(), f.loc.where.line,
                                        f.loc.where.column, kbl::to_string(f.st), f.message));
    for (const auto& d : r.errors) out.lines.push_back(fmt::format("{}: {} [{}]", d.severity == kbl::diag_severity::note ? "note" : "error", d.message, d.check_id));
    out.skipped = r.skipped;
    return out;
}

const std::string pg1 = "[node]\nname = \"pg1\"\nrole = \"primary\"\n[cluster]\nname = \"C\"\n";
const std::string pg2 = "[node]\nname = \"pg2\"\nrole = \"replica\"\n[cluster]\nname = \"C\"\n";

} // namespace

TEST_CASE("a custom pack without a schema rule gets every snapshot validated by the engine", "[schema]") {
    std::string bad = "[node]\nname = \"pg2\"\n[cluster]\nname = \"C\"\n[settings]\nmax_wal_senders = \"10\"\n";
    auto out = run(pg_schema, {{"pg1.toml", pg1}, {"pg2.toml", bad}});
    CHECK(out.lines == std::vector<std::string>{
                           "schema-violation pg2 pg2.toml:1:1 fail: required key 'node.role' is missing from 'node'",
                           "schema-violation pg2 pg2.toml:6:19 fail: 'settings.max_wal_senders' should be an integer, but it is a string",
                       });
    // The missing required key is reported once: the rule that reads it is not evaluated on pg2.
    bool listed = std::any_of(out.skipped.begin(), out.skipped.end(), [](const kbl::not_evaluated& s) {
        return s.rule == "PG-2" && s.node == "pg2" &&
               s.reason == "not evaluated: required 'node.role' is missing (reported by the schema check)";
    });
    CHECK(listed);
}

TEST_CASE("the engine reports enumerations, case collisions in nocase tables and duplicate node ids", "[schema]") {
    std::string odd = "[node]\nname = \"PG1\"\nrole = \"leader\"\n[cluster]\nname = \"C\"\n[settings]\nwal_level = \"a\"\nWAL_LEVEL = \"b\"\n";
    auto out = run(pg_schema, {{"pg1.toml", pg1}, {"copy.toml", odd}});
    CHECK(out.lines == std::vector<std::string>{
                           "schema-violation PG1 copy.toml:2:8 fail: 2 snapshots of this cluster have the node id 'PG1' (pg1.toml, copy.toml); a cluster holds one snapshot per node",
                           "PG-2 PG1 copy.toml:3:8 fail: bad role",
                           "schema-violation PG1 copy.toml:3:8 fail: 'node.role' is 'leader', which is not one of 'primary', 'replica'",
                           "schema-violation PG1 copy.toml:8:1 fail: 'settings' has both 'wal_level' and 'WAL_LEVEL', keys that differ only by case (they name one thing)",
                           "schema-violation pg1 pg1.toml:2:8 fail: 2 snapshots of this cluster have the node id 'pg1' (pg1.toml, copy.toml); a cluster holds one snapshot per node",
                       });
}

TEST_CASE("strict mode reports undeclared keys with a suggestion, from the schema block or the option", "[schema]") {
    std::string typo = "[node]\nname = \"pg1\"\nrole = \"primary\"\n[cluster]\nname = \"C\"\n[settings]\nwal_levle = \"replica\"\n";
    std::string strict_schema = pg_schema;
    strict_schema.replace(strict_schema.find("schema {\n") + 9, 0, "  strict\n");
    const std::vector<std::string> want{
        "schema-violation pg1 pg1.toml:7:1 fail: 'settings.wal_levle' is not declared by the schema (did you mean 'wal_level'?)"};
    CHECK(run(strict_schema, {{"pg1.toml", typo}}).lines == want);
    kbl::check_options opt;
    opt.strict_schema = true;
    CHECK(run(pg_schema, {{"pg1.toml", typo}}, opt).lines == want);
    CHECK(run(pg_schema, {{"pg1.toml", typo}}).lines.empty());
}

TEST_CASE("the engine's schema check is selected by its id like a rule", "[schema]") {
    std::string bad = "[node]\nname = \"pg1\"\nrole = 1\n[cluster]\nname = \"C\"\n";
    kbl::check_options opt;
    opt.skip = {"schema-*"};
    CHECK(run(pg_schema, {{"pg1.toml", bad}}, opt).lines ==
          std::vector<std::string>{"PG-1 pg1 pg1.toml:3:8 unknown: cannot check this rule on pg1: cannot compare int '1' with string 'primary'",
                                   "PG-2 pg1 pg1.toml:3:8 fail: bad role"});
}

TEST_CASE("a cluster that lost a member to a load error gets only its node rules, and a note", "[schema]") {
    kbl::check_options opt;
    opt.failed_files = {"snaps/pg1.toml"};
    auto out = run(pg_schema, {{"snaps/pg2.toml", pg2}}, opt);
    CHECK(out.lines == std::vector<std::string>{
                           "note: cluster 'C' is incomplete: 'snaps/pg1.toml' failed to load; only its node rules were "
                           "evaluated, on the files that loaded [incomplete-cluster]"});
    bool listed = std::any_of(out.skipped.begin(), out.skipped.end(), [](const kbl::not_evaluated& s) {
        return s.rule == "PG-1" && s.reason == "not evaluated: cluster 'C' is incomplete: 'snaps/pg1.toml' failed to load";
    });
    CHECK(listed);
    // A failure in another folder leaves the cluster complete: the cluster rule runs.
    opt.failed_files = {"other/pg1.toml"};
    CHECK(run(pg_schema, {{"snaps/pg2.toml", pg2}}, opt).lines ==
          std::vector<std::string>{"PG-1 pg2 snaps/pg2.toml:1:1 fail: cluster has 0 primaries"});
}

namespace {

const std::string optional_schema = R"(schema {
  node_id node.name
  cluster_id cluster.name
  field node.name string required
  field cluster.name string
  field settings table
  field settings.wal_level string
  field iis table optional
  field iis.version string
}
)";

std::string one_rule(const std::string& scope, const std::string& body) {
    return "rule R-1 {\n  title \"t\"\n  severity error\n  scope " + scope + "\n  ref KB \"s\"\n  fix \"f\"\n" + body +
           "  message \"m\"\n}\n";
}

const std::string with_wal = "[node]\nname = \"pg1\"\n[cluster]\nname = \"C\"\n[settings]\nwal_level = \"replica\"\n";
const std::string without_wal = "[node]\nname = \"pg2\"\n[cluster]\nname = \"C\"\n[settings]\nport = 5432\n";

} // namespace

TEST_CASE("a 'when' on an absent path is unknown, unless the schema marks it optional", "[schema]") {
    const std::string r = one_rule("node", "  when iis.version == \"4.0\"\n  require false\n");
    // No [iis] at all: the schema says its absence means "not applicable".
    CHECK(run(optional_schema, {{"pg1.toml", with_wal}}, {}, r).lines.empty());
    // [iis] without a version: the rule cannot be judged.
    CHECK(run(optional_schema, {{"pg1.toml", with_wal + "[iis]\ninstalled = true\n"}}, {}, r).lines ==
          std::vector<std::string>{"R-1 pg1 pg1.toml:7:1 unknown: cannot check this rule on pg1: 'iis.version' is missing"});
}

TEST_CASE("'[*]' and 'map' agree: a missing element makes the result missing, '?' drops it", "[schema]") {
    const std::vector<std::pair<std::string, std::string>> files{{"pg1.toml", with_wal}, {"pg2.toml", without_wal}};
    const std::vector<std::string> unknown{
        "R-1 pg2 pg2.toml:5:1 unknown: cannot check this rule on pg2: 'settings.wal_level' is missing"};
    CHECK(run(optional_schema, files, {}, one_rule("cluster", "  require len(unique(nodes[*].settings.wal_level)) == 1\n")).lines ==
          unknown);
    CHECK(run(optional_schema, files, {}, one_rule("cluster", "  require len(unique(map n in nodes: n.settings.wal_level)) == 1\n"))
              .lines == unknown);
    CHECK(run(optional_schema, files, {}, one_rule("cluster", "  require len(nodes[*].settings.wal_level?) == 1\n")).lines.empty());
    CHECK(run(optional_schema, files, {}, one_rule("cluster", "  require len(map n in nodes: n.settings.wal_level?) == 1\n"))
              .lines.empty());
}
