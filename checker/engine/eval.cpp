#include "checker/engine/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <span>
#include <utility>

#include "checker/engine/eval_util.hpp"

namespace kbl {

using rt::value;
using rt::vkind;

evaluator::evaluator(const eval_world& w, std::uint32_t cluster) : w_(w), trace_(w.trace), cluster_(cluster) {}

void evaluator::limit_hit(pos where, const std::string& message) const {
    eval_limit_error e(cur_file_, where, message);
    // The snapshot that drove the evaluation: the step's table, the runbook's, the node's, or the
    // cluster's first member for a cluster rule.
    rt::origin o;
    if (step_) o = step_->step.org;
    else if (rb_) o = rb_->table.org;
    else if (self_ != rt::origin::none) o = node_value(self_).org;
    else if (!w_.clusters[cluster_].members.empty()) o = node_value(w_.clusters[cluster_].members.front()).org;
    if (o.valid()) {
        e.subject_file = o.file ? *o.file : w_.snaps[o.snap].s->file;
        e.subject_where = o.where.valid() ? o.where : pos{1, 1};
    }
    throw e;
}

void evaluator::too_many_steps(pos where) const {
    limit_hit(where, fmt::format("evaluating rule '{}' took more than {} step{} (--max-eval-steps)",
                                 rule_ ? rule_->info.id : std::string("?"), w_.lim.max_steps,
                                 w_.lim.max_steps == 1 ? "" : "s"));
}

void evaluator::too_deep(pos where) const {
    limit_hit(where, fmt::format("evaluating rule '{}' nested deeper than {} (--max-eval-depth)",
                                 rule_ ? rule_->info.id : std::string("?"), w_.lim.max_depth));
}

std::size_t runbook_ctx::step_index_of(const value& s) const {
    if (step_at_.empty())
        for (std::size_t i = 0; i < steps.size(); ++i)
            if (steps[i].node) step_at_[steps[i].node] = i;  // a table listed twice: the last one
    if (!s.node) return steps.size();
    auto it = step_at_.find(s.node);
    return it == step_at_.end() ? steps.size() : it->second;
}

value evaluator::node_value(std::uint32_t snap) const {
    const snap::snapshot& s = *w_.snaps[snap].s;
    value v = value::from_node(*s.root, snap);
    if (!v.org.where.valid()) v.org.where = pos{1, 1};
    return v;
}

value evaluator::member(const value& base, const std::string& key, pos) {
    if (base.is_missing()) return base;
    if (base.k == vkind::table && base.node) {
        if (const snap::entry* e = base.node->find(key)) {
            value v = value::from_node(*e->value, base.org.snap);
            if (!v.org.where.valid()) v.org.where = e->key_pos;
            if (base.hold && !v.hold) v.hold = base.hold;  // a field of a computed record keeps the record alive
            return v;
        }
        std::string path = base.node->path.empty() ? key : base.node->path + "." + key;
        rt::origin o = base.org;
        if (!o.where.valid()) o.where = pos{1, 1};
        std::string why;  // "'PATH' is missing", joined by hand: `x.y ?? z` makes one per absent key
        why.reserve(path.size() + 13);
        why.append(1, '\'').append(path).append("' is missing");
        return value::missing(std::move(why), std::move(path), o);
    }
    return value::missing(fmt::format("cannot read key '{}' of a {} ('{}')", key, rt::type_name(base.k), rt::display(base)), {},
                          base.org);
}

value evaluator::index(const value& base, const value& idx, pos where) {
    if (base.is_missing()) return base;
    if (idx.is_missing()) return idx;
    if (base.k == vkind::list && idx.k == vkind::integer) {
        if (idx.i < 0 || static_cast<std::size_t>(idx.i) >= base.size()) {
            std::string path = base.node ? fmt::format("{}[{}]", base.node->path, idx.i) : std::string();
            return value::missing(fmt::format("index {} is out of range (the list has {} element{})", idx.i, base.size(),
                                              base.size() == 1 ? "" : "s"),
                                  path, base.org);
        }
        value v = base.at(static_cast<std::size_t>(idx.i));
        if (base.hold && !v.hold) v.hold = base.hold;
        return v;
    }
    if (base.k == vkind::table && idx.k == vkind::string) return member(base, idx.s, where);
    return value::missing(fmt::format("cannot index a {} with a {}", rt::type_name(base.k), rt::type_name(idx.k)), {}, base.org);
}

value evaluator::eval_op(const cexpr& c, frame& f) {
    tick(c.where);
    depth_guard g(depth_);
    if (depth_ > w_.lim.max_depth) too_deep(c.where);
    depth_peak_ = std::max(depth_peak_, depth_);
    switch (c.op) {
    case cop::constant: return c.k;
    case cop::var: return f[c.slot];
    case cop::self:
    case cop::root_key:
    case cop::step:
    case cop::step_index:
    case cop::target:
    case cop::steps:
    case cop::runbook: return eval_context(c);
    case cop::nodes: return eval_nodes();
    case cop::member:
    case cop::index: return eval_member(c, f);
    case cop::member_star:
    case cop::index_star: return eval_spread(c, f);
    case cop::optional: return eval_optional(c, f);
    case cop::builtin: return eval_builtin(c, f);
    case cop::call: return eval_call(c, f);
    case cop::table_lookup: return eval_table_lookup(c, f);
    case cop::neg: return eval_neg(c, f);
    case cop::not_: return eval_not(c, f);
    case cop::and_:
    case cop::or_: return eval_logic(c, f);
    case cop::compare: return eval_compare(c, f);
    case cop::default_: return eval_default(c, f);
    case cop::add:
    case cop::sub: return eval_arith(c, f);
    case cop::mul:
    case cop::div:
    case cop::mod: return eval_product(c, f);
    case cop::quant: return eval_quant(c, f);
    case cop::cond: return eval_cond(c, f);
    case cop::list: return eval_list(c, f);
    case cop::record: return eval_record(c, f);
    }
    return value{};
}

// `self`, a key of the snapshot, and what the step and the runbook being simulated provide.
value evaluator::eval_context(const cexpr& c) {
    switch (c.op) {
    case cop::self:
        if (self_ == rt::origin::none) return value::missing("'self' is not available here");
        return node_value(self_);
    case cop::root_key:
        if (self_ == rt::origin::none) return value::missing(fmt::format("'{}' needs a node", c.key));
        return member(node_value(self_), c.key, c.where);
    case cop::step:
        if (!step_) return value::missing("there is no step here");
        return step_->step;
    case cop::step_index:
        if (!step_) return value::missing("there is no step here");
        return value::integer(step_->index);
    case cop::target:
        if (!step_) return value::missing("there is no step here");
        if (step_->target == rt::origin::none)
            return value::missing(fmt::format("step {} names node '{}', which is not in this cluster", step_->index, step_->target_name));
        return node_value(step_->target);
    case cop::steps:
        if (!rb_) return value::missing("there is no runbook here");
        return value::list(rb_->steps, rb_->table.org);
    case cop::runbook:
        if (!rb_) return value::missing("there is no runbook here");
        return rb_->table;
    default: return value{};
    }
}

// `nodes`: built once per state of the cluster (a simulated step changes it).
value evaluator::eval_nodes() {
    if (!nodes_cache_ || nodes_version_ != state_version_) {
        std::vector<value> vs;
        for (auto m : w_.clusters[cluster_].members) vs.push_back(node_value(m));
        nodes_cache_ = std::make_shared<const std::vector<value>>(std::move(vs));
        nodes_version_ = state_version_;
    }
    value l;
    l.k = vkind::list;
    l.items = nodes_cache_;
    return l;
}

// `.key` and `[i]`, mapped over a spread list.
value evaluator::eval_member(const cexpr& c, frame& f) {
    const bool drop = std::exchange(drop_missing_, false);
    operand base = eval_operand(*c.kids[0], f);
    if (c.op == cop::member) return member_each(c, base.get(), nullptr, drop);
    operand idx = eval_operand(*c.kids[1], f);
    return member_each(c, base.get(), &idx.get(), drop);
}

value evaluator::member_each(const cexpr& c, const value& base, const value* idx, bool drop) {
    auto one = [&](const value& b) { return idx ? index(b, *idx, c.where) : member(b, c.key, c.where); };
    if (!base.spread) return one(base);
    // One rule with `map`: an element where the path is missing makes the whole result
    // missing, unless the path is marked optional (`?` here, or `optional` in the schema).
    std::vector<value> out;
    value elem_tmp;
    for (std::size_t i = 0; i < base.size(); ++i) {
        value v = one(base.at_ref(i, elem_tmp));
        if (!v.is_missing()) out.push_back(std::move(v));
        else if (!drop && !optional_by_schema(v.missing_path)) return v;
    }
    value r = value::list(std::move(out), base.org);
    r.spread = true;
    return r;
}

// `.*` (a table's values) and `[*]` (a list's elements): a spread list that later steps map over.
value evaluator::eval_spread(const cexpr& c, frame& f) {
    operand base_op = eval_operand(*c.kids[0], f);
    const value& base = base_op.get();
    if (base.is_missing()) return base_op.take();
    const bool values = c.op == cop::member_star;
    std::vector<value> out;
    auto spread_one = [&](const value& b) {
        if (values && b.k == vkind::table && b.node) {
            for (const auto& e : b.node->entries) out.push_back(value::from_node(*e.value, b.org.snap));
        } else if (!values && b.k == vkind::list) {
            for (std::size_t i = 0; i < b.size(); ++i) out.push_back(b.at(i));
        }
    };
    if (base.spread) {
        value tmp;
        for (std::size_t i = 0; i < base.size(); ++i) spread_one(base.at_ref(i, tmp));
    } else if ((values && base.k != vkind::table) || (!values && base.k != vkind::list)) {
        return value::missing(fmt::format("'{}' needs a {}, but the value is a {}", values ? ".*" : "[*]",
                                          values ? "table" : "list", rt::type_name(base.k)),
                              {}, base.org);
    } else {
        spread_one(base);
    }
    value r = value::list(std::move(out), base.org);
    r.spread = true;
    return r;
}

// `a[*].b?`: elements where `b` is missing are dropped (the flag is read by that member only).
value evaluator::eval_optional(const cexpr& c, frame& f) {
    drop_missing_ = c.kids[0]->op == cop::member || c.kids[0]->op == cop::index;
    value v = eval(*c.kids[0], f);
    drop_missing_ = false;
    if (v.is_missing()) v.optional = true;
    return v;
}

// `t[k]` on a table of the pack: the entry, else the table's default.
value evaluator::eval_table_lookup(const cexpr& c, frame& f) {
    operand k_op = eval_operand(*c.kids[0], f);
    const value& k = k_op.get();
    if (k.is_missing()) return k_op.take();
    if (k.k != vkind::integer && k.k != vkind::string)
        return value::missing(fmt::format("a key of table '{}' must be a string or an int, not a {}", c.table->name,
                                          rt::type_name(k.k)), {}, k.org);
    std::string key = k.k == vkind::integer ? std::to_string(k.i) : k.s;
    if (const snap::entry* e = c.table->entries->find(key)) {
        value v = value::from_node(*e->value, rt::origin::none);
        v.org = {};
        v.hold = c.table->entries;
        return v;
    }
    if (c.table->dflt) return *c.table->dflt;
    return value::missing(fmt::format("table '{}' has no entry for {}", c.table->name,
                                      k.k == vkind::string ? "'" + key + "'" : key), {}, k.org);
}

value evaluator::eval_neg(const cexpr& c, frame& f) {
    value v = eval(*c.kids[0], f);
    if (v.k == vkind::integer) {
        if (v.i == std::numeric_limits<std::int64_t>::min()) return value::missing("integer overflow", {}, v.org);
        v.i = -v.i;
        return v;
    }
    if (v.k == vkind::floating) {
        v.f = -v.f;
        return v;
    }
    if (v.is_missing()) return v;
    return type_missing2("'-'", "a number", v);
}

value evaluator::eval_not(const cexpr& c, frame& f) {
    value v = eval(*c.kids[0], f);
    if (v.k == vkind::boolean) {
        v.b = !v.b;
        return v;
    }
    if (v.is_missing()) return v;
    return type_missing2("'not'", "a condition", v);
}

// `and` and `or`, three-valued: a missing side decides nothing the other side decides.
value evaluator::eval_logic(const cexpr& c, frame& f) {
    bool is_and = c.op == cop::and_;
    value a = eval(*c.kids[0], f);
    if (!a.is_missing() && a.k != vkind::boolean) return type_missing2(is_and ? "'and'" : "'or'", "conditions", a);
    if (a.k == vkind::boolean && a.b != is_and) return a;  // false and _, true or _
    value b = eval(*c.kids[1], f);
    if (!b.is_missing() && b.k != vkind::boolean) return type_missing2(is_and ? "'and'" : "'or'", "conditions", b);
    if (a.is_missing()) {
        if (b.k == vkind::boolean && b.b != is_and) return b;
        return a;
    }
    if (!b.org.valid() && a.org.valid()) b.org = a.org;
    return b;
}

value evaluator::eval_default(const cexpr& c, frame& f) {
    value a = eval(*c.kids[0], f);
    if (!a.is_missing()) return a;
    value b = eval(*c.kids[1], f);
    if (!b.org.valid()) b.org = a.org;  // a default stands where the missing value should be
    return b;
}

// `+` and `-`: integers (overflow is missing), numbers, and for `+` strings and lists.
value evaluator::eval_arith(const cexpr& c, frame& f) {
    return with_operands(c, f, [&](const value& a, const value& b) -> value {
        bool add = c.op == cop::add;
        if (a.k == vkind::integer && b.k == vkind::integer) {
            std::int64_t r = 0;
            bool over = add ? __builtin_add_overflow(a.i, b.i, &r) : __builtin_sub_overflow(a.i, b.i, &r);
            if (over) return value::missing("integer overflow", {}, a.org);
            return value::integer(r, a.org);
        }
        if ((a.k == vkind::integer || a.k == vkind::floating) && (b.k == vkind::integer || b.k == vkind::floating)) {
            double x = a.k == vkind::integer ? static_cast<double>(a.i) : a.f;
            double y = b.k == vkind::integer ? static_cast<double>(b.i) : b.f;
            return value::floating(add ? x + y : x - y, a.org);
        }
        if (add && a.k == vkind::string && b.k == vkind::string) return value::string(a.s + b.s, a.org.valid() ? a.org : b.org);
        if (add && a.k == vkind::list && b.k == vkind::list) {
            std::vector<value> vs;
            vs.reserve(a.size() + b.size());
            for (std::size_t i = 0; i < a.size(); ++i) vs.push_back(a.at(i));
            for (std::size_t i = 0; i < b.size(); ++i) vs.push_back(b.at(i));
            return value::list(std::move(vs), a.org);
        }
        return value::missing(fmt::format("cannot {} a {} and a {}", add ? "add" : "subtract", rt::type_name(a.k),
                                          rt::type_name(b.k)), {}, a.org);
    });
}

// `*`, `/` and `%` of two integers (an integer; `/` truncates toward zero, `%` has the sign of the
// left side; overflow is missing) or of numbers (a float). Dividing by zero is missing.
value evaluator::eval_product(const cexpr& c, frame& f) {
    return with_operands(c, f, [&](const value& a, const value& b) -> value {
        const char* verb = c.op == cop::mul ? "multiply" : "divide";
        auto number = [](const value& v) { return v.k == vkind::integer || v.k == vkind::floating; };
        if (!number(a) || !number(b))
            return value::missing(fmt::format("cannot {} a {} and a {}", verb, rt::type_name(a.k), rt::type_name(b.k)), {}, a.org);
        if (c.op != cop::mul && ((b.k == vkind::integer && b.i == 0) || (b.k == vkind::floating && b.f == 0.0)))
            return value::missing("division by zero", {}, a.org);
        if (a.k == vkind::integer && b.k == vkind::integer) {
            std::int64_t r = 0;
            bool over = c.op == cop::mul ? __builtin_mul_overflow(a.i, b.i, &r)
                                         : a.i == std::numeric_limits<std::int64_t>::min() && b.i == -1;
            if (over) return value::missing("integer overflow", {}, a.org);
            if (c.op == cop::div) r = a.i / b.i;
            else if (c.op == cop::mod) r = a.i % b.i;
            return value::integer(r, a.org);
        }
        double x = a.k == vkind::integer ? static_cast<double>(a.i) : a.f;
        double y = b.k == vkind::integer ? static_cast<double>(b.i) : b.f;
        double r = c.op == cop::mul ? x * y : c.op == cop::div ? x / y : std::fmod(x, y);
        return value::floating(r, a.org);
    });
}

value evaluator::eval_cond(const cexpr& c, frame& f) {
    operand k_op = eval_operand(*c.kids[0], f);
    const value& k = k_op.get();
    if (k.is_missing()) return k_op.take();
    if (k.k != vkind::boolean) return type_missing2("'if'", "a condition", k);
    return eval(*c.kids[k.b ? 1 : 2], f);
}

value evaluator::eval_list(const cexpr& c, frame& f) {
    std::vector<value> vs;
    for (const auto& k : c.kids) vs.push_back(eval(*k, f));
    return value::list(std::move(vs));
}

// A record built at run time: its keys travel in `k.s`, each ended by \x1f.
value evaluator::eval_record(const cexpr& c, frame& f) {
    auto n = std::make_shared<snap::node>();
    n->k = snap::kind::table;
    n->where = c.where;
    std::size_t start = 0;
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < c.k.s.size(); ++i)
        if (c.k.s[i] == '\x1f') {
            keys.push_back(c.k.s.substr(start, i - start));
            start = i + 1;
        }
    for (std::size_t i = 0; i < c.kids.size() && i < keys.size(); ++i) {
        value v = eval(*c.kids[i], f);
        n->entries.push_back({keys[i], c.where, rt::to_node(v, keys[i], rt::node_stamp{c.where, nullptr, 0})});
    }
    value out;
    out.k = vkind::table;
    out.node = n.get();
    out.hold = n;
    kept_.push_back(n);
    return out;
}

const char* evaluator::trigger_name() const {
    if (step_mode_) return trigger_after_ ? "after" : "before";
    if (!rb_) return "snapshot";
    return rule_ && rule_->info.scope == rule_scope::runbook ? "runbook" : "final";
}

value evaluator::eval_compare(const cexpr& c, frame& f) {
    using ast::binop;
    return with_operands(c, f, [&](const value& a, const value& b) -> value {
        rt::origin o = a.org.valid() ? a.org : b.org;
        auto result = [&](bool r) { return value::boolean(r, o); };
        auto member_of = [&](const value& x, const value& coll) -> value {
            if (coll.k == vkind::list) {
                value e_tmp;
                for (std::size_t i = 0; i < coll.size(); ++i)
                    if (rt::compare(x, coll.at_ref(i, e_tmp)) == rt::cmp_result::equal) return result(true);
                return result(false);
            }
            if (coll.k == vkind::string && x.k == vkind::string) return result(coll.s.find(x.s) != std::string::npos);
            if (coll.k == vkind::table && x.k == vkind::string && coll.node) return result(coll.node->find(x.s) != nullptr);
            return value::missing(fmt::format("'in' needs a list, a string or a table, but '{}' is a {}", rt::display(coll),
                                              rt::type_name(coll.k)), {}, coll.org);
        };
        switch (c.bop) {
        case binop::in:
        case binop::not_in: {
            value r = member_of(a, b);
            if (c.bop == binop::not_in && r.k == vkind::boolean) r.b = !r.b;
            return r;
        }
        case binop::contains: return member_of(b, a);
        case binop::matches:
            if (a.k != vkind::string) return type_missing2("'matches'", "a string", a);
            if (!c.re) return value::missing("invalid regular expression", {}, a.org);
            return result(RE2::PartialMatch(a.s, *c.re));
        case binop::ci_eq:
            if (a.k == vkind::list && b.k == vkind::list) return result(rt::same_set_ci(a, b));
            [[fallthrough]];
        default: break;
        }
        rt::cmp_result r = rt::compare(a, b, c.bop == binop::ci_eq);
        if (r == rt::cmp_result::type_mismatch)
            return value::missing(fmt::format("cannot compare {} '{}' with {} '{}'", rt::type_name(a.k), rt::display(a),
                                              rt::type_name(b.k), rt::display(b)), {}, o);
        switch (c.bop) {
        case binop::eq:
        case binop::ci_eq: return result(r == rt::cmp_result::equal);
        case binop::ne: return result(r != rt::cmp_result::equal);
        default: break;
        }
        if (r == rt::cmp_result::unordered)
            return value::missing(fmt::format("'{}' and '{}' cannot be ordered", rt::display(a), rt::display(b)), {}, o);
        switch (c.bop) {
        case binop::lt: return result(r == rt::cmp_result::less);
        case binop::le: return result(r != rt::cmp_result::greater);
        case binop::gt: return result(r == rt::cmp_result::greater);
        case binop::ge: return result(r != rt::cmp_result::less);
        default: return result(false);
        }
    });
}

value evaluator::eval_quant(const cexpr& c, frame& f) {
    // The collection may be a variable of an enclosing scope, read in place: its slot is below
    // the quantifier's.
    operand coll_op = eval_operand(*c.kids[0], f);
    const value& coll = coll_op.get();
    if (coll.is_missing()) return coll_op.take();
    // Elements are made one at a time into the variable's slot, which nested expressions never
    // reuse (a nested quantifier takes the next slot).
    const std::optional<std::size_t> n = element_count(coll);
    if (!n)
        return value::missing(fmt::format("cannot iterate over {} '{}'", rt::type_name(coll.k), rt::display(coll)), {}, coll.org);
    std::optional<value> first_missing;
    std::int64_t count = 0;
    std::vector<value> matches;
    std::vector<value> mapped;
    for (std::size_t idx = 0; idx < *n; ++idx) {
        f[c.slot] = element_at(coll, idx);
        const value& e = f[c.slot];
        if (c.kids[1]) {
            value w = eval(*c.kids[1], f);
            if (w.is_missing()) {
                if (!first_missing) first_missing = w;
                continue;
            }
            if (w.k != vkind::boolean) return type_missing2("'where'", "a condition", w);
            if (!w.b) continue;
        }
        if (c.q == ast::quant::count) {
            ++count;
            continue;
        }
        if (c.q == ast::quant::the || c.q == ast::quant::filter) {
            matches.push_back(e);
            continue;
        }
        if (c.q == ast::quant::map) {
            value m = eval(*c.kids[2], f);
            if (!m.is_missing()) mapped.push_back(std::move(m));
            else if (!m.optional && !optional_by_schema(m.missing_path) && !first_missing) first_missing = std::move(m);
            continue;
        }
        value b = c.kids[2] ? eval(*c.kids[2], f) : value::boolean(true, e.org);
        if (b.is_missing()) {
            if (!first_missing) first_missing = b;
            continue;
        }
        if (b.k != vkind::boolean) return type_missing2("a quantifier", "a condition", b);
        if (!b.org.valid()) b.org = e.org;
        if (c.q == ast::quant::all && !b.b) return b;
        if (c.q == ast::quant::any && b.b) return b;
        if (c.q == ast::quant::none && b.b) {
            b.b = false;
            return b;
        }
    }
    if (first_missing) return *first_missing;
    switch (c.q) {
    case ast::quant::count: return value::integer(count, coll.org);
    case ast::quant::the: {
        std::string what = c.kids[0]->text.empty() ? c.kids[0]->key : c.kids[0]->text;
        if (what.empty()) what = "the collection";
        else what = "'" + what + "'";
        if (matches.size() == 1) return std::move(matches[0]);
        if (matches.empty()) return value::missing(fmt::format("no element of {} matches the 'where' condition", what), {}, coll.org);
        return value::missing(fmt::format("{} elements of {} match the 'where' condition; expected exactly one", matches.size(), what),
                              {}, coll.org);
    }
    case ast::quant::filter: return value::list(std::move(matches), coll.org);
    case ast::quant::map: return value::list(std::move(mapped), coll.org);
    // No element decided the result: it has no place of its own, so a finding falls back to the
    // enclosing element (or the runbook table, or the snapshot).
    case ast::quant::all: return value::boolean(true);
    case ast::quant::any: return value::boolean(false);
    case ast::quant::none: return value::boolean(true);
    }
    return value{};
}

std::string evaluator::render(const ctemplate* t, frame& f) {
    if (!t) return {};
    std::string out;
    for (const auto& p : t->parts) {
        if (!p.e) {
            out += p.text;
            continue;
        }
        value v = eval(*p.e, f);
        out += v.is_missing() ? "<missing>" : rt::display(v);
    }
    return out;
}

} // namespace kbl
