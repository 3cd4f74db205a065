#include "checker/report/formats.hpp"

#include <algorithm>
#include <array>

namespace kbl {

namespace {

std::string text(const report& r, const text_options& opt) { return render_text(r, opt); }
std::string concise(const report& r, const text_options& opt) { return render_concise(r, opt); }
std::string json(const report& r, const text_options&) { return render_json(r); }
std::string sarif(const report& r, const text_options&) { return render_sarif(r); }
std::string junit(const report& r, const text_options&) { return render_junit(r); }
std::string github(const report& r, const text_options&) { return render_github(r); }
std::string gitlab(const report& r, const text_options&) { return render_gitlab(r); }
std::string html(const report& r, const text_options&) { return render_html(r); }

constexpr std::array formats = {
    report_format{"text", "a block per finding with its source line and caret, then a summary", text, true},
    report_format{"concise", "one line per finding: file:line:col: severity: message [id]", concise, true},
    report_format{"json", "the JSON report, version 1", json},
    report_format{"sarif", "SARIF 2.1.0 for code scanning", sarif},
    report_format{"junit", "JUnit XML, a test case per rule and node", junit},
    report_format{"github", "GitHub Actions workflow commands (annotations)", github},
    report_format{"gitlab", "GitLab Code Quality JSON", gitlab},
    report_format{"html", "one self-contained HTML page", html},
};

} // namespace

std::span<const report_format> report_formats() { return formats; }

const report_format* find_report_format(std::string_view name) {
    auto it = std::find_if(formats.begin(), formats.end(), [&](const report_format& f) { return f.name == name; });
    return it == formats.end() ? nullptr : &*it;
}

std::vector<std::string> report_format_names() {
    std::vector<std::string> out;
    for (const auto& f : formats) out.emplace_back(f.name);
    return out;
}

} // namespace kbl
