#include "cli/cmd_init.hpp"

#include <filesystem>

#include <CLI/CLI.hpp>

#include "checker/report/pack_docs.hpp"
#include "checker/report/schema_export.hpp"
#include "cli/console.hpp"
#include "common/fs.hpp"

namespace kbl::cli {

void define_init(CLI::App& sub, init_flags& f) {
    add_rule_options(sub, f.pack);
    sub.add_option("-o,--output", f.output, "write the template to FILE, which must not exist yet ('-': stdout)")
        ->type_name("FILE");
    sub.footer(
        "The template has a section per table of the schema; each field has a comment line with its\n"
        "meaning, type (allowed values listed) and whether it is required. Required keys hold placeholder\n"
        "values, optional ones are commented out: the file loads as it is.\n"
        "Exit status: 0 written; 2 usage error, invalid rule files, a rule pack that declares no schema,\n"
        "or an output file that exists already.");
}

int run_init(const init_flags& f) {
    int status = 0;
    pack_flags pf = f.pack;  // a copy: the project file fills in what the command line left unset
    std::shared_ptr<const pack> p = load_pack_with_schema(pf, status);
    if (!p) return status;
    std::string text = render_snapshot_template(*p);
    if (f.output.empty() || f.output == "-") return write_stdout(text);
    std::error_code ec;
    if (std::filesystem::exists(f.output, ec))
        return usage_error("'{}' exists already: 'kblint init' never replaces a file", shown(f.output));
    if (auto err = write_file_atomically(f.output, text)) return usage_error("cannot write '{}': {}", shown(f.output), *err);
    return exit_clean;
}

} // namespace kbl::cli
