#include "checker/engine/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <iterator>
#include <limits>
#include <span>

#include "checker/engine/eval_util.hpp"
#include "checker/engine/schema_check.hpp"

namespace kbl {

using rt::value;
using rt::vkind;

void evaluator::emit(const crule& r, const citem& item, frame& f, const value& result, const value* element,
                     std::vector<finding>& out) {
    finding fd;
    fd.rule = r.info.id;
    fd.sev = r.info.sev;
    fd.scope = r.info.scope;
    fd.title = r.info.title;
    fd.ref = r.info.ref;
    rt::origin o = finding_origin(result, element);
    if (o.snap != rt::origin::none) {
        fd.loc = location_of(o);
        fd.node = w_.snaps[o.snap].node_name;
    }
    fd.cluster = w_.clusters[cluster_].name;
    if (step_mode_ && step_) locate_at_step(fd, o);
    if (!step_mode_ && rb_ && element && element->node && r.info.scope == rule_scope::runbook)
        locate_at_runbook_step(fd, o, *element);
    if (!step_mode_ && rb_ && !fd.step) name_step(fd, o);
    if (result.is_missing() && required_by_schema(result.missing_path)) {
        // Reported once by the schema check (KBL-001 in the built-in pack); no cascade of unknowns.
        skipped_sink_->push_back({r.info.id, fd.node,
                                  fmt::format("not evaluated: required '{}' is missing (reported by the schema check)",
                                              result.missing_path)});
        return;
    }
    describe(fd, item, f, result);
    fd.fingerprint = make_fingerprint(fd);
    out.push_back(std::move(fd));
}

// The place of the value that decided a finding: the result's origin, else the element's, the
// runbook table's (outside step mode), self's, or the cluster's first node's.
rt::origin evaluator::finding_origin(const value& result, const value* element) const {
    rt::origin o = result.org;
    if (!o.valid() && element) o = element->org;
    if (!o.valid() && rb_ && !step_mode_) o = rb_->table.org;
    if (!o.valid() && self_ != rt::origin::none) o = node_value(self_).org;
    if (!o.valid() && !w_.clusters[cluster_].members.empty()) o = node_value(w_.clusters[cluster_].members.front()).org;
    return o;
}

// Where origin `o` points: its file (the snapshot's, unless a simulated step made the value), its
// position (line 1 when it has none) and its key path.
location evaluator::location_of(const rt::origin& o) const {
    location l;
    l.file = o.file ? *o.file : w_.snaps[o.snap].s->file;
    l.where = o.where.valid() ? o.where : pos{1, 1};
    l.path = o.path ? *o.path : std::string();
    return l;
}

// What a finding's related location says about the deciding value at `deciding` (origin `o`).
std::string evaluator::deciding_note(const location& deciding, const rt::origin& o) const {
    std::string what = deciding.path.empty() ? std::string("this value") : fmt::format("'{}'", deciding.path);
    return o.step > 0 ? fmt::format("{} was set by step {} ({})", what, o.step, action_of(o.step))
                      : fmt::format("{} read here", what);
}

// A finding of a before/after rule points at the step; the value that decided it goes to `related`.
void evaluator::locate_at_step(finding& fd, const rt::origin& o) const {
    location deciding = fd.loc;
    fd.loc = location_of(step_->step.org);
    fd.step = step_ref{static_cast<std::uint32_t>(step_->index), step_->action, rb_->ordinals[step_->index - 1]};
    if (step_->target != rt::origin::none) fd.node = w_.snaps[step_->target].node_name;
    if (deciding.file && !(deciding.file == fd.loc.file && deciding.where == fd.loc.where))
        fd.related.push_back({deciding, deciding_note(deciding, o)});
}

// In a rule over the whole runbook, a finding about a step (`element`) points at that step; the
// value that decided it goes to `related` unless it is inside the step's table.
void evaluator::locate_at_runbook_step(finding& fd, const rt::origin& o, const value& element) const {
    for (std::size_t i = 0; i < rb_->steps.size(); ++i) {
        if (rb_->steps[i].node != element.node) continue;
        location deciding = fd.loc;
        fd.loc = location_of(rb_->steps[i].org);
        fd.step = step_ref{static_cast<std::uint32_t>(i + 1), rb_->actions[i], rb_->ordinals[i]};
        if (deciding.file && !(deciding.file == fd.loc.file && deciding.where == fd.loc.where) &&
            deciding.path.rfind(fd.loc.path, 0) != 0)
            fd.related.push_back({deciding, deciding_note(deciding, o)});
        return;
    }
}

// A finding located at a step's table names that step.
void evaluator::name_step(finding& fd, const rt::origin& o) const {
    for (std::size_t i = 0; i < rb_->steps.size(); ++i)
        if (rb_->steps[i].org.path && o.path && *rb_->steps[i].org.path == *o.path && rb_->steps[i].org.snap == o.snap) {
            fd.step = step_ref{static_cast<std::uint32_t>(i + 1), rb_->actions[i], rb_->ordinals[i]};
            return;
        }
}

// A failure's status, message and fix; an unknown finding says why and how to get the missing data.
void evaluator::describe(finding& fd, const citem& item, frame& f, const value& result) {
    if (result.is_missing()) {
        fd.st = status::unknown;
        if (!result.missing_path.empty()) fd.loc.path = result.missing_path;
        std::string on = fd.node.empty() ? std::string() : fmt::format(" on {}", fd.node);
        fd.message = fmt::format("cannot check this rule{}: {}", on, result.s);
    } else {
        fd.st = status::fail;
        fd.message = render(item.message, f);
        point_at(item, f, fd);
    }
    // An unknown finding's help says how to get the missing data, not how to repair a failure.
    fd.fix = fd.st != status::unknown ? render(item.fix, f)
             : result.missing_path.empty()
                 ? std::string("Record the data this rule reads in the snapshot (kblint schema shows the fields) and check again")
                 : fmt::format("Record '{}' in the snapshot (kblint schema shows its place and type) and check again",
                               result.missing_path);
}

void evaluator::point_at(const citem& item, frame& f, finding& fd) {
    if (!item.at || fd.step) return;  // a step finding points at its step
    value v = eval(*item.at, f);
    const rt::origin& o = v.org;
    if (!o.valid() || o.snap == rt::origin::none) return;
    location before = fd.loc;
    fd.loc.file = o.file ? *o.file : w_.snaps[o.snap].s->file;
    fd.loc.where = o.where.valid() ? o.where : pos{1, 1};
    fd.loc.path = v.is_missing() && !v.missing_path.empty() ? v.missing_path : o.path ? *o.path : std::string();
    if (!step_mode_) fd.node = w_.snaps[o.snap].node_name;
    if (before.file && !(before.file == fd.loc.file && before.where == fd.loc.where)) {
        std::string what = before.path.empty() ? std::string("this value") : fmt::format("'{}'", before.path);
        fd.related.insert(fd.related.begin(), {before, fmt::format("{} read here", what)});
    }
}

void evaluator::require(const crule& r, const citem& item, const cexpr& c, frame& f, std::vector<finding>& out,
                        std::vector<not_evaluated>& skipped, const value* element) {
    auto judge = [&](const value& v, bool want, const value* el) {
        if (v.is_missing()) {
            if (v.optional) {
                skipped.push_back({r.info.id, self_ != rt::origin::none ? w_.snaps[self_].node_name : std::string(),
                                   fmt::format("optional data is absent: {}", v.s)});
                return;
            }
            emit(r, item, f, v, el, out);
            return;
        }
        if (v.k != vkind::boolean) {
            value m = value::missing(fmt::format("the requirement is a {}, not a condition", rt::type_name(v.k)), {}, v.org);
            emit(r, item, f, m, el, out);
            return;
        }
        if (v.b != want) emit(r, item, f, v, el, out);
    };
    if (c.op == cop::quant && (c.q == ast::quant::all || c.q == ast::quant::none)) {
        value coll = eval(*c.kids[0], f);
        std::vector<value> elems;
        if (coll.is_missing()) return judge(coll, true, element);
        if (!elements(coll, elems)) {
            judge(value::missing(fmt::format("cannot iterate over {} '{}'", rt::type_name(coll.k), rt::display(coll)), {}, coll.org),
                  true, element);
            return;
        }
        for (const auto& e : elems) {
            f[c.slot] = e;
            if (c.kids[1]) {
                value w = eval(*c.kids[1], f);
                if (w.is_missing() || w.k != vkind::boolean) {
                    judge(w.is_missing() ? w : value::missing("'where' is not a condition", {}, w.org), true, &e);
                    continue;
                }
                if (!w.b) continue;
            }
            if (!c.kids[2]) {
                if (c.q == ast::quant::none) emit(r, item, f, value::boolean(true, e.org), &e, out);
                continue;
            }
            const cexpr& body = *c.kids[2];
            if (c.q == ast::quant::all && body.op == cop::quant && (body.q == ast::quant::all || body.q == ast::quant::none)) {
                require(r, item, body, f, out, skipped, &e);
                continue;
            }
            value b = eval(body, f);
            if (!b.is_missing() && !b.org.valid()) b.org = e.org;
            judge(b, c.q == ast::quant::all, &e);
        }
        return;
    }
    value v = eval(c, f);
    judge(v, true, element);
}

void evaluator::run_traced(const crule& r, frame& f, std::vector<finding>& out, std::vector<not_evaluated>& skipped) {
    if (!trace_) return run_items(r, f, out, skipped);
    std::size_t out_mark = out.size(), skip_mark = skipped.size();
    trace_start();
    run_items(r, f, out, skipped);
    trace_finish(out, out_mark, skipped, skip_mark);
}

void evaluator::run_items(const crule& r, frame& f, std::vector<finding>& out, std::vector<not_evaluated>& skipped) {
    for (const auto& item : r.body) {
        switch (item.kind) {
        case ast::item_kind::when: {
            value v = eval(*item.e, f);
            if (v.is_missing() && !v.optional && !optional_by_schema(v.missing_path)) {
                // Missing data never makes a rule silently not apply: it is unknown, named by the path.
                emit(r, item, f, v, nullptr, out);
                return;
            }
            if (v.k != vkind::boolean || !v.b) {
                std::string node = self_ != rt::origin::none ? w_.snaps[self_].node_name : std::string();
                skipped.push_back({r.info.id, node,
                                   v.is_missing() ? fmt::format("does not apply: {}", v.s)
                                                  : std::string("does not apply: a 'when' condition is false"),
                                   true});
                return;
            }
            break;
        }
        case ast::item_kind::let: f[item.slot] = eval(*item.e, f); break;
        case ast::item_kind::require: require(r, item, *item.e, f, out, skipped, nullptr); break;
        }
    }
}

std::uint32_t evaluator::find_node(const std::string& name) const {
    std::string want = upper(trim(name));
    if (want.rfind("\\\\", 0) == 0) want = want.substr(2);
    for (auto m : w_.clusters[cluster_].members)
        if (upper(trim(w_.snaps[m].node_name)) == want) return m;
    return rt::origin::none;
}

std::string evaluator::action_of(std::uint32_t step) const {
    if (rb_ && step >= 1 && step <= rb_->actions.size()) return rb_->actions[step - 1];
    return "?";
}

void evaluator::run_rule_step(const crule& r, std::vector<finding>& out, std::vector<not_evaluated>& skipped, bool after) {
    if (!step_) return;
    trigger_after_ = after;
    begin(&r, r.info.file, skipped);
    step_mode_ = true;
    if (r.info.scope == rule_scope::node) {
        if (step_->target == rt::origin::none) {
            skipped.push_back({r.info.id, step_->target_name,
                               fmt::format("not evaluated at step {}: it names node '{}', which is not in this cluster",
                                           step_->index, step_->target_name)});
        } else {
            self_ = step_->target;
            frame f(std::max<std::uint32_t>(r.frame_size, 1));
            run_traced(r, f, out, skipped);
        }
    } else {
        self_ = rt::origin::none;
        frame f(std::max<std::uint32_t>(r.frame_size, 1));
        run_traced(r, f, out, skipped);
    }
    self_ = rt::origin::none;
    step_mode_ = false;
    rule_ = nullptr;
}

void evaluator::run_rule_runbook(const crule& r, std::vector<finding>& out, std::vector<not_evaluated>& skipped) {
    begin(&r, r.info.file, skipped);
    self_ = rt::origin::none;
    frame f(std::max<std::uint32_t>(r.frame_size, 1));
    run_items(r, f, out, skipped);
    rule_ = nullptr;
}

void evaluator::run_rule(const crule& r, std::vector<finding>& out, std::vector<not_evaluated>& skipped) {
    begin(&r, r.info.file, skipped);
    if (r.info.scope == rule_scope::node) {
        for (auto m : w_.clusters[cluster_].members) {
            self_ = m;
            begin(&r, r.info.file, skipped);
            frame f(std::max<std::uint32_t>(r.frame_size, 1));
            run_traced(r, f, out, skipped);
        }
        self_ = rt::origin::none;
    } else if (r.info.scope == rule_scope::cluster) {
        self_ = rt::origin::none;
        frame f(std::max<std::uint32_t>(r.frame_size, 1));
        run_traced(r, f, out, skipped);
    }
    rule_ = nullptr;
}

void evaluator::begin(const crule* r, const source_ptr& file, std::vector<not_evaluated>& skipped) {
    rule_ = r;
    skipped_sink_ = &skipped;
    cur_file_ = file;
    steps_ = 0;
    ++epoch_;
    depth_ = 0;
    log_ = nullptr;
    // The calls remembered across contexts (eval.cpp), bounded here, where none is being evaluated.
    if (lasting_.size() >= 8192) {
        forget_calls(lasting_);
        lasting_kept_.clear();
    }
    if (!lasting_.empty())
        lasting_kept_.insert(lasting_kept_.end(), std::make_move_iterator(kept_.begin()), std::make_move_iterator(kept_.end()));
    kept_.clear();
}

bool evaluator::required_by_schema(const std::string& path) const {
    const schema_node* sn = schema_at(w_.p->schema.get(), path);
    return sn && sn->required;
}

bool evaluator::optional_by_schema(const std::string& path) const {
    // A missing value's path ends at the first key that is absent: that key decides.
    const schema_node* sn = schema_at(w_.p->schema.get(), path);
    return sn && sn->optional;
}

} // namespace kbl
