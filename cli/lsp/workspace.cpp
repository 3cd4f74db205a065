#include "cli/lsp/workspace.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "checker/report/formats.hpp"
#include "cli/builtin_rules.hpp"
#include "cli/cmd_check.hpp"
#include "cli/common.hpp"
#include "cli/config.hpp"
#include "common/limits.hpp"
#include "parser/parse.hpp"

namespace kbl::lsp {

namespace {

namespace fs = std::filesystem;

std::string folder_of(const std::string& path) { return fs::path(path).parent_path().string(); }

// The nearest project file from `folder` up, parsed; errors appended to `out.errors`.
std::optional<cli::project_config> project_file(const std::string& folder, pack_sources& out) {
    std::optional<std::string> rel = cli::find_config(folder);
    if (!rel) return std::nullopt;
    std::string name = (fs::path(folder) / *rel).lexically_normal().string();
    out.config_file = name;
    std::optional<std::string> text = cli::read_input(name, "project file", limits::max_file_bytes, out.errors);
    if (!text) return std::nullopt;
    return cli::parse_config(name, std::move(*text), {cli::report_formats(), cli::fail_levels()}, out.errors);
}

// Every `.kbl` file under `roots` (files or folders, walked as `--rules` walks them), absolute.
std::vector<std::string> rule_files_under(const std::vector<std::string>& roots, diagnostics& errs) {
    std::vector<std::string> notes;
    std::vector<std::string> files = cli::find_inputs(roots, ".kbl", false, errs, notes);
    for (auto& f : files) f = fs::absolute(f).lexically_normal().string();
    return files;
}

// The `.kbl` files directly in `folder`, sorted.
std::vector<std::string> rule_files_in(const std::string& folder) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec))
        if (e.is_regular_file(ec) && kind_of(e.path().string()) == doc_kind::kbl)
            out.push_back(e.path().lexically_normal().string());
    std::sort(out.begin(), out.end());
    return out;
}

bool holds(const std::string& root, const std::string& path) {
    std::string r = fs::absolute(root).lexically_normal().string();
    if (r == path) return true;
    if (!r.empty() && r.back() != '/') r += '/';
    return path.compare(0, r.size(), r) == 0;
}

void add_files(const std::vector<std::string>& files, const document_store& docs, pack_sources& out) {
    for (const auto& f : files) {
        if (std::optional<std::string> text = docs.text_of(f))
            out.files.push_back(std::make_shared<const source_file>(f, std::move(*text)));
        else
            out.errors.push_back(diagnostic{diag_severity::error, nullptr, f, {}, "cannot read rule file", "", "", {}});
    }
}

void add_builtin(pack_sources& out) {
    std::vector<source_ptr> b = cli::builtin_sources();
    out.files.insert(out.files.begin(), b.begin(), b.end());
}

// True when the folder holds every file of the built-in pack (it is the built-in pack).
bool is_builtin_folder(const std::vector<std::string>& files) {
    for (const auto& b : builtin_rule_files()) {
        std::string name = fs::path(std::string(b.name)).filename().string();
        if (std::none_of(files.begin(), files.end(), [&](const std::string& f) { return fs::path(f).filename() == name; }))
            return false;
    }
    return true;
}

// True when one of the files declares `node_id` in a schema: a pack of its own.
bool declares_node_id(const pack_sources& s) {
    for (const auto& f : s.files) {
        diagnostics ignored;
        ast::file a = parse_rules(f, {}, ignored);
        for (const auto& sc : a.schemas)
            if (sc.node_id) return true;
    }
    return false;
}

} // namespace

pack_sources pack_for_rule_file(const std::string& path, const document_store& docs) {
    pack_sources out;
    std::string folder = folder_of(path);
    std::optional<cli::project_config> cfg = project_file(folder, out);
    if (cfg && cfg->rules && std::any_of(cfg->rules->begin(), cfg->rules->end(), [&](const std::string& r) { return holds(r, path); })) {
        std::vector<std::string> files = rule_files_under(*cfg->rules, out.errors);
        if (std::find(files.begin(), files.end(), path) == files.end()) files.push_back(path);
        add_files(files, docs, out);
        if (!cfg->no_builtin.value_or(false)) add_builtin(out);
        return out;
    }
    out.errors.clear();  // a broken project file that does not name this file does not stop it
    out.config_file.clear();
    std::vector<std::string> files = rule_files_in(folder);
    if (std::find(files.begin(), files.end(), path) == files.end()) files.push_back(path);
    add_files(files, docs, out);
    if (!is_builtin_folder(files) && !declares_node_id(out)) add_builtin(out);
    return out;
}

pack_sources pack_for_snapshot(const std::string& path, const document_store& docs) {
    pack_sources out;
    std::optional<cli::project_config> cfg = project_file(folder_of(path), out);
    if (!out.errors.empty()) return out;
    if (cfg && cfg->rules) add_files(rule_files_under(*cfg->rules, out.errors), docs, out);
    if (!cfg || !cfg->no_builtin.value_or(false)) add_builtin(out);
    return out;
}

bool never_a_snapshot(const std::string& path) {
    std::string name = fs::path(path).filename().string();
    const auto& names = cli::non_snapshot_names();
    return std::any_of(names.begin(), names.end(), [&](const io::skipped_name& n) { return n.name == name; });
}

std::vector<std::string> cluster_files(const std::string& path) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder_of(path), ec)) {
        std::string p = e.path().lexically_normal().string();
        std::string name = e.path().filename().string();
        if (!name.empty() && name[0] != '.' && e.is_regular_file(ec) && kind_of(p) == doc_kind::toml && !never_a_snapshot(p))
            out.push_back(p);
    }
    if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(path);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace kbl::lsp
