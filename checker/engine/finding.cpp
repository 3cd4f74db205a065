#include "checker/engine/finding.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include <fmt/format.h>

#include "common/hash.hpp"

namespace kbl {

std::string_view to_string(severity s) {
    switch (s) {
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::error: return "error";
    }
    return "error";
}

std::string_view to_string(status s) {
    switch (s) {
    case status::fail: return "fail";
    case status::unknown: return "unknown";
    case status::waived: return "waived";
    case status::baselined: return "baselined";
    }
    return "fail";
}

std::string_view to_string(rule_scope s) {
    switch (s) {
    case rule_scope::node: return "node";
    case rule_scope::cluster: return "cluster";
    case rule_scope::runbook: return "runbook";
    }
    return "node";
}

namespace {

constexpr char field_separator = '\x1f';

const std::string& file_name(const location& l) {
    static const std::string none;
    return l.file ? l.file->name() : none;
}

} // namespace

std::string make_fingerprint(const finding& f) {
    fnv1a h;
    h.text(f.rule);
    h.byte(field_separator);
    h.upper_text(f.cluster);
    h.byte(field_separator);
    h.upper_text(f.node);
    h.byte(field_separator);
    std::string_view path = f.loc.path;
    if (f.step && !path.empty() && path.back() == ']') {
        h.text(path.substr(0, path.rfind('[')));
        h.byte(field_separator);
        h.text(f.step->action);
        h.byte(field_separator);
        h.text(fmt::format("{}", f.step->ordinal));
    } else {
        h.text(path);
        if (f.step) {
            h.byte(field_separator);
            h.text(fmt::format("{}", f.step->index));
        }
    }
    return fmt::format("{:016x}", h.h);
}

bool finding_less(const finding& a, const finding& b) {
    return std::tie(file_name(a.loc), a.loc.where.line, a.loc.where.column, a.rule, a.node, a.message) <
           std::tie(file_name(b.loc), b.loc.where.line, b.loc.where.column, b.rule, b.node, b.message);
}

} // namespace kbl
