#include "checker/engine/schema_findings.hpp"

#include <fmt/format.h>

#include <map>

#include "checker/engine/eval_util.hpp"
#include "checker/engine/schema_check.hpp"

namespace kbl {

namespace {

finding schema_finding(const eval_world& w, std::uint32_t cluster, std::uint32_t snap, const schema_issue& issue) {
    rule_info info = schema_rule_info(*w.p);
    finding fd;
    fd.rule = info.id;
    fd.sev = info.sev;
    fd.scope = info.scope;
    fd.title = info.title;
    fd.fix = info.fix;
    fd.node = w.snaps[snap].node_name;
    fd.cluster = w.clusters[cluster].name;
    fd.loc.file = w.snaps[snap].s->file;
    fd.loc.where = issue.where;
    fd.loc.path = issue.path;
    fd.message = issue.message;
    fd.fingerprint = make_fingerprint(fd);
    return fd;
}

const snap::node* node_id_value(const pack& p, const snap::node* n) {
    if (!p.node_id) return nullptr;
    for (const auto& seg : *p.node_id) {
        if (!n || seg.k != ast::path_seg::kind::key || n->k != snap::kind::table) return nullptr;
        const snap::entry* e = n->find(seg.key);
        n = e ? e->value.get() : nullptr;
    }
    return n && n->k == snap::kind::string ? n : nullptr;
}

// Two snapshots of one cluster naming the same node (node ids equal ignoring case and white space).
void duplicate_nodes(const eval_world& w, std::uint32_t cluster, std::vector<finding>& out) {
    std::map<std::string, std::vector<std::uint32_t>> by_id;
    for (auto m : w.clusters[cluster].members)
        if (const snap::node* id = node_id_value(*w.p, w.snaps[m].s->root.get())) by_id[upper(trim(id->str))].push_back(m);
    for (const auto& [id, snaps] : by_id) {
        if (snaps.size() < 2) continue;
        std::string files;
        for (auto m : snaps) files += (files.empty() ? "" : ", ") + w.snaps[m].s->file->name();
        for (auto m : snaps) {
            const snap::node* v = node_id_value(*w.p, w.snaps[m].s->root.get());
            schema_issue issue{v->where, v->path,
                               fmt::format("{} snapshots of this cluster have the node id '{}' ({}); a cluster holds one snapshot per node",
                                           snaps.size(), v->str, files)};
            out.push_back(schema_finding(w, cluster, m, issue));
        }
    }
}

} // namespace

rule_info schema_rule_info(const pack& p) {
    rule_info info;
    info.id = p.schema_id.empty() ? std::string(schema_violation_id) : p.schema_id;
    info.title = "Snapshot does not follow the schema";
    info.sev = severity::error;
    info.scope = rule_scope::node;
    info.fix = "Correct the snapshot so that it follows the schema shown by 'kblint schema'";
    info.doc = "Error: the engine validates every snapshot against the pack's schema; a snapshot that breaks it "
               "cannot be judged, and the rules that read a missing required key are not evaluated for it.";
    if (p.schema) {
        info.file = p.schema->file;
        info.where = p.schema->where;
    }
    return info;
}

void schema_findings(const eval_world& w, std::uint32_t cluster, std::vector<finding>& out) {
    if (!w.p->schema) return;
    schema_check_options opt;
    opt.collisions = true;
    opt.strict = w.p->schema_strict || w.strict_schema;
    opt.steps = w.p;
    for (auto m : w.clusters[cluster].members)
        for (const auto& issue : check_schema(*w.p->schema, *w.snaps[m].s->root, opt))
            out.push_back(schema_finding(w, cluster, m, issue));
    duplicate_nodes(w, cluster, out);
}

} // namespace kbl
