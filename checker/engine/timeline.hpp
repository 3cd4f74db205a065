#pragma once
// Runbook timelines (`check --show-runbook`): per planned change or runbook, each simulated step
// with its node and action, the state it changed (effects) and the findings raised at it, and the
// findings of the end-state rules. Recorded by the simulation (cluster_run.cpp) only when
// check_options::keep_timelines asks for it; the engine knows nothing of what the values mean.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/engine/finding.hpp"
#include "checker/snapshot/snapshot.hpp"

namespace kbl {

/// One change a simulated step made to a snapshot's state.
struct effect {
    enum class kind : std::uint8_t {
        set,      ///< a value changed: before -> after
        created,  ///< a key that was absent: after
        deleted,  ///< a key removed: before
        added,    ///< an element added to a list: after
        removed,  ///< an element removed from a list: before
    };
    kind k = kind::set;
    std::string node;    ///< the node whose snapshot changed
    std::string path;    ///< key path of the value, e.g. `services.ClusSvc.state`
    std::string before;  ///< short display text of the old value (set, deleted, removed)
    std::string after;   ///< short display text of the new value (set, created, added)
};

/// A finding of a timeline, by rule and fingerprint (the report holds the finding itself).
struct timeline_finding {
    std::string rule;
    std::string fingerprint;
    friend bool operator==(const timeline_finding&, const timeline_finding&) = default;
};

/// One step of a planned change or runbook.
struct timeline_step {
    std::uint32_t index = 0;  ///< 1-based
    std::string node;         ///< the node the step names (or the holder's)
    std::string action;
    std::uint32_t line = 0;   ///< the step's table in the holder file
    bool simulated = false;   ///< false past a step whose arguments break its action's declaration
    std::vector<effect> effects;
    std::vector<timeline_finding> findings;  ///< the findings whose step is this one
};

/// A planned change or a runbook as simulated.
struct timeline {
    source_ptr file;     ///< the snapshot holding it
    bool planned = false;  ///< a planned change (one step) rather than a runbook
    std::string cluster;  ///< as written; may be empty
    std::vector<timeline_step> steps;
    std::vector<timeline_finding> whole;      ///< runbook findings about no step
    std::vector<timeline_finding> end_state;  ///< findings of the end-state (final) rules
};

/// "name: before -> after", "name: (absent) -> after", "name: before -> (deleted)", "name: + after",
/// "name: - before": one effect as short text (no escaping: renderers escape).
std::string effect_text(const effect& e);

/// Append to `out` the effects that turned snapshot tree `before` into `after` (trees share what
/// did not change, so only the changed branches are visited), each naming `node`.
void diff_state(const snap::node_ptr& before, const snap::node_ptr& after, const std::string& node,
                std::vector<effect>& out);

/// The findings `fs[from, final_from)` at the steps they name (`whole` for the others) and
/// `fs[final_from, end)` in `end_state`, each once.
void attach_findings(timeline& t, const std::vector<finding>& fs, std::size_t from, std::size_t final_from);

} // namespace kbl
