#pragma once
// Every limit kblint enforces, in one place. Each is overridable by a flag and named in its error.
#include <cstddef>
#include <cstdint>

namespace kbl::limits {

/// Largest snapshot or rule file read, in bytes (--max-file-size).
inline constexpr std::size_t max_file_bytes = 64ull * 1024 * 1024;
/// Deepest nesting of tables, arrays, inline tables and dotted-key segments in a snapshot (--max-toml-depth).
inline constexpr std::uint32_t max_toml_depth = 64;
/// Deepest nesting of expressions/blocks in a rule file (--max-rule-depth).
inline constexpr std::uint32_t max_rule_depth = 200;
/// Deepest call/evaluation recursion in the evaluator (--max-eval-depth).
inline constexpr std::uint32_t max_eval_depth = 256;
/// Evaluation steps allowed for one rule against one node or cluster (--max-eval-steps).
inline constexpr std::uint64_t max_eval_steps = 10'000'000;
/// Most values (each value, array element and inline table) in one snapshot (--max-toml-values).
/// Loading costs about 250 bytes per value (toml++'s tree and the loader's) however short the value
/// is written, 120 times the input for `a = [0, 0, ...]`: the limit is checked on the bytes, before
/// either tree is built, so that one snapshot never takes more than max_toml_values_memory, or 16
/// times its size when that is more.
inline constexpr std::size_t max_toml_values = 100'000;
/// Peak memory of loading the densest snapshot max_toml_values allows (tests/snapshot_memory_test.cpp).
inline constexpr std::size_t max_toml_values_memory = 32ull * 1024 * 1024;
/// Deepest snapshot nesting kblint supports whatever --max-toml-depth says: toml++ and the loader
/// recurse once per level.
inline constexpr std::uint32_t hard_max_toml_depth = 1024;
/// Largest --max-rule-depth and --max-eval-depth accepted: the parser and the evaluator recurse once
/// per level. Measured with an 8 MB stack, a release build overflows past about 4,000 levels of
/// either, an AddressSanitizer build past about 450 evaluation and 650 parser levels.
inline constexpr std::uint32_t hard_max_rule_depth = 500;
inline constexpr std::uint32_t hard_max_eval_depth = 300;
/// Stack of each evaluation thread (virtual memory: only the pages a deep rule touches are used).
/// The hard maxima above were measured with an 8 MB stack; this leaves them a wide margin.
inline constexpr std::size_t worker_stack_bytes = 256ull * 1024 * 1024;
/// Most steps in one runbook (--max-runbook-steps); sequence rules make the cost quadratic in it.
inline constexpr std::uint32_t max_runbook_steps = 1000;
/// Most nodes in one cluster (--max-cluster-nodes); cross-node rules make the cost quadratic in it.
inline constexpr std::uint32_t max_cluster_nodes = 64;
/// Most bytes of a fleet's files that `check` keeps from the pre-scan that groups them by cluster
/// for their load, so that those files are read once; the files past it are read again when their
/// cluster is loaded. A fixed budget: memory does not grow with the fleet.
inline constexpr std::size_t max_kept_scan_bytes = 32ull * 1024 * 1024;

} // namespace kbl::limits
