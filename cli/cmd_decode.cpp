#include "cli/cmd_decode.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/choices.hpp"
#include "cli/console.hpp"
#include "common/diagnostic.hpp"

namespace kbl::cli {

namespace {

constexpr int exit_no_value = exit_findings;

constexpr std::string_view def_prefix = "decode_";

const std::vector<std::string> decode_formats = {"text", "json"};

template <typename... Args>
int fail(int status, fmt::format_string<Args...> f, Args&&... args) {
    say(f, std::forward<Args>(args)...);
    return status;
}

std::string ascii_lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// The tables the pack can decode: the names after `decode_` of its defs.
std::vector<std::string> decoder_tables(const pack& p) {
    std::vector<std::string> out;
    for (const auto& d : pack_defs(p))
        if (d.params == 1 && d.name.size() > def_prefix.size() && d.name.starts_with(def_prefix))
            out.push_back(d.name.substr(def_prefix.size()));
    return out;
}

// `value` with every line after the first indented by `indent` spaces.
std::string hanging(std::string_view value, std::size_t indent) {
    std::string out;
    for (char c : value) {
        out += c;
        if (c == '\n') out.append(indent, ' ');
    }
    return out;
}

std::string render_text(const call_result& r) {
    if (!r.record) return shown(r.text) + "\n";
    std::size_t width = 0;
    for (const auto& [name, value] : r.fields) width = std::max(width, shown(name).size() + 1);
    std::string out;
    for (const auto& [name, value] : r.fields)
        out += fmt::format("{:<{}} {}\n", shown(name) + ":", width, hanging(shown(value), width + 1));
    return out;
}

nlohmann::ordered_json to_json(const snap::node& n) {
    switch (n.k) {
    case snap::kind::table: {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        for (const auto& e : n.entries) j[e.key] = to_json(*e.value);
        return j;
    }
    case snap::kind::array: {
        nlohmann::ordered_json j = nlohmann::ordered_json::array();
        for (const auto& i : n.items) j.push_back(to_json(*i));
        return j;
    }
    case snap::kind::integer: return n.i;
    case snap::kind::floating: return n.f;
    case snap::kind::boolean: return n.b;
    default: return n.str;
    }
}

// The record as a JSON object (typed values), or the def's text as a JSON string.
std::string render_json(const call_result& r) {
    nlohmann::ordered_json j = r.record ? to_json(*r.record) : nlohmann::ordered_json(r.text);
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace

void define_decode(CLI::App& sub, decode_flags& f) {
    sub.add_option("TABLE", f.table, "what to decode: the pack's 'def decode_TABLE(code)' is called (e.g. iissync)")
        ->required()
        ->type_name("");
    sub.add_option("CODE", f.code, "the value to decode, as the decoder accepts it (e.g. 0x8011040A)")
        ->required()
        ->type_name("");
    add_rule_options(sub, f.pack);
    with_choices(sub.add_option("-f,--format", f.format, "output format: text or json")->type_name("NAME")->capture_default_str(),
                 decode_formats);
    sub.footer(
        "Prints each field of the record the decoder returns as 'field: value'.\n"
        "Exit status: 0 decoded; 1 the decoder gave no value; 2 usage error or unknown TABLE.");
}

int run_decode(const decode_flags& f) {
    if (auto st = check_choice("--format", f.format, decode_formats)) return *st;
    int status = 0;
    pack_flags pf = f.pack;  // a copy: the project file fills in what the command line left unset
    std::shared_ptr<const pack> p = load_rule_pack(pf, status);
    if (!p) return status;

    std::vector<std::string> tables = decoder_tables(*p);
    std::string table = f.table;
    if (std::find(tables.begin(), tables.end(), table) == tables.end()) table = ascii_lower(table);
    if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
        if (tables.empty())
            return fail(exit_usage, "unknown table '{}': the rule pack has no 'decode_*' function ({})", shown(f.table),
                        other_pack_hint(pf));
        std::vector<std::string> quoted;
        for (const auto& t : tables) quoted.push_back(fmt::format("'{}'", shown(t)));
        std::string near = closest_match(f.table, tables);
        if (!near.empty())
            return fail(exit_usage, "unknown table '{}', did you mean '{}'? (tables: {})", shown(f.table), shown(near),
                        fmt::join(quoted, ", "));
        return fail(exit_usage, "unknown table '{}' (tables: {})", shown(f.table), fmt::join(quoted, ", "));
    }

    call_result r = call_def(*p, std::string(def_prefix) + table, {f.code});
    if (!r.error.empty())
        return fail(exit_no_value, "cannot decode '{}' with '{}{}': {}", shown(f.code), def_prefix, shown(table),
                    shown(r.error));
    return write_output(f.format == "json" ? render_json(r) : render_text(r));
}

} // namespace kbl::cli
