#pragma once
// The declarations of a rule pack, parsed file by file (a file that does not parse keeps the
// declarations that did): what hover, go-to-definition and completion look names up in.
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

/// Every file of a pack parsed (and the files they `use`).
class kbl_index {
public:
    /// Parse `files`, then every file they `use` (read through `docs`).
    kbl_index(const std::vector<source_ptr>& files, const document_store& docs);

    [[nodiscard]] found<ast::rule_decl> rule(std::string_view id) const;
    [[nodiscard]] found<ast::def_decl> def(std::string_view name) const;
    [[nodiscard]] found<ast::table_decl> table(std::string_view name) const;
    [[nodiscard]] found<ast::action_decl> action(std::string_view name) const;
    /// Every schema field of the pack.
    [[nodiscard]] std::vector<found<ast::field_decl>> fields() const;
    [[nodiscard]] const std::vector<ast::file>& files() const { return files_; }

private:
    std::vector<ast::file> files_;
};

/// The `#` comment lines just above line `line` of `src`, without the `#`, joined by newlines.
std::string comment_above(const source_file& src, std::uint32_t line);

/// A field declaration as written (runs of spaces made one), e.g. `field services.*.state enum("running", "stopped")`.
std::string field_text(const source_file& src, const ast::field_decl& f);

/// Whether the schema path `path` (of a field) matches the keys `keys` (`[*]` written for an
/// index), segment by segment; with `prefix`, `keys` need only match its start.
bool path_matches(const std::vector<ast::path_seg>& path, const std::vector<std::string>& keys, bool prefix);

} // namespace kbl::lsp
