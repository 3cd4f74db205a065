// `at EXPR` after a require: the finding points at EXPR's value (evaluated with the require's
// bindings), the place chosen without it goes to `related`; `kblint fmt` keeps it; it is parsed,
// type-checked and located like any item.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "checker/engine/engine.hpp"
#include "parser/format.hpp"
#include "parser/parse.hpp"

namespace {

const std::string schema = R"(schema {
  node_id node.name
  field node.name string required
  field accounts list(string)
  field groups table
  field groups.* list(string)
}
)";

std::vector<std::string> check(const std::string& rules, const std::string& snapshot, std::vector<std::string>* diags = nullptr) {
    auto res = kbl::load_pack({std::make_shared<kbl::source_file>("s.kbl", schema),
                               std::make_shared<kbl::source_file>("r.kbl", rules)});
    if (diags) {
        for (const auto& d : res.diags) diags->push_back(fmt::format("{}:{}: {}", d.where.line, d.where.column, d.message));
        return {};
    }
    for (const auto& d : res.diags) FAIL_CHECK(kbl::render_diagnostic(d));
    REQUIRE(res.p);
    kbl::diagnostics errs;
    auto s = kbl::snap::load_snapshot("n1.toml", snapshot, kbl::snap::default_load_limits(), kbl::pack_ci_tables(*res.p), errs);
    REQUIRE(errs.empty());
    auto r = kbl::check(*res.p, {*s}, {});
    std::vector<std::string> out;
    for (const auto& f : r.findings) {
        out.push_back(fmt::format("{} {}:{} {} {}", f.rule, f.loc.where.line, f.loc.where.column, f.loc.path, f.message));
        for (const auto& rl : f.related)
            out.push_back(fmt::format("  related {}:{} {}: {}", rl.loc.where.line, rl.loc.where.column, rl.loc.path, rl.message));
    }
    return out;
}

const std::string rule = R"(rule A-1 {
  title "t"
  severity error
  scope node
  ref KB "s"
  fix "f"
  require none a in accounts where not (a in (groups.Guests ?? []))
  message "{a} is not a guest"
  at groups.Guests
}
)";

// Lines: 1 [node], 2 name, 3 accounts, 4 [groups], 5 Guests.
const std::string snap_with = "accounts = [\"u1\", \"u2\"]\n[node]\nname = \"n1\"\n[groups]\nGuests = [\"u2\"]\n";
const std::string snap_without = "accounts = [\"u1\"]\n[node]\nname = \"n1\"\n[groups]\nUsers = [\"u1\"]\n";

} // namespace

TEST_CASE("'at' moves a finding to its value and keeps the former place in related", "[at]") {
    CHECK(check(rule, snap_with) == std::vector<std::string>{"A-1 5:10 groups.Guests u1 is not a guest",
                                                             "  related 1:13 accounts[0]: 'accounts[0]' read here"});
}

TEST_CASE("'at' a missing value points at the table where it should be", "[at]") {
    CHECK(check(rule, snap_without) == std::vector<std::string>{"A-1 4:1 groups.Guests u1 is not a guest",
                                                                "  related 1:13 accounts[0]: 'accounts[0]' read here"});
}

TEST_CASE("'at' is parsed after a require only, and type-checked at its place", "[at]") {
    std::vector<std::string> d;
    std::string bad_path = rule;
    bad_path.replace(bad_path.find("at groups.Guests"), 16, "at grops.Guests");
    check(bad_path, snap_with, &d);
    REQUIRE(d.size() == 1);
    CHECK(d[0].rfind("9:6: ", 0) == 0);
    d.clear();
    std::string no_require = "rule A-2 {\n  title \"t\"\n  at accounts\n}\n";
    check(no_require, snap_with, &d);
    REQUIRE(!d.empty());
    CHECK(d[0] == "3:3: 'at' belongs to a 'require', and none comes before it in rule 'A-2'");
}

TEST_CASE("kblint fmt keeps 'at' after its require and message", "[at][fmt]") {
    kbl::diagnostics diags;
    auto out = kbl::format_rules(std::make_shared<kbl::source_file>("r.kbl", rule), diags);
    REQUIRE(out);
    CHECK(out->find("  message  \"{a} is not a guest\"\n  at       groups.Guests\n}") != std::string::npos);
    auto again = kbl::format_rules(std::make_shared<kbl::source_file>("r2.kbl", *out), diags);
    REQUIRE(again);
    CHECK(*again == *out);
}
