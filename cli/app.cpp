#include "cli/app.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/choices.hpp"
#include "cli/cmd_actions.hpp"
#include "cli/cmd_check.hpp"
#include "cli/cmd_completions.hpp"
#include "cli/cmd_decode.hpp"
#include "cli/cmd_explain.hpp"
#include "cli/cmd_fmt.hpp"
#include "cli/cmd_init.hpp"
#include "cli/cmd_lsp.hpp"
#include "cli/cmd_merge.hpp"
#include "cli/cmd_rules.hpp"
#include "cli/cmd_schema.hpp"
#include "cli/cmd_test.hpp"
#include "cli/cmd_version.hpp"
#include "cli/console.hpp"

namespace kbl {

namespace {

using namespace cli;

// The options of every command, filled in by CLI11.
struct cli_state {
    check_flags check;
    merge_flags merge;
    rules_flags rules;
    explain_flags explain;
    test_flags test;
    decode_flags decode;
    fmt_flags fmt;
    schema_flags schema;
    init_flags init;
    actions_flags actions;
    completions_flags completions;
    lsp_flags lsp;
    std::vector<std::string> help_topic;  ///< kblint help [COMMAND]
    std::string color = "auto";           ///< the global --color (before the command, or after it)
    CLI::App* app = nullptr;              ///< the whole command line, for `kblint help`
};

// One row per subcommand: its name, one line of help, how its options are declared, how it runs,
// and a few real command lines shown at the end of its help (one per line).
struct command {
    std::string_view name;
    std::string_view help;
    void (*define)(CLI::App&, cli_state&);
    int (*run)(cli_state&);
    std::string_view examples;
};

int run_help(cli_state& s);
std::vector<std::string> command_names();

// clang-format off
const command commands[] = {
    {"check", "check snapshots against the rules and report the findings",
     [](CLI::App& a, cli_state& s) { define_check(a, s.check); }, [](cli_state& s) { return run_check(s.check); },
     "kblint check snapshots/\n"
     "kblint check --exclude 'vendor/**' -v .\n"
     "kblint check -r mypack/ -f sarif -o kblint.sarif snapshots/"},
    {"merge", "join the JSON reports of 'kblint check --shard K/N' into the report of one run, in any format",
     [](CLI::App& a, cli_state& s) { define_merge(a, s.merge); }, [](cli_state& s) { return run_merge(s.merge); },
     "kblint check --shard 2/3 -f json -o shard-2.json snapshots/\n"
     "kblint merge shard-1.json shard-2.json shard-3.json\n"
     "kblint merge -f sarif -o kblint.sarif shard-*.json"},
    {"rules", "list the loaded rules: id, severity, scope, title, reference",
     [](CLI::App& a, cli_state& s) { define_rules(a, s.rules); }, [](cli_state& s) { return run_rules(s.rules); },
     "kblint rules\n"
     "kblint rules -f json\n"
     "kblint rules --no-builtin -r examples/postgres/pgpack"},
    {"explain", "show a rule's title, rationale, reference, fix and source (or an action's arguments and effects)",
     [](CLI::App& a, cli_state& s) { define_explain(a, s.explain); }, [](cli_state& s) { return run_explain(s.explain); },
     "kblint explain Q224801-001\n"
     "kblint explain --no-builtin -r examples/postgres/pgpack PG-001\n"
     "kblint explain uninstall_ntop\n"
     "kblint explain --trace Q241573-010 fixtures/Q241573-010"},
    {"actions", "list the actions a planned change or runbook step may name: arguments and simulated effects",
     [](CLI::App& a, cli_state& s) { define_actions(a, s.actions); }, [](cli_state& s) { return run_actions(s.actions); },
     "kblint actions\n"
     "kblint actions stop_service"},
    {"init", "write a commented snapshot template from the rule pack's schema (every field, its meaning and type)",
     [](CLI::App& a, cli_state& s) { define_init(a, s.init); }, [](cli_state& s) { return run_init(s.init); },
     "kblint init > NODE1.toml\n"
     "kblint init -o snapshots/NODE2.toml"},
    {"version", "print the version of kblint and of its built-in rule pack",
     [](CLI::App&, cli_state&) {}, [](cli_state&) { return run_version(); },
     "kblint version\n"
     "kblint -V"},
    {"test", "run the rule unit tests (TOML cases under rules/tests)",
     [](CLI::App& a, cli_state& s) { define_test(a, s.test); }, [](cli_state& s) { return run_test(s.test); },
     "kblint test\n"
     "kblint test --no-builtin -r examples/postgres/pgpack examples/postgres/tests"},
    {"fmt", "rewrite rule files in the canonical layout (comments kept); --check only reports",
     [](CLI::App& a, cli_state& s) { define_fmt(a, s.fmt); }, [](cli_state& s) { return run_fmt(s.fmt); },
     "kblint fmt --check rules/\n"
     "kblint fmt mypack/"},
    {"decode", "decode a status code with the rule pack's 'decode_TABLE' function (e.g. iissync)",
     [](CLI::App& a, cli_state& s) { define_decode(a, s.decode); }, [](cli_state& s) { return run_decode(s.decode); },
     "kblint decode iissync 0x8011040A\n"
     "kblint decode iissync -2146368502 -f json"},
    {"baseline", "create or update the baseline file: the findings accepted for now",
     [](CLI::App& a, cli_state& s) {
         define_baseline(a, s.check.gate, [&](CLI::App& b) { const CLI::App* keep = s.check.pack.app; define_check(b, s.check); s.check.pack.app = keep; });
     },
     [](cli_state& s) { s.check.pack.app = s.check.gate.command; return run_check(s.check); },
     "kblint baseline create --baseline kblint-baseline.toml snapshots/\n"
     "kblint baseline update snapshots/"},
    {"schema", "show the snapshot schema the loaded rules expect (text, or a JSON Schema for TOML editors)",
     [](CLI::App& a, cli_state& s) { define_schema(a, s.schema); }, [](cli_state& s) { return run_schema(s.schema); },
     "kblint schema\n"
     "kblint schema -f json-schema > kblint.schema.json"},
    {"lsp", "run the language server for rule files and snapshots (LSP over stdin/stdout, for editors)",
     [](CLI::App& a, cli_state& s) { define_lsp(a, s.lsp); }, [](cli_state& s) { return run_lsp(s.lsp); },
     "kblint lsp\n"
     "kblint lsp --stdio"},
    {"completions", "print a shell completion script for bash, zsh or fish, made from this command table",
     [](CLI::App& a, cli_state& s) { define_completions(a, s.completions); },
     [](cli_state& s) { return run_completions(*s.app, s.completions); },
     "source <(kblint completions bash)\n"
     "kblint completions fish > ~/.config/fish/completions/kblint.fish"},
    {"help", "show the help of kblint, or of a command (the same text as 'kblint COMMAND --help')",
     [](CLI::App& a, cli_state& s) { with_choices(a.add_option("COMMAND", s.help_topic, "the command to show the help of")->type_name("")->expected(0, 1), command_names()); },
     [](cli_state& s) { return run_help(s); },
     "kblint help\n"
     "kblint help check"},
};
// clang-format on

std::vector<std::string> command_names() {
    std::vector<std::string> names;
    for (const auto& c : commands) names.emplace_back(c.name);
    return names;
}

// The command of that name in the table, or null.
const command* find_command(std::string_view name) {
    for (const auto& c : commands)
        if (c.name == name) return &c;
    return nullptr;
}

// "unknown command" with "did you mean" (exit status 2).
int unknown_command(const std::string& cmd) {
    std::string near = closest_match(cmd, command_names());
    if (!near.empty()) return usage_error("unknown command '{}', did you mean '{}'?", shown(cmd), near);
    return usage_error("unknown command '{}' (run 'kblint --help' for the list)", shown(cmd));
}

int run_help(cli_state& s) {
    // CLI::App::help() of an app shows the help of the subcommand parsed ('help' itself): the
    // formatter is asked directly for kblint's, and each command's help is named as --help names it.
    if (s.help_topic.empty()) return write_stdout(s.app->get_formatter()->make_help(s.app, "kblint", CLI::AppFormatMode::Normal));
    const std::string& topic = s.help_topic.front();
    if (find_command(topic) == nullptr) return unknown_command(topic);
    return write_stdout(s.app->get_subcommand(topic)->help("kblint"));
}

// The footer of a command's help: what its definition says, then its examples.
std::string footer_with_examples(const CLI::App& sub, std::string_view examples) {
    std::string out = sub.get_footer();
    if (!out.empty()) out += "\n\n";
    out += "Examples:";
    std::size_t start = 0;
    while (start < examples.size()) {
        std::size_t nl = std::min(examples.find('\n', start), examples.size());
        out += fmt::format("\n  {}", examples.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

const std::vector<std::string> top_options = {"-h", "--help", "-V", "--version", "--color"};

// The commands that print no diagnostic, and so take no `--color`: every other one does.
const std::vector<std::string_view> colorless_commands = {"version", "lsp", "completions", "help"};

const char* const color_help = "colour on a terminal: auto (a terminal, NO_COLOR unset; FORCE_COLOR and CLICOLOR_FORCE "
                               "force it, TERM=dumb turns it off), always or never";

// `--color WHEN` for a command that has none of its own, bound to the global mode.
void add_color_option(CLI::App& sub, std::string& color) {
    if (sub.get_option_no_throw("--color") != nullptr) return;
    with_choices(sub.add_option("--color", color, color_help)->type_name("WHEN"), color_modes());
}

int unknown_option(std::string_view name, const std::vector<std::string>& known, std::string_view where) {
    std::vector<std::string> candidates;
    bool is_long = name.substr(0, 2) == "--";
    for (const auto& k : known)
        if (!is_long || k.substr(0, 2) == "--") candidates.push_back(k);
    // A one-letter option is too short for a meaningful suggestion.
    std::string near = name.size() > 2 ? closest_match(name, candidates) : std::string();
    if (!near.empty()) return usage_error("unknown option '{}', did you mean '{}'?", shown(name), near);
    return usage_error("unknown option '{}' (run '{} --help' for the options)", shown(name), where);
}

struct option_name {
    std::string name;
    bool takes_value = false;
};

// Reject unknown commands and options before CLI11 sees them, so that each gets a "did you mean".
std::optional<int> prescan(int argc, char** argv, CLI::App& app) {
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") return std::nullopt;
        if (a.size() < 2 || a[0] != '-') break;
        std::string_view name = a.substr(0, a.find('='));
        if (std::find(top_options.begin(), top_options.end(), name) == top_options.end())
            return unknown_option(name, top_options, "kblint");
        if (a == "--color") ++i;  // its value
    }
    if (i >= argc) return std::nullopt;
    std::string cmd = argv[i];
    if (find_command(cmd) == nullptr) return unknown_command(cmd);

    CLI::App* sub = app.get_subcommand(cmd);
    std::vector<option_name> opts;
    std::vector<std::string> names;
    for (const CLI::Option* o : sub->get_options()) {
        bool value = o->get_items_expected_max() > 0;
        for (const auto& l : o->get_lnames()) opts.push_back({"--" + l, value});
        for (const auto& sn : o->get_snames()) opts.push_back({"-" + sn, value});
    }
    for (const auto& o : opts) names.push_back(o.name);
    auto lookup = [&](std::string_view n) -> const option_name* {
        for (const auto& o : opts)
            if (o.name == n) return &o;
        return nullptr;
    };
    std::string where = fmt::format("kblint {}", cmd);
    for (int j = i + 1; j < argc; ++j) {
        std::string_view a = argv[j];
        if (a == "--") break;
        if (a.size() < 2 || a[0] != '-') continue;
        if (a[1] >= '0' && a[1] <= '9') continue;  // a negative number (kblint decode T -2146368502)
        if (a[1] == '-') {
            std::size_t eq = a.find('=');
            const option_name* o = lookup(a.substr(0, eq));
            if (o == nullptr) return unknown_option(a.substr(0, eq), names, where);
            if (o->takes_value && eq == std::string_view::npos) ++j;
            continue;
        }
        for (std::size_t k = 1; k < a.size(); ++k) {
            std::string flag = fmt::format("-{}", a[k]);
            const option_name* o = lookup(flag);
            if (o == nullptr) return unknown_option(k == 1 ? a : std::string_view(flag), names, where);
            if (o->takes_value) {
                if (k + 1 == a.size()) ++j;
                break;
            }
        }
    }
    return std::nullopt;
}

} // namespace

int run_app(int argc, char** argv) {
    cli_state state;
    CLI::App app{"kblint checks TOML node snapshots against the rules of a knowledge base", "kblint"};
    app.set_help_flag("-h,--help", "print this help and exit");
    bool show_version = false;
    app.add_flag("-V,--version", show_version, "print the version of kblint and of its built-in rule pack");
    with_choices(app.add_option("--color", state.color, color_help)->type_name("WHEN"), color_modes());
    app.require_subcommand(0, 1);
    for (const auto& c : commands) {
        CLI::App* sub = app.add_subcommand(std::string(c.name), std::string(c.help));
        sub->set_help_flag("-h,--help", "print this help and exit");
        c.define(*sub, state);
        if (std::find(colorless_commands.begin(), colorless_commands.end(), c.name) == colorless_commands.end())
            add_color_option(*sub, state.color);
        sub->footer(footer_with_examples(*sub, c.examples));
    }
    state.app = &app;
    app.footer("Run 'kblint help COMMAND' or 'kblint COMMAND --help' for the options of a command.");

    if (auto st = prescan(argc, argv, app)) return *st;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return write_stdout(app.help());
    } catch (const CLI::CallForAllHelp&) {
        return write_stdout(app.help("", CLI::AppFormatMode::All));
    } catch (const CLI::ParseError& e) {
        std::string where = "kblint";
        for (const CLI::App* sub : app.get_subcommands()) where += " " + sub->get_name();
        return usage_error("{} (run '{} --help' for usage)", shown(lower_first(e.what())), where);
    }
    if (auto st = check_choice("--color", state.color, color_modes())) return *st;
    set_color_mode(state.color);
    if (show_version) return cli::run_version();
    for (const auto& c : commands)
        if (app.got_subcommand(std::string(c.name))) return c.run(state);
    print_block(app.help());
    return usage_error("no command given");
}

} // namespace kbl
