#pragma once
// kblint's diagnostics as LSP Diagnostics: range from the token at the position, severity mapped,
// the check id as `code`, located notes as relatedInformation and the others in the message.
#include <string>

#include <nlohmann/json.hpp>

#include "cli/lsp/documents.hpp"
#include "cli/lsp/position.hpp"
#include "common/diagnostic.hpp"

namespace kbl::lsp {

/// The LSP DiagnosticSeverity of a kblint severity (error 1, warning 2, note and info 3).
int lsp_severity(diag_severity s);

/// `d` as an LSP Diagnostic in `src` (the document's text; `d.where` is in it).
nlohmann::json to_lsp(const diagnostic& d, const source_file& src, token_style style, const document_store& docs);

/// A diagnostic at the start of a document for a problem located elsewhere (a project file, a
/// rule file of the pack): its place is named in the message.
nlohmann::json at_document_start(const diagnostic& d);

/// A Location for `p` in the file `src`, or null when `src` is not a file on disk (a built-in rule file).
nlohmann::json location_of(const source_file& src, pos p, token_style style, const document_store& docs);

/// The textDocument/publishDiagnostics notification of `doc`.
nlohmann::json publish(const document& doc, nlohmann::json diagnostics);

} // namespace kbl::lsp
