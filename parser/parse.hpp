#pragma once
// Parse one rule file into an AST. Errors are returned as diagnostics; the parser recovers at
// the next top-level declaration so that one run reports every broken declaration.
#include <cstdint>

#include "parser/ast.hpp"
#include "common/diagnostic.hpp"

namespace kbl {

struct parse_options {
    std::uint32_t max_depth = 200;  ///< expression nesting limit (--max-rule-depth)
};

/// Parse `src`. Declarations that parsed are kept in the returned file even when others failed.
ast::file parse_rules(const source_ptr& src, const parse_options& opt, diagnostics& diags);

} // namespace kbl
