#pragma once
// The engine's own schema findings (internal to checker/engine/): for a pack that declares a schema
// but has no rule calling `schema_violations()`, every snapshot is still validated.
#include <cstdint>
#include <vector>

#include "checker/engine/eval.hpp"
#include "common/check_ids.hpp"

namespace kbl {

/// The id of the engine's schema findings when the schema block names none.
inline constexpr const char* schema_violation_id = check_ids::schema_violation;

/// True when the engine reports schema violations itself: the pack declares a schema and no rule of
/// it calls `schema_violations()`.
inline bool engine_checks_schema(const pack& p) { return p.schema && !p.schema_by_rule; }

/// The rule metadata of the engine's schema findings (for rule lists and reports).
rule_info schema_rule_info(const pack& p);

/// Validate every snapshot of cluster `cluster` against the pack's schema (types, enumerations,
/// required keys, keys differing only by case in `nocase` tables, undeclared keys in strict mode)
/// and the cluster's node ids (one snapshot per node), one located finding per violation.
void schema_findings(const eval_world& w, std::uint32_t cluster, std::vector<finding>& out);

} // namespace kbl
