#include "cli/common.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/builtin_rules.hpp"
#include "cli/cmd_check.hpp"
#include "cli/config.hpp"
#include "cli/console.hpp"
#include "checker/report/schema_export.hpp"
#include "common/fs.hpp"
#include "common/limits.hpp"

namespace kbl::cli {

namespace {

diagnostic file_error(std::string name, std::string message, std::string check_id = {}) {
    return error_in(std::move(name), pos{}, std::move(message), std::move(check_id));
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
    sub.add_flag("--no-config", f.no_config, "ignore the project file .kblint.toml");
    f.app = &sub;
}

bool flag_given(const pack_flags& f, const std::string& name) {
    if (f.app == nullptr) return false;
    const CLI::Option* o = f.app->get_option_no_throw(name);
    return o != nullptr && o->count() > 0;
}

bool apply_project_file(pack_flags& f, std::size_t max_file_bytes, diagnostics& errs,
                        const std::function<void(const project_config&)>& on_config) {
    if (f.no_config) return true;
    std::error_code ec;
    std::filesystem::path here = std::filesystem::current_path(ec);
    std::optional<std::string> name = ec ? std::nullopt : find_config(here);
    if (!name) return true;
    std::optional<project_config> cfg;
    if (auto text = read_input(*name, "project file", max_file_bytes, errs))
        cfg = parse_config(*name, std::move(*text), {report_formats(), fail_levels()}, errs);
    if (!cfg) return false;
    if (cfg->rules && !flag_given(f, "--rules")) f.rules = *cfg->rules;
    if (cfg->no_builtin && !flag_given(f, "--no-builtin")) f.no_builtin = *cfg->no_builtin;
    if (cfg->rules || cfg->no_builtin) f.config_file = *name;
    if (on_config) on_config(*cfg);
    return true;
}

std::string other_pack_hint(const pack_flags& f) {
    if (!f.config_file.empty())
        return fmt::format("the rules loaded are those of '{}'; another pack needs '-r PATH'", shown(f.config_file));
    return "another pack needs '-r PATH' or 'rules' in .kblint.toml";
}

std::vector<source_ptr> builtin_sources() {
    std::vector<source_ptr> out;
    for (const auto& b : builtin_rule_files())
        out.push_back(std::make_shared<const source_file>(std::string(b.name), std::string(b.text)));
    return out;
}

std::vector<prebuilt_ast> builtin_images(const std::vector<source_ptr>& sources) {
    std::vector<prebuilt_ast> out;
    const auto& files = builtin_rule_files();
    for (std::size_t i = 0; i < sources.size() && i < files.size(); ++i) out.push_back({sources[i], files[i].image});
    return out;
}

const std::vector<io::skipped_name>& non_snapshot_names() {
    static const std::vector<io::skipped_name> names = {
        {".kblint.toml", "a kblint configuration file"},
        {".kblint-waivers.toml", "a kblint configuration file"},
        {"pyproject.toml", "a Python project file, not a snapshot"},
        {"Cargo.toml", "a Rust package manifest, not a snapshot"},
        {"rust-toolchain.toml", "a Rust toolchain file, not a snapshot"},
        {"rustfmt.toml", "a Rust formatter configuration, not a snapshot"},
        {"clippy.toml", "a Rust linter configuration, not a snapshot"},
        {"taplo.toml", "a TOML formatter configuration, not a snapshot"},
        {".taplo.toml", "a TOML formatter configuration, not a snapshot"},
        {"ruff.toml", "a Python linter configuration, not a snapshot"},
        {".ruff.toml", "a Python linter configuration, not a snapshot"},
        {"netlify.toml", "a Netlify configuration, not a snapshot"},
    };
    return names;
}

std::vector<std::string> find_inputs(const std::vector<std::string>& roots, std::string_view ext, bool snapshots,
                                     diagnostics& errs, std::vector<std::string>& notes,
                                     const std::vector<std::string>& exclude) {
    io::walk_options opt;
    opt.extension = std::string(ext);
    if (snapshots) {
        opt.skip_names = non_snapshot_names();
        opt.skip_hidden = true;
        opt.exclude = exclude;
    }
    io::walk_result found = io::find_files(roots, opt);
    errs.insert(errs.end(), found.errors.begin(), found.errors.end());
    notes.insert(notes.end(), found.notes.begin(), found.notes.end());
    return std::move(found.files);
}

namespace {

// A loaded pack is freed by the end of the process, not before: freeing its hundreds of thousands
// of nodes took a quarter of the main thread's work in `kblint rules` (as compilers do, with
// clang's -disable-free). The packs stay reachable from here, so a leak checker does not count them.
void keep_until_exit(std::shared_ptr<const pack> p) {
    static auto* kept = new std::vector<std::shared_ptr<const pack>>();
    kept->push_back(std::move(p));
}

} // namespace

loaded_pack load_rules(const pack_flags& f, const load_settings& s) {
    loaded_pack out;
    std::vector<source_ptr> sources;
    std::vector<prebuilt_ast> prebuilt;
    if (!f.no_builtin) {
        sources = builtin_sources();
        prebuilt = builtin_images(sources);
    }
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
    pack_result r = load_pack(sources, s.max_rule_depth, s.max_file_bytes, prebuilt);
    out.diags = std::move(r.diags);
    if (!r.p || has_errors(out.diags)) {
        out.status = pack_failed(out.diags, s.color);
        return out;
    }
    out.p = std::move(r.p);
    keep_until_exit(out.p);
    if (!s.quiet) {
        print_diagnostics(out.diags, s.color, true);
        if (!out.diags.empty()) write_stream(STDERR_FILENO, "\n");
    }
    return out;
}

std::shared_ptr<const pack> load_rule_pack(pack_flags& f, int& status, diagnostics* warnings) {
    const bool color = color_wanted("auto", STDERR_FILENO);
    diagnostics errs;
    if (!apply_project_file(f, limits::max_file_bytes, errs)) {
        print_diagnostics(errs, color, true);
        write_stream(STDERR_FILENO, "\n");
        say("{} in the project file; nothing was done", plural(error_count(errs), "error", "errors"));
        status = exit_usage;
        return nullptr;
    }
    loaded_pack pk = load_rules(f, {limits::max_file_bytes, limits::max_rule_depth, color, false});
    status = pk.status;
    if (warnings) warnings->insert(warnings->end(), pk.diags.begin(), pk.diags.end());
    return pk.p;
}

std::shared_ptr<const pack> load_pack_with_schema(pack_flags& f, int& status) {
    std::shared_ptr<const pack> p = load_rule_pack(f, status);
    if (p && !pack_has_schema(*p)) {
        status = usage_error("{}", "the loaded rule pack declares no schema: none of its files has a 'schema { ... }' block");
        return nullptr;
    }
    return p;
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
