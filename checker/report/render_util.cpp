#include "checker/report/render_util.hpp"

#include <algorithm>
#include <map>
#include <tuple>

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

std::string ref_text(const kb_ref& r) {
    if (r.section.empty()) return r.article;
    if (r.article.empty()) return fmt::format("\"{}\"", r.section);
    return fmt::format("{} \"{}\"", r.article, r.section);
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
