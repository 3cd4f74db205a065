#include "checker/engine/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <span>

#include "checker/engine/eval_util.hpp"
#include "common/text.hpp"

namespace kbl {

using rt::value;
using rt::vkind;

rt::node_stamp evaluator::step_stamp() const {
    rt::node_stamp stamp;
    if (step_) {
        const rt::origin& so = step_->step.org;
        stamp.where = so.where;
        stamp.src = so.file ? *so.file : w_.snaps[so.snap].s->file;
        stamp.step = static_cast<std::uint32_t>(step_->index);
    }
    return stamp;
}

std::shared_ptr<snap::node> evaluator::make_node(const value& v, const std::string& path) const {
    return rt::to_node(v, path, step_stamp());
}

evaluator::place evaluator::resolve(const cstmt& s, frame& f) {
    place pl;
    value root = eval(*s.root, f);
    if (root.is_missing()) {
        pl.why = root.s;
        return pl;
    }
    if (!root.node || root.org.snap == rt::origin::none || !w_.state) {
        pl.why = fmt::format("'{}' is not a table of a snapshot", s.text);
        return pl;
    }
    pl.snap = root.org.snap;
    pl.steps = snap::split_path(root.node->path);
    const snap::node* cur = root.node;
    for (const auto& seg : s.segs) {
        snap::path_step st;
        if (seg.is_index) {
            value k = eval(*seg.idx, f);
            if (k.is_missing()) {
                pl.why = k.s;
                return pl;
            }
            if (k.k == vkind::integer) {
                st.is_index = true;
                if (k.i < 0) {
                    pl.why = fmt::format("index {} is negative", k.i);
                    return pl;
                }
                st.index = static_cast<std::size_t>(k.i);
            } else if (k.k == vkind::string) {
                st.key = k.s;
            } else {
                pl.why = fmt::format("cannot index with a {}", rt::type_name(k.k));
                return pl;
            }
        } else {
            st.key = seg.key;
        }
        if (cur && !st.is_index && cur->k == snap::kind::table) {
            const snap::entry* e = cur->find(st.key);
            if (e) st.key = e->key;  // the key as written (nocase tables)
            cur = e ? e->value.get() : nullptr;
        } else if (cur && st.is_index && cur->k == snap::kind::array) {
            cur = st.index < cur->items.size() ? cur->items[st.index].get() : nullptr;
        } else {
            cur = nullptr;
        }
        pl.steps.push_back(std::move(st));
    }
    return pl;
}

namespace {

// Is the table at `steps` marked nocase by the schema?
bool schema_nocase(const schema_node* sn, const std::vector<snap::path_step>& steps, std::size_t upto) {
    for (std::size_t i = 0; i < upto && sn; ++i) sn = steps[i].is_index ? sn->any_index.get() : sn->child(steps[i].key);
    return sn && sn->nocase;
}

// Copy on write: a new tree where the value at `steps` is replaced by `fn(old)` (old may be null).
// Returns null when the path goes through a scalar or past the end of a list. Tables made on the
// way are stamped with the step that made them.
template <typename Fn>
snap::node_ptr rewrite(const snap::node_ptr& n, const std::vector<snap::path_step>& steps, std::size_t i,
                       const std::string& path, const schema_node* schema, const rt::node_stamp& stamp, Fn&& fn) {
    if (i == steps.size()) return fn(n, path);
    const snap::path_step& st = steps[i];
    auto copy = n ? std::make_shared<snap::node>(*n) : std::make_shared<snap::node>();
    if (!n) {
        copy->k = snap::kind::table;
        copy->where = stamp.where;
        copy->path = path;
        copy->src = stamp.src;
        copy->step = stamp.step;
        copy->ci_keys = schema_nocase(schema, steps, i);
    }
    if (st.is_index) {
        if (copy->k != snap::kind::array || st.index >= copy->items.size()) return nullptr;
        auto r = rewrite(copy->items[st.index], steps, i + 1, fmt::format("{}[{}]", path, st.index), schema, stamp, fn);
        if (!r) return nullptr;
        copy->items[st.index] = r;
        return copy;
    }
    if (copy->k != snap::kind::table) return nullptr;
    std::string child = snap::child_path(path, st.key);
    for (std::size_t k = 0; k < copy->entries.size(); ++k) {
        const auto& e = copy->entries[k];
        bool same = e.key == st.key || (copy->ci_keys && ascii_iequal(e.key, st.key));
        if (!same) continue;
        auto r = rewrite(e.value, steps, i + 1, child, schema, stamp, fn);
        if (!r) return nullptr;
        copy->entries[k].value = r;
        return copy;
    }
    auto r = rewrite(snap::node_ptr{}, steps, i + 1, child, schema, stamp, fn);
    if (!r) return nullptr;
    copy->entries.push_back({st.key, stamp.where, r});
    return copy;
}

// A copy of `old` without its element or key `last` (`found` says whether it was there), or null.
snap::node_ptr without(const snap::node_ptr& old, const snap::path_step& last, bool& found) {
    if (!old) return nullptr;
    auto copy = std::make_shared<snap::node>(*old);
    if (last.is_index && copy->k == snap::kind::array && last.index < copy->items.size()) {
        copy->items.erase(copy->items.begin() + static_cast<std::ptrdiff_t>(last.index));
        // Later elements move up: give them their new paths.
        for (std::size_t i = last.index; i < copy->items.size(); ++i) {
            auto moved = std::make_shared<snap::node>(*copy->items[i]);
            moved->path = fmt::format("{}[{}]", copy->path, i);
            copy->items[i] = moved;
        }
        found = true;
    } else if (!last.is_index && copy->k == snap::kind::table) {
        for (std::size_t i = 0; i < copy->entries.size(); ++i)
            if (copy->entries[i].key == last.key || (copy->ci_keys && ascii_iequal(copy->entries[i].key, last.key))) {
                copy->entries.erase(copy->entries.begin() + static_cast<std::ptrdiff_t>(i));
                found = true;
                break;
            }
    }
    return copy;
}

// Remove the items of `list` (at `path` in snapshot `snap`) equal to `v` ignoring case; the items
// after them get their new paths.
void remove_items(snap::node& list, const value& v, std::uint32_t snap, const std::string& path) {
    std::vector<snap::node_ptr> kept;
    for (const auto& item : list.items) {
        value iv = value::from_node(*item, snap);
        bool same = rt::compare(iv, v, true) == rt::cmp_result::equal;
        if (!same) kept.push_back(item);
    }
    list.items = std::move(kept);
    for (std::size_t i = 0; i < list.items.size(); ++i)
        if (list.items[i]->path != fmt::format("{}[{}]", path, i)) {
            auto moved = std::make_shared<snap::node>(*list.items[i]);
            moved->path = fmt::format("{}[{}]", path, i);
            list.items[i] = moved;
        }
}

} // namespace

void evaluator::exec(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped) {
    tick(s.where);
    switch (s.kind) {
    case ast::stmt_kind::let: f[s.slot] = eval(*s.value, f); return;
    case ast::stmt_kind::if_: exec_if(s, f, skipped); return;
    case ast::stmt_kind::for_: exec_for(s, f, skipped); return;
    case ast::stmt_kind::set:
    case ast::stmt_kind::add:
    case ast::stmt_kind::remove:
    case ast::stmt_kind::del: exec_change(s, f, skipped); return;
    }
}

void evaluator::skip_stmt(const cstmt& s, std::vector<not_evaluated>& skipped, const std::string& why) const {
    skipped.push_back({step_ ? step_->action : std::string(), step_ ? step_->target_name : std::string(),
                       fmt::format("step {}: a statement at {}:{} did nothing: {}", step_ ? step_->index : 0,
                                   s.where.line, s.where.column, why)});
}

void evaluator::exec_if(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped) {
    value c = eval(*s.value, f);
    if (c.k != vkind::boolean) {
        skip_stmt(s, skipped, c.is_missing() ? c.s : "the condition is not a boolean");
        return;
    }
    for (const auto& b : c.b ? s.body : s.else_body) exec(b, f, skipped);
}

void evaluator::exec_for(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped) {
    value coll = eval(*s.value, f);
    if (coll.is_missing()) {
        skip_stmt(s, skipped, coll.s);
        return;
    }
    std::vector<value> elems;
    if (coll.k == vkind::list) {
        for (std::size_t i = 0; i < coll.size(); ++i) elems.push_back(coll.at(i));
    } else if (coll.k == vkind::table && coll.node) {
        for (const auto& e : coll.node->entries) elems.push_back(value::from_node(*e.value, coll.org.snap));
    } else {
        skip_stmt(s, skipped, fmt::format("cannot iterate over a {}", rt::type_name(coll.k)));
        return;
    }
    for (auto& e : elems) {
        f[s.slot] = e;
        if (s.where_) {
            value w = eval(*s.where_, f);
            if (w.k != vkind::boolean || !w.b) continue;
        }
        for (const auto& b : s.body) exec(b, f, skipped);
    }
}

// `set`, `add`, `remove` and `delete`: the snapshot's new tree replaces the old one (kept alive
// for the values that still point into it), and the state changes.
void evaluator::exec_change(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped) {
    place pl = resolve(s, f);
    if (!pl.why.empty()) {
        skip_stmt(s, skipped, pl.why);
        return;
    }
    value v;
    if (s.value) {
        v = eval(*s.value, f);
        if (v.is_missing()) {
            skip_stmt(s, skipped, v.s);
            return;
        }
    }
    auto& st = (*w_.state)[pl.snap];
    if (s.kind == ast::stmt_kind::del && pl.steps.empty()) {
        skip_stmt(s, skipped, "cannot delete a whole snapshot");
        return;
    }
    snap::node_ptr result = s.kind == ast::stmt_kind::del ? deleted(st.root, pl) : changed(st.root, s, pl, v);
    if (!result) {
        skip_stmt(s, skipped, fmt::format("'{}' cannot be changed there", s.text));
        return;
    }
    w_.keep->push_back(st.root);
    st.root = result;
    ++state_version_;
    ++epoch_;
}

snap::node_ptr evaluator::deleted(const snap::node_ptr& root, const place& pl) const {
    std::vector<snap::path_step> steps = pl.steps;
    snap::path_step last = steps.back();
    steps.pop_back();
    bool found = false;
    snap::node_ptr result = rewrite(root, steps, 0, "", w_.p->schema.get(), step_stamp(),
                                    [&](const snap::node_ptr& old, const std::string&) { return without(old, last, found); });
    return found ? result : nullptr;
}

snap::node_ptr evaluator::changed(const snap::node_ptr& root, const cstmt& s, const place& pl, const value& v) const {
    const schema_node* schema = w_.p->schema.get();
    return rewrite(root, pl.steps, 0, "", schema, step_stamp(), [&](const snap::node_ptr& old, const std::string& path) -> snap::node_ptr {
        if (s.kind == ast::stmt_kind::set) {
            auto n = make_node(v, path);
            if (n->k == snap::kind::table) n->ci_keys = schema_nocase(schema, pl.steps, pl.steps.size());
            return n;
        }
        // add / remove on a list
        auto copy = old ? std::make_shared<snap::node>(*old) : make_node(value::list({}), path);
        if (copy->k != snap::kind::array) return nullptr;
        if (s.kind == ast::stmt_kind::add) copy->items.push_back(make_node(v, fmt::format("{}[{}]", path, copy->items.size())));
        else remove_items(*copy, v, pl.snap, path);
        return copy;
    });
}

void evaluator::apply(const caction& a, std::vector<not_evaluated>& skipped) {
    if (!step_ || !w_.state) return;
    begin(nullptr, a.file, skipped);
    frame f(std::max<std::uint32_t>(a.frame_size, 1));
    for (const auto& s : a.body) exec(s, f, skipped);
}

} // namespace kbl
