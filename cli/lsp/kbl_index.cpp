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

std::string use_target(std::string_view from, const ast::use_decl& u) {
    return (std::filesystem::path(from).parent_path() / u.path).lexically_normal().string();
}

kbl_index::kbl_index(const std::vector<source_ptr>& files, const document_store& docs) {
    std::vector<source_ptr> queue = files;
    std::set<std::string> seen;
    for (const auto& f : files) seen.insert(f->name());
    for (std::size_t i = 0; i < queue.size(); ++i) {
        diagnostics ignored;
        files_.push_back(parse_rules(queue[i], {}, ignored));
        for (const auto& u : files_.back().uses) {
            std::string target = use_target(queue[i]->name(), u);
            if (!u.alias.empty()) modules_.insert(target);
            if (!seen.insert(target).second) continue;
            if (auto text = docs.text_of(target)) queue.push_back(std::make_shared<const source_file>(target, std::move(*text)));
        }
    }
}

found<ast::rule_decl> kbl_index::rule(std::string_view id) const { return lookup(files_, &ast::file::rules, &ast::rule_decl::id, id); }

namespace {

// The declaration `name` of the list `list` of file `f` (defs, tables), or none.
template <typename Decl>
found<Decl> find_in(const ast::file& f, std::vector<Decl> ast::file::*list, std::string_view name) {
    for (const auto& d : f.*list)
        if (d.name == name) return {&d, &f};
    return {};
}

// As find_in, in the file `from` first, then in every file `ix` says `from` sees.
template <typename Decl>
found<Decl> find_visible(const kbl_index& ix, std::vector<Decl> ast::file::*list, std::string_view name,
                         std::string_view from) {
    for (const auto& f : ix.files())
        if (f.src->name() == from)
            if (auto d = find_in(f, list, name)) return d;
    for (const auto& f : ix.files())
        if (ix.visible(f, from))
            if (auto d = find_in(f, list, name)) return d;
    return {};
}

} // namespace

found<ast::def_decl> def_in(const ast::file& f, std::string_view name) { return find_in(f, &ast::file::defs, name); }
found<ast::table_decl> table_in(const ast::file& f, std::string_view name) { return find_in(f, &ast::file::tables, name); }

bool kbl_index::visible(const ast::file& f, std::string_view from) const {
    return from.empty() || f.src->name() == from || !modules_.contains(f.src->name());
}

found<ast::def_decl> kbl_index::def(std::string_view name, std::string_view from) const {
    return find_visible(*this, &ast::file::defs, name, from);
}

found<ast::table_decl> kbl_index::table(std::string_view name, std::string_view from) const {
    return find_visible(*this, &ast::file::tables, name, from);
}

module_found kbl_index::module(std::string_view from, std::string_view alias) const {
    for (const auto& f : files_) {
        if (f.src->name() != from) continue;
        for (const auto& u : f.uses) {
            if (u.alias != alias) continue;
            module_found m{&u, nullptr, use_target(from, u)};
            for (const auto& g : files_)
                if (g.src->name() == m.path) m.file = &g;
            return m;
        }
    }
    return {};
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
