#pragma once
// What the server does for a snapshot `.toml`: the findings of the loaded pack for its cluster
// (the snapshots of its folder) located in it, and its TOML errors, as diagnostics.
#include <nlohmann/json.hpp>

#include "cli/lsp/documents.hpp"

namespace kbl::lsp {

/// The diagnostics of the snapshot `doc`: TOML errors, then the findings located in it (severity
/// mapped, the rule id as `code`, the fix after the message, related values as
/// relatedInformation). A pack or project file that does not load is one diagnostic at its start.
/// A file that is never a snapshot (`.kblint.toml`, `Cargo.toml`...) has none.
nlohmann::json snapshot_diagnostics(const document& doc, const document_store& docs);

} // namespace kbl::lsp
