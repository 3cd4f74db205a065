#include <cctype>
#include <map>
#include <utility>
#include <vector>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "parser/format.hpp"
#include "checker/report/render_util.hpp"
#include "common/check_ids.hpp"
#include "checker/report/report.hpp"

namespace kbl {

namespace {

using ojson = nlohmann::ordered_json;

constexpr std::string_view sarif_schema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view fingerprint_key = "kblintFingerprint/v1";
// A region's snippet is the whole source line, when it is not longer than this.
constexpr std::size_t max_snippet_bytes = 1000;

std::string_view sarif_level(severity s) {
    switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::info: return "note";
    }
    return "error";
}

// A file name as a URI reference: relative names stay relative (to the folder kblint ran in,
// which code scanning takes for the repository root), absolute ones become file URIs.
constexpr std::string_view src_root = "%SRCROOT%";

std::string file_uri(std::string_view name) {
    std::string out;
    if (!name.empty() && name[0] == '/') out = "file://";
    for (char ch : name) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

// "Web server listens on a non-standard port" -> "WebServerListensOnANonStandardPort".
std::string pascal_name(std::string_view title, std::string_view fallback) {
    std::string out;
    bool start = true;
    for (char ch : title) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x80 && std::isalnum(c) != 0) {
            out += start ? static_cast<char>(std::toupper(c)) : static_cast<char>(c);
            start = false;
        } else {
            start = true;
        }
    }
    return out.empty() ? std::string(fallback) : out;
}

ojson text(std::string_view s) { return ojson{{"text", s}}; }

ojson physical(const std::string& file, pos where, std::uint32_t column, const source_ptr& src) {
    ojson region = ojson::object();
    region["startLine"] = where.valid() ? where.line : 1;
    if (where.valid() && column != 0) region["startColumn"] = column;
    if (src && where.valid() && where.line <= src->line_count()) {
        std::string_view line = src->line_text(where.line);
        if (line.size() <= max_snippet_bytes) region["snippet"] = text(line);
    }
    ojson p = ojson::object();
    p["artifactLocation"] = ojson{{"uri", file_uri(file)}};
    p["region"] = std::move(region);
    return p;
}

ojson sarif_location(const location& l) {
    ojson j = ojson::object();
    j["physicalLocation"] = physical(render::file_of(l), render::shown_pos(l), render::code_point_column(l), l.file);
    return j;
}

ojson sarif_rule_json(const rule_info& r) {
    ojson j = ojson::object();
    j["id"] = r.id;
    j["name"] = pascal_name(r.title, r.id);
    j["shortDescription"] = text(r.title);
    j["fullDescription"] = text(r.doc.empty() ? r.title : r.doc);
    std::string ref = render::ref_text(r.ref);
    const std::string fix = readable_template(r.fix);  // `{node.name}` reads `<node.name>`
    std::string help_text = fix.empty() ? std::string() : fmt::format("Fix: {}", fix);
    std::string help_md = fix.empty() ? std::string() : fmt::format("**Fix:** {}", fix);
    if (!ref.empty()) {
        help_text += fmt::format("{}Reference: {}", help_text.empty() ? "" : "\n", ref);
        help_md += fmt::format("{}**Reference:** {}", help_md.empty() ? "" : "\n\n", ref);
    }
    if (help_text.empty()) help_text = r.title;
    if (help_md.empty()) help_md = r.title;
    j["help"] = ojson{{"text", help_text}, {"markdown", help_md}};
    if (render::is_url(r.ref.article)) j["helpUri"] = r.ref.article;
    j["defaultConfiguration"] = ojson{{"level", sarif_level(r.sev)}};
    ojson props = ojson::object();
    props["tags"] = r.tags;
    props["scope"] = to_string(r.scope);
    props["severity"] = to_string(r.sev);
    if (!r.ref.article.empty() && !render::is_url(r.ref.article)) props["kbArticle"] = r.ref.article;
    if (!r.ref.section.empty()) props["kbSection"] = r.ref.section;
    j["properties"] = std::move(props);
    return j;
}

// A baseline entry that no finding matches any more: a result with baselineState "absent", so that
// code scanning closes its alert. It has no location (the finding is gone); the hints say what it was.
ojson absent_json(const baseline_entry& e, const std::map<std::string, std::size_t>& rule_index) {
    ojson j = ojson::object();
    j["ruleId"] = e.rule;
    if (auto it = rule_index.find(e.rule); it != rule_index.end()) j["ruleIndex"] = it->second;
    j["kind"] = "pass";
    j["level"] = "none";
    std::string what = e.node.empty() ? e.cluster : e.node;
    j["message"] = text(fmt::format("fixed since the baseline: {}{}{}", e.rule, what.empty() ? "" : " on " + what,
                                    e.step.empty() ? std::string() : " at " + e.step));
    j["partialFingerprints"] = ojson{{fingerprint_key, e.fingerprint}};
    j["baselineState"] = "absent";
    return j;
}

// Where a finding sits in the timelines (`--show-runbook`): its change and the steps that lead to it.
struct flow_place {
    const timeline* t = nullptr;
    std::size_t steps = 0;  ///< the steps 1..steps lead to the finding (all of them for the end state)
};
using flow_map = std::map<std::pair<std::string, std::string>, flow_place>;

flow_map flow_places(const report& r) {
    flow_map out;
    for (const auto& t : r.timelines) {
        for (std::size_t i = 0; i < t.steps.size(); ++i)
            for (const auto& f : t.steps[i].findings) out.try_emplace({f.rule, f.fingerprint}, flow_place{&t, i + 1});
        for (const auto* refs : {&t.whole, &t.end_state})
            for (const auto& f : *refs) out.try_emplace({f.rule, f.fingerprint}, flow_place{&t, t.steps.size()});
    }
    return out;
}

// One step as a thread flow location: the step's table, what it did, and each effect as state.
ojson step_location(const timeline& t, const timeline_step& s, bool raises) {
    std::vector<std::string> effects;
    ojson state = ojson::object();
    for (const auto& e : s.effects) {
        effects.push_back(effect_text(e));
        std::string key = fmt::format("{} {}", e.node, e.path);
        std::string value = effect_text(e).substr(e.path.size() + 2);  // effect_text is "PATH: CHANGE"; the key names the path
        if (state.contains(key)) state[key]["text"] = state[key]["text"].get<std::string>() + "; " + value;
        else state[key] = text(value);
    }
    std::string did = !s.simulated ? "not simulated" : effects.empty() ? "no change" : fmt::format("{}", fmt::join(effects, "; "));
    ojson loc = ojson::object();
    loc["physicalLocation"] = physical(t.file ? t.file->name() : std::string(), pos{s.line, 0}, 0, nullptr);
    loc["message"] = text(fmt::format("step {} ({} on {}): {}", s.index, s.action, s.node, did));
    ojson j = ojson::object();
    j["location"] = std::move(loc);
    if (!state.empty()) j["state"] = std::move(state);
    j["executionOrder"] = s.index;
    j["importance"] = raises ? "essential" : "important";
    return j;
}

// The steps of a change that lead to a finding, as a SARIF code flow of one thread flow.
ojson code_flow(const flow_place& at) {
    const timeline& t = *at.t;
    ojson locations = ojson::array();
    for (std::size_t i = 0; i < at.steps; ++i) locations.push_back(step_location(t, t.steps[i], i + 1 == at.steps));
    std::string what = fmt::format("{} {}", t.planned ? "planned change" : "runbook", t.file ? t.file->name() : std::string());
    std::string upto = at.steps == t.steps.size() ? std::string("every step") : fmt::format("steps 1 to {}", at.steps);
    return ojson{{"message", text(fmt::format("{}: {}", what, upto))}, {"threadFlows", ojson::array({ojson{{"locations", std::move(locations)}}})}};
}

ojson result_json(const finding& f, const std::map<std::string, std::size_t>& rule_index, bool with_baseline, const flow_map& flows) {
    ojson j = ojson::object();
    j["ruleId"] = f.rule;
    if (auto it = rule_index.find(f.rule); it != rule_index.end()) j["ruleIndex"] = it->second;
    j["level"] = sarif_level(f.sev);
    j["message"] = text(f.message);
    if (f.loc.file) j["locations"] = ojson::array({sarif_location(f.loc)});
    if (!f.related.empty()) {
        ojson rel = ojson::array();
        std::size_t id = 1;
        for (const auto& r : f.related) {
            ojson rj = sarif_location(r.loc);
            rj = ojson{{"id", id++}, {"physicalLocation", rj["physicalLocation"]}, {"message", text(r.message)}};
            rel.push_back(std::move(rj));
        }
        j["relatedLocations"] = std::move(rel);
    }
    // Only with timelines of steps: the flow is empty when a change had none.
    if (auto it = flows.find({f.rule, f.fingerprint}); it != flows.end() && it->second.steps > 0)
        j["codeFlows"] = ojson::array({code_flow(it->second)});
    j["partialFingerprints"] = ojson{{fingerprint_key, f.fingerprint.empty() ? make_fingerprint(f) : f.fingerprint}};
    if (with_baseline) j["baselineState"] = f.st == status::baselined ? "unchanged" : "new";
    if (f.st == status::baselined && !f.waiver) {
        ojson s = ojson::object();
        s["kind"] = "external";
        s["status"] = "accepted";
        s["justification"] = "in the baseline";
        j["suppressions"] = ojson::array({std::move(s)});
    }
    if (f.waiver) {
        ojson s = ojson::object();
        s["kind"] = "external";
        s["status"] = "accepted";
        s["justification"] = f.waiver->reason;
        if (!f.waiver->file.empty()) {
            ojson loc = ojson::object();
            loc["physicalLocation"] = physical(f.waiver->file, f.waiver->where, f.waiver->where.column, nullptr);
            s["location"] = std::move(loc);
        }
        ojson props = ojson::object();
        props["expires"] = f.waiver->expires;
        if (!f.waiver->approved_by.empty()) props["approvedBy"] = f.waiver->approved_by;
        s["properties"] = std::move(props);
        j["suppressions"] = ojson::array({std::move(s)});
    }
    ojson props = ojson::object();
    props["status"] = to_string(f.st);
    props["scope"] = to_string(f.scope);
    if (!f.node.empty()) props["node"] = f.node;
    if (!f.cluster.empty()) props["cluster"] = f.cluster;
    if (!f.loc.path.empty()) props["path"] = f.loc.path;
    if (f.step) props["step"] = ojson{{"index", f.step->index}, {"action", f.step->action}};
    if (!f.fix.empty()) props["fix"] = f.fix;
    j["properties"] = std::move(props);
    return j;
}

// Every `artifactLocation` below `j` made relative to `%SRCROOT%`: relative names as they are,
// absolute ones under `root_uri` (a `file://` URI ending in '/') with that prefix removed.
void anchor_uris(ojson& j, const std::string& root_uri) {
    if (j.is_array()) {
        for (auto& e : j) anchor_uris(e, root_uri);
        return;
    }
    if (!j.is_object()) return;
    for (auto& [key, value] : j.items()) {
        if (key != "artifactLocation" || !value.contains("uri")) {
            anchor_uris(value, root_uri);
            continue;
        }
        std::string uri = value["uri"].get<std::string>();
        if (!root_uri.empty() && uri.starts_with(root_uri)) uri.erase(0, root_uri.size());
        if (uri.starts_with("file://")) continue;
        value = ojson{{"uri", uri}, {"uriBaseId", std::string(src_root)}};
    }
}

ojson error_notification(const diagnostic& d) {
    ojson j = ojson::object();
    if (!d.name().empty()) {
        std::uint32_t column = d.where.column;
        if (d.file && d.where.valid() && d.where.column != 0) column = render::code_point_column({d.file, d.where, ""});
        j["locations"] = ojson::array({ojson{{"physicalLocation", physical(d.name(), d.where, column, d.file)}}});
    }
    j["message"] = text(d.message);
    j["level"] = input_severity(d);
    j["descriptor"] = ojson{{"id", d.check_id.empty() ? std::string(check_ids::input_error) : d.check_id}};
    return j;
}

ojson sarif_notification(const notification& n) {
    ojson j = ojson::object();
    if (!n.file.empty())
        j["locations"] = ojson::array({ojson{{"physicalLocation", physical(n.file, n.where, n.where.column, nullptr)}}});
    j["message"] = text(n.message);
    j["level"] = n.level == "warning" || n.level == "error" ? n.level : std::string("note");
    j["descriptor"] = ojson{{"id", n.kind}};
    return j;
}

} // namespace

std::string render_sarif(const report& r) {
    ojson rules = ojson::array();
    std::map<std::string, std::size_t> rule_index;
    for (const auto& ri : r.rules) {
        if (rule_index.contains(ri.id)) continue;
        rule_index.emplace(ri.id, rules.size());
        rules.push_back(sarif_rule_json(ri));
    }
    // A finding of a rule that is not in the list (never expected) still gets a descriptor.
    for (const auto& f : r.findings) {
        if (rule_index.contains(f.rule)) continue;
        rule_info ri;
        ri.id = f.rule;
        ri.title = f.title;
        ri.sev = f.sev;
        ri.scope = f.scope;
        ri.ref = f.ref;
        rule_index.emplace(ri.id, rules.size());
        rules.push_back(sarif_rule_json(ri));
    }

    ojson driver = ojson::object();
    driver["name"] = "kblint";
    driver["version"] = r.version;
    driver["semanticVersion"] = r.version;
    driver["informationUri"] = r.information_uri.empty() ? std::string(default_information_uri) : r.information_uri;
    driver["rules"] = std::move(rules);

    ojson invocation = ojson::object();
    invocation["executionSuccessful"] = r.exit_status == 0 || r.exit_status == 1;
    invocation["exitCode"] = r.exit_status;
    ojson notes = ojson::array();
    for (const auto& d : r.errors) notes.push_back(error_notification(d));
    for (const auto& n : r.notifications) notes.push_back(sarif_notification(n));
    if (!notes.empty()) invocation["toolExecutionNotifications"] = std::move(notes);

    ojson results = ojson::array();
    const flow_map flows = flow_places(r);
    for (const auto& f : r.findings) results.push_back(result_json(f, rule_index, r.baseline, flows));
    for (const auto& e : r.stale_baseline) results.push_back(absent_json(e, rule_index));

    ojson run = ojson::object();
    std::string root_uri = r.source_root.empty() ? std::string() : file_uri(r.source_root);
    if (!root_uri.empty() && root_uri.back() != '/') root_uri += '/';
    anchor_uris(invocation, root_uri);
    anchor_uris(results, root_uri);
    run["tool"] = ojson{{"driver", std::move(driver)}};
    run["invocations"] = ojson::array({std::move(invocation)});
    if (!root_uri.empty()) run["originalUriBaseIds"] = ojson{{std::string(src_root), ojson{{"uri", root_uri}}}};
    run["columnKind"] = "unicodeCodePoints";
    run["results"] = std::move(results);

    ojson doc = ojson::object();
    doc["$schema"] = sarif_schema;
    doc["version"] = "2.1.0";
    doc["runs"] = ojson::array({std::move(run)});
    std::string out = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
    return out;
}

} // namespace kbl
