#include "cli/cmd_rules.hpp"

#include <algorithm>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/report/render_markdown.hpp"
#include "cli/choices.hpp"
#include "cli/console.hpp"
#include "common/text.hpp"

namespace kbl::cli {

namespace {

const std::vector<std::string> rules_formats = {"text", "json", "markdown"};

std::string pad(std::string s, std::size_t width) {
    std::size_t w = display_width(s);
    if (w < width) s.append(width - w, ' ');
    return s;
}

} // namespace

// The rules as a text table, JSON or Markdown.
static int list_rules(const std::vector<rule_info>& rules, const std::string& format);

std::string ref_text(const kb_ref& ref) {
    if (ref.section.empty()) return shown(ref.article);
    return fmt::format("{} \"{}\"", shown(ref.article), shown(ref.section));
}

void define_rules(CLI::App& sub, rules_flags& f) {
    add_rule_options(sub, f.pack);
    with_choices(sub.add_option("-f,--format", f.format, "output format: text, json or markdown (a reference page)")
                     ->type_name("NAME")
                     ->capture_default_str(),
                 rules_formats);
    sub.add_flag("--strict", f.strict,
                 "exit with status 1 when the rule files have warnings (unused defs, conditions that cannot "
                 "change, shadowed names...): for the CI of a rule pack");
}

int run_rules(const rules_flags& f) {
    if (auto st = check_choice("--format", f.format, rules_formats)) return *st;
    int status = 0;
    pack_flags pf = f.pack;  // a copy: the project file fills in what the command line left unset
    diagnostics warnings;
    std::shared_ptr<const pack> p = load_rule_pack(pf, status, &warnings);
    if (!p) return status;
    int st = list_rules(pack_rules(*p), f.format);
    if (st != 0 || !f.strict || warnings.empty()) return st;
    say("{} in the rule files (--strict)", plural(warnings.size(), "warning", "warnings"));
    return exit_findings;
}

int list_rules(const std::vector<rule_info>& rules, const std::string& format) {
    if (format == "markdown") return write_stdout(render_markdown(rules));
    if (format == "json") {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& r : rules) {
            nlohmann::ordered_json j = nlohmann::ordered_json::object();
            j["id"] = r.id;
            j["title"] = r.title;
            j["severity"] = to_string(r.sev);
            j["scope"] = to_string(r.scope);
            j["ref"] = nlohmann::ordered_json{{"article", r.ref.article}, {"section", r.ref.section}};
            j["tags"] = r.tags;
            j["fix"] = r.fix;
            arr.push_back(std::move(j));
        }
        return write_stdout(arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    }
    std::size_t id_w = 0, sev_w = 0, scope_w = 0, title_w = 0;
    for (const auto& r : rules) {
        id_w = std::max(id_w, display_width(shown(r.id)));
        sev_w = std::max(sev_w, to_string(r.sev).size());
        scope_w = std::max(scope_w, to_string(r.scope).size());
        title_w = std::max(title_w, display_width(shown(r.title)));
    }
    std::string out;
    for (const auto& r : rules)
        out += fmt::format("{}  {}  {}  {}  [{}]\n", pad(shown(r.id), id_w), pad(std::string(to_string(r.sev)), sev_w),
                           pad(std::string(to_string(r.scope)), scope_w), pad(shown(r.title), title_w),
                           ref_text(r.ref));
    return write_stdout(out);
}

} // namespace kbl::cli
