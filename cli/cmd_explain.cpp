#include "cli/cmd_explain.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checker/engine/trace.hpp"
#include "cli/cmd_actions.hpp"
#include "cli/cmd_check.hpp"
#include "cli/cmd_rules.hpp"
#include "cli/console.hpp"
#include "parser/format.hpp"

namespace kbl::cli {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            if (start < text.size()) lines.push_back(text.substr(start));
            break;
        }
        std::string_view line = text.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        start = nl + 1;
    }
    return lines;
}

std::string expand_tabs(std::string_view line) {
    std::string out;
    for (char c : line) {
        if (c == '\t')
            out.append(4 - out.size() % 4, ' ');
        else
            out += c;
    }
    return out;
}

// `text` with every line indented by `indent` (and the first line by `first`), tabs expanded.
std::string indented(std::string_view text, std::string_view first, std::string_view indent) {
    std::string out;
    bool is_first = true;
    for (std::string_view line : split_lines(text)) {
        std::string shown_line = shown(expand_tabs(line));
        std::string_view lead = is_first ? first : indent;
        out += shown_line.empty() ? std::string() : fmt::format("{}{}", lead, shown_line);
        out += '\n';
        is_first = false;
    }
    if (is_first) out = fmt::format("{}\n", std::string(first).substr(0, first.find_last_not_of(' ') + 1));
    return out;
}

std::string strip_when(std::string_view line) {
    std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    line.remove_prefix(b);
    if (line.substr(0, 5) == "when " || line.substr(0, 5) == "when\t") {
        line.remove_prefix(5);
        line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
    }
    return std::string(line);
}

const rule_info* find_rule(const std::vector<rule_info>& rules, const std::string& id) {
    for (const auto& r : rules)
        if (r.id == id) return &r;
    for (const auto& r : rules)
        if (r.id.size() == id.size() && std::equal(r.id.begin(), r.id.end(), id.begin(), [](char a, char b) {
                return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b));
            }))
            return &r;
    return nullptr;
}

// `--trace`: evaluate rule `r` alone on the snapshots under `f.paths`, recording every sub-expression.
int run_trace(const explain_flags& f, const pack_flags& pf, const pack& p, const rule_info& r) {
    check_flags cf;
    cf.pack = pf;
    cf.paths = f.paths;
    snapshot_set s = find_snapshots(cf);
    if (s.errors.empty() && s.files.empty())
        return usage_error("no snapshot (.toml file) under {}", shown(fmt::format("{}", fmt::join(f.paths, " "))));
    load_snapshots(cf, p, s);
    if (!s.errors.empty()) {
        print_diagnostics(s.errors, color_wanted("auto", STDERR_FILENO), true);
        return exit_usage;
    }
    trace_recorder rec;
    check_options opt;
    opt.only = {r.id};
    opt.keep_evaluated = false;
    opt.keep_skipped = false;
    opt.trace = &rec;
    check_result res = check(p, s.snaps, opt);
    if (!res.errors.empty()) print_diagnostics(res.errors, color_wanted("auto", STDERR_FILENO), true);
    std::string out = render_trace(rec.runs());
    if (rec.runs().empty())
        out = fmt::format("{} was not evaluated on {} (its trigger did not occur)\n", r.id,
                          plural(s.snaps.size(), "snapshot", "snapshots"));
    std::string safe;  // control characters of snapshot values made visible, line by line
    for (std::string_view line : split_lines(out)) safe += shown(line) + '\n';
    return write_stdout(safe);
}

} // namespace

void define_explain(CLI::App& sub, explain_flags& f) {
    sub.add_option("RULE-ID", f.id, "id of the rule (or name of the action) to explain")->required()->type_name("");
    sub.add_option("PATH", f.paths, "snapshot files or folders to trace the rule on (with --trace)")->type_name("");
    sub.add_flag("--trace", f.trace,
                 "evaluate the rule on the snapshots under PATH and show each sub-expression as written, its value and "
                 "where it was read (for a rule on runbook steps: the simulated state before or after the step, and the "
                 "step that set a value), then the outcome (e.g. kblint explain --trace KB-0001 snapshots/)");
    add_rule_options(sub, f.pack);
}

int run_explain(const explain_flags& f) {
    int status = 0;
    pack_flags pf = f.pack;  // a copy: the project file fills in what the command line left unset
    std::shared_ptr<const pack> p = load_rule_pack(pf, status);
    if (!p) return status;
    if (f.trace != !f.paths.empty())
        return usage_error("{}: kblint explain --trace RULE PATH...",
                           f.trace ? "--trace needs snapshot files or folders" : "snapshot paths are read only with --trace");
    std::vector<rule_info> rules = pack_rules(*p);
    const rule_info* r = find_rule(rules, f.id);
    if (r == nullptr) {
        if (auto st = explain_action(*p, f.id)) return *st;
        std::vector<std::string> ids;
        for (const auto& ri : rules) ids.push_back(ri.id);
        std::string near = closest_match(f.id, ids);
        if (near.empty())
            return usage_error("unknown rule '{}' (run 'kblint rules' for the list; {})", shown(f.id), other_pack_hint(pf));
        return usage_error("unknown rule '{}', did you mean '{}'?", shown(f.id), near);
    }
    if (f.trace) return run_trace(f, pf, *p, *r);
    constexpr std::string_view field_indent = "                ";
    auto field = [&](std::string_view label, std::string_view value) {
        return indented(value, fmt::format("  {:<14}", label), field_indent);
    };
    std::string out = fmt::format("{}: {}\n\n", shown(r->id), shown(r->title));
    out += field("severity", to_string(r->sev));
    out += field("scope", to_string(r->scope));
    out += field("reference", ref_text(r->ref));
    if (!r->tags.empty()) out += field("tags", fmt::format("{}", fmt::join(r->tags, ", ")));
    std::string when;
    for (std::string_view line : split_lines(r->when_text)) {
        std::string w = strip_when(line);
        if (w.empty()) continue;
        if (!when.empty()) when += '\n';
        when += w;
    }
    out += field("applies when", when.empty() ? std::string("always") : when);
    out += field("fix", readable_template(r->fix));  // `{node.name}` reads `<node.name>`
    if (!r->doc.empty()) out += fmt::format("\nrationale:\n{}", indented(r->doc, "  ", "  "));
    std::string place = r->file ? shown(r->file->name()) : std::string();
    if (r->where.valid()) place += fmt::format(":{}:{}", r->where.line, r->where.column);
    if (!r->source_text.empty())
        out += fmt::format("\nsource{}:\n{}", place.empty() ? "" : fmt::format(" ({})", place),
                           indented(r->source_text, "  ", "  "));
    return write_stdout(out);
}

} // namespace kbl::cli
