#include "checker/report/read_report.hpp"

#include <limits>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/check_ids.hpp"
#include "common/json_position.hpp"

namespace kbl {

namespace {

using json = nlohmann::json;

constexpr int report_version = 1;
// A report of kblint nests 7 levels at most ("shard.sources[0].text[0].lines[0]"): deeper is not one.
constexpr std::uint32_t max_depth = 16;
constexpr std::size_t max_problems = 20;

std::string type_name(const json& j) {
    switch (j.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    case json::value_t::null: return "null";
    default: return "a value";
    }
}

// A place in the document: its JSON pointer, and its name in messages ("findings[3].rule").
struct at {
    std::string pointer;
    std::string name;
    [[nodiscard]] at key(std::string_view k) const {
        return {fmt::format("{}/{}", pointer, k), name.empty() ? std::string(k) : fmt::format("{}.{}", name, k)};
    }
    [[nodiscard]] at index(std::size_t i) const { return {fmt::format("{}/{}", pointer, i), fmt::format("{}[{}]", name, i)}; }
};

struct problem {
    std::string pointer;
    std::string message;
    std::string help;
};

// Typed access to the members of objects: a member that is missing or of another type is a problem
// (located at its parent, or at itself), and reads as an empty value.
class reader {
public:
    std::vector<problem> problems;

    void fail(const at& a, std::string message, std::string help = {}) {
        problems.push_back({a.pointer, std::move(message), std::move(help)});
    }

    // The member `k` of `obj` when it has one of the types `ok` (described as `expected`); else null, after a problem.
    const json* member(const json& obj, const at& a, std::string_view k, std::initializer_list<json::value_t> ok,
                       std::string_view expected) {
        auto it = obj.find(std::string(k));
        if (it == obj.end()) {
            fail(a, a.name.empty() ? fmt::format("the report has no '{}' key", k) : fmt::format("'{}' has no '{}'", a.name, k));
            return nullptr;
        }
        for (json::value_t t : ok)
            if (it->type() == t) return &*it;
        fail(a.key(k), fmt::format("'{}' is {}, not {}", a.key(k).name, type_name(*it), expected));
        return nullptr;
    }
    const json* object(const json& obj, const at& a, std::string_view k) {
        return member(obj, a, k, {json::value_t::object}, "an object");
    }
    const json* array(const json& obj, const at& a, std::string_view k) {
        return member(obj, a, k, {json::value_t::array}, "an array");
    }
    std::string text(const json& obj, const at& a, std::string_view k) {
        const json* v = member(obj, a, k, {json::value_t::string}, "a string");
        return v ? v->get<std::string>() : std::string();
    }
    // A string, or null for an empty one.
    std::string name(const json& obj, const at& a, std::string_view k) {
        const json* v = member(obj, a, k, {json::value_t::string, json::value_t::null}, "a string or null");
        return v && v->is_string() ? v->get<std::string>() : std::string();
    }
    std::uint64_t count(const json& obj, const at& a, std::string_view k) {
        const json* v = member(obj, a, k, {json::value_t::number_unsigned}, "a count");
        return v ? v->get<std::uint64_t>() : 0;
    }
    // A line or column: a number up to 2^32 - 1, or null (0).
    std::uint32_t position(const json& obj, const at& a, std::string_view k) {
        const json* v = member(obj, a, k, {json::value_t::number_unsigned, json::value_t::null}, "a number or null");
        if (!v || v->is_null()) return 0;
        if (v->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
            fail(a.key(k), fmt::format("'{}' is {}, over 4294967295", a.key(k).name, v->get<std::uint64_t>()));
            return 0;
        }
        return static_cast<std::uint32_t>(v->get<std::uint64_t>());
    }
    bool flag(const json& obj, const at& a, std::string_view k) {
        const json* v = member(obj, a, k, {json::value_t::boolean}, "true or false");
        return v && v->get<bool>();
    }
    // One of `names` (their index), else a problem and 0.
    std::size_t choice(const json& obj, const at& a, std::string_view k, const std::vector<std::string_view>& names) {
        std::string v = text(obj, a, k);
        for (std::size_t i = 0; i < names.size(); ++i)
            if (v == names[i]) return i;
        if (obj.contains(std::string(k)) && obj[std::string(k)].is_string()) {
            std::string list;
            for (std::size_t i = 0; i < names.size(); ++i)
                list += fmt::format("{}{}", i == 0 ? "" : i + 1 == names.size() ? " or " : ", ", names[i]);
            fail(a.key(k), fmt::format("'{}' is '{}', not {}", a.key(k).name, v, list));
        }
        return 0;
    }
};

// The files the report points into, rebuilt from "shard.sources": each line kept where it was, the others empty.
class source_table {
public:
    void read(reader& rd, const json& list, const at& a) {
        for (std::size_t i = 0; i < list.size(); ++i) {
            at e = a.index(i);
            if (!list[i].is_object()) {
                rd.fail(e, fmt::format("'{}' is {}, not an object", e.name, type_name(list[i])));
                continue;
            }
            std::string name = rd.text(list[i], e, "file");
            auto count = static_cast<std::uint32_t>(rd.count(list[i], e, "lines"));
            const json* runs = rd.array(list[i], e, "text");
            if (runs) files_[name] = std::make_shared<const source_file>(name, file_text(rd, *runs, e.key("text"), count));
        }
    }

    // The source of `name` ("" and unknown names: none; `where` says what names it, for the problem).
    source_ptr find(reader& rd, const std::string& name, const at& where) const {
        if (name.empty()) return nullptr;
        auto it = files_.find(name);
        if (it != files_.end()) return it->second;
        rd.fail(where, fmt::format("'{}' names '{}', which 'shard.sources' does not hold", where.name, name));
        return nullptr;
    }

    // The source of `name` when there is one, else a file of that name without text (an evaluation's file).
    source_ptr named(const std::string& name) {
        auto it = files_.find(name);
        if (it != files_.end()) return it->second;
        return files_.emplace(name, std::make_shared<const source_file>(name, std::string())).first->second;
    }

private:
    static bool hex_line(const json& v, std::string& out) {
        if (!v.is_object() || v.size() != 1 || !v.contains("hex") || !v["hex"].is_string()) return false;
        const std::string& hex = v["hex"].get_ref<const std::string&>();
        if (hex.size() % 2 != 0 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
        for (std::size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
        return true;
    }

    // Every line ends in "\r\n", so a kept line that ends in '\r' keeps it (source_file drops one).
    static std::string file_text(reader& rd, const json& runs, const at& a, std::uint32_t count) {
        std::string text;
        std::uint32_t next = 1;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            at run = a.index(i);
            if (!runs[i].is_object()) {
                rd.fail(run, fmt::format("'{}' is {}, not an object", run.name, type_name(runs[i])));
                return text;
            }
            auto from = static_cast<std::uint32_t>(rd.count(runs[i], run, "from"));
            const json* lines = rd.array(runs[i], run, "lines");
            if (!lines) return text;
            if (from < next || from - 1 + lines->size() > count) {
                rd.fail(run, fmt::format("'{}' holds lines {} to {}, out of order or past line {}", run.name, from,
                                         from - 1 + lines->size(), count));
                return text;
            }
            for (; next < from; ++next) text += "\r\n";
            for (std::size_t k = 0; k < lines->size(); ++k, ++next) {
                const json& v = (*lines)[k];
                if (v.is_string()) text += v.get_ref<const std::string&>();
                else if (!hex_line(v, text)) rd.fail(run.key("lines").index(k), fmt::format("'{}' is not a line", run.key("lines").index(k).name));
                text += "\r\n";
            }
        }
        for (; next <= count; ++next) text += "\r\n";
        return text;
    }

    std::map<std::string, source_ptr> files_;
};

const std::vector<std::string_view> severity_names = {"info", "warning", "error"};
const std::vector<std::string_view> status_names = {"fail", "unknown", "waived", "baselined"};
const std::vector<std::string_view> scope_names = {"node", "cluster", "runbook"};
const std::vector<std::string_view> fail_on_names = {"error", "warning", "info", "never"};

location read_location(reader& rd, const source_table& src, const json& j, const at& a) {
    location l;
    l.file = src.find(rd, rd.text(j, a, "file"), a.key("file"));
    l.where.line = rd.position(j, a, "line");
    l.where.column = rd.position(j, a, "column");
    l.path = rd.text(j, a, "path");
    return l;
}

kb_ref read_ref(reader& rd, const json& j, const at& a) {
    kb_ref ref;
    if (const json* r = rd.object(j, a, "ref")) {
        ref.article = rd.text(*r, a.key("ref"), "article");
        ref.section = rd.text(*r, a.key("ref"), "section");
    }
    return ref;
}

std::optional<waiver_ref> read_waiver(reader& rd, const json& j, const at& a) {
    if (!j.contains("waiver")) return std::nullopt;
    const json* w = rd.object(j, a, "waiver");
    if (!w) return std::nullopt;
    at wa = a.key("waiver");
    waiver_ref out;
    out.reason = rd.text(*w, wa, "reason");
    out.expires = rd.text(*w, wa, "expires");
    out.approved_by = rd.name(*w, wa, "approved_by");
    out.file = rd.text(*w, wa, "file");
    out.where = {rd.position(*w, wa, "line"), rd.position(*w, wa, "column")};
    return out;
}

void read_step_and_related(reader& rd, const source_table& src, const json& j, const at& a, finding& f) {
    if (j.contains("step"))
        if (const json* s = rd.object(j, a, "step"))
            f.step = step_ref{static_cast<std::uint32_t>(rd.count(*s, a.key("step"), "index")), rd.text(*s, a.key("step"), "action"), 1};
    if (const json* rel = rd.array(j, a, "related"))
        for (std::size_t i = 0; i < rel->size(); ++i) {
            at ra = a.key("related").index(i);
            if (!(*rel)[i].is_object()) {
                rd.fail(ra, fmt::format("'{}' is {}, not an object", ra.name, type_name((*rel)[i])));
                continue;
            }
            f.related.push_back({read_location(rd, src, (*rel)[i], ra), rd.text((*rel)[i], ra, "message")});
        }
}

finding read_finding(reader& rd, const source_table& src, const json& j, const at& a) {
    finding f;
    f.rule = rd.text(j, a, "rule");
    f.sev = static_cast<severity>(rd.choice(j, a, "severity", severity_names));
    f.st = static_cast<status>(rd.choice(j, a, "status", status_names));
    f.scope = static_cast<rule_scope>(rd.choice(j, a, "scope", scope_names));
    f.node = rd.name(j, a, "node");
    f.cluster = rd.name(j, a, "cluster");
    f.title = rd.text(j, a, "title");
    f.message = rd.text(j, a, "message");
    f.fix = rd.text(j, a, "fix");
    f.ref = read_ref(rd, j, a);
    if (const json* l = rd.object(j, a, "location")) f.loc = read_location(rd, src, *l, a.key("location"));
    read_step_and_related(rd, src, j, a, f);
    f.fingerprint = rd.text(j, a, "fingerprint");
    f.waiver = read_waiver(rd, j, a);
    return f;
}

// Each element of the array `k` of `obj`, when it is an object.
template <class F>
void each_object(reader& rd, const json& obj, const at& a, std::string_view k, F&& fn) {
    const json* list = rd.array(obj, a, k);
    if (!list) return;
    for (std::size_t i = 0; i < list->size() && rd.problems.size() < max_problems; ++i) {
        at e = a.key(k).index(i);
        if ((*list)[i].is_object())
            fn((*list)[i], e, i);
        else
            rd.fail(e, fmt::format("'{}' is {}, not an object", e.name, type_name((*list)[i])));
    }
}

const std::vector<std::string_view> diag_severity_names = {"error", "warning", "note", "info"};
const std::vector<std::string_view> pass_names = {"loading", "cluster-size", "incomplete", "evaluation"};

diag_note read_note(reader& rd, const source_table& src, const json& j, const at& a) {
    diag_note n;
    n.k = rd.choice(j, a, "kind", {"note", "help"}) == 1 ? diag_note::kind::help : diag_note::kind::note;
    n.message = rd.text(j, a, "message");
    n.file = src.find(rd, rd.name(j, a, "file"), a.key("file"));
    n.where = {rd.position(j, a, "line"), rd.position(j, a, "column")};
    return n;
}

// "errors" with what "shard.errors" adds to each entry.
void read_errors(reader& rd, const source_table& src, const json& doc, const json& shard, shard_report& out) {
    at top{"", ""};
    each_object(rd, doc, top, "errors", [&](const json& j, const at& a, std::size_t) {
        diagnostic d;
        d.file_name = rd.text(j, a, "file");
        d.where = {rd.position(j, a, "line"), rd.position(j, a, "column")};
        d.message = rd.text(j, a, "message");
        d.check_id = rd.text(j, a, "id");
        out.r.errors.push_back(std::move(d));
    });
    at sa = top.key("shard");
    each_object(rd, shard, sa, "errors", [&](const json& j, const at& a, std::size_t i) {
        if (i >= out.r.errors.size()) return rd.fail(a, fmt::format("'{}' has no entry in 'errors'", a.name));
        diagnostic& d = out.r.errors[i];
        error_place place;
        place.p = static_cast<error_place::pass>(rd.choice(j, a, "pass", pass_names));
        place.ordinal = static_cast<std::uint32_t>(rd.count(j, a, "ordinal"));
        out.info.error_order.push_back(place);
        d.severity = static_cast<diag_severity>(rd.choice(j, a, "severity", diag_severity_names));
        if (rd.flag(j, a, "source")) d.file = src.find(rd, d.file_name, a.key("source"));
        if (d.file) d.file_name.clear();
        d.suffix = rd.text(j, a, "suffix");
        each_object(rd, j, a, "notes", [&](const json& n, const at& na, std::size_t) { d.notes.push_back(read_note(rd, src, n, na)); });
    });
    if (rd.problems.empty() && out.info.error_order.size() != out.r.errors.size())
        rd.fail(sa.key("errors"), fmt::format("'shard.errors' has {} entries; 'errors' has {}", out.info.error_order.size(),
                                              out.r.errors.size()));
}

void read_notifications(reader& rd, const json& doc, report& r) {
    each_object(rd, doc, at{"", ""}, "notifications", [&](const json& j, const at& a, std::size_t) {
        notification n;
        n.level = rd.text(j, a, "level");
        n.kind = rd.text(j, a, "kind");
        n.file = rd.text(j, a, "file");
        n.where = {rd.position(j, a, "line"), rd.position(j, a, "column")};
        n.message = rd.text(j, a, "message");
        r.notifications.push_back(std::move(n));
    });
    if (!doc.contains("stale_baseline")) return;
    r.baseline = true;
    each_object(rd, doc, at{"", ""}, "stale_baseline", [&](const json& j, const at& a, std::size_t) {
        baseline_entry e;
        e.rule = rd.text(j, a, "rule");
        e.fingerprint = rd.text(j, a, "fingerprint");
        e.cluster = rd.name(j, a, "cluster");
        e.node = rd.name(j, a, "node");
        e.path = rd.name(j, a, "path");
        e.step = rd.name(j, a, "step");
        e.file = rd.text(j, a, "file");
        e.where = {rd.position(j, a, "line"), rd.position(j, a, "column")};
        r.stale_baseline.push_back(std::move(e));
    });
}

rule_info read_rule(reader& rd, const json& j, const at& a) {
    rule_info ri;
    ri.id = rd.text(j, a, "id");
    ri.title = rd.text(j, a, "title");
    ri.sev = static_cast<severity>(rd.choice(j, a, "severity", severity_names));
    ri.scope = static_cast<rule_scope>(rd.choice(j, a, "scope", scope_names));
    ri.ref = read_ref(rd, j, a);
    if (const json* tags = rd.array(j, a, "tags"))
        for (std::size_t i = 0; i < tags->size(); ++i) {
            if ((*tags)[i].is_string()) ri.tags.push_back((*tags)[i].get<std::string>());
            else rd.fail(a.key("tags").index(i), fmt::format("'{}' is {}, not a string", a.key("tags").index(i).name, type_name((*tags)[i])));
        }
    ri.fix = rd.text(j, a, "fix");
    ri.doc = rd.text(j, a, "doc");
    return ri;
}

// "shard.evaluated": a group per cluster, node and file, with the rules that applied and those that did not.
void read_evaluated(reader& rd, source_table& src, const json& shard, shard_report& out) {
    each_object(rd, shard, at{"/shard", "shard"}, "evaluated", [&](const json& j, const at& a, std::size_t) {
        auto order = static_cast<std::uint32_t>(rd.count(j, a, "order"));
        std::string cluster = rd.name(j, a, "cluster");
        std::string node = rd.name(j, a, "node");
        source_ptr file = src.named(rd.text(j, a, "file"));
        for (const char* k : {"applied", "not_applicable"}) {
            const json* rules = rd.array(j, a, k);
            if (!rules) continue;
            for (std::size_t i = 0; i < rules->size(); ++i) {
                if (!(*rules)[i].is_string()) {
                    rd.fail(a.key(k).index(i), fmt::format("'{}' is {}, not a string", a.key(k).index(i).name, type_name((*rules)[i])));
                    continue;
                }
                out.r.evaluated.push_back({(*rules)[i].get<std::string>(), cluster, node, file, std::string_view(k) == "applied"});
                out.info.evaluated_order.push_back(order);
            }
        }
    });
}

// An array of counts (the cluster ordinals of "shard.checked").
std::vector<std::uint32_t> read_ordinals(reader& rd, const json& obj, const at& a, std::string_view k) {
    std::vector<std::uint32_t> out;
    const json* list = rd.array(obj, a, k);
    for (std::size_t i = 0; list && i < list->size(); ++i) {
        if ((*list)[i].is_number_unsigned()) out.push_back((*list)[i].get<std::uint32_t>());
        else rd.fail(a.key(k).index(i), fmt::format("'{}' is {}, not a count", a.key(k).index(i).name, type_name((*list)[i])));
    }
    return out;
}

checked_step read_step(reader& rd, const json& j, const at& a) {
    return {static_cast<std::uint32_t>(rd.count(j, a, "step")), rd.text(j, a, "node"), rd.text(j, a, "action"),
            static_cast<std::uint32_t>(rd.count(j, a, "line"))};
}

// "checked", and the cluster ordinal of each of its entries in "shard.checked".
void read_checked(reader& rd, const json& doc, const json& shard, shard_report& out) {
    const json* c = rd.object(doc, at{"", ""}, "checked");
    const json* order = rd.object(shard, at{"/shard", "shard"}, "checked");
    if (!c || !order) return;
    at a{"/checked", "checked"};
    each_object(rd, *c, a, "snapshots", [&](const json& j, const at& e, std::size_t) {
        const json* t = rd.member(j, e, "taken_at", {json::value_t::string, json::value_t::null}, "a string or null");
        out.r.checked.snapshots.push_back({rd.text(j, e, "file"), rd.text(j, e, "node"), rd.name(j, e, "cluster"),
                                           t && t->is_string() ? std::optional<std::string>(t->get<std::string>()) : std::nullopt});
    });
    each_object(rd, *c, a, "changes", [&](const json& j, const at& e, std::size_t) {
        checked_change ch{rd.text(j, e, "file"), rd.choice(j, e, "kind", {"planned", "runbook"}) == 1, {}};
        each_object(rd, j, e, "steps", [&](const json& s, const at& sa, std::size_t) { ch.steps.push_back(read_step(rd, s, sa)); });
        out.r.checked.changes.push_back(std::move(ch));
    });
    at oa{"/shard/checked", "shard.checked"};
    out.info.checked_snapshot_order = read_ordinals(rd, *order, oa, "snapshots");
    out.info.checked_change_order = read_ordinals(rd, *order, oa, "changes");
    if (rd.problems.empty() && (out.info.checked_snapshot_order.size() != out.r.checked.snapshots.size() ||
                                out.info.checked_change_order.size() != out.r.checked.changes.size()))
        rd.fail(oa, "'shard.checked' does not give one cluster ordinal per entry of 'checked'");
}

std::vector<timeline_finding> read_finding_refs(reader& rd, const json& obj, const at& a, std::string_view k) {
    std::vector<timeline_finding> out;
    each_object(rd, obj, a, k, [&](const json& j, const at& e, std::size_t) {
        out.push_back({rd.text(j, e, "rule"), rd.text(j, e, "fingerprint")});
    });
    return out;
}

effect read_effect(reader& rd, const json& j, const at& a) {
    effect e;
    const std::vector<std::string_view> kinds = {effect_kind_name(effect::kind::set), effect_kind_name(effect::kind::created),
                                                 effect_kind_name(effect::kind::deleted), effect_kind_name(effect::kind::added),
                                                 effect_kind_name(effect::kind::removed)};
    e.k = static_cast<effect::kind>(rd.choice(j, a, "change", kinds));
    e.node = rd.text(j, a, "node");
    e.path = rd.text(j, a, "path");
    e.before = rd.name(j, a, "before");
    e.after = rd.name(j, a, "after");
    return e;
}

timeline_step read_timeline_step(reader& rd, const json& j, const at& a) {
    timeline_step s;
    s.index = static_cast<std::uint32_t>(rd.count(j, a, "index"));
    s.node = rd.text(j, a, "node");
    s.action = rd.text(j, a, "action");
    s.line = static_cast<std::uint32_t>(rd.count(j, a, "line"));
    s.simulated = rd.flag(j, a, "simulated");
    each_object(rd, j, a, "effects", [&](const json& e, const at& ea, std::size_t) { s.effects.push_back(read_effect(rd, e, ea)); });
    s.findings = read_finding_refs(rd, j, a, "findings");
    return s;
}

// "runbooks" (`--show-runbook`), and the cluster ordinal of each of its entries in "shard.runbooks".
void read_runbooks(reader& rd, source_table& src, const json& doc, const json& shard, shard_report& out) {
    if (!doc.contains("runbooks")) return;
    out.r.show_runbook = true;
    each_object(rd, doc, at{"", ""}, "runbooks", [&](const json& j, const at& a, std::size_t) {
        timeline t;
        t.file = src.named(rd.text(j, a, "file"));
        t.planned = rd.choice(j, a, "kind", {"runbook", "planned"}) == 1;
        t.cluster = rd.name(j, a, "cluster");
        each_object(rd, j, a, "steps", [&](const json& s, const at& sa, std::size_t) { t.steps.push_back(read_timeline_step(rd, s, sa)); });
        t.whole = read_finding_refs(rd, j, a, "whole");
        t.end_state = read_finding_refs(rd, j, a, "end_state");
        out.r.timelines.push_back(std::move(t));
    });
    out.info.timeline_order = read_ordinals(rd, shard, at{"/shard", "shard"}, "runbooks");
    if (rd.problems.empty() && out.info.timeline_order.size() != out.r.timelines.size())
        rd.fail(at{"/shard/runbooks", "shard.runbooks"}, "'shard.runbooks' does not give one cluster ordinal per entry of 'runbooks'");
}

// "shard": the shard, the fingerprints and counts; its lists are read with the report's.
void read_shard_key(reader& rd, const json& shard, shard_report& out) {
    at a{"/shard", "shard"};
    shard_info& s = out.info;
    s.spec.index = static_cast<std::uint32_t>(rd.count(shard, a, "index"));
    s.spec.count = static_cast<std::uint32_t>(rd.count(shard, a, "count"));
    if (rd.problems.empty() && (s.spec.count == 0 || s.spec.index == 0 || s.spec.index > s.spec.count))
        rd.fail(a.key("index"), fmt::format("'shard' is shard {} of {}; a shard is K of N with K from 1 to N", s.spec.index, s.spec.count));
    s.pack = rd.text(shard, a, "pack");
    s.options = rd.text(shard, a, "options");
    s.inputs = rd.text(shard, a, "inputs");
    s.snapshot_files = rd.count(shard, a, "snapshot_files");
    s.fail_on = std::string(fail_on_names[rd.choice(shard, a, "fail_on", fail_on_names)]);
    each_object(rd, shard, a, "rules", [&](const json& j, const at& ra, std::size_t) { out.r.rules.push_back(read_rule(rd, j, ra)); });
}

void read_summary(reader& rd, const json& doc, report& r) {
    at top{"", ""};
    const json* s = rd.object(doc, top, "summary");
    if (!s) return;
    at a = top.key("summary");
    r.summary.snapshots = rd.count(*s, a, "snapshots");
    r.summary.clusters = rd.count(*s, a, "clusters");
    r.summary.runbooks = rd.count(*s, a, "runbooks");
    r.summary.rules = rd.count(*s, a, "rules");
}

// The document as a kblint report of this version with a "shard" key; else the problem that says why not.
const json* kblint_shard(reader& rd, const json& doc, std::string_view version, shard_report& out) {
    at top{"", ""};
    if (!doc.is_object()) {
        rd.fail(top, fmt::format("not a kblint JSON report: the document is {}, not an object", type_name(doc)),
                std::string(shard_report_help));
        return nullptr;
    }
    auto kit = doc.find("kblint");
    const json* k = kit == doc.end() ? nullptr : &*kit;
    if (!k || !k->is_object()) {
        rd.fail(k ? top.key("kblint") : top, k ? "not a kblint JSON report: 'kblint' is not an object"
                                              : "not a kblint JSON report: it has no 'kblint' key",
                std::string(shard_report_help));
        return nullptr;
    }
    at ka = top.key("kblint");
    const json* rv = rd.member(*k, ka, "report_version", {json::value_t::number_unsigned, json::value_t::number_integer}, "a number");
    if (rv && *rv != report_version)
        rd.fail(ka.key("report_version"),
                fmt::format("the report has report version {}; this kblint reads version {}", rv->dump(), report_version),
                "merge the reports with the kblint that wrote them");
    out.r.version = rd.text(*k, ka, "version");
    if (rd.problems.empty() && out.r.version != version)
        rd.fail(ka.key("version"), fmt::format("the report was written by kblint {}; this is kblint {}", out.r.version, version),
                "merge the reports with the kblint that wrote them");
    if (!rd.problems.empty()) return nullptr;
    auto it = doc.find("shard");
    if (it == doc.end()) {
        rd.fail(top, "not the report of a shard: it has no 'shard' key", std::string(shard_report_help));
        return nullptr;
    }
    return rd.object(doc, top, "shard");
}

void read_document(reader& rd, const json& doc, std::string_view version, shard_report& out) {
    const json* shard = kblint_shard(rd, doc, version, out);
    if (!shard) return;
    read_shard_key(rd, *shard, out);
    source_table src;
    if (const json* sources = rd.array(*shard, at{"/shard", "shard"}, "sources")) src.read(rd, *sources, at{"/shard/sources", "shard.sources"});
    read_summary(rd, doc, out.r);
    each_object(rd, doc, at{"", ""}, "findings",
                [&](const json& j, const at& a, std::size_t) { out.r.findings.push_back(read_finding(rd, src, j, a)); });
    read_errors(rd, src, doc, *shard, out);
    read_notifications(rd, doc, out.r);
    read_evaluated(rd, src, *shard, out);
    read_checked(rd, doc, *shard, out);
    read_runbooks(rd, src, doc, *shard, out);
}

} // namespace

std::optional<severity> severity_named(std::string_view name) {
    for (std::size_t i = 0; i < severity_names.size(); ++i)
        if (name == severity_names[i]) return static_cast<severity>(i);
    return std::nullopt;
}

std::optional<shard_report> read_shard_report(std::string name, std::string text, std::string_view version, diagnostics& errs) {
    shard_report out;
    out.name = name;
    out.text = std::make_shared<const source_file>(std::move(name), std::move(text));
    const std::string& bytes = out.text->text();
    auto error = [&](pos where, std::string message, std::string help = {}) {
        diagnostic d;
        d.file = out.text;
        d.where = where;
        d.message = std::move(message);
        d.check_id = std::string(check_ids::input_error);
        if (!help.empty()) d.notes.push_back({diag_note::kind::help, std::move(help), nullptr, {}});
        errs.push_back(std::move(d));
    };
    if (auto deep = json_text::too_deep(bytes, max_depth)) {
        error(json_text::pos_at_offset(bytes, *deep), fmt::format("not a kblint JSON report: it nests deeper than {} levels", max_depth),
              std::string(shard_report_help));
        return std::nullopt;
    }
    json doc;
    try {
        doc = json::parse(bytes);
    } catch (const json::parse_error& e) {
        error(json_text::pos_at_offset(bytes, e.byte > 0 ? e.byte - 1 : 0),
              fmt::format("invalid JSON in the report: {}", json_text::parse_message(e.what())), std::string(shard_report_help));
        return std::nullopt;
    }
    reader rd;
    read_document(rd, doc, version, out);
    std::set<std::string> wanted = {"/shard/index", "/shard/count", "/shard/pack", "/shard/options", "/shard/inputs"};
    for (const auto& p : rd.problems) wanted.insert(p.pointer);
    json_text::position_index where(bytes, wanted, static_cast<int>(max_depth));
    std::size_t shown = std::min(rd.problems.size(), max_problems);
    for (std::size_t i = 0; i < shown; ++i) error(where.at(rd.problems[i].pointer), rd.problems[i].message, rd.problems[i].help);
    if (rd.problems.size() > shown) error(where.at(""), fmt::format("{} more problems in the report are not shown", rd.problems.size() - shown));
    if (!rd.problems.empty()) return std::nullopt;
    out.index_at = where.at("/shard/index");
    out.count_at = where.at("/shard/count");
    out.pack_at = where.at("/shard/pack");
    out.options_at = where.at("/shard/options");
    out.inputs_at = where.at("/shard/inputs");
    return out;
}

} // namespace kbl
