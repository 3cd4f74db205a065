#pragma once
// The declarations of a rule pack, parsed file by file (a file that does not parse keeps the
// declarations that did): what hover, go-to-definition and completion look names up in.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/lsp/documents.hpp"
#include "parser/ast.hpp"

namespace kbl::lsp {

/// A declaration and the file it is written in.
template <typename Decl>
struct found {
    const Decl* decl = nullptr;
    const ast::file* file = nullptr;
    explicit operator bool() const { return decl != nullptr; }
};

/// A module a file loads with `use "PATH" as ALIAS`: the `use` and the module's file (null when
/// it could not be read).
struct module_found {
    const ast::use_decl* use = nullptr;
    const ast::file* file = nullptr;
    std::string path;  ///< the module's file, as the index names it
    explicit operator bool() const { return use != nullptr; }
};

/// Every file of a pack parsed (and the files they `use`).
class kbl_index {
public:
    /// Parse `files`, then every file they `use` (read through `docs`).
    kbl_index(const std::vector<source_ptr>& files, const document_store& docs);

    [[nodiscard]] found<ast::rule_decl> rule(std::string_view id) const;
    /// The def `name` as the file `from` sees it: its own, else one of the global namespace (a file
    /// loaded as a module is not); with `from` empty, the first of any file.
    [[nodiscard]] found<ast::def_decl> def(std::string_view name, std::string_view from = {}) const;
    /// The table `name`, looked up as def() looks up a def.
    [[nodiscard]] found<ast::table_decl> table(std::string_view name, std::string_view from = {}) const;
    [[nodiscard]] found<ast::action_decl> action(std::string_view name) const;
    /// Every schema field of the pack.
    [[nodiscard]] std::vector<found<ast::field_decl>> fields() const;
    [[nodiscard]] const std::vector<ast::file>& files() const { return files_; }
    /// The module that `alias` names in the file `from` (`use "..." as alias` there).
    [[nodiscard]] module_found module(std::string_view from, std::string_view alias) const;
    /// Whether the defs and tables of `f` are seen by the file `from` without a module name.
    [[nodiscard]] bool visible(const ast::file& f, std::string_view from) const;

private:
    std::vector<ast::file> files_;
    std::set<std::string> modules_;  ///< the files loaded with `use ... as`
};

/// The file that `use` line `u` of the file `from` names, as the index names it.
std::string use_target(std::string_view from, const ast::use_decl& u);

/// The def `name` of the file `f` (a module's own), or none.
found<ast::def_decl> def_in(const ast::file& f, std::string_view name);
/// The table `name` of the file `f`, or none.
found<ast::table_decl> table_in(const ast::file& f, std::string_view name);

/// The `#` comment lines just above line `line` of `src`, without the `#`, joined by newlines.
std::string comment_above(const source_file& src, std::uint32_t line);

/// A field declaration as written (runs of spaces made one), e.g. `field services.*.state enum("running", "stopped")`.
std::string field_text(const source_file& src, const ast::field_decl& f);

/// Whether the schema path `path` (of a field) matches the keys `keys` (`[*]` written for an
/// index), segment by segment; with `prefix`, `keys` need only match its start.
bool path_matches(const std::vector<ast::path_seg>& path, const std::vector<std::string>& keys, bool prefix);

} // namespace kbl::lsp
