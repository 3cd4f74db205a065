#pragma once
// Snapshots: TOML node files loaded into an immutable tree that keeps every key's and value's
// source position. Nodes are shared (shared_ptr<const node>) so simulated states copy on write; the
// nodes of one loaded file live in one array that every pointer into it keeps alive.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "common/limits.hpp"
#include "common/source.hpp"

namespace kbl::snap {

enum class kind : std::uint8_t {
    table, array, string, integer, floating, boolean,
    offset_datetime, local_datetime, local_date, local_time
};

struct node;
using node_ptr = std::shared_ptr<const node>;

/// One entry of a table: its key as written, where the key is, and the value.
struct entry {
    std::string key;
    pos key_pos;
    node_ptr value;
};

/// A TOML value. Scalars keep their value; dates/times keep a canonical text form
/// (RFC 3339: `2002-05-20T09:00:00Z`, `2002-05-20`, `09:00:00`) that sorts correctly.
struct node {
    // The small members first: a node is 160 bytes and every loaded value is one.
    kind k = kind::table;
    bool b = false;
    bool ci_keys = false;   ///< table whose keys are Windows names: looked up case-insensitively
    std::uint32_t step = 0; ///< 1-based index of the simulated step that made this value (0: loaded)
    pos where;              ///< position of the value (for tables: the header or the first key)
    std::string path;       ///< dotted key path from the root, e.g. `services.ClusSvc.state`, `cluster.groups[0]`
    std::string str;        ///< string value, or canonical date/time text
    std::int64_t i = 0;
    double f = 0.0;
    std::vector<entry> entries;   ///< tables, in source order
    std::vector<node_ptr> items;  ///< arrays
    source_ptr src;               ///< set on values made by a simulated step: the file holding that step

    /// Exact key lookup (or case-insensitive when ci_keys); null when absent.
    [[nodiscard]] const entry* find(std::string_view key) const;
};

/// One loaded file.
struct snapshot {
    source_ptr file;
    node_ptr root;  ///< always a table
};

/// Limits applied before toml++ sees the bytes.
struct load_limits {
    std::size_t max_file_bytes;  ///< --max-file-size
    std::uint32_t max_depth;     ///< --max-toml-depth
    std::size_t max_values = limits::max_toml_values;  ///< --max-toml-values: values, array elements and inline tables
};
/// The limits of common/limits.hpp.
load_limits default_load_limits();

/// Parse `text` (named `name`) as a TOML snapshot. On failure returns nullopt and appends
/// located diagnostics (check id "toml", or "limit" for limits) to `errs`.
/// `ci_tables` lists the dotted paths of tables whose keys are case-insensitive (from the schema),
/// e.g. {"services", "local_groups", "user_rights"}.
/// `limits_checked`: a scan of these bytes showed them within the depth and value limits
/// (key_scan.hpp within_limits), so the load does not count them again.
std::optional<snapshot> load_snapshot(std::string name, std::string text, const load_limits& lim,
                                      const std::vector<std::string>& ci_tables, diagnostics& errs,
                                      bool limits_checked = false);

/// Read a file from disk and load it; unreadable files are reported as located diagnostics.
std::optional<snapshot> load_snapshot_file(const std::string& path, const load_limits& lim,
                                           const std::vector<std::string>& ci_tables, diagnostics& errs);

/// A key as it appears in a dotted path: bare when it is bare-key safe, else a quoted TOML string.
std::string quote_key(std::string_view k);
/// `parent.key` with the key quoted as needed (just the key when `parent` is empty).
std::string child_path(const std::string& parent, std::string_view key);

/// One step of a dotted path: a key, or an array index.
struct path_step {
    bool is_index = false;
    std::string key;
    std::size_t index = 0;
};
/// Split a path written by the loader (`a."b c"[2].d`) into its steps.
std::vector<path_step> split_path(std::string_view path);

/// Name of a kind for messages: "table", "array", "string", "integer", "float", "boolean", "datetime"...
std::string_view kind_name(kind k);

/// The kind's name with its article: "a string", "an integer", "an array"...
std::string kind_with_article(kind k);

} // namespace kbl::snap
