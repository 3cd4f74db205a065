#include "checker/report/render_util.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace kbl::render {

const std::string& file_of(const location& l) {
    static const std::string none;
    return l.file ? l.file->name() : none;
}

pos shown_pos(const location& l) {
    if (!l.where.valid()) return {1, 1};
    return {l.where.line, l.where.column == 0 ? 1 : l.where.column};
}

std::uint32_t code_point_column(const location& l) {
    pos p = shown_pos(l);
    if (!l.file || p.line > l.file->line_count()) return p.column;
    std::string_view line = l.file->line_text(p.line);
    std::size_t bytes = p.column - 1;
    std::size_t cps = 0;
    std::size_t i = 0;
    while (i < bytes && i < line.size()) {
        std::size_t n = utf8_sequence_length(line, i);
        i += n == 0 ? 1 : n;
        ++cps;
    }
    if (bytes > line.size()) cps += bytes - line.size();
    return static_cast<std::uint32_t>(cps + 1);
}

namespace {

// Bytes of the colour sequence (ESC [ parameters final-letter) at `s[i]`, or 0.
std::size_t sequence_at(std::string_view s, std::size_t i) {
    if (s[i] != '\x1b' || i + 1 >= s.size() || s[i + 1] != '[') return 0;
    std::size_t j = i + 2;
    while (j < s.size() && !(s[j] >= '@' && s[j] <= '~')) ++j;
    return j < s.size() ? j + 1 - i : 0;
}

// The character at `s[i]`: its bytes and columns (a byte that is not UTF-8: one column).
std::pair<std::size_t, std::size_t> char_at(std::string_view s, std::size_t i) {
    std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return {1, 1};
    return {n, static_cast<std::size_t>(std::max(code_point_width(utf8_decode(s, i, n)), 0))};
}

std::string cut_one_line(std::string_view line, std::size_t width) {
    std::size_t total = 0;
    for (std::size_t i = 0; i < line.size();) {
        if (std::size_t seq = sequence_at(line, i)) { i += seq; continue; }
        auto [n, w] = char_at(line, i);
        total += w;
        i += n;
    }
    if (total <= width) return std::string(line);
    const std::size_t budget = width > 3 ? width - 3 : 0;
    std::string out;
    bool coloured = false;
    std::size_t used = 0;
    for (std::size_t i = 0; i < line.size();) {
        if (std::size_t seq = sequence_at(line, i)) {
            out.append(line.substr(i, seq));
            coloured = true;
            i += seq;
            continue;
        }
        auto [n, w] = char_at(line, i);
        if (used + w > budget) break;
        out.append(line.substr(i, n));
        used += w;
        i += n;
    }
    out += "...";
    if (coloured) out += "\x1b[0m";
    return out;
}

} // namespace

std::string cut_lines(std::string_view text, std::size_t width) {
    if (width == 0) return std::string(text);
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        std::size_t stop = end == std::string_view::npos ? text.size() : end;
        out += cut_one_line(text.substr(start, stop - start), width);
        if (end == std::string_view::npos) break;
        out += '\n';
        start = end + 1;
    }
    return out;
}

std::string ref_text(const kb_ref& r) {
    if (r.section.empty()) return r.article;
    if (r.article.empty()) return fmt::format("\"{}\"", r.section);
    return fmt::format("{} \"{}\"", r.article, r.section);
}

bool is_url(std::string_view ref) { return ref.starts_with("https://") || ref.starts_with("http://"); }

bool is_article_id(std::string_view ref) {
    auto id_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    };
    return !ref.empty() && std::all_of(ref.begin(), ref.end(), id_char);
}

std::string unit_of(const finding& f) { return f.cluster.empty() ? file_of(f.loc) : f.cluster; }

std::string unit_of(const evaluation& e) {
    if (!e.cluster.empty()) return e.cluster;
    return e.file ? e.file->name() : std::string();
}

std::vector<std::vector<const finding*>> shown_groups(const std::vector<finding>& findings, bool baselined) {
    using key = std::tuple<std::string, std::uint32_t, std::uint32_t, std::string, std::string, std::string>;
    std::map<key, std::size_t> unknown_at;
    std::vector<std::vector<const finding*>> out;
    for (const auto& f : findings) {
        if (f.st == status::baselined && !baselined) continue;
        if (f.st != status::unknown || f.loc.path.empty()) {
            out.push_back({&f});
            continue;
        }
        key k{file_of(f.loc), f.loc.where.line, f.loc.where.column, f.node, f.loc.path, f.message};
        auto [it, fresh] = unknown_at.try_emplace(k, out.size());
        if (fresh)
            out.push_back({&f});
        else
            out[it->second].push_back(&f);
    }
    return out;
}

std::string hidden_baselined_line(const report& r, const text_options& opt) {
    if (opt.show_baselined || opt.quiet || r.summary.baselined == 0) return {};
    return fmt::format("{} not shown (--show-baselined lists them)\n",
                       plural(r.summary.baselined, "baselined finding", "baselined findings"));
}

std::string group_rules(const std::vector<const finding*>& group) {
    std::string out;
    for (const finding* f : group) out += (out.empty() ? "" : ", ") + f->rule;
    return out;
}

std::string_view to_string(outcome o) {
    switch (o) {
    case outcome::fail: return "fail";
    case outcome::unknown: return "unknown";
    case outcome::waived: return "waived";
    case outcome::baselined: return "baselined";
    case outcome::pass: return "pass";
    case outcome::not_applicable: return "not applicable";
    }
    return "pass";
}

outcome outcome_of(const std::vector<const finding*>& findings, bool applied) {
    outcome worst = applied || !findings.empty() ? outcome::pass : outcome::not_applicable;
    for (const finding* f : findings) {
        outcome o = outcome::pass;
        switch (f->st) {
        case status::fail: o = outcome::fail; break;
        case status::unknown: o = outcome::unknown; break;
        case status::waived: o = outcome::waived; break;
        case status::baselined: o = outcome::baselined; break;
        }
        worst = std::min(worst, o);
    }
    return worst;
}

std::vector<rule_case> rule_cases(const report& r) {
    using key = std::tuple<std::string, std::string, std::string>;
    std::map<key, rule_case> cases;
    for (const auto& e : r.evaluated) {
        key k{unit_of(e), e.rule, e.node};
        auto [it, fresh] = cases.try_emplace(k);
        rule_case& c = it->second;
        if (fresh) {
            c.unit = std::get<0>(k);
            c.rule = e.rule;
            c.node = e.node;
            c.file = e.file;
        }
        c.applied = c.applied || e.applied;
    }
    for (const auto& f : r.findings) {
        std::string node = f.scope == rule_scope::node ? f.node : std::string();
        key k{unit_of(f), f.rule, node};
        auto [it, fresh] = cases.try_emplace(k);
        rule_case& c = it->second;
        if (fresh) {
            c.unit = std::get<0>(k);
            c.rule = f.rule;
            c.node = node;
            c.file = f.loc.file;
            c.applied = true;
        }
        c.findings.push_back(&f);
    }
    std::vector<rule_case> out;
    out.reserve(cases.size());
    for (auto& [k, c] : cases) out.push_back(std::move(c));
    return out;
}

} // namespace kbl::render
