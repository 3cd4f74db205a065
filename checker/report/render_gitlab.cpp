#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/report/render_util.hpp"
#include "checker/report/report.hpp"
#include "common/check_ids.hpp"

namespace kbl {

namespace {

using ojson = nlohmann::ordered_json;

// GitLab's scale: info, minor, major, critical, blocker. An input error stops the run.
std::string_view gitlab_severity(severity s) {
    switch (s) {
    case severity::error: return "major";
    case severity::warning: return "minor";
    case severity::info: return "info";
    }
    return "major";
}

ojson entry(std::string description, std::string check_name, std::string fingerprint, std::string_view sev,
            const std::string& path, std::uint32_t line) {
    ojson j = ojson::object();
    j["description"] = std::move(description);
    j["check_name"] = std::move(check_name);
    j["fingerprint"] = std::move(fingerprint);
    j["severity"] = sev;
    j["location"] = ojson{{"path", path}, {"lines", ojson{{"begin", line}}}};
    return j;
}

// An input error has no rule: its fingerprint hashes its check id, file, position and message. An
// error stops the run (blocker); a warning is minor and a note (incomplete-cluster) info.
ojson error_entry(const diagnostic& d) {
    finding key;
    key.rule = d.check_id.empty() ? check_ids::input_error : d.check_id;
    key.cluster = d.name();
    key.node = d.message;
    key.loc.path = fmt::format("{}:{}", d.where.line, d.where.column);
    std::uint32_t line = d.where.valid() ? d.where.line : 1;
    std::string_view level = input_severity(d);
    std::string_view sev = level == "error" ? "blocker" : level == "warning" ? "minor" : "info";
    return entry(d.message, key.rule, make_fingerprint(key), sev, d.name(), line);
}

} // namespace

std::string render_gitlab(const report& r) {
    ojson out = ojson::array();
    for (const auto& d : r.errors) out.push_back(error_entry(d));
    for (const auto& f : r.findings) {
        if (f.st == status::waived || f.st == status::baselined) continue;
        std::string description = f.st == status::unknown ? f.message + " (unknown)" : f.message;
        out.push_back(entry(std::move(description), f.rule, f.fingerprint.empty() ? make_fingerprint(f) : f.fingerprint,
                            gitlab_severity(f.sev), render::file_of(f.loc), render::shown_pos(f.loc).line));
    }
    std::string text = out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    return text + '\n';
}

} // namespace kbl
