// The "What was checked" section of the HTML report: collapsed, it lists the snapshots with their
// node, cluster and time, the changes with their steps, and the rules that did not apply and why.
#include <map>
#include <string>

#include <fmt/format.h>

#include "checker/report/render_html_parts.hpp"

namespace kbl::html_page {

namespace {

std::string snapshots_html(const checked_list& c) {
    std::string out = fmt::format("<h3>Snapshots ({})</h3>\n<table class=\"list\">\n"
                                  "<thead><tr><th>file</th><th>node</th><th>cluster</th><th>taken at</th></tr></thead>\n<tbody>\n",
                                  c.snapshots.size());
    for (const auto& s : c.snapshots)
        out += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html(s.file), html(s.node),
                           html(s.cluster), s.taken_at ? html(*s.taken_at) : std::string("unknown"));
    return out + "</tbody>\n</table>\n";
}

std::string changes_html(const checked_list& c) {
    if (c.changes.empty()) return "<h3>Changes</h3>\n<p>No planned change or runbook</p>\n";
    std::string out = fmt::format("<h3>Changes ({})</h3>\n", c.changes.size());
    for (const auto& ch : c.changes) {
        out += fmt::format("<p>{} in <code>{}</code></p>\n<ol>\n", change_kind(ch), html(ch.file));
        for (const auto& st : ch.steps)
            out += fmt::format("<li value=\"{}\"><code>{}</code> on {} (line {})</li>\n", st.step, html(st.action), html(st.node), st.line);
        out += "</ol>\n";
    }
    return out;
}

// The rules whose 'when' was false somewhere, each with how many nodes (or clusters) it did not apply to.
std::string not_applied_html(const report& r) {
    std::map<std::string, std::size_t> count;
    for (const auto& e : r.evaluated)
        if (!e.applied) ++count[e.rule];
    if (count.empty()) return "<h3>Rules not applied</h3>\n<p>Every rule evaluated applied</p>\n";
    std::string out = "<h3>Rules not applied</h3>\n<table class=\"list\">\n"
                      "<thead><tr><th>rule</th><th>times</th><th>why</th></tr></thead>\n<tbody>\n";
    for (const auto& [rule, n] : count)
        out += fmt::format("<tr><td><code>{}</code></td><td class=\"num\">{}</td><td>a 'when' condition is false</td></tr>\n",
                           html(rule), n);
    return out + "</tbody>\n</table>\n";
}

} // namespace

std::string checked_html(const report& r) {
    return "<section id=\"checked\">\n<details>\n<summary>What was checked</summary>\n" + snapshots_html(r.checked) +
           changes_html(r.checked) + not_applied_html(r) + "</details>\n</section>\n";
}

} // namespace kbl::html_page
