#pragma once
// Schema validation (internal to checker/engine/): the ways a snapshot breaks the pack's schema,
// as plain located issues. The engine reports them for every pack that declares a schema; the
// `schema_violations()` built-in returns the same issues to a pack that reports them itself.
#include <string>
#include <vector>

#include "checker/engine/pack.hpp"

namespace kbl {

/// One way a snapshot breaks the schema, located at the offending value (or the table missing a key).
struct schema_issue {
    pos where;
    std::string path;     ///< the TOML key path concerned
    std::string message;
};

/// What the schema check looks for besides required keys, types and enumerations.
struct schema_check_options {
    bool collisions = false;  ///< keys of a `nocase` table that differ only by case
    bool strict = false;      ///< keys the schema does not declare
    /// When set, the steps of [planned] and the runbook are also checked against the arguments their
    /// actions declare (step_check.hpp).
    const pack* steps = nullptr;
    /// Names the table checked in messages about undeclared and missing keys (e.g. "action 'x'"): its
    /// keys are then that action's arguments. Empty: the schema.
    std::string owner;
};

/// Every way `root` (a snapshot's root table) breaks `schema`, in document order.
std::vector<schema_issue> check_schema(const schema_node& schema, const snap::node& root, const schema_check_options& opt);

/// The schema node of a path written by the loader (`a."b c"[2].d`), or null when the schema does not declare it.
const schema_node* schema_at(const schema_node* schema, const std::string& path);

} // namespace kbl
