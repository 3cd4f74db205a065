#include <string>
#include <string_view>

#include <fmt/format.h>

#include "checker/report/render_util.hpp"
#include "checker/report/report.hpp"

namespace kbl {

namespace {

// The message of a workflow command: '%', CR and LF escaped as GitHub Actions requires (other
// control characters and bytes that are not UTF-8 are made visible first).
std::string command_data(std::string_view s) {
    std::string out;
    for (;;) {
        std::size_t cr = s.find('\r');
        for (char c : escape_for_terminal(s.substr(0, cr), {.tab = true, .newline = true})) {
            switch (c) {
            case '%': out += "%25"; break;
            case '\n': out += "%0A"; break;
            default: out += c;
            }
        }
        if (cr == std::string_view::npos) return out;
        out += "%0D";
        s.remove_prefix(cr + 1);
    }
}

// A property value (`file=`, `title=`): also ':' and ','.
std::string command_property(std::string_view s) {
    std::string out;
    for (char c : command_data(s)) {
        switch (c) {
        case ':': out += "%3A"; break;
        case ',': out += "%2C"; break;
        default: out += c;
        }
    }
    return out;
}

std::string_view command_name(severity s) {
    switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::info: return "notice";
    }
    return "error";
}

std::string properties(const std::string& file, pos where, std::uint32_t column, std::string_view title) {
    std::string out;
    if (!file.empty()) {
        out += fmt::format("file={}", command_property(file));
        if (where.valid()) out += fmt::format(",line={}", where.line);
        if (where.valid() && column != 0) out += fmt::format(",col={}", column);
        out += ',';
    }
    out += fmt::format("title={}", command_property(title));
    return out;
}

std::string finding_line(const finding& f) {
    bool counts = f.st == status::fail || f.st == status::unknown;
    std::string_view name = counts ? command_name(f.sev) : std::string_view("notice");
    std::string title = counts ? f.rule : fmt::format("{} ({})", f.rule, to_string(f.st));
    std::string message = f.message;
    if (f.st == status::unknown) message += " (unknown)";
    if (f.step) message += fmt::format("\nin step {} '{}'", f.step->index, f.step->action);
    for (const auto& r : f.related) {
        pos p = render::shown_pos(r.loc);
        message += fmt::format("\n{}:{}:{}: {}", render::file_of(r.loc), p.line, p.column, r.message);
    }
    if (!f.fix.empty()) message += fmt::format("\nhelp: {}", f.fix);
    if (std::string ref = render::ref_text(f.ref); !ref.empty()) message += fmt::format("\nnote: {}", ref);
    if (f.waiver) message += fmt::format("\nwaived until {}: {}", f.waiver->expires, f.waiver->reason);
    if (f.st == status::baselined) message += "\nbaselined: the finding is in the baseline";
    return fmt::format("::{} {}::{}\n", name,
                       properties(render::file_of(f.loc), render::shown_pos(f.loc), render::code_point_column(f.loc), title),
                       command_data(message));
}

} // namespace

std::string render_github(const report& r) {
    std::string out;
    for (const auto& d : r.errors) {
        // A note is a notice titled by its check id, like a notification: it is no input error.
        std::string_view level = input_severity(d);
        std::string_view name = level == "note" ? "notice" : level;
        std::string title = level == "note" ? fmt::format("kblint {}", d.check_id.empty() ? std::string("note") : d.check_id)
                                            : fmt::format("kblint input {}", level);
        std::uint32_t column = d.where.column;
        if (d.file && d.where.valid() && column != 0) column = render::code_point_column({d.file, d.where, ""});
        std::string message = d.check_id.empty() ? d.message : fmt::format("{} [{}]", d.message, d.check_id);
        out += fmt::format("::{} {}::{}\n", name, properties(d.name(), d.where, column, title), command_data(message));
    }
    for (const auto& f : r.findings) out += finding_line(f);
    for (const auto& n : r.notifications) {
        std::string_view name = n.level == "warning" || n.level == "error" ? std::string_view(n.level) : "notice";
        out += fmt::format("::{} {}::{}\n", name, properties(n.file, n.where, n.where.column, fmt::format("kblint {}", n.kind)),
                           command_data(n.message));
    }
    return out;
}

} // namespace kbl
