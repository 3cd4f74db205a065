// `check --show-runbook`: each planned change and runbook as a compact timeline after the findings
// of the text report (render_text), one line per step and effect, the findings marked under their step.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/color.h>
#include <fmt/format.h>

#include "checker/report/report.hpp"
#include "common/text.hpp"

namespace kbl {

namespace {

struct paint {
    bool on = false;
    std::string operator()(fmt::text_style style, std::string_view s) const {
        return on ? fmt::format(style, "{}", s) : std::string(s);
    }
    std::string sev(severity s) const {
        fmt::terminal_color c = s == severity::error     ? fmt::terminal_color::bright_red
                                : s == severity::warning ? fmt::terminal_color::bright_magenta
                                                         : fmt::terminal_color::bright_cyan;
        return (*this)(fmt::fg(c) | fmt::emphasis::bold, to_string(s));
    }
};

std::string padded(std::string_view s, std::size_t width) {
    std::string out = escape_for_terminal(s);
    std::size_t w = display_width(out);
    if (w < width) out.append(width - w, ' ');
    return out;
}

// "! RULE SEVERITY (line N)", the status after the severity when the finding does not simply fail.
std::string finding_line(const finding& f, const paint& p) {
    std::string st = f.st == status::fail ? std::string() : fmt::format(", {}", to_string(f.st));
    return fmt::format("{} {} {} (line {}{})", p(fmt::emphasis::bold, "!"), escape_for_terminal(f.rule), p.sev(f.sev),
                       f.loc.where.valid() ? f.loc.where.line : 1, st);
}

// "1 finding (RULE severity, ...)" or "no finding".
std::string findings_summary(const std::vector<const finding*>& fs, const paint& p) {
    if (fs.empty()) return "no finding";
    std::vector<std::string> parts;
    for (const finding* f : fs) parts.push_back(fmt::format("{} {}", escape_for_terminal(f->rule), p.sev(f->sev)));
    return fmt::format("{} ({})", plural(fs.size(), "finding", "findings"), fmt::join(parts, ", "));
}

std::string timeline_text(const report& r, const timeline& t, const paint& p) {
    std::size_t num_w = std::to_string(t.steps.size()).size(), node_w = 0, action_w = 0;
    for (const auto& s : t.steps) {
        node_w = std::max(node_w, display_width(escape_for_terminal(s.node)));
        action_w = std::max(action_w, display_width(escape_for_terminal(s.action)));
    }
    std::string out = fmt::format("{} {} ({})\n", t.planned ? "planned change" : "runbook",
                                  p(fmt::emphasis::bold, escape_for_terminal(t.file ? t.file->name() : std::string())),
                                  plural(t.steps.size(), "step", "steps"));
    const std::string indent(2 + num_w + 2 + node_w + 2 + action_w + 2, ' ');
    for (const auto& s : t.steps) {
        std::vector<std::string> lines;
        for (const auto& e : s.effects) {
            std::string on = ascii_iequal(e.node, s.node) ? std::string() : fmt::format("[{}] ", e.node);
            lines.push_back(escape_for_terminal(on + effect_text(e)));
        }
        for (const finding* f : timeline_findings(r, s.findings)) lines.push_back(finding_line(*f, p));
        if (!s.simulated) lines.insert(lines.begin(), "(not simulated)");
        else if (s.effects.empty()) lines.insert(lines.begin(), "(no change)");
        out += fmt::format("  {:>{}}  {}  {}  {}\n", s.index, num_w, padded(s.node, node_w), padded(s.action, action_w),
                           lines.front());
        for (std::size_t i = 1; i < lines.size(); ++i) out += indent + lines[i] + '\n';
    }
    if (!t.whole.empty()) out += fmt::format("  whole runbook: {}\n", findings_summary(timeline_findings(r, t.whole), p));
    out += fmt::format("  end state: {}\n", findings_summary(timeline_findings(r, t.end_state), p));
    return out;
}

// "file:line: note: step N (ACTION on NODE): TEXT", the gcc form of a note without a column.
std::string concise_note(const timeline& t, const timeline_step& s, std::string_view text, const paint& p) {
    std::string place = fmt::format("{}:{}:", t.file ? t.file->name() : std::string(), s.line);
    return fmt::format("{} {}: {}\n", p(fmt::emphasis::bold, escape_for_terminal(place)),
                       p(fmt::fg(fmt::terminal_color::bright_cyan) | fmt::emphasis::bold, "note"),
                       escape_for_terminal(fmt::format("step {} ({} on {}): {}", s.index, s.action, s.node, text)));
}

} // namespace

std::string render_timelines_concise(const report& r, const text_options& opt) {
    paint p{opt.color};
    std::string out;
    for (const auto& t : r.timelines)
        for (const auto& s : t.steps) {
            if (!s.simulated) out += concise_note(t, s, "not simulated", p);
            else if (s.effects.empty()) out += concise_note(t, s, "no change", p);
            for (const auto& e : s.effects) {
                std::string on = ascii_iequal(e.node, s.node) ? std::string() : fmt::format("[{}] ", e.node);
                out += concise_note(t, s, on + effect_text(e), p);
            }
        }
    return out;
}

std::vector<const finding*> timeline_findings(const report& r, const std::vector<timeline_finding>& refs) {
    std::vector<const finding*> out;
    for (const auto& ref : refs)
        for (const auto& f : r.findings)
            if (f.rule == ref.rule && f.fingerprint == ref.fingerprint &&
                std::find(out.begin(), out.end(), &f) == out.end())
                out.push_back(&f);
    return out;
}

std::string render_timelines_text(const report& r, const text_options& opt) {
    paint p{opt.color};
    std::string out;
    for (std::size_t i = 0; i < r.timelines.size(); ++i) {
        if (i != 0) out += '\n';
        out += timeline_text(r, r.timelines[i], p);
    }
    return out;
}

} // namespace kbl
