#pragma once
// Which rule pack a file belongs to, as `kblint check` would load it, and the snapshots of a
// snapshot's cluster. Open documents are read from the editor, other files from disk.
#include <string>
#include <vector>

#include "cli/lsp/documents.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"

namespace kbl::lsp {

/// The rule files of a pack: the built-in ones (named `rules/NAME.kbl`) and files on disk (named
/// by their absolute path).
struct pack_sources {
    std::vector<source_ptr> files;
    diagnostics errors;       ///< problems of the project file or of reading a rule file
    std::string config_file;  ///< the project file used, if any
};

/// The pack of the rule file `path`: when a project file `.kblint.toml` (in its folder or a
/// parent) names `rules` that hold it, those rules (and the built-in pack unless `no_builtin`);
/// otherwise the `.kbl` files of its folder, with the built-in pack unless the folder is the
/// built-in pack itself or declares its own `node_id` (a pack of its own).
pack_sources pack_for_rule_file(const std::string& path, const document_store& docs);

/// The pack of the snapshot `path`: the built-in pack and the `rules` of the nearest project file,
/// as `kblint check` run in the snapshot's folder loads them.
pack_sources pack_for_snapshot(const std::string& path, const document_store& docs);

/// The snapshots of the folder of `path` (its cluster): the `.toml` files there, hidden files and
/// the files that are never snapshots (`.kblint.toml`, `Cargo.toml`...) left out; sorted.
std::vector<std::string> cluster_files(const std::string& path);

/// True when `path` names a file that is never a snapshot (cli/common.hpp non_snapshot_names).
bool never_a_snapshot(const std::string& path);

} // namespace kbl::lsp
