// The "Runbooks" section of the HTML report (`check --show-runbook`): a table per planned change
// or runbook, a row per step (its node, action, the state it changed and the findings raised at
// it, linked to their articles), the end state's findings in the last row.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "checker/report/render_html_parts.hpp"

namespace kbl::html_page {

const std::string_view timeline_style = R"(table.timeline { margin: 4px 0 12px; }
table.timeline th, table.timeline td { border-bottom: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
table.timeline td.num { text-align: right; }
table.timeline tr.hit.error { background: #ffebe9; } table.timeline tr.hit.warning { background: #fff8c5; }
table.timeline tr.hit.info { background: #ddf4ff; } table.timeline tr.skipped { color: #8c959f; }
table.timeline tr.end th, table.timeline tr.whole th { text-align: right; font-weight: 600; }
table.timeline ul.effects { list-style: none; margin: 0; padding: 0; }
table.timeline a.badge { text-decoration: none; white-space: nowrap; }
)";

namespace {

// The findings as badges linked to their articles, or `none` when there is none.
std::string findings_cell(const report& r, const std::vector<timeline_finding>& refs, std::string_view none) {
    std::vector<const finding*> fs = timeline_findings(r, refs);
    if (fs.empty()) return std::string(none);
    std::string out;
    for (const finding* f : fs) {
        std::string st = f->st == status::fail ? std::string() : fmt::format(" {}", to_string(f->st));
        out += fmt::format("<a class=\"badge {}{}\" href=\"#finding-{}\" title=\"{}\">{}</a> ", to_string(f->sev), st,
                           finding_number(r, f), html(f->message), html(f->rule));
    }
    out.pop_back();
    return out;
}

// The class of a step's row: `hit` and the worst severity of its failing or unknown findings.
std::string row_class(const report& r, const timeline_step& s) {
    if (!s.simulated) return " class=\"skipped\"";
    const finding* worst = nullptr;
    for (const finding* f : timeline_findings(r, s.findings))
        if ((f->st == status::fail || f->st == status::unknown) && (!worst || f->sev > worst->sev)) worst = f;
    return worst ? fmt::format(" class=\"hit {}\"", to_string(worst->sev)) : std::string();
}

std::string step_row(const report& r, std::size_t table, const timeline_step& s) {
    std::string changes;
    if (!s.simulated) changes = "not simulated";
    else if (s.effects.empty()) changes = "no change";
    else {
        changes = "<ul class=\"effects\">";
        for (const auto& e : s.effects)
            changes += fmt::format("<li><b>{}</b> <code>{}</code></li>", html(e.node), html(effect_text(e)));
        changes += "</ul>";
    }
    return fmt::format("<tr id=\"runbook-{}-step-{}\"{}><td class=\"num\">{}</td><td>{}</td><td><code>{}</code></td>"
                       "<td>{}</td><td>{}</td></tr>\n",
                       table, s.index, row_class(r, s), s.index, html(s.node), html(s.action), changes,
                       findings_cell(r, s.findings, ""));
}

std::string timeline_table(const report& r, std::size_t table, const timeline& t) {
    std::string name = t.file ? t.file->name() : std::string();
    std::string out = fmt::format("<h3>{} <code>{}</code>{} ({})</h3>\n", t.planned ? "Planned change" : "Runbook", html(name),
                                  t.cluster.empty() ? std::string() : fmt::format(" &middot; {}", html(t.cluster)),
                                  plural(t.steps.size(), "step", "steps"));
    out += fmt::format("<div class=\"scroll\"><table class=\"timeline\" id=\"runbook-{}\">\n<thead><tr><th>Step</th><th>Node</th>"
                       "<th>Action</th><th>Changes</th><th>Findings</th></tr></thead>\n<tbody>\n",
                       table);
    for (const auto& s : t.steps) out += step_row(r, table, s);
    if (!t.whole.empty())
        out += fmt::format("<tr class=\"whole\"><th colspan=\"4\">Whole runbook</th><td>{}</td></tr>\n",
                           findings_cell(r, t.whole, "no finding"));
    out += fmt::format("<tr class=\"end\"><th colspan=\"4\">End state</th><td>{}</td></tr>\n",
                       findings_cell(r, t.end_state, "no finding"));
    return out + "</tbody>\n</table></div>\n";
}

} // namespace

std::string timelines_html(const report& r) {
    if (r.timelines.empty()) return {};
    std::string out = fmt::format("<section id=\"runbooks\">\n<h2>Runbooks ({})</h2>\n", r.timelines.size());
    for (std::size_t i = 0; i < r.timelines.size(); ++i) out += timeline_table(r, i + 1, r.timelines[i]);
    return out + "</section>\n";
}

} // namespace kbl::html_page
