#include "checker/report/shard_json.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "checker/report/json_fields.hpp"
#include "checker/report/render_util.hpp"
#include "common/text.hpp"

namespace kbl {

namespace {

using ojson = nlohmann::ordered_json;
using render::name_or_null;
using render::position_field;

std::string_view pass_name(error_place::pass p) {
    switch (p) {
    case error_place::pass::loading: return "loading";
    case error_place::pass::cluster_size: return "cluster-size";
    case error_place::pass::incomplete: return "incomplete";
    case error_place::pass::evaluation: return "evaluation";
    }
    return "loading";
}

ojson rule_json(const rule_info& ri) {
    ojson j = ojson::object();
    j["id"] = ri.id;
    j["title"] = ri.title;
    j["severity"] = to_string(ri.sev);
    j["scope"] = to_string(ri.scope);
    j["ref"] = ojson{{"article", ri.ref.article}, {"section", ri.ref.section}};
    j["tags"] = ri.tags;
    j["fix"] = ri.fix;
    j["doc"] = ri.doc;
    return j;
}

// The evaluations, one entry per cluster, node and file with the rules that applied and those that did not.
ojson evaluated_json(const report& r, const shard_info& s) {
    using key = std::tuple<std::uint32_t, std::string, std::string, std::string>;
    std::map<key, std::size_t> group_of;
    ojson groups = ojson::array();
    for (std::size_t i = 0; i < r.evaluated.size(); ++i) {
        const evaluation& e = r.evaluated[i];
        std::uint32_t order = i < s.evaluated_order.size() ? s.evaluated_order[i] : 0;
        std::string file = e.file ? e.file->name() : std::string();
        auto [it, fresh] = group_of.try_emplace(key{order, e.cluster, e.node, file}, groups.size());
        if (fresh)
            groups.push_back(ojson{{"order", order}, {"cluster", name_or_null(e.cluster)}, {"node", name_or_null(e.node)},
                                   {"file", file}, {"applied", ojson::array()}, {"not_applicable", ojson::array()}});
        groups[it->second][e.applied ? "applied" : "not_applicable"].push_back(e.rule);
    }
    return groups;
}

ojson note_json(const diag_note& n) {
    ojson j = ojson::object();
    j["kind"] = n.k == diag_note::kind::help ? "help" : "note";
    j["message"] = n.message;
    j["file"] = n.file ? ojson(n.file->name()) : ojson(nullptr);
    j["line"] = position_field(n.where.line, n.where.valid());
    j["column"] = position_field(n.where.column, n.where.valid() && n.where.column != 0);
    return j;
}

// Per input error, what the "errors" entry does not say.
ojson errors_json(const report& r, const shard_info& s) {
    ojson out = ojson::array();
    for (std::size_t i = 0; i < r.errors.size(); ++i) {
        const diagnostic& d = r.errors[i];
        error_place place = i < s.error_order.size() ? s.error_order[i] : error_place{};
        ojson j = ojson::object();
        j["pass"] = pass_name(place.p);
        j["ordinal"] = place.ordinal;
        j["severity"] = to_string(d.severity);
        j["source"] = d.file != nullptr;
        j["suffix"] = d.suffix;
        ojson notes = ojson::array();
        for (const auto& n : d.notes) notes.push_back(note_json(n));
        j["notes"] = std::move(notes);
        out.push_back(std::move(j));
    }
    return out;
}

// The files the report points into, each with the lines around every place it points at.
class source_lines {
public:
    void add(const source_ptr& file, pos where) {
        if (!file) return;
        auto& lines = files_.try_emplace(file->name(), file, std::set<std::uint32_t>{}).first->second.second;
        std::uint32_t line = where.valid() ? where.line : 1;
        std::uint32_t first = line > shard_source_context ? line - shard_source_context : 1;
        std::uint32_t last = std::min(file->line_count(), line + shard_source_context);
        for (std::uint32_t n = first; n <= last; ++n) lines.insert(n);
    }

    [[nodiscard]] ojson json() const {
        ojson out = ojson::array();
        for (const auto& [name, entry] : files_) {
            const auto& [file, lines] = entry;
            ojson runs = ojson::array();
            std::uint32_t next = 0;
            for (std::uint32_t n : lines) {
                if (runs.empty() || n != next) runs.push_back(ojson{{"from", n}, {"lines", ojson::array()}});
                runs.back()["lines"].push_back(line_json(file->line_text(n)));
                next = n + 1;
            }
            out.push_back(ojson{{"file", name}, {"lines", file->line_count()}, {"text", std::move(runs)}});
        }
        return out;
    }

private:
    // A line as a string, or as {"hex": ...} when it is not UTF-8 (JSON strings cannot hold it).
    static ojson line_json(std::string_view line) {
        if (valid_utf8(line)) return ojson(line);
        std::string hex;
        for (char c : line) hex += fmt::format("{:02x}", static_cast<unsigned char>(c));
        return ojson{{"hex", hex}};
    }

    std::map<std::string, std::pair<source_ptr, std::set<std::uint32_t>>> files_;
};

ojson sources_json(const report& r) {
    source_lines src;
    for (const auto& f : r.findings) {
        src.add(f.loc.file, render::shown_pos(f.loc));
        for (const auto& rel : f.related) src.add(rel.loc.file, render::shown_pos(rel.loc));
    }
    for (const auto& d : r.errors) {
        src.add(d.file, d.where);
        for (const auto& n : d.notes) src.add(n.file, n.where);
    }
    return src.json();
}

} // namespace

nlohmann::ordered_json shard_json(const report& r) {
    const shard_info& s = *r.shard;
    ojson j = ojson::object();
    j["index"] = s.spec.index;
    j["count"] = s.spec.count;
    j["pack"] = s.pack;
    j["options"] = s.options;
    j["inputs"] = s.inputs;
    j["snapshot_files"] = s.snapshot_files;
    j["fail_on"] = s.fail_on;
    ojson rules = ojson::array();
    for (const auto& ri : r.rules) rules.push_back(rule_json(ri));
    j["rules"] = std::move(rules);
    j["evaluated"] = evaluated_json(r, s);
    j["checked"] = ojson{{"snapshots", s.checked_snapshot_order}, {"changes", s.checked_change_order}};
    if (r.show_runbook) j["runbooks"] = s.timeline_order;
    j["errors"] = errors_json(r, s);
    j["sources"] = sources_json(r);
    return j;
}

} // namespace kbl
