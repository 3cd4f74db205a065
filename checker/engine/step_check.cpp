#include "checker/engine/step_check.hpp"

#include <fmt/format.h>

#include "checker/engine/eval_util.hpp"

namespace kbl {

const snap::node* walk_path(const snap::node* n, const std::vector<ast::path_seg>& path) {
    for (const auto& seg : path) {
        if (!n || seg.k != ast::path_seg::kind::key || n->k != snap::kind::table) return nullptr;
        const snap::entry* e = n->find(seg.key);
        n = e ? e->value.get() : nullptr;
    }
    return n;
}

std::vector<const snap::node*> snapshot_steps(const pack& p, const snap::node& root) {
    std::vector<const snap::node*> out;
    if (p.planned)
        if (const snap::node* pl = walk_path(&root, *p.planned); pl && pl->k == snap::kind::table) out.push_back(pl);
    if (p.runbook)
        if (const snap::node* rb = walk_path(&root, *p.runbook); rb && rb->k == snap::kind::array)
            for (const auto& item : rb->items)
                if (item->k == snap::kind::table) out.push_back(item.get());
    return out;
}

const caction* step_action_of(const pack& p, const snap::node& step) {
    if (!p.step_action) return nullptr;
    const snap::node* v = walk_path(&step, *p.step_action);
    if (!v || v->k != snap::kind::string) return nullptr;
    if (auto it = p.actions.find(v->str); it != p.actions.end()) return it->second.get();
    for (const auto& [name, a] : p.actions)
        if (upper(name) == upper(v->str)) return a.get();
    return nullptr;
}

std::vector<schema_issue> step_issues(const pack& p, const snap::node& step, bool strict) {
    const caction* a = step_action_of(p, step);
    if (!a || !a->step_schema) return {};
    schema_check_options opt;
    opt.strict = strict || a->declares_args;
    opt.owner = fmt::format("action '{}'", a->name);
    return check_schema(*a->step_schema, step, opt);
}

void check_steps(const pack& p, const snap::node& root, bool strict, std::vector<schema_issue>& out) {
    for (const snap::node* s : snapshot_steps(p, root))
        for (auto& issue : step_issues(p, *s, strict)) out.push_back(std::move(issue));
}

} // namespace kbl
