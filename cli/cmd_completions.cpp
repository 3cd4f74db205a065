#include "cli/cmd_completions.hpp"

#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/choices.hpp"
#include "cli/common.hpp"
#include "cli/console.hpp"

namespace kbl::cli {

namespace {

const std::vector<std::string> shells = {"bash", "zsh", "fish"};

// What a word after an option or in a positional place may be.
struct value_kind {
    bool takes_value = false;
    bool files = false;               ///< a path: the shell completes file names
    std::vector<std::string> choices; ///< fixed values
};

struct comp_option {
    std::vector<std::string> longs;   ///< without "--"
    std::vector<std::string> shorts;  ///< without "-"
    std::string help;
    value_kind value;
};

struct comp_command {
    std::string name;
    std::string help;
    std::vector<comp_option> options;
    value_kind positional;  ///< the first positional argument
};

value_kind value_of(const CLI::Option& o) {
    value_kind v;
    v.takes_value = o.get_items_expected_max() > 0;
    v.choices = choices_of(&o);
    std::string type = o.get_type_name();
    std::string name = o.get_name(true, false);
    v.files = v.choices.empty() && (type == "FILE" || type == "PATH" || name == "FILE" || name == "PATH");
    return v;
}

comp_command command_of(const CLI::App& sub) {
    comp_command c{sub.get_name(), sub.get_description(), {}, {}};
    for (const CLI::Option* o : sub.get_options()) {
        if (o->get_lnames().empty() && o->get_snames().empty()) {
            if (!c.positional.takes_value) c.positional = value_of(*o);
            continue;
        }
        c.options.push_back({o->get_lnames(), o->get_snames(), o->get_description(), value_of(*o)});
    }
    return c;
}

std::vector<comp_command> commands_of(const CLI::App& app) {
    std::vector<comp_command> out;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) out.push_back(command_of(*sub));
    return out;
}

// 'text' for a POSIX shell: single quotes, a quote written '\''.
std::string sh_quoted(std::string_view s) {
    std::string out = "'";
    for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

std::string joined(const std::vector<std::string>& words, std::string_view prefix = "") {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + std::string(prefix) + w;
    return out;
}

// The first line of a help text, for the one-line descriptions of zsh and fish.
std::string first_line(const std::string& help) { return help.substr(0, help.find('\n')); }

} // namespace

// ---- bash ---------------------------------------------------------------------------------------

namespace {

std::string bash_option_words(const comp_command& c) {
    std::vector<std::string> words;
    for (const auto& o : c.options) {
        for (const auto& l : o.longs) words.push_back("--" + l);
        for (const auto& s : o.shorts) words.push_back("-" + s);
    }
    return joined(words);
}

// The `case` arm that completes the value of an option of `c` after `prev`.
std::string bash_value_cases(const comp_command& c) {
    std::string out;
    for (const auto& o : c.options) {
        if (!o.value.takes_value) continue;
        std::vector<std::string> names;
        for (const auto& l : o.longs) names.push_back("--" + l);
        for (const auto& s : o.shorts) names.push_back("-" + s);
        std::string action = !o.value.choices.empty()
                                 ? fmt::format("COMPREPLY=($(compgen -W {} -- \"$cur\"))", sh_quoted(joined(o.value.choices)))
                             : o.value.files ? std::string("COMPREPLY=($(compgen -f -- \"$cur\"))")
                                             : std::string("COMPREPLY=()");
        out += fmt::format("                {}) {}; return ;;\n", fmt::join(names, "|"), action);
    }
    return out;
}

std::string bash_positional(const value_kind& v) {
    if (!v.choices.empty()) return fmt::format("COMPREPLY=($(compgen -W {} -- \"$cur\"))", sh_quoted(joined(v.choices)));
    if (v.files) return "COMPREPLY=($(compgen -f -- \"$cur\"))";
    return "COMPREPLY=()";
}

std::string bash_script(const std::vector<comp_command>& cmds) {
    std::vector<std::string> names;
    std::string arms;
    for (const auto& c : cmds) {
        names.push_back(c.name);
        arms += fmt::format(
            "        {})\n"
            "            case \"$prev\" in\n{}"
            "            esac\n"
            "            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W {} -- \"$cur\")); else {}; fi ;;\n",
            c.name, bash_value_cases(c), sh_quoted(bash_option_words(c)), bash_positional(c.positional));
    }
    return fmt::format(
        "# bash completion for kblint (made by 'kblint completions bash')\n"
        "_kblint() {{\n"
        "    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} cmd= i\n"
        "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        "        [[ ${{COMP_WORDS[i]}} == -* ]] || {{ cmd=${{COMP_WORDS[i]}}; break; }}\n"
        "    done\n"
        "    case \"$cmd\" in\n"
        "        '')\n"
        "            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '-h --help -V --version' -- \"$cur\"));\n"
        "            else COMPREPLY=($(compgen -W {} -- \"$cur\")); fi ;;\n"
        "{}"
        "    esac\n"
        "}}\n"
        "complete -o filenames -F _kblint kblint\n",
        sh_quoted(joined(names)), arms);
}

} // namespace

// ---- zsh ----------------------------------------------------------------------------------------

namespace {

// A description inside an _arguments spec: no brackets or colons unescaped.
std::string zsh_text(std::string_view s) {
    std::string out;
    for (char ch : first_line(std::string(s))) {
        if (ch == '[' || ch == ']' || ch == ':' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

std::string zsh_action(const value_kind& v) {
    if (!v.choices.empty()) return fmt::format("({})", joined(v.choices));
    return v.files ? "_files" : " ";
}

std::string zsh_option_spec(const comp_option& o) {
    std::vector<std::string> names;
    for (const auto& s : o.shorts) names.push_back("-" + s);
    for (const auto& l : o.longs) names.push_back("--" + l);
    std::string value = o.value.takes_value ? ":value:" + zsh_action(o.value) : "";
    std::string exclusion = names.size() > 1 ? fmt::format("({})", joined(names)) : "";
    std::string spec;
    for (const auto& n : names) {
        std::string equals = o.value.takes_value && n.size() > 2 ? "=" : "";  // --format=VALUE or --format VALUE
        spec += " \\\n        " + sh_quoted(fmt::format("{}{}{}[{}]{}", exclusion, n, equals, zsh_text(o.help), value));
    }
    return spec;
}

std::string zsh_script(const std::vector<comp_command>& cmds) {
    std::string list, arms;
    for (const auto& c : cmds) {
        list += fmt::format("        {}\n", sh_quoted(c.name + ":" + zsh_text(c.help)));
        std::string specs;
        for (const auto& o : c.options) specs += zsh_option_spec(o);
        if (c.positional.takes_value) specs += " \\\n        " + sh_quoted("*:argument:" + zsh_action(c.positional));
        arms += fmt::format("        ({}) _arguments -s{} ;;\n", c.name, specs);
    }
    return fmt::format(
        "#compdef kblint\n"
        "# zsh completion for kblint (made by 'kblint completions zsh')\n"
        "_kblint() {{\n"
        "    local curcontext=$curcontext state line\n"
        "    local -a commands\n"
        "    commands=(\n{}    )\n"
        "    _arguments -C '(- *)'{{-h,--help}}'[print the help and exit]' '(- *)'{{-V,--version}}'[print the version and exit]' \\\n"
        "        '1:command:->command' '*::argument:->argument'\n"
        "    case $state in\n"
        "        (command) _describe -t commands 'kblint command' commands ;;\n"
        "        (argument)\n"
        "            case $line[1] in\n{}"
        "            esac ;;\n"
        "    esac\n"
        "}}\n"
        "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _kblint \"$@\"; else compdef _kblint kblint; fi\n",
        list, arms);
}

} // namespace

// ---- fish ---------------------------------------------------------------------------------------

namespace {

std::string fish_option(const comp_command& c, const comp_option& o) {
    std::string line = fmt::format("complete -c kblint -n '__fish_seen_subcommand_from {}'", c.name);
    for (const auto& s : o.shorts) line += " -s " + s;
    for (const auto& l : o.longs) line += " -l " + l;
    if (o.value.takes_value) {
        line += o.value.files ? " -r -F" : " -x";
        if (!o.value.choices.empty()) line += " -a " + sh_quoted(joined(o.value.choices));
    }
    return line + " -d " + sh_quoted(first_line(o.help)) + "\n";
}

std::string fish_script(const std::vector<comp_command>& cmds) {
    std::string out =
        "# fish completion for kblint (made by 'kblint completions fish')\n"
        "complete -c kblint -f\n"
        "complete -c kblint -n __fish_use_subcommand -s h -l help -d 'print the help and exit'\n"
        "complete -c kblint -n __fish_use_subcommand -s V -l version -d 'print the version and exit'\n";
    for (const auto& c : cmds)
        out += fmt::format("complete -c kblint -n __fish_use_subcommand -a {} -d {}\n", c.name, sh_quoted(first_line(c.help)));
    for (const auto& c : cmds) {
        for (const auto& o : c.options) out += fish_option(c, o);
        const value_kind& p = c.positional;
        if (!p.choices.empty())
            out += fmt::format("complete -c kblint -n '__fish_seen_subcommand_from {}' -a {}\n", c.name, sh_quoted(joined(p.choices)));
        else if (p.files)
            out += fmt::format("complete -c kblint -n '__fish_seen_subcommand_from {}' -F\n", c.name);
    }
    return out;
}

} // namespace

std::string completion_script(const CLI::App& app, const std::string& shell) {
    std::vector<comp_command> cmds = commands_of(app);
    if (shell == "bash") return bash_script(cmds);
    if (shell == "zsh") return zsh_script(cmds);
    if (shell == "fish") return fish_script(cmds);
    return {};
}

void define_completions(CLI::App& sub, completions_flags& f) {
    with_choices(sub.add_option("SHELL", f.shell, "bash, zsh or fish")->required()->type_name(""), shells);
    sub.footer(
        "Load it for this shell session: bash: source <(kblint completions bash); zsh: source <(kblint completions zsh);\n"
        "fish: kblint completions fish | source. The Debian package installs all three.\n"
        "Exit status: 0 printed; 2 unknown shell.");
}

int run_completions(const CLI::App& app, const completions_flags& f) {
    if (auto st = check_choice("SHELL", f.shell, shells)) return *st;
    return write_output(completion_script(app, f.shell));
}

} // namespace kbl::cli
