#include "cli/cmd_schema.hpp"

#include <cstdio>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checker/report/schema_export.hpp"
#include "cli/choices.hpp"
#include "cli/console.hpp"

namespace kbl::cli {

namespace {

const std::vector<std::string> schema_formats = {"text", "json-schema"};

} // namespace

void define_schema(CLI::App& sub, schema_flags& f) {
    add_rule_options(sub, f.pack);
    with_choices(sub.add_option("-f,--format", f.format, "output format: text, or json-schema (a JSON Schema for TOML editors)")
                     ->type_name("NAME")
                     ->capture_default_str(),
                 schema_formats);
    sub.footer(
        "text: one line per field of the snapshot schema (path, type, required, nocase) and, under it, what\n"
        "the field means (its doc string in the rule pack), then the keys that name the node, its cluster\n"
        "and a planned change or runbook ('-' when the pack declares none). 'kblint init' writes the same\n"
        "fields as a commented snapshot template.\n"
        "json-schema: a JSON Schema (draft-07) of a snapshot file, for taplo or Even Better TOML (each\n"
        "field's meaning in its 'description', shown on hover); e.g.\n"
        "'kblint schema -f json-schema > kblint.schema.json' and a first line '#:schema ./kblint.schema.json'\n"
        "in each snapshot. It accepts what kblint's schema check accepts as far as JSON Schema can say it:\n"
        "undeclared keys, enumerated strings in any case, local date-times and times (TOML editors pass\n"
        "them as strings); it cannot tell a date-time from a string that looks like one, nor 1.0 from 1.\n"
        "Exit status: 0 printed; 2 usage error, invalid rule files, or a rule pack that declares no schema.");
}

int run_schema(const schema_flags& f) {
    if (auto st = check_choice("--format", f.format, schema_formats)) return *st;
    int status = 0;
    pack_flags pf = f.pack;  // a copy: the project file fills in what the command line left unset
    std::shared_ptr<const pack> p = load_pack_with_schema(pf, status);
    if (!p) return status;
    return write_output(f.format == "text" ? render_schema_text(*p) : render_json_schema(*p));
}

} // namespace kbl::cli
