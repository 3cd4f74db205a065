#pragma once
// What a run checked, for the reports that say so (a passing one too): every snapshot that loaded
// with its node, cluster and the time it was taken (the schema's `taken_at`), and every planned
// change or runbook with its steps. A few strings per snapshot: the streaming path keeps them all.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kbl {

class pack;
struct eval_world;

/// A snapshot that loaded.
struct checked_snapshot {
    std::string file;
    std::string node;
    std::string cluster;                  ///< as written; empty for a snapshot that names no cluster
    std::optional<std::string> taken_at;  ///< the value at the schema's `taken_at` (text or date), when declared and present
};

/// One step of a change: its 1-based index, the node it runs on, its action, the line of its table.
struct checked_step {
    std::uint32_t step = 0;
    std::string node;
    std::string action;
    std::uint32_t line = 0;
};

/// A planned change (one step) or a runbook, and the snapshot file that holds it.
struct checked_change {
    std::string file;
    bool runbook = false;  ///< else planned
    std::vector<checked_step> steps;
};

/// What a run checked, cluster by cluster in the run's order, each in file order.
struct checked_list {
    std::vector<checked_snapshot> snapshots;
    std::vector<checked_change> changes;
};

/// Append the snapshots of cluster `ci` of `w` and their changes (a runbook over
/// `w.lim.max_runbook_steps` is left out: it is refused, not checked) to `out`.
void record_checked(const pack& p, const eval_world& w, std::size_t ci, checked_list& out);

/// "planned" or "runbook".
const char* change_kind(const checked_change& c);

} // namespace kbl
