#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/color.h>
#include <fmt/format.h>

#include "checker/report/render_util.hpp"
#include "checker/report/report.hpp"

namespace kbl {

namespace {

constexpr std::size_t tab_width = 4;

// Terminal styling that disappears when colour is off.
struct painter {
    bool on = false;

    [[nodiscard]] std::string paint(fmt::text_style style, std::string_view s) const {
        return on ? fmt::format(style, "{}", s) : std::string(s);
    }
    [[nodiscard]] std::string bold(std::string_view s) const { return paint(fmt::emphasis::bold, s); }
    [[nodiscard]] std::string gutter(std::string_view s) const {
        return paint(fmt::fg(fmt::terminal_color::bright_blue), s);
    }
    [[nodiscard]] std::string caret(std::string_view s) const {
        return paint(fmt::fg(fmt::terminal_color::bright_green) | fmt::emphasis::bold, s);
    }
    [[nodiscard]] std::string note_word() const {
        return paint(fmt::fg(fmt::terminal_color::bright_cyan) | fmt::emphasis::bold, "note");
    }
    [[nodiscard]] std::string severity_word(severity s) const {
        switch (s) {
        case severity::error: return paint(fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold, "error");
        case severity::warning:
            return paint(fmt::fg(fmt::terminal_color::bright_magenta) | fmt::emphasis::bold, "warning");
        case severity::info: return paint(fmt::fg(fmt::terminal_color::bright_cyan) | fmt::emphasis::bold, "info");
        }
        return "error";
    }
};

std::size_t code_points(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The line as shown (tabs expanded, control characters escaped) and the display width of its
// first `prefix_bytes` bytes, so that the caret lands under the right character.
struct shown_line {
    std::string text;
    std::size_t caret_column = 0;
};

shown_line show_line(std::string_view line, std::size_t prefix_bytes) {
    shown_line out;
    std::size_t width = 0;
    bool caret_set = false;
    std::size_t start = 0;
    auto add_run = [&](std::size_t from, std::size_t to) {
        if (!caret_set && prefix_bytes <= to) {
            std::string before = escape_for_terminal(line.substr(from, prefix_bytes - from));
            out.caret_column = width + code_points(before);
            caret_set = true;
        }
        std::string run = escape_for_terminal(line.substr(from, to - from));
        width += code_points(run);
        out.text += run;
    };
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] != '\t') continue;
        add_run(start, i);
        if (!caret_set && prefix_bytes == i) {
            out.caret_column = width;
            caret_set = true;
        }
        std::size_t spaces = tab_width - width % tab_width;
        out.text.append(spaces, ' ');
        width += spaces;
        start = i + 1;
    }
    add_run(start, line.size());
    if (!caret_set) out.caret_column = width + (prefix_bytes - line.size());
    return out;
}

std::size_t digits(std::uint32_t n) {
    std::size_t d = 1;
    while (n >= 10) {
        n /= 10;
        ++d;
    }
    return d;
}

const std::string& file_name(const location& l) {
    static const std::string none;
    return l.file ? l.file->name() : none;
}

// A finding always has a place: line 1 column 1 of its file when nothing better is known.
pos shown_pos(const location& l) {
    if (!l.where.valid()) return {1, 1};
    return {l.where.line, l.where.column == 0 ? 1 : l.where.column};
}

bool has_snippet(const location& l) { return l.file && shown_pos(l).line <= l.file->line_count(); }

std::string header_place(const location& l, const painter& p) {
    pos w = shown_pos(l);
    return p.bold(fmt::format("{}:{}:{}:", escape_for_terminal(file_name(l)), w.line, w.column));
}

void append_snippet(std::string& out, const location& l, std::size_t width, const painter& p) {
    if (!has_snippet(l)) return;
    pos w = shown_pos(l);
    std::string_view line = l.file->line_text(w.line);
    std::size_t prefix = w.column - 1;
    // A long line (a 60 MB string value) is shown as a window of about 100 bytes around the caret,
    // as render_diagnostic does, or every finding on it would repeat the whole line.
    render::line_cut cut = render::cut_line(line, prefix);
    line = cut.text;
    prefix = cut.caret;
    shown_line shown = show_line(line, prefix);
    std::string number = fmt::format("{:>{}} |", w.line, width);
    if (shown.text.empty())
        out += fmt::format(" {}\n", p.gutter(number));
    else
        out += fmt::format(" {} {}\n", p.gutter(number), shown.text);
    out += fmt::format(" {} {}{}\n", p.gutter(fmt::format("{:>{}} |", "", width)),
                       std::string(shown.caret_column, ' '), p.caret("^"));
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

void append_finding(std::string& out, const finding& f, const painter& p) {
    std::uint32_t max_line = has_snippet(f.loc) ? shown_pos(f.loc).line : 1;
    for (const auto& r : f.related)
        if (has_snippet(r.loc)) max_line = std::max(max_line, shown_pos(r.loc).line);
    std::size_t width = digits(max_line);

    std::string tag = f.st == status::fail ? std::string() : fmt::format(" ({})", to_string(f.st));
    out += fmt::format("{} {}: {}{} [{}]\n", header_place(f.loc, p), p.severity_word(f.sev),
                       p.bold(escape_for_terminal(f.message)), tag, escape_for_terminal(f.rule));
    append_snippet(out, f.loc, width, p);
    for (const auto& r : f.related) {
        out += fmt::format("{} {}: {}\n", header_place(r.loc, p), p.note_word(), escape_for_terminal(r.message));
        append_snippet(out, r.loc, width, p);
    }
    std::string eq = fmt::format("  {}", p.gutter("="));
    if (f.step)
        out += fmt::format("{} {}: in step {} '{}'\n", eq, p.bold("note"), f.step->index,
                           escape_for_terminal(f.step->action));
    if (!f.fix.empty()) out += fmt::format("{} {}: {}\n", eq, p.bold("help"), escape_for_terminal(f.fix));
    if (!f.ref.article.empty() || !f.ref.section.empty()) {
        std::string ref = escape_for_terminal(f.ref.article);
        if (!f.ref.section.empty())
            ref += fmt::format("{}\"{}\"", ref.empty() ? "" : " ", escape_for_terminal(f.ref.section));
        out += fmt::format("{} {}: {}\n", eq, p.bold("note"), ref);
    }
    if (f.waiver) {
        std::string by = f.waiver->approved_by.empty() ? std::string()
                                                         : fmt::format(" (approved by {})", escape_for_terminal(f.waiver->approved_by));
        out += fmt::format("{} {}: waived until {}: {}{}\n", eq, p.bold("note"), escape_for_terminal(f.waiver->expires),
                           escape_for_terminal(f.waiver->reason), by);
    }
}

} // namespace

std::string render_summary(const report& r) {
    const auto& s = r.summary;
    std::string line = fmt::format("{}, {}, {}", plural(s.errors, "error", "errors"),
                                   plural(s.warnings, "warning", "warnings"), plural(s.infos, "info", "infos"));
    std::vector<std::string> extra;
    if (s.unknown != 0) extra.push_back(fmt::format("{} unknown", s.unknown));
    if (s.waived != 0) extra.push_back(fmt::format("{} waived", s.waived));
    if (s.baselined != 0) extra.push_back(fmt::format("{} baselined", s.baselined));
    if (!extra.empty()) line += fmt::format(" ({})", fmt::join(extra, ", "));
    line += fmt::format(" in {}, {}", plural(s.snapshots, "snapshot", "snapshots"),
                        plural(s.clusters, "cluster", "clusters"));
    if (s.runbooks != 0) line += fmt::format(", {}", plural(s.runbooks, "runbook", "runbooks"));
    line += fmt::format(", {}", plural(s.rules, "rule", "rules"));
    auto input_errors = static_cast<std::size_t>(std::count_if(
        r.errors.begin(), r.errors.end(), [](const diagnostic& d) { return d.severity == diag_severity::error; }));
    if (input_errors != 0) line += fmt::format("; {}", plural(input_errors, "input error", "input errors"));
    line += '\n';
    return line;
}

std::string render_text(const report& r, const text_options& opt) {
    painter p{opt.color};
    std::vector<std::string> blocks;
    for (const auto& d : r.errors) {
        std::string b = render_diagnostic(d, opt.color);
        if (b.empty() || b.back() != '\n') b += '\n';
        blocks.push_back(std::move(b));
    }
    if (!opt.quiet) {
        for (const auto& f : r.findings) {
            std::string b;
            append_finding(b, f, p);
            blocks.push_back(std::move(b));
        }
    }
    blocks.push_back(render_summary(r));
    std::string out;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (i != 0) out += '\n';
        out += blocks[i];
    }
    return out;
}

} // namespace kbl
