// What a report says was checked (issue item 9): the JSON `checked` key, the text report's
// `Checked:` block with -v, and the HTML report's collapsed "What was checked" section, on the
// fixtures of the built-in pack (whose schema declares `taken_at snapshot.taken_at`).
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_util.hpp"

namespace {

using kbl::test::run_kblint;
using nlohmann::json;

// The runbook of fixtures/runbook/NODE1.toml, step by step: the line of its table, its node (its
// `node` key, else NODE1, which holds the runbook) and its action.
struct step_row {
    int line;
    const char* node;
    const char* action;
};
const std::vector<step_row> runbook_steps = {
    {264, "NODE2", "stop_service"},
    {270, "NODE2", "set_service_startup"},
    {276, "NODE2", "uninstall_ntop"},
    {281, "NODE2", "restart_node"},
    {285, "NODE2", "apply_service_pack"},
    {290, "NODE2", "restart_node"},
    {295, "NODE2", "install_ntop"},
    {301, "NODE2", "restart_node"},
    {305, "NODE2", "apply_service_pack"},
    {310, "NODE2", "restart_node"},
    {314, "NODE2", "start_service"},
    {319, "NODE2", "set_service_startup"},
    {326, "NODE1", "set_affect_the_group"},
    {331, "NODE1", "set_affect_the_group"},
    {336, "NODE1", "move_group"},
    {341, "NODE2", "verify"},
    {346, "NODE1", "move_group"},
    {352, "NODE1", "configure_mts_replication"},
    {357, "NODE1", "iissync"},
    {364, "NODE2", "verify"},
    {370, "NODE1", "move_group"},
    {375, "NODE2", "verify"},
    {380, "NODE1", "move_group"},
    {385, "NODE1", "set_affect_the_group"},
    {390, "NODE1", "set_affect_the_group"},
};

json snapshot(const std::string& file, const std::string& node, const std::string& cluster) {
    return json{{"file", file}, {"node", node}, {"cluster", cluster}, {"taken_at", "2002-05-20T09:00:00Z"}};
}

json checked_of(const std::string& folder) {
    auto r = run_kblint({"check", "-f", "json", "--fail-on", "never", folder});
    REQUIRE(r.status == 0);
    auto ordered = nlohmann::ordered_json::parse(r.out);
    std::string last;
    for (const auto& item : ordered.items()) last = item.key();
    CHECK(last == "checked");  // the last key: no other key moved
    return json::parse(r.out)["checked"];
}

} // namespace

TEST_CASE("JSON: checked lists the snapshots with their time and the runbook with every step") {
    json steps = json::array();
    for (std::size_t i = 0; i < runbook_steps.size(); ++i)
        steps.push_back(json{{"step", i + 1}, {"node", runbook_steps[i].node}, {"action", runbook_steps[i].action}, {"line", runbook_steps[i].line}});
    json expected = {
        {"snapshots", json::array({snapshot("fixtures/runbook/NODE1.toml", "NODE1", "WC-runbook"),
                                   snapshot("fixtures/runbook/NODE2.toml", "NODE2", "WC-runbook")})},
        {"changes", json::array({json{{"file", "fixtures/runbook/NODE1.toml"}, {"kind", "runbook"}, {"steps", steps}}})}};
    CHECK(checked_of("fixtures/runbook") == expected);
}

TEST_CASE("JSON: checked lists a planned change as one step on the node of its file") {
    json expected = {
        {"snapshots", json::array({snapshot("fixtures/Q241573-010/NODE1.toml", "NODE1", "WC-Q241573-010"),
                                   snapshot("fixtures/Q241573-010/NODE2.toml", "NODE2", "WC-Q241573-010")})},
        {"changes", json::array({json{{"file", "fixtures/Q241573-010/NODE2.toml"},
                                      {"kind", "planned"},
                                      {"steps", json::array({json{{"step", 1}, {"node", "NODE2"}, {"action", "uninstall_ntop"}, {"line", 165}}})}}})}};
    CHECK(checked_of("fixtures/Q241573-010") == expected);
}

TEST_CASE("JSON: a pack without taken_at reports snapshots without a time (null)") {
    auto r = run_kblint({"check", "-f", "json", "--no-builtin", "-r", "tests/data/pack", "tests/data/snaps/clean"});
    json doc = json::parse(r.out);
    CHECK(doc["checked"] == json{{"snapshots", json::array({json{{"file", "tests/data/snaps/clean/alpha.toml"},
                                                                 {"node", "alpha"},
                                                                 {"cluster", "blue"},
                                                                 {"taken_at", nullptr}}})},
                                 {"changes", json::array()}});
}

TEST_CASE("text: -v prints the Checked: block before the summary line, without -v the report is unchanged") {
    auto plain = run_kblint({"check", "--fail-on", "never", "fixtures/Q241573-010"});
    auto verbose = run_kblint({"check", "-v", "--fail-on", "never", "fixtures/Q241573-010"});
    REQUIRE(plain.status == 0);
    REQUIRE(verbose.status == 0);
    CHECK(plain.out.find("Checked:") == std::string::npos);
    const std::string block = "Checked:\n"
                              "  snapshot fixtures/Q241573-010/NODE1.toml: node 'NODE1', cluster 'WC-Q241573-010', taken at 2002-05-20T09:00:00Z\n"
                              "  snapshot fixtures/Q241573-010/NODE2.toml: node 'NODE2', cluster 'WC-Q241573-010', taken at 2002-05-20T09:00:00Z\n"
                              "  planned in fixtures/Q241573-010/NODE2.toml: 1 step\n"
                              "    1. 'uninstall_ntop' on 'NODE2' (line 165)\n";
    // The verbose report is the plain one with the block (and a blank line) before the summary line.
    std::size_t summary = plain.out.rfind('\n', plain.out.size() - 2) + 1;
    CHECK(verbose.out == plain.out.substr(0, summary) + block + "\n" + plain.out.substr(summary));
}

TEST_CASE("text: -v with a pack without taken_at says the time is unknown") {
    auto r = run_kblint({"check", "-v", "--no-builtin", "-r", "tests/data/pack", "tests/data/snaps/clean"});
    CHECK(r.out.find("Checked:\n  snapshot tests/data/snaps/clean/alpha.toml: node 'alpha', cluster 'blue', time unknown\n\n") !=
          std::string::npos);
}

TEST_CASE("HTML: a collapsed 'What was checked' section with the snapshots, the steps and the rules not applied") {
    auto r = run_kblint({"check", "-f", "html", "--fail-on", "never", "fixtures/Q241573-010"});
    REQUIRE(r.status == 0);
    const std::string& page = r.out;
    for (const char* part : {"<section id=\"checked\">\n<details>\n<summary>What was checked</summary>\n<h3>Snapshots (2)</h3>\n",
                             "<tr><td><code>fixtures/Q241573-010/NODE1.toml</code></td><td>NODE1</td><td>WC-Q241573-010</td>"
                             "<td>2002-05-20T09:00:00Z</td></tr>\n",
                             "<tr><td><code>fixtures/Q241573-010/NODE2.toml</code></td><td>NODE2</td><td>WC-Q241573-010</td>"
                             "<td>2002-05-20T09:00:00Z</td></tr>\n",
                             "<h3>Changes (1)</h3>\n<p>planned in <code>fixtures/Q241573-010/NODE2.toml</code></p>\n<ol>\n"
                             "<li value=\"1\"><code>uninstall_ntop</code> on NODE2 (line 165)</li>\n</ol>\n",
                             "<h3>Rules not applied</h3>\n"}) {
        INFO(part);
        CHECK(page.find(part) != std::string::npos);
    }
    CHECK(page.find("<script") == page.rfind("<script"));  // no new script: the CSP is unchanged
}
