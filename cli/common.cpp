#include "cli/common.hpp"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/builtin_rules.hpp"
#include "cli/console.hpp"
#include "common/fs.hpp"
#include "common/limits.hpp"

namespace kbl::cli {

namespace {

diagnostic file_error(std::string name, std::string message, std::string check_id = {}) {
    diagnostic d;
    d.file_name = std::move(name);
    d.message = std::move(message);
    d.check_id = std::move(check_id);
    return d;
}

// The bytes of a rule file, or a diagnostic.
std::optional<std::string> read_rule_file(const std::string& path, std::size_t max_bytes, diagnostics& errs) {
    io::read_result r = io::read_file(path, max_bytes);
    switch (r.status) {
    case io::read_status::ok: return std::move(r.text);
    case io::read_status::not_regular: errs.push_back(file_error(path, "cannot read rule file: not a regular file")); break;
    case io::read_status::too_large:
        errs.push_back(file_error(
            path,
            r.size_known ? fmt::format("rule file is {} bytes, over the limit of {} bytes (--max-file-size)", r.size, max_bytes)
                         : fmt::format("rule file is over the limit of {} bytes (--max-file-size)", max_bytes),
            "limit"));
        break;
    default: errs.push_back(file_error(path, fmt::format("cannot read rule file: {}", system_message(r.error)))); break;
    }
    return std::nullopt;
}

// The pack's failure: every diagnostic, a count, exit 2.
int pack_failed(const diagnostics& ds, bool color) {
    print_diagnostics(ds, color, true);
    if (!ds.empty()) write_stream(STDERR_FILENO, "\n");
    say("{} in the rule files; nothing was checked", plural(error_count(ds), "error", "errors"));
    return exit_usage;
}

} // namespace

void add_rule_options(CLI::App& sub, pack_flags& f) {
    sub.add_option("-r,--rules", f.rules,
                   "rule file, or folder searched recursively for '*.kbl' files; repeatable; added to the "
                   "built-in pack")
        ->type_name("PATH")
        ->allow_extra_args(false);
    sub.add_flag("--no-builtin", f.no_builtin, "do not load the built-in rule pack");
}

std::vector<source_ptr> builtin_sources() {
    std::vector<source_ptr> out;
    for (const auto& b : builtin_rule_files())
        out.push_back(std::make_shared<const source_file>(std::string(b.name), std::string(b.text)));
    return out;
}

std::vector<std::string> find_inputs(const std::vector<std::string>& roots, std::string_view ext, bool snapshots,
                                     diagnostics& errs, std::vector<std::string>& notes) {
    io::walk_options opt;
    opt.extension = std::string(ext);
    if (snapshots) opt.skip_names = {".kblint.toml", ".kblint-waivers.toml"};
    io::walk_result found = io::find_files(roots, opt);
    errs.insert(errs.end(), found.errors.begin(), found.errors.end());
    notes.insert(notes.end(), found.notes.begin(), found.notes.end());
    return std::move(found.files);
}

loaded_pack load_rules(const pack_flags& f, const load_settings& s) {
    loaded_pack out;
    std::vector<source_ptr> sources;
    if (!f.no_builtin) sources = builtin_sources();
    diagnostics errs;
    out.files = find_inputs(f.rules, ".kbl", false, errs, out.notes);
    for (const auto& file : out.files)
        if (auto text = read_rule_file(file, s.max_file_bytes, errs))
            sources.push_back(std::make_shared<const source_file>(file, std::move(*text)));
    if (!errs.empty()) {
        print_diagnostics(errs, s.color, true);
        out.status = exit_usage;
        return out;
    }
    if (sources.empty()) {
        out.status = usage_error("no rule to load: '--no-builtin' was given and no '--rules' path holds a '*.kbl' file");
        return out;
    }
    pack_result r = load_pack(sources, s.max_rule_depth, s.max_file_bytes);
    out.diags = std::move(r.diags);
    if (!r.p || has_errors(out.diags)) {
        out.status = pack_failed(out.diags, s.color);
        return out;
    }
    out.p = std::move(r.p);
    if (!s.quiet) {
        print_diagnostics(out.diags, s.color, true);
        if (!out.diags.empty()) write_stream(STDERR_FILENO, "\n");
    }
    return out;
}

std::shared_ptr<const pack> load_rule_pack(const pack_flags& f, int& status) {
    loaded_pack pk =
        load_rules(f, {limits::max_file_bytes, limits::max_rule_depth, color_wanted("auto", STDERR_FILENO), false});
    status = pk.status;
    return pk.p;
}

int write_output(std::string_view bytes) { return write_stdout(bytes); }

std::optional<int> check_choice(std::string_view option, const std::string& value,
                                const std::vector<std::string>& choices) {
    if (std::find(choices.begin(), choices.end(), value) != choices.end()) return std::nullopt;
    std::string near = closest_match(value, choices);
    if (!near.empty())
        return usage_error("invalid value '{}' for '{}', did you mean '{}'?", shown(value), option, near);
    return usage_error("invalid value '{}' for '{}' (expected {})", shown(value), option, choice_list(choices));
}

std::optional<std::string> write_file_atomically(const std::string& path, std::string_view bytes) {
    return io::write_file(path, bytes);
}

} // namespace kbl::cli
