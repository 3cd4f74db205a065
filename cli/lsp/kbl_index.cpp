#include "cli/lsp/kbl_index.hpp"

#include <filesystem>
#include <set>

#include "parser/parse.hpp"

namespace kbl::lsp {

namespace {

template <typename Decl, typename Key>
found<Decl> lookup(const std::vector<ast::file>& files, std::vector<Decl> ast::file::*list, Key key,
                   std::string_view wanted) {
    for (const auto& f : files)
        for (const auto& d : f.*list)
            if (d.*key == wanted) return {&d, &f};
    return {};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// `line` without a trailing `#` comment (quotes respected).
std::string_view without_comment(std::string_view line) {
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quote != 0) {
            if (c == '\\' && quote == '"') ++i;
            else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#') {
            return line.substr(0, i);
        }
    }
    return line;
}

} // namespace

kbl_index::kbl_index(const std::vector<source_ptr>& files, const document_store& docs) {
    std::vector<source_ptr> queue = files;
    std::set<std::string> seen;
    for (const auto& f : files) seen.insert(f->name());
    for (std::size_t i = 0; i < queue.size(); ++i) {
        diagnostics ignored;
        files_.push_back(parse_rules(queue[i], {}, ignored));
        std::filesystem::path dir = std::filesystem::path(queue[i]->name()).parent_path();
        for (const auto& u : files_.back().uses) {
            std::string target = (dir / u.path).lexically_normal().string();
            if (!seen.insert(target).second) continue;
            if (auto text = docs.text_of(target)) queue.push_back(std::make_shared<const source_file>(target, std::move(*text)));
        }
    }
}

found<ast::rule_decl> kbl_index::rule(std::string_view id) const { return lookup(files_, &ast::file::rules, &ast::rule_decl::id, id); }
found<ast::def_decl> kbl_index::def(std::string_view name) const { return lookup(files_, &ast::file::defs, &ast::def_decl::name, name); }
found<ast::table_decl> kbl_index::table(std::string_view name) const {
    return lookup(files_, &ast::file::tables, &ast::table_decl::name, name);
}
found<ast::action_decl> kbl_index::action(std::string_view name) const {
    return lookup(files_, &ast::file::actions, &ast::action_decl::name, name);
}

std::vector<found<ast::field_decl>> kbl_index::fields() const {
    std::vector<found<ast::field_decl>> out;
    for (const auto& f : files_)
        for (const auto& s : f.schemas)
            for (const auto& fd : s.fields) out.push_back({&fd, &f});
    return out;
}

std::string comment_above(const source_file& src, std::uint32_t line) {
    std::uint32_t first = line;
    while (first > 1 && trim(src.line_text(first - 1)).substr(0, 1) == "#") --first;
    std::string out;
    for (std::uint32_t l = first; l < line; ++l) {
        std::string_view t = trim(src.line_text(l)).substr(1);
        if (!t.empty() && t.front() == ' ') t.remove_prefix(1);
        if (!out.empty()) out += '\n';
        out += t;
    }
    return out;
}

std::string field_text(const source_file& src, const ast::field_decl& f) {
    std::string_view line = src.line_text(f.where.line);
    line = trim(without_comment(line.substr(std::min<std::size_t>(f.where.column - 1, line.size()))));
    std::string out;  // the alignment of a schema block's columns is left out
    for (char c : line)
        if (!(c == ' ' && !out.empty() && out.back() == ' ')) out += c;
    return out;
}

bool path_matches(const std::vector<ast::path_seg>& path, const std::vector<std::string>& keys, bool prefix) {
    if (keys.size() > path.size() || (!prefix && keys.size() != path.size())) return false;
    using k = ast::path_seg::kind;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const ast::path_seg& s = path[i];
        bool index = keys[i] == "[*]";
        if (s.k == k::any_index ? !index : (index || (s.k == k::key && s.key != keys[i]))) return false;
    }
    return true;
}

} // namespace kbl::lsp
