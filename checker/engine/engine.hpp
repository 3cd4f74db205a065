#pragma once
// The engine's public face: load a rule pack, load snapshots, evaluate, return findings as values.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "checker/engine/finding.hpp"
#include "common/limits.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "checker/engine/compile.hpp"
#include "checker/engine/shard.hpp"

namespace kbl {

struct eval_limits {
    std::uint32_t max_depth = limits::max_eval_depth;
    std::uint64_t max_steps = limits::max_eval_steps;
    std::uint32_t max_runbook_steps = limits::max_runbook_steps;
    std::uint32_t max_cluster_nodes = limits::max_cluster_nodes;
};

struct check_options {
    std::vector<std::string> only;  ///< globs over rule ids; empty = all
    std::vector<std::string> skip;  ///< globs over rule ids
    eval_limits lim;
    unsigned jobs = 1;
    /// `--strict-schema`: keys the schema does not declare are violations (as `strict` in the schema block).
    bool strict_schema = false;
    /// Snapshot files that failed to load: the clusters they may belong to are incomplete.
    std::vector<std::string> failed_files;
    /// `--shard K/N`: only the clusters of that shard are checked (checker/engine/shard.hpp).
    std::optional<shard_spec> shard;
    /// Test hook (KBLINT_TEST_INTERNAL_ERROR): evaluating the first cluster throws, as a bug would.
    bool fail_for_test = false;
};

/// A rule that applied nowhere or was filtered out, with the reason (for --verbose).
struct not_evaluated {
    std::string rule;
    std::string node;
    std::string reason;
    bool not_applicable = false;  ///< a 'when' was false (or read missing data): the rule does not apply
};

/// One rule evaluated on one node (node scope) or once on a cluster (cluster and runbook scope),
/// for reports that list what was checked (JUnit test cases, the HTML matrix).
struct evaluation {
    std::string rule;
    std::string cluster;  ///< cluster name as written; empty for a snapshot that names no cluster
    std::string node;     ///< node name for node scope; empty otherwise
    source_ptr file;      ///< the node's snapshot, or the first snapshot of the cluster
    bool applied = true;  ///< false when a 'when' condition was false (the rule does not apply)
};

struct check_result {
    std::vector<finding> findings;   ///< sorted with finding_less
    diagnostics errors;              ///< evaluation errors (limits hit), located in rule files
    std::vector<not_evaluated> skipped;
    std::vector<evaluation> evaluated;  ///< cluster by cluster in file order, each sorted by rule then node
    std::size_t snapshots = 0;
    std::size_t clusters = 0;
    std::size_t runbooks = 0;
    std::size_t rules = 0;           ///< rules selected for evaluation
    shard_trace shard;               ///< where the clusters and errors of a sharded run sit in the fleet's
};

/// Evaluate the selected rules of `p` over the loaded snapshots. An exception escaping the
/// evaluation of any cluster (a bug) is rethrown here, on the calling thread, after every worker ended.
check_result check(const pack& p, const std::vector<snap::snapshot>& snaps, const check_options& opt);

/// The value of calling a `def` of the pack (no snapshot in scope): a record's fields in order, or a
/// single display text; `error` is set when the def is unknown, has another arity, or yields a missing value.
struct call_result {
    std::string error;
    std::vector<std::pair<std::string, std::string>> fields;  ///< when the value is a record
    std::string text;                                        ///< display form of the value
    snap::node_ptr record;                                   ///< the record with typed values (for JSON)
};

/// Call `def name(args...)` with string arguments (used by `kblint decode`).
call_result call_def(const pack& p, const std::string& name, const std::vector<std::string>& args);

/// A `def` of the pack: its name and number of parameters.
struct def_info {
    std::string name;
    std::uint32_t params = 0;
};

/// The pack's `def`s, sorted by name (`kblint decode` lists the one-parameter `decode_*` ones).
std::vector<def_info> pack_defs(const pack& p);

/// True when `id` matches the glob `pattern` (`*` and `?`, case-insensitive).
bool glob_match(std::string_view pattern, std::string_view id);

} // namespace kbl
