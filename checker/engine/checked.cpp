#include "checker/engine/checked.hpp"

#include "checker/engine/cluster_run.hpp"
#include "checker/engine/eval.hpp"
#include "checker/engine/pack.hpp"

namespace kbl {

namespace {

const snap::node* at_path(const snap::node* n, const std::optional<std::vector<ast::path_seg>>& path) {
    return path ? walk_path(n, *path) : nullptr;
}

// The text of a string, date or time value; nullopt for any other kind.
std::optional<std::string> text_of(const snap::node* n) {
    if (!n) return std::nullopt;
    switch (n->k) {
    case snap::kind::string:
    case snap::kind::offset_datetime:
    case snap::kind::local_datetime:
    case snap::kind::local_date:
    case snap::kind::local_time: return n->str;
    default: return std::nullopt;
    }
}

std::optional<std::string> string_at(const snap::node* table, const std::optional<std::vector<ast::path_seg>>& path) {
    const snap::node* v = at_path(table, path);
    if (!v || v->k != snap::kind::string) return std::nullopt;
    return v->str;
}

// As the simulation reads a step: its node in `step_node` (else the holder's), its action in `step_action`.
checked_step step_of(const pack& p, const snap::node& table, std::uint32_t index, const std::string& holder_node) {
    checked_step s;
    s.step = index;
    s.node = string_at(&table, p.step_node).value_or(holder_node);
    s.action = string_at(&table, p.step_action).value_or("");
    s.line = table.where.line;
    return s;
}

} // namespace

void record_checked(const pack& p, const eval_world& w, std::size_t ci, checked_list& out) {
    for (std::uint32_t m : w.clusters[ci].members) {
        const snap_entry& e = w.snaps[m];
        const std::string& file = e.s->file->name();
        out.snapshots.push_back({file, e.node_name, w.clusters[ci].name, text_of(at_path(e.s->root.get(), p.taken_at))});
        const snap::node* root = e.s->root.get();
        if (const snap::node* pl = at_path(root, p.planned); pl && pl->k == snap::kind::table)
            out.changes.push_back({file, false, {step_of(p, *pl, 1, e.node_name)}});
        const snap::node* rb = at_path(root, p.runbook);
        if (!rb || rb->k != snap::kind::array || rb->items.size() > w.lim.max_runbook_steps) continue;
        checked_change c{file, true, {}};
        for (std::size_t i = 0; i < rb->items.size(); ++i)
            if (rb->items[i]->k == snap::kind::table)
                c.steps.push_back(step_of(p, *rb->items[i], static_cast<std::uint32_t>(i + 1), e.node_name));
        out.changes.push_back(std::move(c));
    }
}

const char* change_kind(const checked_change& c) { return c.runbook ? "runbook" : "planned"; }

} // namespace kbl
