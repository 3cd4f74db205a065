#pragma once
// What the SARIF, JUnit, GitHub and HTML renderers share (internal to checker/): places, and the
// grouping of findings into the (rule, node) cases that were evaluated.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checker/report/report.hpp"
#include "common/text.hpp"

namespace kbl::render {

/// The file name of a location (empty when it has none).
const std::string& file_of(const location& l);

/// The position shown for a location: line 1 column 1 when it is unknown.
pos shown_pos(const location& l);

/// The column of `l` counted in Unicode code points (kblint positions count bytes).
std::uint32_t code_point_column(const location& l);

/// The article and section of a reference as `Q241573 "section"` (empty when there is neither).
std::string ref_text(const kb_ref& r);

/// A `ref` given as a URL (`https://` or `http://`), not an article id or a document title.
bool is_url(std::string_view ref);

/// A `ref` given as an article id (`Q241573`, `KBL`: letters, digits, '-', '_', '.'), not a URL
/// or a document title.
bool is_article_id(std::string_view ref);

/// The group a finding or evaluation is reported in: its cluster, or for a snapshot that names no
/// cluster, its file.
std::string unit_of(const finding& f);
std::string unit_of(const evaluation& e);

/// Findings as they are shown in text and concise reports: one entry per finding, except that the
/// unknown findings of one node that share a place, a key path and a message (one missing path
/// read by several rules) form one entry, the rules listed in order. Baselined findings are left
/// out unless `baselined`.
std::vector<std::vector<const finding*>> shown_groups(const std::vector<finding>& findings, bool baselined = true);

/// The line text and concise reports print before the summary when baselined findings were left
/// out ("3 baselined findings not shown (--show-baselined lists them)\n"); empty when none was.
std::string hidden_baselined_line(const report& r, const text_options& opt);

/// Each line of `text` cut to `width` display columns: a longer line keeps what fits in `width` - 3
/// columns and ends in "..." (and a colour reset when it held colour). Terminal colour sequences
/// (ESC [ ... letter) take no column; `width` 0 leaves `text` as it is.
std::string cut_lines(std::string_view text, std::size_t width);

/// The rule ids of a group, joined with ", ".
std::string group_rules(const std::vector<const finding*>& group);

/// The result of a rule on a node or a cluster, from worst to best.
enum class outcome { fail, unknown, waived, baselined, pass, not_applicable };

/// "fail", "unknown", "waived", "baselined", "pass", "not applicable".
std::string_view to_string(outcome o);

/// One rule evaluated on one node (or once on a cluster) and the findings it gave.
struct rule_case {
    std::string unit;
    std::string rule;
    std::string node;   ///< empty for cluster and runbook scope
    source_ptr file;    ///< the node's snapshot, or the cluster's first one
    bool applied = false;
    std::vector<const finding*> findings;  ///< in report order
};

/// Every case of `r.evaluated`, each with its findings; a finding that no evaluation accounts for
/// gets a case of its own. Sorted by unit, rule and node.
std::vector<rule_case> rule_cases(const report& r);

/// The result of a rule given its findings: the worst status among them, else pass (or not
/// applicable when the rule did not apply).
outcome outcome_of(const std::vector<const finding*>& findings, bool applied);

} // namespace kbl::render
