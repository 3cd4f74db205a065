#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "checker/report/render_util.hpp"
#include "common/check_ids.hpp"
#include "checker/report/report.hpp"

namespace kbl {

namespace {

using render::rule_case;

// Text content: what XML cannot hold made visible, then the markup characters escaped.
std::string xml_text(std::string_view s) {
    std::string out;
    for (char c : escape_for_terminal(s, {.tab = true, .newline = true})) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += c;
        }
    }
    return out;
}

// Attribute values: also quotes, and tab and line feed as references so that they survive
// attribute-value normalisation.
std::string xml_attr(std::string_view s) {
    std::string out;
    for (char c : escape_for_terminal(s, {.tab = true, .newline = true})) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\n': out += "&#10;"; break;
        case '\t': out += "&#9;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string place(const location& l) {
    pos p = render::shown_pos(l);
    return fmt::format("{}:{}:{}", render::file_of(l), p.line, p.column);
}

std::string snippet(const location& l) {
    pos p = render::shown_pos(l);
    if (!l.file || p.line > l.file->line_count()) return {};
    // Cut like the text report's snippet: a 60 MB line is not copied into every finding.
    return fmt::format(" {} | {}\n", p.line, cut_line(l.file->line_text(p.line), p.column - 1).text);
}

// The body of a <failure> or <skipped>: the finding as the text report gives it, without colour.
std::string finding_body(const finding& f) {
    std::string tag = f.st == status::fail ? std::string() : fmt::format(" ({})", to_string(f.st));
    std::string out = fmt::format("{}: {}: {}{} [{}]\n", place(f.loc), to_string(f.sev), f.message, tag, f.rule);
    out += snippet(f.loc);
    for (const auto& r : f.related) {
        out += fmt::format("{}: note: {}\n", place(r.loc), r.message);
        out += snippet(r.loc);
    }
    if (f.step) out += fmt::format("note: in step {} '{}'\n", f.step->index, f.step->action);
    if (!f.fix.empty()) out += fmt::format("help: {}\n", f.fix);
    if (std::string ref = render::ref_text(f.ref); !ref.empty()) out += fmt::format("note: {}\n", ref);
    if (f.waiver) out += fmt::format("note: waived until {}: {}\n", f.waiver->expires, f.waiver->reason);
    out += fmt::format("fingerprint: {}\n", f.fingerprint.empty() ? make_fingerprint(f) : f.fingerprint);
    return out;
}

std::string skip_reason(const finding& f) {
    if (f.st == status::waived && f.waiver) return fmt::format("waived until {}: {}", f.waiver->expires, f.waiver->reason);
    if (f.st == status::waived) return "waived";
    return "baselined: the finding is in the baseline";
}

bool failing(const finding& f) { return f.st == status::fail || f.st == status::unknown; }

struct suite_counts {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

std::string counts_attrs(const suite_counts& c) {
    return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"", c.tests, c.failures, c.errors,
                       c.skipped);
}

std::string case_name(const rule_case& c) {
    if (!c.node.empty()) return fmt::format("{} on {}", c.rule, c.node);
    if (c.file && c.unit == c.file->name()) return fmt::format("{} on {}", c.rule, c.unit);
    return fmt::format("{} on cluster {}", c.rule, c.unit);
}

// One <testcase>; counts what it is.
std::string testcase_xml(const rule_case& c, suite_counts& n) {
    ++n.tests;
    std::string attrs = fmt::format("name=\"{}\" classname=\"{}\"", xml_attr(case_name(c)), xml_attr(c.rule));
    if (c.file) attrs += fmt::format(" file=\"{}\"", xml_attr(c.file->name()));
    std::vector<const finding*> fails, others;
    for (const finding* f : c.findings) (failing(*f) ? fails : others).push_back(f);
    std::string body;
    if (!fails.empty()) {
        ++n.failures;
        for (const finding* f : fails)
            body += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_attr(f->message),
                                to_string(f->sev), xml_text(finding_body(*f)));
        if (!others.empty()) {
            std::string text;
            for (const finding* f : others) text += finding_body(*f);
            body += fmt::format("      <system-out>{}</system-out>\n", xml_text(text));
        }
    } else if (!others.empty()) {
        ++n.skipped;
        std::string text;
        for (const finding* f : others) text += finding_body(*f);
        body += fmt::format("      <skipped message=\"{}\">{}</skipped>\n", xml_attr(skip_reason(*others.front())),
                            xml_text(text));
    } else if (!c.applied) {
        ++n.skipped;
        body += "      <skipped message=\"not applicable: a 'when' condition is false\"/>\n";
    }
    if (body.empty()) return fmt::format("    <testcase {}/>\n", attrs);
    return fmt::format("    <testcase {}>\n{}    </testcase>\n", attrs, body);
}

std::string junit_error_place(const diagnostic& d) {
    std::string out = d.name().empty() ? std::string("kblint") : d.name();
    if (d.where.valid()) out += fmt::format(":{}", d.where.line);
    if (d.where.valid() && d.where.column != 0) out += fmt::format(":{}", d.where.column);
    return out;
}

} // namespace

std::string render_junit(const report& r) {
    std::map<std::string, std::vector<rule_case>> suites;
    for (auto& c : render::rule_cases(r)) suites[c.unit].push_back(std::move(c));

    suite_counts total;
    std::string body;
    for (const auto& [unit, cases] : suites) {
        suite_counts n;
        std::string inner;
        for (const auto& c : cases) inner += testcase_xml(c, n);
        body += fmt::format("  <testsuite name=\"{}\" {}>\n{}  </testsuite>\n", xml_attr(unit), counts_attrs(n), inner);
        total.tests += n.tests;
        total.failures += n.failures;
        total.skipped += n.skipped;
    }
    // Input errors and notifications: a suite of their own.
    if (!r.errors.empty() || !r.notifications.empty()) {
        suite_counts n;
        std::string inner;
        std::string notes;
        for (const auto& d : r.errors) {
            std::string text = fmt::format("{}: {}: {}{}\n", junit_error_place(d), input_severity(d), d.message,
                                           d.check_id.empty() ? std::string() : fmt::format(" [{}]", d.check_id));
            if (d.severity != diag_severity::error) {
                notes += text;  // a note (incomplete-cluster) is no failed test: it goes beside the notifications
                continue;
            }
            ++n.tests;
            ++n.errors;
            inner += fmt::format(
                "    <testcase name=\"{}\" classname=\"input\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
                xml_attr(junit_error_place(d)), xml_attr(d.message), xml_attr(d.check_id.empty() ? check_ids::input_error : d.check_id),
                xml_text(text));
        }
        for (const auto& nt : r.notifications) {
            std::string where = nt.file;
            if (nt.where.valid()) where += fmt::format(":{}:{}", nt.where.line, nt.where.column);
            notes += fmt::format("{}: {}: {} [{}]\n", where.empty() ? std::string("kblint") : where, nt.level, nt.message,
                                 nt.kind);
        }
        if (!notes.empty()) inner += fmt::format("    <system-err>{}</system-err>\n", xml_text(notes));
        body += fmt::format("  <testsuite name=\"kblint\" {}>\n{}  </testsuite>\n", counts_attrs(n), inner);
        total.tests += n.tests;
        total.errors += n.errors;
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"kblint\" {}>\n", counts_attrs(total));
    out += body;
    out += "</testsuites>\n";
    return out;
}

} // namespace kbl
