#pragma once
// The engine's public face: load a rule pack, load snapshots, evaluate, return findings as values.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../parser/diagnostic.hpp"
#include "finding.hpp"
#include "limits.hpp"
#include "snapshot.hpp"

namespace kbl {

/// Metadata of one loaded rule, for `kblint rules`, `explain` and report renderers.
struct rule_info {
    std::string id;
    std::string title;
    severity sev = severity::error;
    rule_scope scope = rule_scope::node;
    kb_ref ref;
    std::vector<std::string> tags;
    std::string fix;
    std::string doc;
    std::string when_text;   ///< the rule's applicability conditions as written (may be empty)
    std::string source_text; ///< the rule's declaration as written in its file
    source_ptr file;
    pos where;
};

struct eval_limits {
    std::uint32_t max_depth = limits::max_eval_depth;
    std::uint64_t max_steps = limits::max_eval_steps;
};

class pack;  ///< compiled rules, immutable, shared by all threads

/// Result of loading rule files: a pack (null when any error was found) and every diagnostic.
struct pack_result {
    std::shared_ptr<const pack> p;
    diagnostics diags;
};

/// Parse, statically check and compile the given rule files together.
pack_result load_pack(const std::vector<source_ptr>& rule_files, std::uint32_t max_rule_depth = limits::max_rule_depth);

/// Every rule of the pack in id order.
std::vector<rule_info> pack_rules(const pack& p);

/// Dotted paths of tables whose keys the pack's schema marks case-insensitive.
std::vector<std::string> pack_ci_tables(const pack& p);

struct check_options {
    std::vector<std::string> only;  ///< globs over rule ids; empty = all
    std::vector<std::string> skip;  ///< globs over rule ids
    eval_limits lim;
    unsigned jobs = 1;
};

/// A rule that applied nowhere or was filtered out, with the reason (for --verbose).
struct not_evaluated {
    std::string rule;
    std::string node;
    std::string reason;
};

struct check_result {
    std::vector<finding> findings;   ///< sorted with finding_less
    diagnostics errors;              ///< evaluation errors (limits hit), located in rule files
    std::vector<not_evaluated> skipped;
    std::size_t snapshots = 0;
    std::size_t clusters = 0;
    std::size_t runbooks = 0;
    std::size_t rules = 0;           ///< rules selected for evaluation
};

/// Evaluate the selected rules of `p` over the loaded snapshots.
check_result check(const pack& p, const std::vector<snap::snapshot>& snaps, const check_options& opt);

/// True when `id` matches the glob `pattern` (`*` and `?`, case-insensitive).
bool glob_match(std::string_view pattern, std::string_view id);

} // namespace kbl
