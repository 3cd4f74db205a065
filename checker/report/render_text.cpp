#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/color.h>
#include <fmt/format.h>

#include "checker/report/render_util.hpp"
#include "checker/report/report.hpp"
#include "common/text.hpp"

namespace kbl {

namespace {

diag_severity severity_of(severity s) {
    switch (s) {
    case severity::error: return diag_severity::error;
    case severity::warning: return diag_severity::warning;
    case severity::info: return diag_severity::info;
    }
    return diag_severity::error;
}

// A finding always has a place: line 1 column 1 of its file when nothing better is known.
pos shown_pos(const location& l) {
    if (!l.where.valid()) return {1, 1};
    return {l.where.line, l.where.column == 0 ? 1 : l.where.column};
}

diag_note note_at(const location& l, std::string message) {
    if (!l.file) return {diag_note::kind::note, std::move(message), nullptr, {}};
    return {diag_note::kind::note, std::move(message), l.file, shown_pos(l)};
}

diag_note unlocated(diag_note::kind k, std::string message) { return {k, std::move(message), nullptr, {}}; }

} // namespace

diagnostic to_diagnostic(const finding& f) {
    diagnostic d;
    d.severity = severity_of(f.sev);
    d.file = f.loc.file;
    d.where = shown_pos(f.loc);
    d.message = f.message;
    d.check_id = f.rule;
    if (f.st != status::fail) d.suffix = fmt::format(" ({})", to_string(f.st));
    for (const auto& r : f.related) d.notes.push_back(note_at(r.loc, r.message));
    if (f.step) d.notes.push_back(unlocated(diag_note::kind::note, fmt::format("in step {} '{}'", f.step->index, f.step->action)));
    if (!f.fix.empty()) d.notes.push_back(unlocated(diag_note::kind::help, f.fix));
    if (!f.ref.article.empty() || !f.ref.section.empty()) d.notes.push_back(unlocated(diag_note::kind::note, render::ref_text(f.ref)));
    if (f.waiver) {
        std::string by = f.waiver->approved_by.empty() ? std::string() : fmt::format(" (approved by {})", f.waiver->approved_by);
        d.notes.push_back(
            unlocated(diag_note::kind::note, fmt::format("waived until {}: {}{}", f.waiver->expires, f.waiver->reason, by)));
    }
    return d;
}

std::string render_summary(const report& r) {
    const auto& s = r.summary;
    std::string line = fmt::format("{}, {}, {}", plural(s.errors, "error", "errors"),
                                   plural(s.warnings, "warning", "warnings"), plural(s.infos, "info", "infos"));
    std::vector<std::string> extra;
    if (s.unknown != 0) extra.push_back(fmt::format("{} unknown", s.unknown));
    if (s.waived != 0) extra.push_back(fmt::format("{} waived", s.waived));
    if (s.baselined != 0) extra.push_back(fmt::format("{} baselined", s.baselined));
    if (r.baseline && !r.stale_baseline.empty())
        extra.push_back(fmt::format("{} fixed since the baseline", r.stale_baseline.size()));
    if (!extra.empty()) line += fmt::format(" ({})", fmt::join(extra, ", "));
    line += fmt::format(" in {}, {}", plural(s.snapshots, "snapshot", "snapshots"),
                        plural(s.clusters, "cluster", "clusters"));
    if (s.runbooks != 0) line += fmt::format(", {}", plural(s.runbooks, "runbook", "runbooks"));
    line += fmt::format(", {}", plural(s.rules, "rule", "rules"));
    std::size_t input_errors = input_error_count(r);
    if (input_errors != 0) line += fmt::format("; {}", plural(input_errors, "input error", "input errors"));
    line += '\n';
    return line;
}

std::string render_checked(const report& r) {
    const checked_list& c = r.checked;
    if (c.snapshots.empty() && c.changes.empty()) return {};
    std::string out = "Checked:\n";
    for (const auto& s : c.snapshots)
        out += fmt::format("  snapshot {}: node '{}', {}, {}\n", escape_for_terminal(s.file), escape_for_terminal(s.node),
                           s.cluster.empty() ? std::string("no cluster") : fmt::format("cluster '{}'", escape_for_terminal(s.cluster)),
                           s.taken_at ? fmt::format("taken at {}", escape_for_terminal(*s.taken_at)) : std::string("time unknown"));
    for (const auto& ch : c.changes) {
        out += fmt::format("  {} in {}: {}\n", change_kind(ch), escape_for_terminal(ch.file), plural(ch.steps.size(), "step", "steps"));
        for (const auto& st : ch.steps)
            out += fmt::format("    {}. '{}' on '{}' (line {})\n", st.step, escape_for_terminal(st.action), escape_for_terminal(st.node), st.line);
    }
    return out;
}

std::string render_text(const report& r, const text_options& opt) {
    emit_options emit;
    emit.color = opt.color;
    emit.max_width = opt.width;
    std::vector<std::string> blocks;
    for (const auto& d : r.errors) {
        std::string b = render_diagnostic(d, emit);
        if (b.empty() || b.back() != '\n') b += '\n';
        blocks.push_back(std::move(b));
    }
    if (!opt.quiet) {
        for (const auto& group : render::shown_groups(r.findings, opt.show_baselined)) {
            diagnostic d = to_diagnostic(*group.front());
            d.check_id = render::group_rules(group);
            blocks.push_back(render_diagnostic(d, emit));
        }
    }
    if (opt.verbose)
        if (std::string c = render_checked(r); !c.empty()) blocks.push_back(std::move(c));
    if (!opt.quiet && !r.timelines.empty()) blocks.push_back(render_timelines_text(r, opt));
    blocks.push_back(render::cut_lines(render::hidden_baselined_line(r, opt) + render_summary(r), opt.width));
    std::string out;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (i != 0) out += '\n';
        out += blocks[i];
    }
    return out;
}

} // namespace kbl
