// Where the HTML report links a rule: a custom pack's rule whose `ref` is a URL to that URL, one
// whose `ref` is a document's title nowhere, and a rule whose `ref` is an article id (the built-in
// pack's form) to its anchor in docs/rules.md.
#include <string>

#include <catch2/catch.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;

const std::string pack = R"KBL(schema {
  node_id host.name
  field host.name string
  field port int
}
rule URL-1 {
  title    "Port by the manual"
  severity error
  scope    node
  ref      "https://example.com/manual/ports.html?a=1&b=2" "Ports"
  fix      "f"
  require  port == 80
  message  "port is not 80"
}
rule DOC-1 {
  title    "Port by the runbook"
  severity warning
  scope    node
  ref      "Operations runbook" "3.1 Ports"
  fix      "f"
  require  port == 80
  message  "port is not 80 either"
}
rule KB-1 {
  title    "Port by an article"
  severity info
  scope    node
  ref      KB123 "section 2"
  fix      "f"
  require  port == 80
  message  "still not 80"
}
)KBL";

} // namespace

TEST_CASE("rule links: a URL ref is the link, a title gives none, an article id links docs/rules.md", "[html][rules]") {
    std::string dir = temp_dir("rule-links");
    write_file(dir + "/pack/ports.kbl", pack);
    write_file(dir + "/snaps/H1.toml", "port = 81\n[host]\nname = \"H1\"\n");
    run_output r = run_kblint({"check", "--no-builtin", "-r", "pack", "-f", "html", "snaps"}, dir);
    REQUIRE(r.status == 1);
    const std::string url = "<a href=\"https://example.com/manual/ports.html?a=1&amp;b=2\">";
    const std::string kb = "<a href=\"https://github.com/kblint/kblint/blob/main/docs/rules.md#kb-1\">";
    // Each finding's reference line.
    CHECK(r.out.find("<strong>Reference:</strong> https://example.com/manual/ports.html?a=1&amp;b=2 &quot;Ports&quot; &middot; " + url +
                     "rule URL-1</a></p>") != std::string::npos);
    CHECK(r.out.find("<strong>Reference:</strong> Operations runbook &quot;3.1 Ports&quot; &middot; rule DOC-1</p>") !=
          std::string::npos);
    CHECK(r.out.find("<strong>Reference:</strong> KB123 &quot;section 2&quot; &middot; " + kb + "rule KB-1</a></p>") != std::string::npos);
    // The rules table and the matrix header alike.
    CHECK(r.out.find("<tr><td>" + url + "<code>URL-1</code></a></td>") != std::string::npos);
    CHECK(r.out.find("<tr><td><code>DOC-1</code></td>") != std::string::npos);
    CHECK(r.out.find("<tr><td>" + kb + "<code>KB-1</code></a></td>") != std::string::npos);
    CHECK(r.out.find(">" + url + "URL-1</a></th>") != std::string::npos);
    CHECK(r.out.find("docs/rules.md#doc-1") == std::string::npos);
    CHECK(r.out.find("docs/rules.md#url-1") == std::string::npos);
}
