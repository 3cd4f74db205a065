#pragma once
// `kblint fmt`: the canonical layout of a rule file. Printed from the AST, so the layout does
// not depend on how the file was written; comments are kept, before the item they precede or at
// the end of the line they followed.
#include <optional>
#include <string>

#include "common/diagnostic.hpp"
#include "common/source.hpp"

namespace kbl {

/// The canonical text of `src`, or nullopt (with the parse errors in `diags`) when it does not parse.
std::optional<std::string> format_rules(const source_ptr& src, diagnostics& diags);

} // namespace kbl
