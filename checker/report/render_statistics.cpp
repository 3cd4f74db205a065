#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "checker/report/report.hpp"
#include "common/text.hpp"

namespace kbl {

namespace {

struct rule_count {
    std::string rule;
    severity sev = severity::error;
    std::string title;
    std::size_t failing = 0, unknown = 0, waived = 0, baselined = 0;

    [[nodiscard]] std::size_t total() const { return failing + unknown + waived + baselined; }
};

std::vector<rule_count> count_rules(const report& r) {
    std::map<std::pair<std::string, severity>, rule_count> by;
    for (const auto& f : r.findings) {
        rule_count& c = by[{f.rule, f.sev}];
        c.rule = f.rule;
        c.sev = f.sev;
        if (c.title.empty()) c.title = f.title;
        switch (f.st) {
        case status::fail: ++c.failing; break;
        case status::unknown: ++c.unknown; break;
        case status::waived: ++c.waived; break;
        case status::baselined: ++c.baselined; break;
        }
    }
    std::vector<rule_count> out;
    for (auto& [k, c] : by) out.push_back(std::move(c));
    std::stable_sort(out.begin(), out.end(), [](const rule_count& a, const rule_count& b) { return a.total() > b.total(); });
    return out;
}

std::string apart(const rule_count& c) {
    std::vector<std::string> parts;
    if (c.unknown != 0) parts.push_back(fmt::format("{} unknown", c.unknown));
    if (c.waived != 0) parts.push_back(fmt::format("{} waived", c.waived));
    if (c.baselined != 0) parts.push_back(fmt::format("{} baselined", c.baselined));
    return parts.empty() ? std::string() : fmt::format(" ({})", fmt::join(parts, ", "));
}

} // namespace

std::string render_statistics(const report& r) {
    std::vector<rule_count> counts = count_rules(r);
    if (counts.empty()) return "no findings\n";
    std::size_t rule_w = 4;
    for (const auto& c : counts) rule_w = std::max(rule_w, display_width(c.rule));
    std::string out = fmt::format("{:>5}  {:<{}}  {:<8}  {}\n", "count", "rule", rule_w, "severity", "title");
    for (const auto& c : counts) {
        std::string rule = escape_for_terminal(c.rule);
        rule += std::string(rule_w - std::min(rule_w, display_width(rule)), ' ');
        out += fmt::format("{:>5}  {}  {:<8}  {}{}\n", c.total(), rule, to_string(c.sev), escape_for_terminal(c.title),
                           apart(c));
    }
    return out;
}

} // namespace kbl
