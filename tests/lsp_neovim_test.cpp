// `kblint lsp` with a real client: Neovim's (Debian bookworm's 0.7), headless, driven by
// tests/lsp/nvim_client.lua. It opens a rule file with an error and a snapshot with a finding
// and writes the diagnostics it received; they are compared exactly, in Neovim's byte columns.
#include <catch2/catch.hpp>

#include "tests/proc_util.hpp"

TEST_CASE("lsp: Neovim's client shows the diagnostics of a rule file and of a snapshot", "[lsp]") {
    std::string dir = kbl::test::temp_dir("lsp-nvim");
    std::string rules = dir + "/rules.kbl";
    // "É" is 2 bytes and one UTF-16 unit, "😀" 4 bytes and two: the server says column 49, Neovim
    // turns it back into byte 52.
    kbl::test::write_file(rules,
                          "rule T-001 {\n"
                          "  title    \"Café check\"\n"
                          "  severity warning\n"
                          "  scope    node\n"
                          "  ref      Q1 \"s\"\n"
                          "  fix      \"do it\"\n"
                          "  let      unused = 1\n"
                          "  require  upper(node.netbios_name) == \"É😀\" and lowr(node.domain) == \"corp\"\n"
                          "  message  \"bad\"\n"
                          "}\n");
    std::string out = dir + "/diagnostics.txt";
    std::string snapshot = kbl::test::src_path("fixtures/Q241573-010/NODE2.toml");
    kbl::test::child_process nvim = kbl::test::spawn_kblint(
        {"--headless", "--clean", "-n", "-c", "luafile " + kbl::test::src_path("tests/lsp/nvim_client.lua")}, dir,
        {"KBLINT_BIN=" KBLINT_BIN, "KBLINT_LSP_KBL=" + rules, "KBLINT_LSP_TOML=" + snapshot, "KBLINT_LSP_OUT=" + out},
        "", 0, "/usr/bin/nvim");
    kbl::test::timed_output r = kbl::test::wait_kblint(nvim, 60);
    INFO(r.err);
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.status == 0);
    CHECK(kbl::test::read_file(out) ==
          "rules.kbl 6:11-6:17 warning [unused-let] 'unused' is bound by 'let' but never used\n"
          "rules.kbl 7:52-7:56 error [unknown-function] unknown function 'lowr', did you mean 'lower'?\n"
          "NODE2.toml 164:0-164:9 error [Q241573-010] ClusSvc on NODE2 is 'running' at step 1, where the Option Pack "
          "is removed from this node\n"
          "server exit 0\n");
}
