// Runbooks and planned changes: actions and each effect kind, copy on write, rules before/after
// steps and on the final state, sequence rules, and where step findings point.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "checker/engine/engine.hpp"
#include "tests/test_util.hpp"

namespace {

const std::string pack_text = kbl::test::runbook_test_schema({"pkgs list(string)", "flags any"}, true) + R"KBL(action stop_service {
  for name in (step.services ?? [step.service]) {
    set target.services[name].state = "stopped"
  }
}
action start_service {
  set target.services[step.service].state = "running"
}
action uninstall {
  set target.flags.installed = false
  delete target.services.W3SVC
  remove target.pkgs, "iis"
}
action install {
  set target.flags.installed = true
  add target.pkgs, "iis"
  if exists(step.extra) { set target.flags.extra = step.extra } else { set target.flags.extra = "none" }
  let who = target.node.name
  set target.flags.by = who
}
rule R-BEFORE {
  title "t"
  severity error
  scope node
  ref KB "s"
  fix "stop ClusSvc on {node.name} first"
  on before uninstall
  require services.ClusSvc.state == "stopped"
  message "ClusSvc on {node.name} is '{services.ClusSvc.state}' at step {step_index} ({step.action})"
}
rule R-AFTER {
  title "t"
  severity warning
  scope node
  ref KB "s"
  fix "f"
  on after install
  require "iis" in pkgs and flags.installed
  message "install did not install"
}
rule R-FINAL {
  title "t"
  severity info
  scope node
  ref KB "s"
  fix "f"
  on final
  require flags.installed ?? true
  message "{node.name} ends without IIS"
}
rule R-EFFECTS {
  title "t"
  severity info
  scope node
  ref KB "s"
  fix "f"
  on final
  when flags.check_effects ?? false
  require pkgs == ["base", "iis"] and not exists(services.W3SVC) and services.clussvc.state == "stopped"
          and flags.extra == "none" and flags.by == "N2" and flags.installed
  message "effects: {pkgs} {services} {flags}"
}
rule R-SEQ {
  title "t"
  severity error
  scope runbook
  ref KB "s"
  fix "f"
  require all u in steps where u.action == "uninstall":
            any s in steps: s.action == "stop_service" and step_index(s) < step_index(u)
  message "step {step_index(u)} uninstalls before any stop"
  require any s in steps: s.action == "start_service"
  message "the runbook never starts a service again"
  require all s in steps: is_action(s.action) and exists(node_of(s))
  message "step {step_index(s)} is not valid"
}
)KBL";

const std::string n1_head = "[node]\nname = \"N1\"\n[cluster]\nname = \"C\"\n[services.ClusSvc]\nstate = \"running\"\n";  // lines 1-6
const std::string n2 = "[node]\nname = \"N2\"\n[cluster]\nname = \"C\"\n[services.ClusSvc]\nstate = \"running\"\n"
                       "[services.W3SVC]\nstate = \"running\"\n[flags]\ninstalled = true\n";

struct result {
    std::vector<std::string> lines;
    kbl::check_result res;
};

result run(const std::vector<std::pair<std::string, std::string>>& files, std::vector<kbl::snap::snapshot>* keep = nullptr,
           const std::string& pack = pack_text) {
    auto pr = kbl::load_pack({std::make_shared<kbl::source_file>("p.kbl", pack)});
    for (const auto& d : pr.diags) FAIL_CHECK(kbl::render_diagnostic(d));
    REQUIRE(pr.p);
    std::vector<kbl::snap::snapshot> snaps;
    for (const auto& [name, text] : files) {
        kbl::diagnostics errs;
        auto s = kbl::snap::load_snapshot(name, text, kbl::snap::default_load_limits(), kbl::pack_ci_tables(*pr.p), errs);
        for (const auto& d : errs) FAIL_CHECK(kbl::render_diagnostic(d));
        REQUIRE(s);
        snaps.push_back(*s);
    }
    result r;
    r.res = kbl::check(*pr.p, snaps, {});
    for (const auto& f : r.res.findings) {
        std::string line = fmt::format("{} {} {}:{}:{}", f.rule, f.node, f.loc.file->name(), f.loc.where.line, f.loc.where.column);
        if (f.step) line += fmt::format(" step {} {}", f.step->index, f.step->action);
        line += ": " + f.message;
        for (const auto& rl : f.related)
            line += fmt::format(" | {}:{}:{} {}", rl.loc.file->name(), rl.loc.where.line, rl.loc.where.column, rl.message);
        r.lines.push_back(line);
    }
    if (keep) *keep = snaps;
    return r;
}

} // namespace

TEST_CASE("a safe runbook gives no finding", "[runbook]") {
    std::string n1 = n1_head +
                     "[runbook]\nname = \"ok\"\n"                                         // 7-8
                     "[[runbook.steps]]\nnode = \"N2\"\naction = \"stop_service\"\nservice = \"ClusSvc\"\n"  // 9-12
                     "[[runbook.steps]]\nnode = \"n2\"\naction = \"uninstall\"\n"         // 13-15
                     "[[runbook.steps]]\nnode = \"N2\"\naction = \"install\"\n"           // 16-18
                     "[[runbook.steps]]\nnode = \"N2\"\naction = \"start_service\"\nservice = \"ClusSvc\"\n";
    auto r = run({{"N1.toml", n1}, {"N2.toml", n2}});
    CHECK(r.lines.empty());
    CHECK(r.res.runbooks == 1);
}

TEST_CASE("a step that runs too early is caught at that step, with the state that made it unsafe", "[runbook]") {
    std::string n1 = n1_head +
                     "[runbook]\nname = \"late stop\"\n"                                  // 7-8
                     "[[runbook.steps]]\nnode = \"N2\"\naction = \"uninstall\"\n"         // 9-11
                     "[[runbook.steps]]\nnode = \"N2\"\naction = \"stop_service\"\nservice = \"ClusSvc\"\n"  // 12-15
                     "[[runbook.steps]]\nnode = \"N2\"\naction = \"start_service\"\nservice = \"ClusSvc\"\n"  // 16-19
                     "[[runbook.steps]]\nnode = \"N2\"\naction = \"uninstall\"\n";        // 20-22
    auto r = run({{"N1.toml", n1}, {"N2.toml", n2}});
    CHECK(r.lines == std::vector<std::string>{
                         "R-BEFORE N2 N1.toml:9:1 step 1 uninstall: ClusSvc on N2 is 'running' at step 1 (uninstall) | N2.toml:6:9 'services.ClusSvc.state' read here",
                         "R-SEQ N1 N1.toml:9:1 step 1 uninstall: step 1 uninstalls before any stop",
                         "R-BEFORE N2 N1.toml:20:1 step 4 uninstall: ClusSvc on N2 is 'running' at step 4 (uninstall) | N1.toml:16:1 'services.ClusSvc.state' was set by step 3 (start_service)",
                         "R-FINAL N2 N1.toml:20:1: N2 ends without IIS",
                     });
    REQUIRE(r.res.findings.size() == 4);
    CHECK(r.res.findings[0].fix == "stop ClusSvc on N2 first");
    CHECK(r.res.findings[0].loc.path == "runbook.steps[0]");
    CHECK(r.res.findings[0].related.at(0).loc.path == "services.ClusSvc.state");
}

TEST_CASE("a planned change is a one-step runbook", "[runbook]") {
    std::string n2p = n2 + "[planned]\naction = \"uninstall\"\n";  // [planned] at line 11
    auto r = run({{"N2.toml", n2p}});
    CHECK(r.lines == std::vector<std::string>{
                         "R-BEFORE N2 N2.toml:11:1 step 1 uninstall: ClusSvc on N2 is 'running' at step 1 (uninstall) | N2.toml:6:9 'services.ClusSvc.state' read here",
                         "R-FINAL N2 N2.toml:11:1: N2 ends without IIS",
                         "R-SEQ N2 N2.toml:11:1 step 1 uninstall: step 1 uninstalls before any stop",
                         "R-SEQ N2 N2.toml:11:1 step 1 uninstall: the runbook never starts a service again"});
}

TEST_CASE("effects: set, add, remove, delete, let, if and for", "[runbook]") {
    std::string n3 = "pkgs = [\"base\", \"IIS\"]\n" + n2 + "check_effects = true\n"  // line 12
                     "[[runbook.steps]]\naction = \"stop_service\"\nservices = [\"clussvc\", \"W3SVC\"]\n"  // 13-15
                     "[[runbook.steps]]\naction = \"uninstall\"\n[[runbook.steps]]\naction = \"install\"\n";
    auto r = run({{"N3.toml", n3}});
    // stop both services; uninstall deletes W3SVC and removes 'IIS' ignoring case; install adds 'iis',
    // takes the else branch (no 'extra') and records who installed through a let.
    CHECK(r.lines == std::vector<std::string>{"R-SEQ N2 N3.toml:13:1: the runbook never starts a service again"});
    std::string bad = "pkgs = [\"base\"]\n" + n2 + "check_effects = true\n[[runbook.steps]]\naction = \"install\"\nextra = \"x\"\n";
    auto r2 = run({{"N4.toml", bad}});
    REQUIRE(r2.lines.size() == 2);
    CHECK(r2.lines[1] == "R-SEQ N2 N4.toml:13:1: the runbook never starts a service again");
    CHECK(r2.lines[0] == "R-EFFECTS N2 N4.toml:8:1: effects: ['base', 'iis'] {ClusSvc = {state = 'running'}, W3SVC = {state = 'running'}} {installed = true, check_effects = true, extra = 'x', by = 'N2'}");
}

TEST_CASE("simulation copies on write: the loaded snapshots never change", "[runbook]") {
    std::string n1 = n1_head + "[[runbook.steps]]\nnode = \"N2\"\naction = \"uninstall\"\n";
    std::vector<kbl::snap::snapshot> snaps;
    auto r = run({{"N1.toml", n1}, {"N2.toml", n2}}, &snaps);
    REQUIRE(snaps.size() == 2);
    const auto* svc = snaps[1].root->find("services")->value->find("W3SVC");
    REQUIRE(svc != nullptr);
    CHECK(snaps[1].root->find("flags")->value->find("installed")->value->b == true);
    // Two runbooks in one cluster are simulated separately from the same initial state.
    std::string a = n1_head + "[[runbook.steps]]\nnode = \"N2\"\naction = \"stop_service\"\nservice = \"ClusSvc\"\n";
    std::string b = n2 + "[[runbook.steps]]\naction = \"uninstall\"\n";
    auto r2 = run({{"A.toml", a}, {"B.toml", b}});
    bool before_in_b = false;
    for (const auto& l : r2.lines)
        if (l.rfind("R-BEFORE N2 B.toml", 0) == 0) before_in_b = true;
    CHECK(before_in_b);  // A's stop does not leak into B's simulation
    CHECK(r2.res.runbooks == 2);
}

TEST_CASE("a step naming an unknown node is not evaluated and is reported by the pack", "[runbook]") {
    std::string n1 = n1_head + "[[runbook.steps]]\nnode = \"N9\"\naction = \"uninstall\"\n"  // 7-9
                               "[[runbook.steps]]\nnode = \"N1\"\naction = \"dance\"\n";     // 10-12
    auto r = run({{"N1.toml", n1}});
    CHECK(r.lines == std::vector<std::string>{
                         "R-SEQ N1 N1.toml:7:1 step 1 uninstall: step 1 is not valid",
                         "R-SEQ N1 N1.toml:7:1 step 1 uninstall: step 1 uninstalls before any stop",
                         "R-SEQ N1 N1.toml:7:1: the runbook never starts a service again",
                         "R-SEQ N1 N1.toml:10:1 step 2 dance: step 2 is not valid"});
    bool skipped = false;
    for (const auto& k : r.res.skipped)
        if (k.rule == "R-BEFORE" && k.reason == "not evaluated at step 1: it names node 'N9', which is not in this cluster") skipped = true;
    CHECK(skipped);
}

// A runbook rule whose def is called once per step leaves a large memo behind; the step rules after
// it (each a new context, calling a def of their own) and the lists of step rules per action must
// still give exactly the findings of each step.
const std::string long_pack = kbl::test::runbook_test_schema({}) + R"KBL(def is_stop(s) = s.action == "stop_service"
def state_of(n, svc) = n.services[svc].state ?? "absent"
action stop_service {
  set target.services[step.service].state = "stopped"
}
action start_service {
  set target.services[step.service].state = "running"
}
rule R-PAIRS {
  title "t"
  severity error
  scope runbook
  ref KB "s"
  fix "f"
  require all s in steps where is_stop(s): any t in steps: not is_stop(t) and step_index(t) == step_index(s) + 1
  message "step {step_index(s)} stops a service that no later step starts"
}
rule R-STATE {
  title "t"
  severity warning
  scope node
  ref KB "s"
  fix "f"
  on before start_service
  on after stop_service
  require state_of(self, step.service) == "stopped"
  message "{step.service} is {state_of(self, step.service)} at step {step_index} ({step.action})"
}
)KBL";

TEST_CASE("a long runbook: each step's rules judge exactly that step's state", "[runbook]") {
    // Step 1 starts a running service; 60 stop/start pairs; step 122 starts it again, step 123
    // stops it for good. Each step table is 4 lines, the first at line 7.
    std::string n1 = n1_head;
    auto step = [&](const char* action) { n1 += fmt::format("[[runbook.steps]]\naction = \"{}\"\nservice = \"ClusSvc\"\n\n", action); };
    step("start_service");
    for (int i = 0; i < 60; ++i) {
        step("stop_service");
        step("start_service");
    }
    step("start_service");
    step("stop_service");
    const auto line = [](int index) { return 7 + 4 * (index - 1); };
    auto r = run({{"N1.toml", n1}}, nullptr, long_pack);
    CHECK(r.lines == std::vector<std::string>{
                         "R-STATE N1 N1.toml:7:1 step 1 start_service: ClusSvc is running at step 1 (start_service) | N1.toml:6:9 "
                         "'services.ClusSvc.state' read here",
                         fmt::format("R-STATE N1 N1.toml:{}:1 step 122 start_service: ClusSvc is running at step 122 (start_service) | "
                                     "N1.toml:{}:1 'services.ClusSvc.state' was set by step 121 (start_service)",
                                     line(122), line(121)),
                         fmt::format("R-PAIRS N1 N1.toml:{}:1 step 123 stop_service: step 123 stops a service that no later step starts",
                                     line(123)),
                     });
    CHECK(r.res.runbooks == 1);
}

TEST_CASE("a def that reads the trigger or the node is evaluated again in each rule, never remembered across them", "[runbook]") {
    // The evaluator remembers a def's calls across a cluster's rules only when the def reads nothing
    // but its arguments and the cluster's state (builtin_def::context_free, compiler::mark_context_defs).
    const std::string rule_on = R"KBL(rule R-PHASE-{0} {{
  title "t"
  severity info
  scope node
  ref KB "s"
  fix "f"
  on {1} uninstall
  let p = phase("!")
  let w = named("?")
  require p == "none"
  message "{{p}} {{w}} {{plain(1)}}"
}}
)KBL";
    const std::string pack = pack_text + "def phase(x) = trigger() + x\ndef named(x) = node.name + x\ndef plain(x) = x + 1\n" +
                             fmt::format(fmt::runtime(rule_on), "B", "before") + fmt::format(fmt::runtime(rule_on), "A", "after");
    std::string n1 = n1_head + "[runbook]\nname = \"two\"\n"                      // 7-8
                     "[[runbook.steps]]\nnode = \"N2\"\naction = \"uninstall\"\n"  // 9-11
                     "[[runbook.steps]]\nnode = \"N1\"\naction = \"uninstall\"\n";  // 12-14
    auto r = run({{"N1.toml", n1}, {"N2.toml", n2}}, nullptr, pack);
    std::vector<std::string> phase;
    for (const auto& l : r.lines)
        if (l.starts_with("R-PHASE")) phase.push_back(l);
    CHECK(phase == std::vector<std::string>{
                       "R-PHASE-A N2 N1.toml:9:1 step 1 uninstall: after! N2? 2 | N2.toml:1:1 this value read here",
                       "R-PHASE-B N2 N1.toml:9:1 step 1 uninstall: before! N2? 2 | N2.toml:1:1 this value read here",
                       "R-PHASE-A N1 N1.toml:12:1 step 2 uninstall: after! N1? 2 | N1.toml:1:1 this value read here",
                       "R-PHASE-B N1 N1.toml:12:1 step 2 uninstall: before! N1? 2 | N1.toml:1:1 this value read here",
                   });
}
