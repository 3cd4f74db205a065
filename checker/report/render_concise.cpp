#include <string>

#include <fmt/format.h>

#include "checker/report/render_util.hpp"
#include "checker/report/report.hpp"

namespace kbl {

namespace {

// The first line of the one emitter's output: `file:line:col: severity: message [id]`.
std::string header_line(const diagnostic& d, bool color) {
    diagnostic head = d;
    head.file = nullptr;
    head.file_name = d.name();
    head.notes.clear();
    return render_diagnostic(head, color);
}

} // namespace

std::string render_concise(const report& r, const text_options& opt) {
    std::string out;
    for (const auto& d : r.errors) out += header_line(d, opt.color);
    if (!opt.quiet) {
        for (const auto& group : render::shown_groups(r.findings, opt.show_baselined)) {
            diagnostic d = to_diagnostic(*group.front());
            d.check_id = render::group_rules(group);
            out += header_line(d, opt.color);
        }
        out += render_timelines_concise(r, opt);
    }
    // On a terminal of known width (opt.width), every line is cut to it: one finding, one line.
    return render::cut_lines(out + render::hidden_baselined_line(r, opt) + render_summary(r), opt.width);
}

} // namespace kbl
