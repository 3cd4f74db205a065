// Declared step arguments for any pack: a step key its action does not declare, a value of the wrong
// type and a missing required argument are schema violations, and the simulation stops before such
// a step (its later rules are listed as not evaluated, never passed). An action without `arg`
// accepts any key in a non-strict schema and only the common keys in a strict one.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "checker/engine/engine.hpp"

namespace {

std::string schema(bool strict) {
    return fmt::format(R"(schema {{
  {}
  node_id node.name
  cluster_id cluster.name
  runbook runbook.steps
  step_action action
  step_node node
  step_arg note string
  field node.name string required
  field cluster.name string
  field state table
  field state.svc string
  field runbook any optional
}}
)", strict ? "strict" : "");
}

const std::string pack_text = R"(action stop {
  arg service string required
  arg force bool
  set target.state.svc = "stopped"
}
action legacy {
  set target.state.svc = "legacy"
}
rule R-1 {
  title "t"
  severity error
  scope node
  ref KB "s"
  fix "f"
  on final
  require state.svc != "stopped"
  message "{node.name} ends with the service stopped"
}
)";

struct outcome {
    std::vector<std::string> lines;  ///< `RULE node file:line:col status: message`
    std::vector<std::string> skipped;  ///< `RULE: reason`
};

outcome run(bool strict, const std::string& steps) {
    auto res = kbl::load_pack({std::make_shared<kbl::source_file>("s.kbl", schema(strict)),
                               std::make_shared<kbl::source_file>("a.kbl", pack_text)});
    for (const auto& d : res.diags) FAIL_CHECK(kbl::render_diagnostic(d));
    REQUIRE(res.p);
    std::string text = "[node]\nname = \"n1\"\n[cluster]\nname = \"C\"\n[state]\nsvc = \"running\"\n[runbook]\n" + steps;
    kbl::diagnostics errs;
    auto s = kbl::snap::load_snapshot("n1.toml", text, kbl::snap::default_load_limits(), kbl::pack_ci_tables(*res.p), errs);
    REQUIRE(errs.empty());
    auto r = kbl::check(*res.p, {*s}, {});
    outcome out;
    for (const auto& f : r.findings)
        out.lines.push_back(fmt::format("{} {} {}:{}:{} {}: {}", f.rule, f.node, f.loc.file->name(), f.loc.where.line,
                                        f.loc.where.column, kbl::to_string(f.st), f.message));
    for (const auto& k : r.skipped) out.skipped.push_back(fmt::format("{}: {}", k.rule, k.reason));
    return out;
}

// Lines 8-: the runbook's steps.
const std::string stop_ok = "[[runbook.steps]]\naction = \"stop\"\nservice = \"svc\"\n";
const std::string stop_typo = "[[runbook.steps]]\naction = \"stop\"\nservcie = \"svc\"\n";
const std::string stop_bad_type = "[[runbook.steps]]\naction = \"stop\"\nservice = \"svc\"\nforce = \"yes\"\n";
const std::string legacy_extra = "[[runbook.steps]]\naction = \"legacy\"\nanything = 1\nnote = \"n\"\n";

} // namespace

TEST_CASE("a step spelt right is simulated and judged", "[steps]") {
    for (bool strict : {false, true}) {
        auto out = run(strict, stop_ok);
        CHECK(out.lines == std::vector<std::string>{"R-1 n1 n1.toml:8:1 fail: n1 ends with the service stopped"});
        CHECK(out.skipped.empty());
    }
}

TEST_CASE("a misspelt argument is a violation at the key, and the simulation stops before its step", "[steps]") {
    for (bool strict : {false, true}) {
        auto out = run(strict, stop_typo);
        CHECK(out.lines == std::vector<std::string>{
            "schema-violation n1 n1.toml:8:1 fail: required argument 'service' of action 'stop' is missing from 'runbook.steps[0]'",
            "schema-violation n1 n1.toml:10:1 fail: 'runbook.steps[0].servcie' is not an argument of action 'stop' (did you mean 'service'?)"});
        CHECK(out.skipped == std::vector<std::string>{
            "R-1: not evaluated: step 1 ('stop') has arguments that break its action's declaration, and the simulation stops before it"});
    }
}

TEST_CASE("an argument of the wrong type is a violation at the value", "[steps]") {
    auto out = run(false, stop_bad_type);
    CHECK(out.lines == std::vector<std::string>{
        "schema-violation n1 n1.toml:11:9 fail: 'runbook.steps[0].force' should be a boolean, but it is a string"});
    CHECK(out.skipped.size() == 1);
}

TEST_CASE("an action without 'arg' accepts any key unless the schema is strict", "[steps]") {
    auto loose = run(false, legacy_extra);
    CHECK(loose.lines.empty());
    CHECK(loose.skipped.empty());
    auto strict = run(true, legacy_extra);
    CHECK(strict.lines == std::vector<std::string>{
        "schema-violation n1 n1.toml:10:1 fail: 'runbook.steps[0].anything' is not an argument of action 'legacy'"});
    CHECK(strict.skipped.size() == 1);
}
