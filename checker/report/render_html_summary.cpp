#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "checker/report/render_html_parts.hpp"
#include "checker/report/render_util.hpp"
#include "common/text.hpp"

namespace kbl::html_page {

namespace {

using render::outcome;

// Findings counted by status (and which units they are in).
struct tally {
    std::size_t fail = 0, unknown = 0, waived = 0, baselined = 0;
    std::set<std::string> units, rules;
    const finding* first = nullptr;

    void add(const finding& f) {
        switch (f.st) {
        case status::fail: ++fail; break;
        case status::unknown: ++unknown; break;
        case status::waived: ++waived; break;
        case status::baselined: ++baselined; break;
        }
        units.insert(render::unit_of(f));
        rules.insert(f.rule);
        if (first == nullptr) first = &f;
    }
};

std::string count_cells(const tally& t) {
    auto cell = [](std::size_t n, std::string_view css) {
        return n == 0 ? std::string("<td class=\"num\">0</td>") : fmt::format("<td class=\"num {}\">{}</td>", css, n);
    };
    return cell(t.fail, "fail") + cell(t.unknown, "unknown") + cell(t.waived, "waived") + cell(t.baselined, "baselined");
}

constexpr std::string_view count_heads = "<th>fail</th><th>unknown</th><th>waived</th><th>baselined</th>";

std::string by_rule_html(const report& r) {
    std::map<std::string, tally> rules;
    std::map<std::string, const finding*> info;
    for (const auto& f : r.findings) {
        rules[f.rule].add(f);
        info.emplace(f.rule, &f);
    }
    std::string out = "<section id=\"by-rule\">\n<h2>Summary by rule</h2>\n";
    std::size_t clean = r.rules.size() - std::min(r.rules.size(), rules.size());
    out += fmt::format("<p class=\"summary\">{} with findings; {} without.</p>\n", plural(rules.size(), "rule", "rules"),
                       plural(clean, "rule", "rules"));
    if (rules.empty()) return out + "</section>\n";
    out += fmt::format("<table class=\"list\">\n<thead><tr><th>rule</th><th>severity</th><th>title</th>{}<th>clusters</th></tr>"
                       "</thead>\n<tbody>\n", count_heads);
    for (const auto& [id, t] : rules) {
        const finding& f = *info.at(id);
        out += fmt::format("<tr><td><a href=\"#finding-{}\"><code>{}</code></a></td><td>{}</td><td>{}</td>{}<td class=\"num\">{}"
                           "</td></tr>\n", finding_number(r, t.first), html(id), to_string(f.sev), html(f.title),
                           count_cells(t), t.units.size());
    }
    return out + "</tbody>\n</table>\n</section>\n";
}

std::string by_cluster_html(const report& r, const unit_numbers& units) {
    std::map<std::string, tally> found;
    for (const auto& f : r.findings) found[render::unit_of(f)].add(f);
    std::string out = "<section id=\"by-cluster\">\n<h2>Summary by cluster</h2>\n";
    out += fmt::format("<p class=\"summary\">{} with findings; {} without.</p>\n", plural(found.size(), "cluster", "clusters"),
                       plural(units.size() - found.size(), "cluster", "clusters"));
    if (!found.empty()) {
        out += fmt::format("<table class=\"list\">\n<thead><tr><th>cluster</th>{}<th>rules</th></tr></thead>\n<tbody>\n",
                           count_heads);
        for (const auto& [unit, t] : found) {
            out += fmt::format("<tr><td><a href=\"#unit-{}\">{}</a></td>{}<td>{}</td></tr>\n", units.at(unit), html(unit),
                               count_cells(t), html(fmt::format("{}", fmt::join(t.rules, ", "))));
        }
        out += "</tbody>\n</table>\n";
    }
    std::vector<std::string> clean;
    for (const auto& [unit, n] : units)
        if (found.count(unit) == 0) clean.push_back(html(unit));
    if (!clean.empty())
        out += fmt::format("<details class=\"clean\"><summary>Clusters without findings ({})</summary>\n<p>{}</p>\n</details>\n",
                           clean.size(), fmt::join(clean, ", "));
    return out + "</section>\n";
}

struct cell_style {
    std::string_view css;
    std::string_view symbol;
};

cell_style cell_of(outcome o) {
    switch (o) {
    case outcome::fail: return {"fail", "\xE2\x9C\x97"};       // ✗
    case outcome::unknown: return {"unknown", "?"};
    case outcome::waived: return {"waived", "W"};
    case outcome::baselined: return {"baselined", "B"};
    case outcome::pass: return {"pass", "\xE2\x9C\x93"};       // ✓
    case outcome::not_applicable: return {"na", "\xE2\x80\x93"};  // –
    }
    return {"na", "-"};
}

// The matrix: a column per rule that has findings (id, title), a row per unit that has findings;
// a cell merges the cases of its rule on its unit.
struct cell {
    bool applied = false;
    std::vector<const finding*> findings;
};
struct matrix {
    std::vector<std::pair<std::string, std::string>> columns;
    std::map<std::string, std::map<std::size_t, cell>> rows;
};

matrix matrix_of(const report& r) {
    matrix m;
    std::map<std::string, std::size_t> column_of;
    std::set<std::string> with_findings;
    for (const auto& f : r.findings) with_findings.insert(render::unit_of(f));
    for (const auto& f : r.findings)
        if (column_of.emplace(f.rule, 0).second) m.columns.emplace_back(f.rule, f.title);
    std::sort(m.columns.begin(), m.columns.end());
    for (std::size_t i = 0; i < m.columns.size(); ++i) column_of[m.columns[i].first] = i;
    for (const auto& c : render::rule_cases(r)) {
        auto it = column_of.find(c.rule);
        if (it == column_of.end() || with_findings.count(c.unit) == 0) continue;
        cell& x = m.rows[c.unit][it->second];
        x.applied = x.applied || c.applied;
        x.findings.insert(x.findings.end(), c.findings.begin(), c.findings.end());
    }
    return m;
}

std::string matrix_cell_html(const report& r, const matrix& m, std::size_t i, const std::string& unit,
                             const std::map<std::size_t, cell>& cells) {
    auto it = cells.find(i);
    bool has = it != cells.end();
    outcome o = has ? render::outcome_of(it->second.findings, it->second.applied) : outcome::not_applicable;
    std::size_t n = has ? it->second.findings.size() : 0;
    cell_style cs = cell_of(o);
    std::string title = fmt::format("{} on {}: {}", m.columns[i].first, unit, render::to_string(o));
    if (n == 0) return fmt::format("<td class=\"{}\" title=\"{}\">{}</td>", cs.css, html(title), cs.symbol);
    title += fmt::format(" ({})", plural(n, "finding", "findings"));
    return fmt::format("<td class=\"{}\" title=\"{}\"><a href=\"#finding-{}\">{}</a></td>", cs.css, html(title),
                       finding_number(r, it->second.findings.front()), cs.symbol);
}

std::string matrix_html(const report& r, const matrix& m) {
    std::string out = "<section id=\"matrix\">\n<h2>Results by cluster and rule</h2>\n";
    if (m.rows.empty()) return out + "<p class=\"summary\">No rule has a finding.</p>\n</section>\n";
    out += "<p class=\"summary\">The rules that have findings, on the clusters that have findings; a marked cell links to "
           "its findings.</p>\n";
    out += "<p class=\"legend\"><span class=\"pass\">\xE2\x9C\x93 pass</span><span class=\"fail\">\xE2\x9C\x97 fail</span>"
           "<span class=\"unknown\">? unknown</span><span class=\"waived\">W waived</span>"
           "<span class=\"baselined\">B baselined</span><span class=\"na\">\xE2\x80\x93 not applicable</span></p>\n";
    out += "<div class=\"scroll\">\n<table class=\"matrix\">\n<thead><tr><th>cluster</th>";
    for (const auto& [id, title] : m.columns)
        out += fmt::format("<th title=\"{}\">{}</th>", html(title), rule_link(r, id, html(id)));
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& [unit, cells] : m.rows) {
        out += fmt::format("<tr><th>{}</th>", html(unit));
        for (std::size_t i = 0; i < m.columns.size(); ++i) out += matrix_cell_html(r, m, i, unit, cells);
        out += "</tr>\n";
    }
    return out + "</tbody>\n</table>\n</div>\n</section>\n";
}

} // namespace

std::string summaries_html(const report& r, const unit_numbers& units) {
    return by_rule_html(r) + by_cluster_html(r, units) + matrix_html(r, matrix_of(r));
}

} // namespace kbl::html_page
