#pragma once
// What the server does for a `.kbl` rule file as a whole: its diagnostics (the pack it belongs to
// loaded with its current text), its canonical layout (`kblint fmt`), its outline.
#include <nlohmann/json.hpp>

#include "cli/lsp/documents.hpp"

namespace kbl::lsp {

/// The diagnostics of `doc`: parse and compile it with the rest of its pack (workspace.hpp);
/// every error and warning located in it, problems elsewhere at its first line.
nlohmann::json kbl_diagnostics(const document& doc, const document_store& docs);

/// One TextEdit replacing the whole document with `kblint fmt`'s text; [] when it is already
/// canonical, null when it does not parse.
nlohmann::json kbl_formatting(const document& doc);

/// DocumentSymbols of the schema, rules, defs, tables and actions of `doc`, in written order.
nlohmann::json kbl_symbols(const document& doc);

} // namespace kbl::lsp
