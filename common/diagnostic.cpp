#include "common/diagnostic.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "common/text.hpp"

namespace kbl {

diagnostic error_at(source_ptr file, pos where, std::string message, std::string check_id) {
    diagnostic d;
    d.file = std::move(file);
    d.where = where;
    d.message = std::move(message);
    d.check_id = std::move(check_id);
    return d;
}

diagnostic error_in(std::string file_name, pos where, std::string message, std::string check_id) {
    diagnostic d = error_at(nullptr, where, std::move(message), std::move(check_id));
    d.file_name = std::move(file_name);
    return d;
}

void add_help_note(diagnostic& d, std::string text) {
    d.notes.push_back(diag_note{diag_note::kind::help, std::move(text), nullptr, pos{}});
}

bool has_errors(const diagnostics& ds) {
    return std::any_of(ds.begin(), ds.end(), [](const diagnostic& d) { return d.severity == diag_severity::error; });
}

namespace {

constexpr std::size_t tab_width = 4;
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

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
    [[nodiscard]] std::string caret() const {
        return paint(fmt::fg(fmt::terminal_color::bright_green) | fmt::emphasis::bold, "^");
    }
    [[nodiscard]] std::string label(std::string_view word, fmt::terminal_color c) const {
        return paint(fmt::fg(c) | fmt::emphasis::bold, word);
    }
    [[nodiscard]] std::string severity_word(diag_severity s) const {
        switch (s) {
        case diag_severity::error: return label("error", fmt::terminal_color::bright_red);
        case diag_severity::warning: return label("warning", fmt::terminal_color::bright_magenta);
        case diag_severity::note: return label("note", fmt::terminal_color::bright_cyan);
        case diag_severity::info: return label("info", fmt::terminal_color::bright_cyan);
        }
        return "error";
    }
};

// One character cell group as shown: a character, an expanded tab, an escape, or "...".
struct glyph {
    std::string text;
    std::size_t width = 0;
};

// A source line as shown: its glyphs and the display column of the caret (0-based).
struct shown_line {
    std::vector<glyph> glyphs;
    std::size_t caret = 0;
};

// Glyphs of `line` (tabs expanded, control characters and invalid UTF-8 escaped), the caret under
// the glyph that starts at or after byte offset `caret_byte`.
shown_line shape(std::string_view line, std::size_t caret_byte) {
    shown_line out;
    std::size_t width = 0;
    bool caret_set = false;
    std::size_t i = 0;
    while (i < line.size()) {
        if (!caret_set && i >= caret_byte) {
            out.caret = width;
            caret_set = true;
        }
        glyph g;
        escaped_char e = escape_at(line, i, pass_through{.tab = true});
        if (line[i] == '\t') {
            g.width = tab_width - width % tab_width;
            g.text.assign(g.width, ' ');
        } else if (!e.text.empty()) {
            g.text = std::move(e.text);
            g.width = g.text.size();
        } else {
            g.text = std::string(line.substr(i, e.length));
            g.width = static_cast<std::size_t>(code_point_width(utf8_decode(line, i, e.length)));
        }
        width += g.width;
        out.glyphs.push_back(std::move(g));
        i += e.length;
    }
    if (!caret_set) out.caret = width + (caret_byte - std::min(caret_byte, line.size()));
    return out;
}

// `shown` cut to `columns` display columns around its caret, with "..." where glyphs were left out.
void fit(shown_line& shown, std::size_t columns) {
    std::size_t total = 0;
    for (const auto& g : shown.glyphs) total += g.width;
    if (total <= columns) return;
    const std::size_t budget = columns > 6 ? columns - 6 : 1;
    std::size_t from = shown.caret > budget / 2 ? shown.caret - budget / 2 : 0;
    std::size_t to = from + budget;
    if (to > total) {
        to = total;
        from = total > budget ? total - budget : 0;
    }
    shown_line out;
    std::size_t col = 0;
    std::size_t first_col = 0;
    bool cut_left = false, cut_right = false;
    for (auto& g : shown.glyphs) {
        bool inside = col >= from && col + g.width <= to;
        if (!inside) (col < from ? cut_left : cut_right) = true;
        if (inside && out.glyphs.empty()) first_col = col;
        if (inside) out.glyphs.push_back(std::move(g));
        col += g.width;
    }
    std::size_t lead = cut_left ? 3 : 0;
    out.caret = lead + (shown.caret >= first_col ? shown.caret - first_col : 0);
    if (cut_left) out.glyphs.insert(out.glyphs.begin(), glyph{"...", 3});
    if (cut_right) out.glyphs.push_back(glyph{"...", 3});
    shown = std::move(out);
}

std::size_t digits(std::uint32_t n) {
    std::size_t d = 1;
    while (n >= 10) {
        n /= 10;
        ++d;
    }
    return d;
}

bool has_snippet(const source_ptr& file, pos where) {
    return file && where.valid() && where.line <= file->line_count();
}

void append_snippet(std::string& out, const source_ptr& file, pos where, std::size_t gutter,
                    const emit_options& opt) {
    if (!has_snippet(file, where)) return;
    painter p{opt.color};
    std::string_view line = file->line_text(where.line);
    std::size_t caret_byte = where.column == 0 ? 0 : where.column - 1;
    if (where.line == 1 && line.starts_with(utf8_bom)) {  // a byte order mark has no width
        line.remove_prefix(utf8_bom.size());
        caret_byte = caret_byte > utf8_bom.size() ? caret_byte - utf8_bom.size() : 0;
    }
    line_cut cut = cut_line(line, caret_byte);  // a 60 MB string value shows a window around the caret
    shown_line shown = shape(cut.text, cut.caret);
    constexpr std::size_t narrowest = 20;
    if (opt.max_width != 0) fit(shown, std::max(narrowest, opt.max_width - std::min(opt.max_width, gutter + 4)));
    std::string text;
    for (const auto& g : shown.glyphs) text += g.text;
    std::string number = fmt::format("{:>{}} |", where.line, gutter);
    if (text.empty())
        out += fmt::format(" {}\n", p.gutter(number));
    else
        out += fmt::format(" {} {}\n", p.gutter(number), text);
    out += fmt::format(" {} {}{}\n", p.gutter(fmt::format("{:>{}} |", "", gutter)), std::string(shown.caret, ' '),
                       p.caret());
}

// Digits of the largest line number shown, so that every gutter of one diagnostic lines up.
std::size_t gutter_width(const diagnostic& d) {
    std::uint32_t max_line = has_snippet(d.file, d.where) ? d.where.line : 1;
    for (const auto& n : d.notes)
        if (has_snippet(n.file, n.where)) max_line = std::max(max_line, n.where.line);
    return digits(max_line);
}

} // namespace

std::string_view to_string(diag_severity s) {
    switch (s) {
    case diag_severity::error: return "error";
    case diag_severity::warning: return "warning";
    case diag_severity::note: return "note";
    case diag_severity::info: return "info";
    }
    return "error";
}

std::string render_diagnostic(const diagnostic& d, const emit_options& opt) {
    painter p{opt.color};
    std::string loc = d.name();
    if (d.where.valid()) loc += fmt::format(":{}:{}", d.where.line, d.where.column);
    std::string id = d.check_id.empty() ? "" : fmt::format(" [{}]", escape_for_terminal(d.check_id));
    std::string out = fmt::format("{} {}: {}{}{}\n", p.bold(escape_for_terminal(loc) + ":"), p.severity_word(d.severity),
                                  p.bold(escape_for_terminal(d.message)), escape_for_terminal(d.suffix), id);
    std::size_t gutter = gutter_width(d);
    append_snippet(out, d.file, d.where, gutter, opt);
    for (const auto& n : d.notes) {
        std::string_view label = n.k == diag_note::kind::help ? "help" : "note";
        if (n.file && n.where.valid()) {
            std::string place = fmt::format("{}:{}:{}:", escape_for_terminal(n.file->name()), n.where.line, n.where.column);
            out += fmt::format("{} {}: {}\n", p.bold(place), p.label(label, fmt::terminal_color::bright_cyan),
                               escape_for_terminal(n.message));
            append_snippet(out, n.file, n.where, gutter, opt);
        } else {
            out += fmt::format("  {} {}: {}\n", p.gutter("="), p.bold(label), escape_for_terminal(n.message));
        }
    }
    return out;
}

std::string render_diagnostic(const diagnostic& d, bool color) {
    emit_options opt;
    opt.color = color;
    return render_diagnostic(d, opt);
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
    std::string best;
    std::size_t best_d = static_cast<std::size_t>(-1);
    std::vector<std::size_t> prev, cur, prev2;
    for (const auto& cand : candidates) {
        if (cand.empty() || cand == word) continue;
        std::size_t n = word.size(), m = cand.size();
        prev.assign(m + 1, 0);
        cur.assign(m + 1, 0);
        prev2.assign(m + 1, 0);
        for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
        for (std::size_t i = 1; i <= n; ++i) {
            cur[0] = i;
            for (std::size_t j = 1; j <= m; ++j) {
                std::size_t cost = lower(word[i - 1]) == lower(cand[j - 1]) ? 0 : 1;
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
                // Optimal string alignment: an adjacent transposition costs one edit.
                if (i > 1 && j > 1 && lower(word[i - 1]) == lower(cand[j - 2]) && lower(word[i - 2]) == lower(cand[j - 1]))
                    cur[j] = std::min(cur[j], prev2[j - 2] + 1);
            }
            prev2 = prev;
            std::swap(prev, cur);
        }
        std::size_t d = prev[m];
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    // ninja's rule of thumb: accept up to a third of the word's length, at least 1, at most 3.
    std::size_t allowed = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    return best_d <= allowed ? best : std::string();
}

std::string closest_key(std::string_view word, const std::vector<std::string>& candidates) {
    std::string near = closest_match(word, candidates);
    if (!near.empty() || word.size() < 3) return near;
    for (const auto& k : candidates)
        if (k.size() > word.size() && k.compare(0, word.size(), word) == 0) return k;
    return {};
}

} // namespace kbl
