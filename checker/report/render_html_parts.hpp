#pragma once
// The pieces of the HTML report (internal to checker/report/): render_html.cpp builds the page, its
// findings grouped by cluster and its rule table; render_html_summary.cpp the summaries by rule and
// by cluster and the matrix of the rules that have findings; render_html_checked.cpp what was checked.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "checker/report/report.hpp"

namespace kbl::html_page {

/// Every string that reaches the page goes through here: what HTML cannot show safely is made
/// visible (control characters, bytes that are not UTF-8), then the markup characters escaped.
std::string html(std::string_view s);

/// The groups of the page: every cluster (or snapshot outside any cluster) evaluated or named by a
/// finding, sorted by name, each with its number (the anchor `unit-N` of its findings).
using unit_numbers = std::map<std::string, std::size_t>;
unit_numbers units_of(const report& r);

/// The anchor of a finding: `finding-N`, N its 1-based place in `r.findings`.
std::size_t finding_number(const report& r, const finding* f);

/// Where a rule is documented: its `ref` when that is a URL (a custom pack's help page); nothing
/// (empty) when its `ref` is a document's title; else, for an article id, the anchor of its id in
/// docs/rules.md under kblint's home page (the report model does not say which pack a rule comes
/// from: a merged report has no rule file).
std::string rule_url(const report& r, std::string_view rule);

/// `text` (HTML already) as a link to the rule's documentation; `text` alone when there is none.
std::string rule_link(const report& r, std::string_view rule, std::string_view text);

/// The summary by rule, the summary by cluster, then the matrix of the rules that have findings
/// (rows: the clusters that have findings; a failing cell links to its cell's first finding).
std::string summaries_html(const report& r, const unit_numbers& units);

/// The collapsed "What was checked" section (render_html_checked.cpp): the snapshots with their
/// node, cluster and time, the changes with their steps, the rules whose 'when' was false and how often.
std::string checked_html(const report& r);

/// `check --show-runbook`: the "Runbooks" section, a table per change of `r.timelines` (a row per
/// step: node, action, changes, findings linked to their articles; the end state last); empty
/// when there is no timeline (render_html_timeline.cpp).
std::string timelines_html(const report& r);

/// The style rules of the Runbooks section, added to the page's style block when it has that section.
extern const std::string_view timeline_style;

} // namespace kbl::html_page
