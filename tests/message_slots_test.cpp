// A requirement's message (and fix) sees the failing element of the requirement's quantifier, even
// when the message has quantifiers of its own: they get frame slots of their own, never the slot of
// a variable still bound.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "checker/engine/engine.hpp"

namespace {

const std::string schema = R"(schema {
  node_id node.name
  cluster_id cluster.name
  field node.name string required
  field cluster.name string
  field v int
}
)";

const std::string rules = R"(rule M-1 {
  title "t"
  severity error
  scope cluster
  ref KB "s"
  fix "{count k in nodes where k.v != 1} to correct, first {n.node.name}"
  require all n in nodes: n.v == 1
  message "{count m in nodes where m.v == 1} of {len(nodes)} good; {n.node.name} has v = {n.v}"
}
)";

std::vector<std::string> run(const std::vector<std::pair<std::string, int>>& nodes) {
    auto res = kbl::load_pack({std::make_shared<kbl::source_file>("s.kbl", schema),
                               std::make_shared<kbl::source_file>("r.kbl", rules)});
    for (const auto& d : res.diags) FAIL_CHECK(kbl::render_diagnostic(d));
    REQUIRE(res.p);
    std::vector<kbl::snap::snapshot> snaps;
    for (const auto& [name, v] : nodes) {
        std::string text = fmt::format("v = {}\n[node]\nname = \"{}\"\n[cluster]\nname = \"C\"\n", v, name);
        kbl::diagnostics errs;
        auto s = kbl::snap::load_snapshot(name + ".toml", text, kbl::snap::default_load_limits(), kbl::pack_ci_tables(*res.p), errs);
        REQUIRE(errs.empty());
        snaps.push_back(*s);
    }
    auto r = kbl::check(*res.p, snaps, {});
    std::vector<std::string> out;
    for (const auto& f : r.findings) out.push_back(fmt::format("{} {}: {} | {}", f.rule, f.loc.file->name(), f.message, f.fix));
    return out;
}

} // namespace

TEST_CASE("a message's own quantifier does not overwrite the requirement's failing element", "[eval]") {
    // The failing node comes first and the last node is good: with a shared slot the message
    // would name the last node iterated by its own `count`.
    CHECK(run({{"A", 2}, {"B", 1}, {"C", 1}}) ==
          std::vector<std::string>{"M-1 A.toml: 2 of 3 good; A has v = 2 | 1 to correct, first A"});
    CHECK(run({{"A", 1}, {"B", 3}, {"C", 1}}) ==
          std::vector<std::string>{"M-1 B.toml: 2 of 3 good; B has v = 3 | 1 to correct, first B"});
}
