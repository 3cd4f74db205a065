// `kblint completions bash|zsh|fish`: scripts made from the command table, exercised in the real
// shells (bash's COMPREPLY, fish's `complete -C`; zsh is syntax-checked with `zsh -n`). zsh and fish
// come from scripts/install-deps.sh.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/ci_test_util.hpp"
#include "tests/test_util.hpp"

namespace {

using namespace kbl::test;

std::string script_file(const std::string& shell) {
    run_output r = run_kblint({"completions", shell});
    INFO(r.err);
    REQUIRE(r.status == 0);
    REQUIRE(r.err.empty());
    std::string path = temp_dir("completions") + "/kblint." + shell;
    write_file(path, r.out);
    return path;
}

// COMPREPLY of bash for the words of a command line (the last word is the one being completed).
std::string bash_completes(const std::string& script, const std::string& words) {
    std::string code = "source '" + script + "'; COMP_WORDS=(" + words +
                       "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _kblint; [[ ${#COMPREPLY[@]} -eq 0 ]] || printf '%s\\n' \"${COMPREPLY[@]}\"";
    run_output r = run_program({"bash", "--norc", "--noprofile", "-c", code});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return r.out;
}

// What fish offers for the command line `line` (the candidates only, one per line).
std::string fish_completes(const std::string& script, const std::string& line) {
    run_output r = run_program({"fish", "--no-config", "-c",
                                "source '" + script + "'; complete -C '" + line + "' | string replace -r '\\t.*' ''"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return r.out;
}

} // namespace

TEST_CASE("bash completion offers commands, options and the fixed values of options", "[completions]") {
    const std::string s = script_file("bash");
    CHECK(bash_completes(s, "kblint ch") == "check\n");
    CHECK(bash_completes(s, "kblint co") == "completions\n");
    CHECK(bash_completes(s, "kblint -") == "-h\n--help\n-V\n--version\n");
    CHECK(bash_completes(s, "kblint check --format s") == "sarif\n");
    CHECK(bash_completes(s, "kblint check -f g") == "github\ngitlab\n");
    CHECK(bash_completes(s, "kblint check --fail-on w") == "warning\n");
    CHECK(bash_completes(s, "kblint check --fail") == "--fail-on\n");
    CHECK(bash_completes(s, "kblint rules -f m") == "markdown\n");
    CHECK(bash_completes(s, "kblint schema --format j") == "json-schema\n");
    CHECK(bash_completes(s, "kblint baseline ''") == "create\nupdate\n");
    CHECK(bash_completes(s, "kblint help ex") == "explain\n");
    CHECK(bash_completes(s, "kblint completions ''") == "bash\nzsh\nfish\n");
    // A value that is a number has nothing to offer; a path completes file names.
    CHECK(bash_completes(s, "kblint check -j ''") == "");
    CHECK(bash_completes(s, "kblint check fixtures/heal") == "fixtures/healthy\n");
}

TEST_CASE("fish completion offers commands, options and the fixed values of options", "[completions]") {
    const std::string s = script_file("fish");
    CHECK(fish_completes(s, "kblint ch") == "check\n");
    CHECK(fish_completes(s, "kblint check --fail") == "--fail-on\n");
    CHECK(fish_completes(s, "kblint check --color ") == "always\nauto\nnever\n");
    CHECK(fish_completes(s, "kblint decode -f ") == "json\ntext\n");
}

TEST_CASE("zsh completion is valid zsh and names every command with its help", "[completions]") {
    const std::string s = script_file("zsh");
    run_output r = run_program({"zsh", "-n", s});
    INFO(r.err);
    CHECK(r.status == 0);
    const std::string text = read_file(s);
    CHECK(text.rfind("#compdef kblint\n", 0) == 0);
    CHECK(text.find("        'check:check snapshots against the rules and report the findings'\n") != std::string::npos);
    CHECK(text.find("'(-f --format)--format=[report format\\: text, concise, json, sarif, junit, github, gitlab or html]"
                    ":value:(text concise json sarif junit github gitlab html)'") != std::string::npos);
}

TEST_CASE("completions: an unknown shell is a usage error", "[completions]") {
    run_output r = run_kblint({"completions", "bsh"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "kblint: invalid value 'bsh' for 'SHELL', did you mean 'bash'?\n");
}
