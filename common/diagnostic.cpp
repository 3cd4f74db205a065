#include "common/diagnostic.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>

namespace kbl {

bool has_errors(const diagnostics& ds) {
    return std::any_of(ds.begin(), ds.end(), [](const diagnostic& d) { return d.severity == diag_severity::error; });
}

namespace {

// Length of a valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8_len(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    if (n == 2 && c < 0xC2) return 0;
    if (n == 3) {
        auto c1 = static_cast<unsigned char>(s[i + 1]);
        if (c == 0xE0 && c1 < 0xA0) return 0;
        if (c == 0xED && c1 >= 0xA0) return 0;  // surrogates
    }
    if (n == 4) {
        auto c1 = static_cast<unsigned char>(s[i + 1]);
        if (c == 0xF0 && c1 < 0x90) return 0;
        if (c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return 0;
    }
    return n;
}

// Expand tabs to the next multiple of 4 and return the display column of byte column `col` (1-based).
std::string expand_line(std::string_view line, std::uint32_t col, std::size_t& caret) {
    std::string out;
    caret = 0;
    std::size_t i = 0;
    std::size_t width = 0;  // display columns so far
    while (i < line.size()) {
        if (i + 1 == col) caret = out.size();
        char c = line[i];
        if (c == '\t') {
            do {
                out += ' ';
                ++width;
            } while (width % 4 != 0);
            ++i;
            continue;
        }
        std::size_t n = utf8_len(line, i);
        auto uc = static_cast<unsigned char>(c);
        bool c1 = n == 2 && uc == 0xC2 && static_cast<unsigned char>(line[i + 1]) < 0xA0;
        if (n == 0 || uc < 0x20 || uc == 0x7F || c1) {
            std::string esc = escape_for_terminal(line.substr(i, n == 0 ? 1 : n));
            out += esc;
            width += esc.size();
            i += n == 0 ? 1 : n;
            continue;
        }
        out.append(line.substr(i, n));
        ++width;
        i += n;
    }
    if (col > line.size()) caret = out.size() + (col - 1 - line.size());
    return out;
}

std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++w;
    return w;
}

void append_snippet(std::string& out, const source_ptr& file, pos where, bool color) {
    if (!file || !where.valid() || where.line > file->line_count()) return;
    std::string_view line = file->line_text(where.line);
    std::uint32_t column = where.column;
    if (where.line == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") {  // a byte order mark has no width
        line.remove_prefix(3);
        column = column > 3 ? column - 3 : 1;
    }
    std::size_t caret = 0;
    std::string shown = expand_line(line, column, caret);
    std::string num = std::to_string(where.line);
    std::string pad(num.size(), ' ');
    std::size_t caret_cols = display_width(std::string_view(shown).substr(0, std::min(caret, shown.size()))) +
                             (caret > shown.size() ? caret - shown.size() : 0);
    // Long lines: show a window of about 100 columns around the caret.
    constexpr std::size_t window = 100;
    if (shown.size() > window + 20) {
        std::size_t from = caret > window / 2 ? caret - window / 2 : 0;
        while (from > 0 && (static_cast<unsigned char>(shown[from]) & 0xC0) == 0x80) --from;
        std::size_t to = std::min(shown.size(), from + window);
        while (to < shown.size() && (static_cast<unsigned char>(shown[to]) & 0xC0) == 0x80) ++to;
        std::string cut = (from > 0 ? "..." : "") + shown.substr(from, to - from) + (to < shown.size() ? "..." : "");
        caret_cols = display_width(std::string_view(shown).substr(from, std::min(caret, shown.size()) - std::min(from, std::min(caret, shown.size())))) + (from > 0 ? 3 : 0);
        shown = std::move(cut);
    }
    std::string gutter = color ? fmt::format(fmt::fg(fmt::terminal_color::bright_blue), "{} |", num) : num + " |";
    std::string empty_gutter = color ? fmt::format(fmt::fg(fmt::terminal_color::bright_blue), "{} |", pad) : pad + " |";
    std::string mark = color ? fmt::format(fmt::fg(fmt::terminal_color::bright_green) | fmt::emphasis::bold, "^")
                             : std::string("^");
    out += fmt::format(" {} {}\n", gutter, shown);
    out += fmt::format(" {} {}{}\n", empty_gutter, std::string(caret_cols, ' '), mark);
}

} // namespace

std::string escape_for_terminal(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '\n': out += "\\n"; ++i; continue;
        case '\r': out += "\\r"; ++i; continue;
        case '\t': out += "\\t"; ++i; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            out += fmt::format("\\x{:02x}", c);
            ++i;
            continue;
        }
        std::size_t n = utf8_len(s, i);
        if (n == 0) {
            out += fmt::format("\\x{:02x}", c);
            ++i;
            continue;
        }
        // C1 controls (U+0080..U+009F) can act as escape sequence introducers on some terminals.
        if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
            out += fmt::format("\\u{{{:x}}}", static_cast<unsigned char>(s[i + 1]));
            i += 2;
            continue;
        }
        out.append(s.substr(i, n));
        i += n;
    }
    return out;
}

std::string render_diagnostic(const diagnostic& d, bool color) {
    std::string out;
    std::string loc = d.name();
    if (d.where.valid()) loc += fmt::format(":{}:{}", d.where.line, d.where.column);
    std::string_view sev = d.severity == diag_severity::error     ? "error"
                           : d.severity == diag_severity::warning ? "warning"
                                                                  : "note";
    std::string msg = escape_for_terminal(d.message);
    std::string id = d.check_id.empty() ? "" : fmt::format(" [{}]", d.check_id);
    if (color) {
        auto sev_style = d.severity == diag_severity::error     ? fmt::fg(fmt::terminal_color::bright_red)
                         : d.severity == diag_severity::warning ? fmt::fg(fmt::terminal_color::bright_magenta)
                                                                : fmt::fg(fmt::terminal_color::bright_cyan);
        out += fmt::format("{}: {}: {}{}\n", fmt::styled(escape_for_terminal(loc), fmt::emphasis::bold),
                           fmt::styled(sev, sev_style | fmt::emphasis::bold), fmt::styled(msg, fmt::emphasis::bold), id);
    } else {
        out += fmt::format("{}: {}: {}{}\n", escape_for_terminal(loc), sev, msg, id);
    }
    append_snippet(out, d.file, d.where, color);
    for (const auto& n : d.notes) {
        std::string_view label = n.k == diag_note::kind::help ? "help" : "note";
        if (n.file && n.where.valid()) {
            out += fmt::format("{}:{}:{}: {}: {}\n", escape_for_terminal(n.file->name()), n.where.line, n.where.column,
                               label, escape_for_terminal(n.message));
            append_snippet(out, n.file, n.where, color);
        } else {
            out += fmt::format("  = {}: {}\n", label, escape_for_terminal(n.message));
        }
    }
    return out;
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
