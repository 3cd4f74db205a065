#pragma once
// Report renderers: turn findings and diagnostics into bytes. They never evaluate anything.
#include <string>
#include <vector>

#include "engine.hpp"

namespace kbl {

/// A run-level message that is neither a finding nor an input error (expired or unused waiver...).
struct notification {
    std::string level;  ///< "warning" | "note"
    std::string kind;   ///< e.g. "waiver-expired"
    std::string file;
    pos where;
    std::string message;
};

struct report_summary {
    std::size_t snapshots = 0, clusters = 0, runbooks = 0, rules = 0;
    std::size_t errors = 0, warnings = 0, infos = 0, unknown = 0, waived = 0, baselined = 0;
};

/// Everything a renderer needs.
struct report {
    std::string version;              ///< kblint version
    std::vector<finding> findings;    ///< sorted
    diagnostics errors;               ///< input errors (invalid TOML, unreadable files, bad rules)
    std::vector<notification> notifications;
    std::vector<rule_info> rules;     ///< rules selected for evaluation
    report_summary summary;
};

/// Fill the severity/status counts of `r.summary` from `r.findings`.
void count_findings(report& r);

struct text_options {
    bool color = false;
    bool quiet = false;  ///< only the summary line and errors
};

/// Compiler-style text: a block per finding (location, snippet, caret, related notes, help, note), then a summary.
std::string render_text(const report& r, const text_options& opt);

/// JSON report version 1 (keys in a fixed order, two-space indent, final newline).
std::string render_json(const report& r);

} // namespace kbl
