#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "checker/report/render_html_parts.hpp"
#include "checker/report/render_util.hpp"
#include "common/text.hpp"
#include "checker/report/report.hpp"

namespace kbl {

namespace html_page {

std::string html(std::string_view s) {
    std::string out;
    for (char c : escape_for_terminal(s, {.tab = true, .newline = true})) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

unit_numbers units_of(const report& r) {
    unit_numbers units;
    for (const auto& e : r.evaluated) units.emplace(render::unit_of(e), 0);
    for (const auto& f : r.findings) units.emplace(render::unit_of(f), 0);
    std::size_t n = 0;
    for (auto& [unit, number] : units) number = ++n;
    return units;
}

std::size_t finding_number(const report& r, const finding* f) { return static_cast<std::size_t>(f - r.findings.data()) + 1; }

namespace {

// The reference of rule `rule`: the run's rule's, else a finding's (a rule that only findings name).
const kb_ref* rule_ref(const report& r, std::string_view rule) {
    for (const auto& ri : r.rules)
        if (ri.id == rule) return &ri.ref;
    for (const auto& f : r.findings)
        if (f.rule == rule) return &f.ref;
    return nullptr;
}

} // namespace

std::string rule_url(const report& r, std::string_view rule) {
    const kb_ref* ref = rule_ref(r, rule);
    if (ref && render::is_url(ref->article)) return ref->article;
    if (ref && !ref->article.empty() && !render::is_article_id(ref->article)) return {};  // a document's title
    std::string base = r.information_uri.empty() ? std::string(default_information_uri) : r.information_uri;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string anchor(rule);
    for (char& c : anchor)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return fmt::format("{}/blob/main/docs/rules.md#{}", base, anchor);
}

std::string rule_link(const report& r, std::string_view rule, std::string_view text) {
    std::string url = rule_url(r, rule);
    if (url.empty()) return std::string(text);
    return fmt::format("<a href=\"{}\">{}</a>", html(url), text);
}

} // namespace html_page

namespace {

using html_page::html;

// Lines of context shown above and below the deciding line of a finding.
constexpr std::uint32_t snippet_context = 2;
// Longer snapshot lines are cut in snippets to a window around the caret (the page stays readable
// whatever the input).
constexpr std::size_t max_snippet_line = 300;

constexpr std::string_view style = R"(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1f2328; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
code, pre { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
.summary { color: #57606a; margin: 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; }
table.matrix th, table.matrix td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: center; }
table.matrix thead th { white-space: nowrap; font-weight: 600; vertical-align: bottom; }
table.matrix thead th + th { writing-mode: vertical-rl; transform: rotate(180deg); vertical-align: middle; }
table.matrix tbody th { text-align: left; white-space: nowrap; position: sticky; left: 0; background: #fff; }
table.rules td, table.rules th, table.list td, table.list th { border-bottom: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
table.list td.num { text-align: right; }
table.matrix td a, table.list a { color: inherit; }
section.group h3 { font-size: 15px; margin: 18px 0 4px; }
p.filter input { font: inherit; width: 28em; max-width: 100%; padding: 3px 6px; }
td.pass { background: #dafbe1; color: #116329; }
td.fail { background: #ffebe9; color: #a40e26; font-weight: 700; }
td.unknown { background: #fff8c5; color: #7d4e00; font-weight: 700; }
td.waived { background: #ddf4ff; color: #0550ae; }
td.baselined { background: #eee7ff; color: #5a32a3; }
td.na { background: #f6f8fa; color: #8c959f; }
.legend span { display: inline-block; margin-right: 10px; padding: 1px 6px; border: 1px solid #d0d7de; }
.legend .pass { background: #dafbe1; } .legend .fail { background: #ffebe9; } .legend .unknown { background: #fff8c5; }
.legend .waived { background: #ddf4ff; } .legend .baselined { background: #eee7ff; } .legend .na { background: #f6f8fa; }
article { border: 1px solid #d0d7de; border-left: 5px solid #8c959f; border-radius: 4px; padding: 8px 12px; margin: 10px 0; }
article.error { border-left-color: #cf222e; } article.warning { border-left-color: #bf8700; } article.info { border-left-color: #0969da; }
article.waived, article.baselined { opacity: .75; }
article h4 { font-size: 14px; margin: 0 0 4px; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 0 5px; border-radius: 3px; margin-right: 4px; background: #eaeef2; }
.badge.error { background: #ffebe9; color: #a40e26; } .badge.warning { background: #fff8c5; color: #7d4e00; } .badge.info { background: #ddf4ff; color: #0550ae; }
.where { color: #57606a; margin: 0 0 4px; }
pre.snippet { background: #f6f8fa; border: 1px solid #d0d7de; padding: 6px 0; margin: 4px 0; overflow-x: auto; white-space: pre; tab-size: 4; }
pre.snippet span { display: block; padding: 0 8px; }
pre.snippet span.hit { background: #fff8c5; }
pre.snippet b { display: inline-block; min-width: 3em; color: #8c959f; font-weight: 400; text-align: right; margin-right: 10px; }
p.help, p.ref, p.note { margin: 2px 0; }
ul.errors li, ul.notes li { margin: 2px 0; }
)";

// The filter box's script: it hides the findings (and their clusters' groups) whose text lacks a
// word typed in the box (or given as `?q=` in the page's address). The page's Content-Security-Policy
// allows this script alone, by its SHA-256 (tests/html_test.cpp checks the hash).
constexpr std::string_view script = R"js((function () {
  var box = document.getElementById('filter'), shown = document.getElementById('shown');
  if (!box) return;
  var groups = document.querySelectorAll('#findings section.group');
  function apply() {
    var terms = box.value.toLowerCase().split(/\s+/).filter(function (t) { return t !== ''; });
    var total = 0;
    groups.forEach(function (g) {
      var n = 0;
      g.querySelectorAll('article').forEach(function (a) {
        var text = a.textContent.toLowerCase();
        var hit = terms.every(function (t) { return text.indexOf(t) >= 0; });
        a.hidden = !hit;
        if (hit) ++n;
      });
      g.hidden = n === 0;
      total += n;
    });
    shown.textContent = terms.length === 0 ? '' : total + ' shown';
  }
  box.addEventListener('input', apply);
  var q = new URLSearchParams(location.search).get('q');
  if (q) box.value = q;
  box.disabled = false;
  apply();
})();)js";
constexpr std::string_view script_sha256 = "AVZX/rzGUfodM3wh6KItq7wOT/OTXDV3r6DT+eJhvfU=";

std::string place_text(const location& l) {
    pos p = render::shown_pos(l);
    return fmt::format("{}:{}:{}", render::file_of(l), p.line, p.column);
}

std::string snippet_html(const location& l) {
    pos p = render::shown_pos(l);
    if (!l.file || p.line > l.file->line_count()) return {};
    std::uint32_t first = p.line > snippet_context ? p.line - snippet_context : 1;
    std::uint32_t last = std::min(l.file->line_count(), p.line + snippet_context);
    std::string out = "<pre class=\"snippet\">";
    for (std::uint32_t n = first; n <= last; ++n) {
        std::string_view line = l.file->line_text(n);
        std::string cut = cut_line(line, n == p.line ? p.column - 1 : 0, max_snippet_line).text;
        out += fmt::format("<span{}><b>{}</b>{}</span>", n == p.line ? " class=\"hit\"" : "", n, html(cut));
    }
    out += "</pre>\n";
    return out;
}

std::string finding_html(const report& r, const finding& f, std::size_t index) {
    std::string sev(to_string(f.sev));
    std::string st(to_string(f.st));
    std::string out = fmt::format("<article class=\"{} {}\" id=\"finding-{}\">\n", sev, st, index);
    out += fmt::format("<h4><span class=\"badge {}\">{}</span><span class=\"badge\">{}</span><code>{}</code> {}</h4>\n", sev,
                       sev, st, html(f.rule), html(f.message));
    std::string where = html(place_text(f.loc));
    if (!f.node.empty()) where += fmt::format(" &middot; node {}", html(f.node));
    if (!f.cluster.empty()) where += fmt::format(" &middot; cluster {}", html(f.cluster));
    if (!f.loc.path.empty()) where += fmt::format(" &middot; <code>{}</code>", html(f.loc.path));
    if (f.step) where += fmt::format(" &middot; step {} <code>{}</code>", f.step->index, html(f.step->action));
    out += fmt::format("<p class=\"where\">{}</p>\n", where);
    out += snippet_html(f.loc);
    for (const auto& r : f.related) {
        out += fmt::format("<p class=\"note\">{}: {}</p>\n", html(place_text(r.loc)), html(r.message));
        out += snippet_html(r.loc);
    }
    if (!f.fix.empty()) out += fmt::format("<p class=\"help\"><strong>Fix:</strong> {}</p>\n", html(f.fix));
    std::string ref = render::ref_text(f.ref);
    out += fmt::format("<p class=\"ref\"><strong>Reference:</strong> {}{}{}</p>\n", html(ref), ref.empty() ? "" : " &middot; ",
                       html_page::rule_link(r, f.rule, "rule " + html(f.rule)));
    if (f.waiver) {
        std::string by = f.waiver->approved_by.empty() ? std::string() : fmt::format(" (approved by {})", html(f.waiver->approved_by));
        out += fmt::format("<p class=\"note\"><strong>Waived</strong> until {}: {}{}</p>\n", html(f.waiver->expires),
                           html(f.waiver->reason), by);
    }
    if (f.st == status::baselined) out += "<p class=\"note\"><strong>Baselined:</strong> the finding is in the baseline</p>\n";
    out += "</article>\n";
    return out;
}

std::string summary_text(const report& r) {
    const auto& s = r.summary;
    std::string out = fmt::format("{}, {}, {}", plural(s.errors, "error", "errors"), plural(s.warnings, "warning", "warnings"),
                                  plural(s.infos, "info", "infos"));
    std::vector<std::string> extra;
    if (s.unknown != 0) extra.push_back(fmt::format("{} unknown", s.unknown));
    if (s.waived != 0) extra.push_back(fmt::format("{} waived", s.waived));
    if (s.baselined != 0) extra.push_back(fmt::format("{} baselined", s.baselined));
    if (!extra.empty()) out += fmt::format(" ({})", fmt::join(extra, ", "));
    out += fmt::format(" in {}, {}, {}", plural(s.snapshots, "snapshot", "snapshots"), plural(s.clusters, "cluster", "clusters"),
                       plural(s.rules, "rule", "rules"));
    if (std::size_t n = input_error_count(r); n != 0) out += fmt::format("; {}", plural(n, "input error", "input errors"));
    return out;
}

std::string head_html(const report& r) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += fmt::format("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                       "script-src 'sha256-{}'\">\n", script_sha256);
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += fmt::format("<meta name=\"generator\" content=\"kblint {}\">\n", html(r.version));
    out += "<title>kblint report</title>\n";
    // The Runbooks section's rules join the style block only when the page has that section.
    out += fmt::format("<style>{}{}</style>\n</head>\n<body>\n", style, r.timelines.empty() ? "" : html_page::timeline_style);
    out += fmt::format("<header>\n<h1>kblint report</h1>\n<p class=\"summary\">{}</p>\n", html(summary_text(r)));
    if (!r.findings.empty())
        out += "<p class=\"filter\"><input id=\"filter\" type=\"search\" disabled aria-label=\"Filter the findings\" "
               "placeholder=\"Filter the findings: rule, cluster, node, words of the message\"> <span id=\"shown\"></span></p>\n";
    out += "</header>\n";
    return out;
}

// The input errors and the notifications, each a section when there is any.
std::string problems_html(const report& r) {
    std::string out;
    if (!r.errors.empty()) {
        out += "<section id=\"errors\">\n<h2>Input errors</h2>\n<ul class=\"errors\">\n";
        for (const auto& d : r.errors) {
            std::string where = d.name();
            if (d.where.valid()) where += fmt::format(":{}", d.where.line);
            if (d.where.valid() && d.where.column != 0) where += fmt::format(":{}", d.where.column);
            std::string level = d.severity == diag_severity::error ? std::string() : fmt::format("{}: ", input_severity(d));
            out += fmt::format("<li><code>{}</code>: {}{}</li>\n", html(where), level, html(d.message));
        }
        out += "</ul>\n</section>\n";
    }
    if (!r.notifications.empty()) {
        out += "<section id=\"notifications\">\n<h2>Notifications</h2>\n<ul class=\"notes\">\n";
        for (const auto& n : r.notifications) {
            std::string where = n.file;
            if (n.where.valid()) where += fmt::format(":{}:{}", n.where.line, n.where.column);
            out += fmt::format("<li><code>{}</code>: {}: {} [{}]</li>\n", html(where), html(n.level), html(n.message),
                               html(n.kind));
        }
        out += "</ul>\n</section>\n";
    }
    return out;
}


// The findings, a group per cluster (or snapshot outside any cluster) in report order within it.
std::string findings_html(const report& r, const html_page::unit_numbers& units) {
    std::string out = fmt::format("<section id=\"findings\">\n<h2>Findings ({})</h2>\n", r.findings.size());
    if (r.findings.empty()) return out + "<p>No finding</p>\n</section>\n";
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < r.findings.size(); ++i) groups[render::unit_of(r.findings[i])].push_back(i);
    for (const auto& [unit, list] : groups) {
        out += fmt::format("<section class=\"group\" id=\"unit-{}\">\n<h3>{} &middot; {}</h3>\n", units.at(unit), html(unit),
                           plural(list.size(), "finding", "findings"));
        for (std::size_t i : list) out += finding_html(r, r.findings[i], i + 1);
        out += "</section>\n";
    }
    return out + "</section>\n";
}

// Every selected rule (and any rule only findings name), each linked to its reference.
std::string rules_html(const report& r) {
    std::vector<std::pair<std::string, std::string>> list;
    std::map<std::string, const rule_info*> info;
    for (const auto& ri : r.rules)
        if (info.emplace(ri.id, &ri).second) list.emplace_back(ri.id, ri.title);
    for (const auto& f : r.findings)
        if (info.emplace(f.rule, nullptr).second) list.emplace_back(f.rule, f.title);
    std::string out = "<section id=\"rules\">\n<h2>Rules</h2>\n<table class=\"rules\">\n"
                      "<thead><tr><th>rule</th><th>severity</th><th>scope</th><th>title</th><th>reference</th></tr></thead>\n<tbody>\n";
    for (const auto& [id, title] : list) {
        const rule_info* ri = info.at(id);
        out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                           html_page::rule_link(r, id, "<code>" + html(id) + "</code>"), ri ? to_string(ri->sev) : "",
                           ri ? to_string(ri->scope) : "", html(title), ri ? html(render::ref_text(ri->ref)) : std::string());
    }
    return out + "</tbody>\n</table>\n</section>\n";
}

} // namespace

std::string render_html(const report& r) {
    const html_page::unit_numbers units = html_page::units_of(r);
    std::string out = head_html(r) + problems_html(r) + html_page::summaries_html(r, units) + findings_html(r, units);
    out += html_page::timelines_html(r);
    out += rules_html(r) + html_page::checked_html(r);
    if (!r.findings.empty()) out += fmt::format("<script>{}</script>\n", script);
    out += "</body>\n</html>\n";
    return out;
}

} // namespace kbl
