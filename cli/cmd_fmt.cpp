#include "cli/cmd_fmt.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/console.hpp"
#include "common/fs.hpp"
#include "common/limits.hpp"
#include "parser/format.hpp"

namespace kbl::cli {

namespace {

void file_error(const std::string& name, std::string_view message) {
    write_stream(STDERR_FILENO, fmt::format("{}: error: {}\n", name, message));
}

// Format one file; 0, 1 when it changed (reported in `out`), 2 on an error (reported on stderr).
int format_file(const std::string& name, bool check_only, std::string& out) {
    io::read_result in = io::read_file(name, limits::max_file_bytes);
    if (!in.ok()) {
        file_error(name, fmt::format("cannot read file: {}", io::read_failure(in, limits::max_file_bytes)));
        return exit_usage;
    }
    auto src = std::make_shared<source_file>(name, std::move(in.text));
    diagnostics diags;
    auto text = format_rules(src, diags);
    if (!text) {
        for (const auto& d : diags) write_stream(STDERR_FILENO, render_diagnostic(d, color_wanted("auto", STDERR_FILENO)));
        return exit_usage;
    }
    if (*text == src->text()) return exit_clean;
    if (check_only) {
        out += fmt::format("{}: would reformat\n", name);
        return exit_findings;
    }
    if (auto err = write_file_atomically(name, *text)) {
        file_error(name, fmt::format("cannot write: {}", *err));
        return exit_usage;
    }
    out += fmt::format("{}: reformatted\n", name);
    return exit_findings;
}

} // namespace

void define_fmt(CLI::App& sub, fmt_flags& f) {
    sub.add_option("FILE", f.paths,
                   "rule file, or folder searched recursively for '*.kbl' files (default: the 'rules' of .kblint.toml)")
        ->type_name("");
    sub.add_flag("--check", f.check, "do not write: list the files that would change, exit 1 if any");
    sub.add_flag("--no-config", f.no_config, "ignore the project file .kblint.toml");
}

int run_fmt(const fmt_flags& f) {
    diagnostics errs;
    std::vector<std::string> roots = f.paths;
    if (roots.empty()) {
        pack_flags pf;
        pf.no_config = f.no_config;
        if (!apply_project_file(pf, limits::max_file_bytes, errs)) {
            print_diagnostics(errs, color_wanted("auto", STDERR_FILENO), true);
            return exit_usage;
        }
        if (pf.rules.empty())
            return usage_error("{}", "no FILE given, and no project file .kblint.toml names 'rules' to format");
        roots = pf.rules;
    }
    std::vector<std::string> notes;
    std::vector<std::string> files = find_inputs(roots, ".kbl", false, errs, notes);
    int status = exit_clean;
    for (const auto& e : errs) {
        file_error(e.file_name, e.message);
        status = exit_usage;
    }
    std::string out;
    bool changed = false;
    for (const auto& name : files) {
        int st = format_file(name, f.check, out);
        if (st == exit_usage) status = exit_usage;
        if (st == exit_findings) changed = true;
    }
    if (int w = write_output(out)) return w;
    if (status != exit_clean) return status;
    return f.check && changed ? exit_findings : exit_clean;
}

} // namespace kbl::cli
