#include <algorithm>
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "checker/report/json_fields.hpp"
#include "checker/report/report.hpp"
#include "checker/report/shard_json.hpp"
#include "common/check_ids.hpp"

namespace kbl {

namespace {

using ojson = nlohmann::ordered_json;
using render::name_or_null;
using render::position_field;

const std::string& file_name(const location& l) {
    static const std::string none;
    return l.file ? l.file->name() : none;
}

// A finding always has a place: line 1 column 1 of its file when nothing better is known.
pos finding_pos(const location& l) { return l.where.valid() ? l.where : pos{1, 1}; }

ojson location_json(const location& l) {
    pos p = finding_pos(l);
    ojson j = ojson::object();
    j["file"] = file_name(l);
    j["line"] = p.line;
    j["column"] = p.column;
    j["path"] = l.path;
    return j;
}

ojson finding_json(const finding& f) {
    ojson j = ojson::object();
    j["rule"] = f.rule;
    j["severity"] = to_string(f.sev);
    j["status"] = to_string(f.st);
    j["scope"] = to_string(f.scope);
    j["node"] = name_or_null(f.node);
    j["cluster"] = name_or_null(f.cluster);
    j["title"] = f.title;
    j["message"] = f.message;
    j["fix"] = f.fix;
    j["ref"] = ojson{{"article", f.ref.article}, {"section", f.ref.section}};
    j["location"] = location_json(f.loc);
    if (f.step) j["step"] = ojson{{"index", f.step->index}, {"action", f.step->action}};
    ojson related = ojson::array();
    for (const auto& r : f.related) {
        ojson rj = location_json(r.loc);
        rj["message"] = r.message;
        related.push_back(std::move(rj));
    }
    j["related"] = std::move(related);
    j["fingerprint"] = f.fingerprint.empty() ? make_fingerprint(f) : f.fingerprint;
    if (f.waiver) {
        const waiver_ref& w = *f.waiver;
        j["waiver"] = ojson{{"reason", w.reason},
                            {"expires", w.expires},
                            {"approved_by", name_or_null(w.approved_by)},
                            {"file", w.file},
                            {"line", position_field(w.where.line, w.where.valid())},
                            {"column", position_field(w.where.column, w.where.valid() && w.where.column != 0)}};
    }
    return j;
}

ojson error_json(const diagnostic& d) {
    ojson j = ojson::object();
    j["file"] = d.name();
    j["line"] = position_field(d.where.line, d.where.valid());
    j["column"] = position_field(d.where.column, d.where.valid() && d.where.column != 0);
    j["message"] = d.message;
    // The check id says what kind of error it is: "io" for a file that could not be read at all,
    // which is why its line and column are null.
    j["id"] = d.check_id.empty() ? std::string(check_ids::input_error) : d.check_id;
    // Added in 0.1 without a new report version: a note (such as incomplete-cluster) is no error.
    j["severity"] = input_severity(d);
    return j;
}

ojson notification_json(const notification& n) {
    ojson j = ojson::object();
    j["level"] = n.level;
    j["kind"] = n.kind;
    j["file"] = n.file;
    j["line"] = position_field(n.where.line, n.where.valid());
    j["column"] = position_field(n.where.column, n.where.valid() && n.where.column != 0);
    j["message"] = n.message;
    return j;
}

ojson stale_json(const baseline_entry& e) {
    ojson j = ojson::object();
    j["rule"] = e.rule;
    j["fingerprint"] = e.fingerprint;
    j["cluster"] = name_or_null(e.cluster);
    j["node"] = name_or_null(e.node);
    j["path"] = name_or_null(e.path);
    j["step"] = name_or_null(e.step);
    j["file"] = e.file;
    j["line"] = position_field(e.where.line, e.where.valid());
    j["column"] = position_field(e.where.column, e.where.valid() && e.where.column != 0);
    return j;
}

ojson checked_snapshot_json(const checked_snapshot& s) {
    return ojson{{"file", s.file}, {"node", s.node}, {"cluster", name_or_null(s.cluster)},
                 {"taken_at", s.taken_at ? ojson(*s.taken_at) : ojson(nullptr)}};
}

ojson checked_change_json(const checked_change& ch) {
    ojson steps = ojson::array();
    for (const auto& st : ch.steps)
        steps.push_back(ojson{{"step", st.step}, {"node", st.node}, {"action", st.action}, {"line", st.line}});
    return ojson{{"file", ch.file}, {"kind", change_kind(ch)}, {"steps", std::move(steps)}};
}

std::string dumped(const ojson& v) { return v.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

// `v` as the report's dump writes it `depth` levels deep: its own dump with every line after the
// first moved right two spaces a level (a dumped string holds no raw newline).
void append_dumped(std::string& out, const ojson& v, std::size_t depth) {
    const std::string pad(2 * depth, ' ');
    for (char c : dumped(v)) {
        out += c;
        if (c == '\n') out += pad;
    }
}

// An array `depth` levels deep of `n` items made one at a time by `item(i)`, byte for byte as the dump
// of the whole array: the lists as long as the fleet are never held as one JSON tree.
template<class F>
void append_array(std::string& out, std::size_t n, std::size_t depth, F item) {
    if (n == 0) {
        out += "[]";
        return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) out += ",\n";
        out.append(2 * (depth + 1), ' ');
        append_dumped(out, item(i), depth + 1);
    }
    out += '\n';
    out.append(2 * depth, ' ');
    out += ']';
}

// The member `"checked": {...}` of the report's top object.
void append_checked(std::string& out, const checked_list& c) {
    out += "\"checked\": {\n    \"snapshots\": ";
    append_array(out, c.snapshots.size(), 2, [&](std::size_t i) { return checked_snapshot_json(c.snapshots[i]); });
    out += ",\n    \"changes\": ";
    append_array(out, c.changes.size(), 2, [&](std::size_t i) { return checked_change_json(c.changes[i]); });
    out += "\n  }";
}

ojson finding_refs_json(const std::vector<timeline_finding>& refs) {
    ojson out = ojson::array();
    for (const auto& f : refs) out.push_back(ojson{{"rule", f.rule}, {"fingerprint", f.fingerprint}});
    return out;
}

ojson effect_json(const effect& e) {
    const bool has_before = e.k == effect::kind::set || e.k == effect::kind::deleted || e.k == effect::kind::removed;
    const bool has_after = e.k == effect::kind::set || e.k == effect::kind::created || e.k == effect::kind::added;
    return ojson{{"change", effect_kind_name(e.k)},
                 {"node", e.node},
                 {"path", e.path},
                 {"before", has_before ? ojson(e.before) : ojson(nullptr)},
                 {"after", has_after ? ojson(e.after) : ojson(nullptr)}};
}

ojson timeline_json(const timeline& t) {
    ojson steps = ojson::array();
    for (const auto& s : t.steps) {
        ojson effects = ojson::array();
        for (const auto& e : s.effects) effects.push_back(effect_json(e));
        steps.push_back(ojson{{"index", s.index}, {"node", s.node}, {"action", s.action}, {"line", s.line},
                              {"simulated", s.simulated}, {"effects", std::move(effects)},
                              {"findings", finding_refs_json(s.findings)}});
    }
    return ojson{{"file", t.file ? t.file->name() : std::string()}, {"kind", t.planned ? "planned" : "runbook"},
                 {"cluster", name_or_null(t.cluster)}, {"steps", std::move(steps)}, {"whole", finding_refs_json(t.whole)},
                 {"end_state", finding_refs_json(t.end_state)}};
}

} // namespace

std::string_view effect_kind_name(effect::kind k) {
    switch (k) {
    case effect::kind::set: return "set";
    case effect::kind::created: return "created";
    case effect::kind::deleted: return "deleted";
    case effect::kind::added: return "added";
    case effect::kind::removed: return "removed";
    }
    return "set";
}

void count_findings(report& r) {
    auto& s = r.summary;
    s.errors = s.warnings = s.infos = s.unknown = s.waived = s.baselined = 0;
    for (const auto& f : r.findings) {
        switch (f.st) {
        case status::waived: ++s.waived; continue;
        case status::baselined: ++s.baselined; continue;
        case status::unknown: ++s.unknown; break;
        case status::fail: break;
        }
        switch (f.sev) {
        case severity::error: ++s.errors; break;
        case severity::warning: ++s.warnings; break;
        case severity::info: ++s.infos; break;
        }
    }
}

std::string_view input_severity(const diagnostic& d) {
    switch (d.severity) {
    case diag_severity::error: return "error";
    case diag_severity::warning: return "warning";
    case diag_severity::note:
    case diag_severity::info: return "note";
    }
    return "error";
}

std::size_t input_error_count(const report& r) {
    return static_cast<std::size_t>(std::count_if(r.errors.begin(), r.errors.end(),
                                                  [](const diagnostic& d) { return d.severity == diag_severity::error; }));
}

std::string render_json(const report& r) {
    ojson doc = ojson::object();
    doc["kblint"] = ojson{{"version", r.version}, {"report_version", 1}};
    const auto& s = r.summary;
    doc["summary"] = ojson{{"snapshots", s.snapshots}, {"clusters", s.clusters}, {"runbooks", s.runbooks},
                           {"rules", s.rules},         {"errors", s.errors},     {"warnings", s.warnings},
                           {"infos", s.infos},         {"unknown", s.unknown},   {"waived", s.waived},
                           {"baselined", s.baselined}};
    ojson findings = ojson::array();
    for (const auto& f : r.findings) findings.push_back(finding_json(f));
    doc["findings"] = std::move(findings);
    ojson errors = ojson::array();
    for (const auto& d : r.errors) errors.push_back(error_json(d));
    doc["errors"] = std::move(errors);
    ojson notes = ojson::array();
    for (const auto& n : r.notifications) notes.push_back(notification_json(n));
    doc["notifications"] = std::move(notes);
    if (r.baseline) {
        // Added in 0.1 without a new report version: present only when a baseline was given.
        ojson stale = ojson::array();
        for (const auto& e : r.stale_baseline) stale.push_back(stale_json(e));
        doc["stale_baseline"] = std::move(stale);
    }
    if (r.shard) doc["shard"] = shard_json(r);
    // The members after these are written one item at a time into the dump, its closing "\n}" taken off.
    std::string out = dumped(doc);
    out.resize(out.size() - 2);
    // Added without a new report version: what was checked, last so that no key moves.
    out += ",\n  ";
    append_checked(out, r.checked);
    // `--show-runbook` only, last: each change's timeline, its findings by rule and fingerprint.
    if (r.show_runbook) {
        out += ",\n  \"runbooks\": ";
        append_array(out, r.timelines.size(), 1, [&](std::size_t i) { return timeline_json(r.timelines[i]); });
    }
    out += "\n}\n";
    return out;
}

} // namespace kbl
