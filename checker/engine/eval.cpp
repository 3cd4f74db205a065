#include "checker/engine/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <span>

namespace kbl {

using rt::value;
using rt::vkind;

namespace {

struct depth_guard {
    std::uint32_t& d;
    explicit depth_guard(std::uint32_t& depth) : d(depth) { ++d; }
    ~depth_guard() { --d; }
    depth_guard(const depth_guard&) = delete;
    depth_guard& operator=(const depth_guard&) = delete;
};

value type_missing2(std::string_view what, std::string_view need, const value& v) {
    return value::missing(fmt::format("{} needs {}, but '{}' is a {}", what, need, rt::display(v), rt::type_name(v.k)), {},
                          v.org);
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return s;
}

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
    return std::string(s.substr(b, e - b));
}

// The last key of a dotted path (`services."W3 SVC"` -> `W3 SVC`, `groups[0]` -> `groups`).
std::string last_key(const std::string& path) {
    std::string p = path;
    while (!p.empty() && p.back() == ']') {
        auto b = p.rfind('[');
        if (b == std::string::npos) break;
        p.resize(b);
    }
    if (!p.empty() && p.back() == '"') {
        auto b = p.rfind('"', p.size() - 2);
        if (b != std::string::npos) return p.substr(b + 1, p.size() - b - 2);
    }
    auto dot = p.rfind('.');
    return dot == std::string::npos ? p : p.substr(dot + 1);
}

bool type_matches(const ast::type_ref& t, const snap::node& n) {
    if (!t.alternatives.empty())
        return std::any_of(t.alternatives.begin(), t.alternatives.end(), [&](const auto& a) { return type_matches(a, n); });
    using k = ast::type_ref::kind;
    switch (t.k) {
    case k::string:
    case k::enum_: return n.k == snap::kind::string;
    case k::int_: return n.k == snap::kind::integer;
    case k::float_: return n.k == snap::kind::floating || n.k == snap::kind::integer;
    case k::bool_: return n.k == snap::kind::boolean;
    case k::datetime: return n.k == snap::kind::offset_datetime || n.k == snap::kind::local_datetime;
    case k::date: return n.k == snap::kind::local_date;
    case k::time: return n.k == snap::kind::local_time;
    case k::table: return n.k == snap::kind::table;
    case k::list: return n.k == snap::kind::array;
    case k::any: return true;
    }
    return false;
}

std::string type_text(const ast::type_ref& t) {
    if (!t.alternatives.empty()) {
        std::string s;
        for (const auto& a : t.alternatives) s += (s.empty() ? "" : " or ") + type_text(a);
        return s;
    }
    using k = ast::type_ref::kind;
    switch (t.k) {
    case k::string: return "a string";
    case k::enum_: return "a string";
    case k::int_: return "an integer";
    case k::float_: return "a float";
    case k::bool_: return "a boolean";
    case k::datetime: return "a date-time";
    case k::date: return "a date";
    case k::time: return "a time";
    case k::table: return "a table";
    case k::list: return "an array";
    case k::any: return "any value";
    }
    return "a value";
}


} // namespace

evaluator::evaluator(const eval_world& w, std::uint32_t cluster) : w_(w), cluster_(cluster) {}

void evaluator::tick(pos where) {
    if (++steps_ > w_.lim.max_steps)
        throw eval_limit_error(cur_file_, where,
                               fmt::format("evaluating rule '{}' took more than {} step{} (--max-eval-steps)",
                                           rule_ ? rule_->info.id : std::string("?"), w_.lim.max_steps,
                                           w_.lim.max_steps == 1 ? "" : "s"));
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
            return v;
        }
        std::string path = base.node->path.empty() ? key : base.node->path + "." + key;
        rt::origin o = base.org;
        if (!o.where.valid()) o.where = pos{1, 1};
        return value::missing(fmt::format("'{}' is missing", path), path, o);
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
        return base.at(static_cast<std::size_t>(idx.i));
    }
    if (base.k == vkind::table && idx.k == vkind::string) return member(base, idx.s, where);
    return value::missing(fmt::format("cannot index a {} with a {}", rt::type_name(base.k), rt::type_name(idx.k)), {}, base.org);
}

value evaluator::eval(const cexpr& c, frame& f) {
    tick(c.where);
    depth_guard g(depth_);
    if (depth_ > w_.lim.max_depth)
        throw eval_limit_error(cur_file_, c.where,
                               fmt::format("evaluating rule '{}' nested deeper than {} (--max-eval-depth)",
                                           rule_ ? rule_->info.id : std::string("?"), w_.lim.max_depth));
    switch (c.op) {
    case cop::constant: return c.k;
    case cop::var: return f[c.slot];
    case cop::self:
        if (self_ == rt::origin::none) return value::missing("'self' is not available here");
        return node_value(self_);
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
    case cop::steps: {
        if (!rb_) return value::missing("there is no runbook here");
        value l = value::list(rb_->steps, rb_->table.org);
        return l;
    }
    case cop::runbook:
        if (!rb_) return value::missing("there is no runbook here");
        return rb_->table;
    case cop::nodes: {
        // Built once per state of the cluster (a simulated step changes it).
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
    case cop::root_key:
        if (self_ == rt::origin::none) return value::missing(fmt::format("'{}' needs a node", c.key));
        return member(node_value(self_), c.key, c.where);
    case cop::member:
    case cop::index: {
        value base = eval(*c.kids[0], f);
        value idx;
        if (c.op == cop::index) idx = eval(*c.kids[1], f);
        if (base.spread) {
            std::vector<value> out;
            for (std::size_t i = 0; i < base.size(); ++i) {
                value v = c.op == cop::member ? member(base.at(i), c.key, c.where) : index(base.at(i), idx, c.where);
                if (!v.is_missing()) out.push_back(std::move(v));
            }
            value r = value::list(std::move(out), base.org);
            r.spread = true;
            return r;
        }
        return c.op == cop::member ? member(base, c.key, c.where) : index(base, idx, c.where);
    }
    case cop::member_star:
    case cop::index_star: {
        value base = eval(*c.kids[0], f);
        if (base.is_missing()) return base;
        std::vector<value> out;
        auto spread_one = [&](const value& b) {
            if (c.op == cop::member_star && b.k == vkind::table && b.node) {
                for (const auto& e : b.node->entries) out.push_back(value::from_node(*e.value, b.org.snap));
            } else if (c.op == cop::index_star && b.k == vkind::list) {
                for (std::size_t i = 0; i < b.size(); ++i) out.push_back(b.at(i));
            }
        };
        if (base.spread) {
            for (std::size_t i = 0; i < base.size(); ++i) spread_one(base.at(i));
        } else if ((c.op == cop::member_star && base.k != vkind::table) || (c.op == cop::index_star && base.k != vkind::list)) {
            return value::missing(fmt::format("'{}' needs a {}, but the value is a {}", c.op == cop::member_star ? ".*" : "[*]",
                                              c.op == cop::member_star ? "table" : "list", rt::type_name(base.k)),
                                  {}, base.org);
        } else {
            spread_one(base);
        }
        value r = value::list(std::move(out), base.org);
        r.spread = true;
        return r;
    }
    case cop::optional: {
        value v = eval(*c.kids[0], f);
        if (v.is_missing()) v.optional = true;
        return v;
    }
    case cop::builtin: return eval_builtin(c, f);
    case cop::call: return eval_call(c, f);
    case cop::table_lookup: {
        value k = eval(*c.kids[0], f);
        if (k.is_missing()) return k;
        std::string key = k.k == vkind::integer ? std::to_string(k.i) : k.k == vkind::string ? k.s : std::string();
        if (k.k != vkind::integer && k.k != vkind::string)
            return value::missing(fmt::format("a key of table '{}' must be a string or an int, not a {}", c.table->name,
                                              rt::type_name(k.k)), {}, k.org);
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
    case cop::neg: {
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
    case cop::not_: {
        value v = eval(*c.kids[0], f);
        if (v.k == vkind::boolean) {
            v.b = !v.b;
            return v;
        }
        if (v.is_missing()) return v;
        return type_missing2("'not'", "a condition", v);
    }
    case cop::and_:
    case cop::or_: {
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
    case cop::compare: return eval_compare(c, f);
    case cop::default_: {
        value a = eval(*c.kids[0], f);
        if (!a.is_missing()) return a;
        value b = eval(*c.kids[1], f);
        if (!b.org.valid()) b.org = a.org;  // a default stands where the missing value should be
        return b;
    }
    case cop::add:
    case cop::sub: {
        value a = eval(*c.kids[0], f);
        if (a.is_missing()) return a;
        value b = eval(*c.kids[1], f);
        if (b.is_missing()) return b;
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
            for (std::size_t i = 0; i < a.size(); ++i) vs.push_back(a.at(i));
            for (std::size_t i = 0; i < b.size(); ++i) vs.push_back(b.at(i));
            return value::list(std::move(vs), a.org);
        }
        return value::missing(fmt::format("cannot {} a {} and a {}", add ? "add" : "subtract", rt::type_name(a.k),
                                          rt::type_name(b.k)), {}, a.org);
    }
    case cop::quant: return eval_quant(c, f);
    case cop::cond: {
        value k = eval(*c.kids[0], f);
        if (k.is_missing()) return k;
        if (k.k != vkind::boolean) return type_missing2("'if'", "a condition", k);
        return eval(*c.kids[k.b ? 1 : 2], f);
    }
    case cop::list: {
        std::vector<value> vs;
        for (const auto& k : c.kids) vs.push_back(eval(*k, f));
        return value::list(std::move(vs));
    }
    case cop::record: {
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
        value out;
        out.k = vkind::table;
        std::vector<value> held;
        for (std::size_t i = 0; i < c.kids.size() && i < keys.size(); ++i) {
            value v = eval(*c.kids[i], f);
            auto en = std::make_shared<snap::node>();
            en->where = c.where;
            en->path = keys[i];
            switch (v.k) {
            case vkind::boolean: en->k = snap::kind::boolean; en->b = v.b; break;
            case vkind::integer: en->k = snap::kind::integer; en->i = v.i; break;
            case vkind::floating: en->k = snap::kind::floating; en->f = v.f; break;
            case vkind::string: en->k = snap::kind::string; en->str = v.s; break;
            case vkind::datetime: en->k = snap::kind::offset_datetime; en->str = v.s; break;
            default: en->k = snap::kind::string; en->str = rt::display(v); break;
            }
            n->entries.push_back({keys[i], c.where, en});
        }
        out.node = n.get();
        out.hold = n;
        return out;
    }
    }
    return value{};
}

// The key of a call for the memo: the def, then each argument's kind, flags, origin and content
// (snapshot tables and computed lists by identity). False when the call must not be remembered:
// an argument is missing (its reason and path vary) or the key would be large.
bool evaluator::memo_key(const cdef& d, std::span<const value> args, std::string& key) const {
    constexpr std::size_t max_key_bytes = 4096;
    key.clear();
    const auto put = [&](const auto& x) { key.append(reinterpret_cast<const char*>(&x), sizeof x); };
    put(&d);
    for (const value& a : args) {
        if (a.is_missing()) return false;
        put(a.k);
        put(static_cast<std::uint8_t>((a.spread ? 1 : 0) | (a.optional ? 2 : 0) | (a.b ? 4 : 0)));
        put(a.org.snap);
        put(a.org.where.line);
        put(a.org.where.column);
        put(a.org.path);
        put(a.org.file);
        put(a.org.step);
        put(a.node);
        put(a.items.get());
        put(a.i);
        put(a.f);
        put(a.s.size());
        key += a.s;
        if (key.size() > max_key_bytes) return false;
    }
    return true;
}

value evaluator::eval_call(const cexpr& c, frame& f) {
    const cdef& d = *c.def;
    if (!d.body) return value::missing(fmt::format("'{}' could not be compiled", d.name));
    // Frames are reused: a call takes one from the pool and gives it back.
    frame callee;
    if (!frame_pool_.empty()) {
        callee = std::move(frame_pool_.back());
        frame_pool_.pop_back();
    }
    callee.assign(std::max<std::uint32_t>(d.frame_size, d.params), value{});
    for (std::size_t i = 0; i < c.kids.size() && i < d.params; ++i) callee[i] = eval(*c.kids[i], f);
    if (memo_epoch_ != epoch_) {
        memo_.clear();
        memo_epoch_ = epoch_;
    }
    const std::span<const value> args(callee.data(), std::min<std::size_t>(d.params, callee.size()));
    std::string key;
    const bool remember = memo_key(d, args, key);
    if (remember) {
        if (auto hit = memo_.find(key); hit != memo_.end()) {
            if (frame_pool_.size() < 64) frame_pool_.push_back(std::move(callee));
            return hit->second.result;
        }
    }
    source_ptr saved = cur_file_;
    cur_file_ = d.file;
    value v = eval(*d.body, callee);
    cur_file_ = saved;
    if (remember) {
        // Bounded: a context with more distinct calls than this starts over.
        if (memo_.size() >= 65536) memo_.clear();
        memo_.emplace(std::move(key), memo_entry{std::vector<value>(args.begin(), args.end()), v});
    }
    if (frame_pool_.size() < 64) frame_pool_.push_back(std::move(callee));
    return v;
}

value evaluator::call(const cdef& d, std::vector<value> args) {
    if (!d.body) return value::missing(fmt::format("'{}' could not be compiled", d.name));
    frame callee(std::max<std::uint32_t>(d.frame_size, d.params));
    for (std::size_t i = 0; i < args.size() && i < callee.size(); ++i) callee[i] = std::move(args[i]);
    cur_file_ = d.file;
    steps_ = 0;
    ++epoch_;
    depth_ = 0;
    return eval(*d.body, callee);
}

value evaluator::eval_compare(const cexpr& c, frame& f) {
    using ast::binop;
    value a = eval(*c.kids[0], f);
    if (a.is_missing()) return a;
    value b = eval(*c.kids[1], f);
    if (b.is_missing()) return b;
    rt::origin o = a.org.valid() ? a.org : b.org;
    auto result = [&](bool r) { return value::boolean(r, o); };
    auto member_of = [&](const value& x, const value& coll) -> value {
        if (coll.k == vkind::list) {
            for (std::size_t i = 0; i < coll.size(); ++i)
                if (rt::compare(x, coll.at(i)) == rt::cmp_result::equal) return result(true);
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
}

namespace {
// Elements of a collection: list elements, or a table's values.
bool elements(const value& coll, std::vector<value>& out) {
    if (coll.k == vkind::list) {
        for (std::size_t i = 0; i < coll.size(); ++i) out.push_back(coll.at(i));
        return true;
    }
    if (coll.k == vkind::table && coll.node) {
        for (const auto& e : coll.node->entries) out.push_back(value::from_node(*e.value, coll.org.snap));
        return true;
    }
    return false;
}
} // namespace

value evaluator::eval_quant(const cexpr& c, frame& f) {
    value coll = eval(*c.kids[0], f);
    if (coll.is_missing()) return coll;
    std::vector<value> elems;
    if (!elements(coll, elems))
        return value::missing(fmt::format("cannot iterate over {} '{}'", rt::type_name(coll.k), rt::display(coll)), {}, coll.org);
    std::optional<value> first_missing;
    std::int64_t count = 0;
    std::vector<const value*> matches;
    std::vector<value> mapped;
    for (const auto& e : elems) {
        f[c.slot] = e;
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
            matches.push_back(&e);
            continue;
        }
        if (c.q == ast::quant::map) {
            mapped.push_back(eval(*c.kids[2], f));
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
        if (matches.size() == 1) return *matches[0];
        if (matches.empty()) return value::missing(fmt::format("no element of {} matches the 'where' condition", what), {}, coll.org);
        return value::missing(fmt::format("{} elements of {} match the 'where' condition; expected exactly one", matches.size(), what),
                              {}, coll.org);
    }
    case ast::quant::filter: {
        std::vector<value> out;
        for (const value* m : matches) out.push_back(*m);
        return value::list(std::move(out), coll.org);
    }
    case ast::quant::map: return value::list(std::move(mapped), coll.org);
    // No element decided the result: it has no place of its own, so a finding falls back to the
    // enclosing element (or the runbook table, or the snapshot).
    case ast::quant::all: return value::boolean(true);
    case ast::quant::any: return value::boolean(false);
    case ast::quant::none: return value::boolean(true);
    }
    return value{};
}

value evaluator::eval_builtin(const cexpr& c, frame& f) {
    value a[3];  // builtins take at most three arguments (checked at load time)
    const std::size_t na = std::min<std::size_t>(c.kids.size(), 3);
    for (std::size_t i = 0; i < na; ++i) a[i] = eval(*c.kids[i], f);
    // Functions that look at missing values themselves.
    if (c.fn == builtin::exists) return value::boolean(!a[0].is_missing(), a[0].org);
    if (c.fn == builtin::default_) {
        if (!a[0].is_missing()) return a[0];
        value b = a[1];
        if (!b.org.valid()) b.org = a[0].org;
        return b;
    }
    for (std::size_t i = 0; i < na; ++i)
        if (a[i].is_missing()) return a[i];
    const std::string& name = c.key;
    auto need = [&](std::size_t i, vkind k) { return a[i].k == k; };
    auto map_strings = [&](auto fn) -> value {
        if (a[0].k == vkind::string) return value::string(fn(a[0].s), a[0].org);
        if (a[0].k == vkind::list) {
            std::vector<value> out;
            for (std::size_t i = 0; i < a[0].size(); ++i) {
                value e = a[0].at(i);
                if (e.k == vkind::string) e.s = fn(e.s);
                out.push_back(std::move(e));
            }
            return value::list(std::move(out), a[0].org);
        }
        return type_missing2("'" + name + "'", "a string or a list of strings", a[0]);
    };
    switch (c.fn) {
    case builtin::lower: return map_strings([](const std::string& s) { return rt::ascii_lower(s); });
    case builtin::upper: return map_strings([](const std::string& s) { return upper(s); });
    case builtin::trim: return map_strings([](const std::string& s) { return trim(s); });
    case builtin::len:
        if (a[0].k == vkind::string || a[0].k == vkind::list || a[0].k == vkind::table)
            return value::integer(static_cast<std::int64_t>(a[0].size()), a[0].org);
        return type_missing2("'len'", "a string, a list or a table", a[0]);
    case builtin::count:
        if (a[0].k == vkind::list || a[0].k == vkind::table) return value::integer(static_cast<std::int64_t>(a[0].size()), a[0].org);
        return type_missing2("'count'", "a list or a table", a[0]);
    case builtin::starts_with:
    case builtin::ends_with: {
        if (!need(0, vkind::string) || !need(1, vkind::string)) return type_missing2("'" + name + "'", "strings", need(0, vkind::string) ? a[1] : a[0]);
        const std::string& s = a[0].s;
        const std::string& p = a[1].s;
        bool r = c.fn == builtin::starts_with ? s.compare(0, p.size(), p) == 0
                                              : s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
        return value::boolean(r, a[0].org);
    }
    case builtin::replace: {
        if (!need(0, vkind::string) || !need(1, vkind::string) || !need(2, vkind::string))
            return value::missing("'replace' needs three strings", {}, a[0].org);
        std::string s = a[0].s;
        if (!a[1].s.empty()) {
            std::string out;
            std::size_t i = 0;
            while (true) {
                auto j = s.find(a[1].s, i);
                if (j == std::string::npos) break;
                out += s.substr(i, j - i) + a[2].s;
                i = j + a[1].s.size();
            }
            out += s.substr(i);
            s = std::move(out);
        }
        return value::string(std::move(s), a[0].org);
    }
    case builtin::split: {
        if (!need(0, vkind::string) || !need(1, vkind::string)) return value::missing("'split' needs two strings", {}, a[0].org);
        std::vector<value> out;
        const std::string& s = a[0].s;
        const std::string& sep = a[1].s;
        if (sep.empty()) {
            for (char ch : s) out.push_back(value::string(std::string(1, ch), a[0].org));
        } else {
            std::size_t i = 0;
            while (true) {
                auto j = s.find(sep, i);
                out.push_back(value::string(s.substr(i, j == std::string::npos ? std::string::npos : j - i), a[0].org));
                if (j == std::string::npos) break;
                i = j + sep.size();
            }
        }
        return value::list(std::move(out), a[0].org);
    }
    case builtin::join: {
        if (!need(0, vkind::list) || !need(1, vkind::string)) return value::missing("'join' needs a list and a string", {}, a[0].org);
        std::string out;
        for (std::size_t i = 0; i < a[0].size(); ++i) {
            if (i) out += a[1].s;
            out += rt::display(a[0].at(i));
        }
        return value::string(std::move(out), a[0].org);
    }
    case builtin::substr: {
        if (!need(0, vkind::string) || !need(1, vkind::integer) || (na > 2 && !need(2, vkind::integer)))
            return value::missing("'substr' needs a string and integers", {}, a[0].org);
        std::int64_t n = static_cast<std::int64_t>(a[0].s.size());
        std::int64_t start = std::clamp<std::int64_t>(a[1].i, 0, n);
        std::int64_t len = na > 2 ? std::clamp<std::int64_t>(a[2].i, 0, n - start) : n - start;
        return value::string(a[0].s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(len)), a[0].org);
    }
    case builtin::hex:
        if (!need(0, vkind::integer)) return type_missing2("'hex'", "an int", a[0]);
        return value::string(fmt::format("0x{:08X}", static_cast<std::uint32_t>(static_cast<std::uint64_t>(a[0].i))), a[0].org);
    case builtin::to_int: {
        if (a[0].k == vkind::integer) return a[0];
        if (a[0].k != vkind::string) return type_missing2("'int'", "an int or a string", a[0]);
        std::string s = trim(a[0].s);
        bool neg = !s.empty() && s[0] == '-';
        std::string_view d = std::string_view(s).substr(neg ? 1 : 0);
        int base = 10;
        if (d.size() > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
            base = 16;
            d = d.substr(2);
        }
        std::uint64_t u = 0;
        auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), u, base);
        if (d.empty() || ec != std::errc() || p != d.data() + d.size() ||
            u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return value::missing(fmt::format("'{}' is not an integer", a[0].s), {}, a[0].org);
        return value::integer(neg ? -static_cast<std::int64_t>(u) : static_cast<std::int64_t>(u), a[0].org);
    }
    case builtin::parse_int: {
        if (!need(0, vkind::string) || !need(1, vkind::integer) || a[1].i < 2 || a[1].i > 36)
            return value::missing("'parse_int' needs a string and a base from 2 to 36", {}, a[0].org);
        std::uint64_t u = 0;
        const std::string& s = a[0].s;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), u, static_cast<int>(a[1].i));
        if (s.empty() || ec != std::errc() || p != s.data() + s.size() ||
            u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return value::missing(fmt::format("'{}' is not a base-{} integer", s, a[1].i), {}, a[0].org);
        return value::integer(static_cast<std::int64_t>(u), a[0].org);
    }
    case builtin::u32:
        if (!need(0, vkind::integer)) return type_missing2("'u32'", "an int", a[0]);
        if (a[0].i < -2147483648LL || a[0].i > 4294967295LL)
            return value::missing(fmt::format("{} is outside the 32-bit range", a[0].i), {}, a[0].org);
        return value::integer(a[0].i < 0 ? a[0].i + 4294967296LL : a[0].i, a[0].org);
    case builtin::capture: {
        if (!need(0, vkind::string)) return type_missing2("'capture'", "a string", a[0]);
        if (!c.re) return value::missing("invalid regular expression", {}, a[0].org);
        re2::StringPiece groups[2];
        int n = std::min(c.re->NumberOfCapturingGroups(), 1) + 1;
        if (!c.re->Match(a[0].s, 0, a[0].s.size(), RE2::UNANCHORED, groups, n))
            return value::missing(fmt::format("'{}' does not match the pattern", a[0].s), {}, a[0].org);
        const auto& g = groups[n - 1];
        return value::string(std::string(g.data() ? g.data() : "", g.size()), a[0].org);
    }
    case builtin::type: return value::string(std::string(rt::type_name(a[0].k)), a[0].org);
    case builtin::keys:
    case builtin::values: {
        if (!need(0, vkind::table) || !a[0].node) return type_missing2("'" + name + "'", "a table", a[0]);
        std::vector<value> out;
        for (const auto& e : a[0].node->entries) {
            if (c.fn == builtin::keys) {
                value k = value::string(e.key, rt::origin{a[0].org.snap, e.key_pos, &e.value->path});
                out.push_back(std::move(k));
            } else {
                out.push_back(value::from_node(*e.value, a[0].org.snap));
            }
        }
        value r = value::list(std::move(out), a[0].org);
        r.hold = a[0].hold;
        return r;
    }
    case builtin::key:
        if (!a[0].org.path) return value::missing("'key' needs a value read from a table", {}, a[0].org);
        return value::string(last_key(*a[0].org.path), a[0].org);
    case builtin::other:
    case builtin::others: {
        const value& n = a[0];
        std::uint32_t s = n.org.snap;
        if (n.k != vkind::table || s == rt::origin::none || s >= w_.snaps.size() || n.node != w_.snaps[s].s->root.get())
            return type_missing2("'" + name + "'", "a node", n);
        const auto& members = w_.clusters[w_.snaps[s].cluster].members;
        std::vector<value> out;
        for (auto m : members)
            if (m != s) out.push_back(node_value(m));
        if (c.fn == builtin::others) return value::list(std::move(out), n.org);
        if (out.size() == 1) return out[0];
        const auto& cl = w_.clusters[w_.snaps[s].cluster];
        return value::missing(fmt::format("{} has {} other node{} in cluster '{}'; expected exactly one",
                                          w_.snaps[s].node_name, out.size(), out.size() == 1 ? "" : "s", cl.name),
                              {}, n.org);
    }
    case builtin::schema_violations: {
        if (self_ == rt::origin::none) return value::missing("'schema_violations()' needs a node");
        return value::list(schema_violations(self_));
    }
    case builtin::unique:
    case builtin::sort: {
        if (!need(0, vkind::list)) return type_missing2("'" + name + "'", "a list", a[0]);
        std::vector<value> out;
        for (std::size_t i = 0; i < a[0].size(); ++i) out.push_back(a[0].at(i));
        if (c.fn == builtin::sort) {
            std::stable_sort(out.begin(), out.end(),
                             [](const value& x, const value& y) { return rt::compare(x, y) == rt::cmp_result::less; });
        } else {
            std::vector<value> u;
            for (auto& v : out)
                if (std::none_of(u.begin(), u.end(), [&](const value& x) { return rt::compare(x, v) == rt::cmp_result::equal; }))
                    u.push_back(std::move(v));
            out = std::move(u);
        }
        return value::list(std::move(out), a[0].org);
    }
    case builtin::step_index_of:
    case builtin::node_of: {
        if (!rb_) return value::missing(fmt::format("'{}' needs a runbook", name));
        std::size_t idx = rb_->steps.size();
        for (std::size_t i = 0; i < rb_->steps.size(); ++i)
            if (a[0].node && rb_->steps[i].node == a[0].node) idx = i;
        if (idx == rb_->steps.size()) return type_missing2("'" + name + "'", "a step", a[0]);
        if (c.fn == builtin::step_index_of) return value::integer(static_cast<std::int64_t>(idx + 1), a[0].org);
        std::string who = w_.snaps[rb_->holder].node_name;
        if (w_.p->step_node && a[0].node) {
            const snap::node* n = a[0].node;
            for (const auto& seg : *w_.p->step_node) {
                const snap::entry* e = n && n->k == snap::kind::table ? n->find(seg.key) : nullptr;
                n = e ? e->value.get() : nullptr;
            }
            if (n && n->k == snap::kind::string) who = n->str;
        }
        std::uint32_t t = find_node(who);
        if (t == rt::origin::none)
            return value::missing(fmt::format("step {} names node '{}', which is not in this cluster", idx + 1, who), {}, a[0].org);
        return node_value(t);
    }
    case builtin::trigger: {
        const char* t = step_mode_ ? (trigger_after_ ? "after" : "before") : rb_ ? (rule_ && rule_->info.scope == rule_scope::runbook ? "runbook" : "final") : "snapshot";
        return value::string(t);
    }
    case builtin::str: return value::string(a[0].k == vkind::string ? a[0].s : rt::display(a[0]), a[0].org);
    case builtin::is_action: {
        if (!need(0, vkind::string)) return type_missing2("'is_action'", "a string", a[0]);
        return value::boolean(w_.p->actions.count(a[0].s) > 0, a[0].org);
    }
    case builtin::actions: {
        std::vector<value> out;
        for (const auto& [n, x] : w_.p->actions) out.push_back(value::string(n));
        return value::list(std::move(out));
    }
    case builtin::exists:
    case builtin::default_: break;
    }
    return value{};
}

std::vector<value> evaluator::schema_violations(std::uint32_t snap) {
    std::vector<value> out;
    const schema_node* root = w_.p->schema.get();
    if (!root) return out;
    auto add = [&](const snap::node& at, pos where, const std::string& path, std::string msg) {
        auto rec = std::make_shared<snap::node>();
        rec->k = snap::kind::table;
        rec->where = where.valid() ? where : pos{1, 1};
        rec->path = path;
        auto m = std::make_shared<snap::node>();
        m->k = snap::kind::string;
        m->str = std::move(msg);
        m->where = rec->where;
        m->path = path;
        auto p = std::make_shared<snap::node>();
        p->k = snap::kind::string;
        p->str = path;
        p->where = rec->where;
        p->path = path;
        rec->entries.push_back({"message", rec->where, m});
        rec->entries.push_back({"path", rec->where, p});
        (void)at;
        value v;
        v.k = vkind::table;
        v.node = rec.get();
        v.hold = rec;
        v.org = rt::origin{snap, rec->where, &rec->path};
        out.push_back(std::move(v));
    };
    std::function<void(const schema_node&, const snap::node&)> walk;
    std::function<void(const schema_node&, const snap::node&)> check = [&](const schema_node& sn, const snap::node& n) {
        if (sn.type) {
            if (!type_matches(*sn.type, n)) {
                add(n, n.where, n.path,
                    fmt::format("'{}' should be {}, but it is {}", n.path, type_text(*sn.type), snap::kind_with_article(n.k)));
                return;
            }
            const auto& t = *sn.type;
            if (t.alternatives.empty() && t.k == ast::type_ref::kind::enum_ && n.k == snap::kind::string) {
                bool ok = std::any_of(t.enum_values.begin(), t.enum_values.end(),
                                      [&](const std::string& v) { return rt::ascii_lower(v) == rt::ascii_lower(n.str); });
                if (!ok) {
                    std::string all;
                    for (const auto& v : t.enum_values) all += (all.empty() ? "'" : ", '") + v + "'";
                    std::string m = closest_match(n.str, t.enum_values);
                    add(n, n.where, n.path,
                        fmt::format("'{}' is '{}', which is not one of {}{}", n.path, n.str, all,
                                    m.empty() ? "" : fmt::format(" (did you mean '{}'?)", m)));
                }
            }
            if (t.alternatives.empty() && t.k == ast::type_ref::kind::list && !t.elem.empty() && n.k == snap::kind::array) {
                for (const auto& item : n.items)
                    if (!type_matches(t.elem[0], *item))
                        add(*item, item->where, item->path,
                            fmt::format("'{}' should be {}, but it is {}", item->path, type_text(t.elem[0]), snap::kind_with_article(item->k)));
            }
        }
        if (n.k == snap::kind::table) walk(sn, n);
        if (n.k == snap::kind::array && sn.any_index)
            for (const auto& item : n.items) check(*sn.any_index, *item);
    };
    walk = [&](const schema_node& sn, const snap::node& n) {
        for (const auto& [key, child] : sn.keys) {
            const snap::entry* e = n.find(key);
            if (!e) {
                if (child->required) {
                    std::string path = n.path.empty() ? key : n.path + "." + key;
                    std::string where_text = n.path.empty() ? "the file" : fmt::format("'{}'", n.path);
                    add(n, n.where.valid() ? n.where : pos{1, 1}, path,
                        fmt::format("required key '{}' is missing from {}", path, where_text));
                }
                continue;
            }
            check(*child, *e->value);
        }
        if (sn.any_key) {
            for (const auto& e : n.entries) {
                bool named = false;
                for (const auto& [key, child] : sn.keys)
                    if (key == e.key || (sn.nocase && rt::ascii_lower(key) == rt::ascii_lower(e.key))) named = true;
                if (!named) check(*sn.any_key, *e.value);
            }
        }
    };
    walk(*root, *w_.snaps[snap].s->root);
    return out;
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

bool evaluator::required_by_schema(const std::string& path) const {
    const schema_node* sn = w_.p->schema.get();
    if (!sn || path.empty()) return false;
    std::size_t i = 0;
    while (i < path.size() && sn) {
        if (path[i] == '.') {
            ++i;
            continue;
        }
        if (path[i] == '[') {
            auto close = path.find(']', i);
            if (close == std::string::npos) return false;
            sn = sn->any_index.get();
            i = close + 1;
            continue;
        }
        std::string key;
        if (path[i] == '"') {
            auto close = path.find('"', i + 1);
            if (close == std::string::npos) return false;
            key = path.substr(i + 1, close - i - 1);
            i = close + 1;
        } else {
            std::size_t j = i;
            while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
            key = path.substr(i, j - i);
            i = j;
        }
        sn = sn->child(key);
    }
    return sn && sn->required;
}

void evaluator::emit(const crule& r, const citem& item, frame& f, const value& result, const value* element,
                     std::vector<finding>& out) {
    finding fd;
    fd.rule = r.info.id;
    fd.sev = r.info.sev;
    fd.scope = r.info.scope;
    fd.title = r.info.title;
    fd.ref = r.info.ref;
    rt::origin o = result.org;
    if (!o.valid() && element) o = element->org;
    if (!o.valid() && rb_ && !step_mode_) o = rb_->table.org;
    if (!o.valid() && self_ != rt::origin::none) o = node_value(self_).org;
    if (!o.valid() && !w_.clusters[cluster_].members.empty()) o = node_value(w_.clusters[cluster_].members.front()).org;
    std::uint32_t snap = o.snap;
    if (snap != rt::origin::none) {
        fd.loc.file = o.file ? *o.file : w_.snaps[snap].s->file;
        fd.loc.where = o.where.valid() ? o.where : pos{1, 1};
        fd.loc.path = o.path ? *o.path : std::string();
        fd.node = w_.snaps[snap].node_name;
    }
    fd.cluster = w_.clusters[cluster_].name;
    if (step_mode_ && step_) {
        // A step finding points at the step; the value that decided it goes to `related`.
        location deciding = fd.loc;
        const rt::origin& so = step_->step.org;
        fd.loc.file = so.file ? *so.file : w_.snaps[so.snap].s->file;
        fd.loc.where = so.where.valid() ? so.where : pos{1, 1};
        fd.loc.path = so.path ? *so.path : std::string();
        fd.step = step_ref{static_cast<std::uint32_t>(step_->index), step_->action, rb_->ordinals[step_->index - 1]};
        if (step_->target != rt::origin::none) fd.node = w_.snaps[step_->target].node_name;
        if (deciding.file && !(deciding.file == fd.loc.file && deciding.where == fd.loc.where)) {
            std::string what = deciding.path.empty() ? std::string("this value") : fmt::format("'{}'", deciding.path);
            std::string msg = o.step > 0 ? fmt::format("{} was set by step {} ({})", what, o.step, action_of(o.step))
                                         : fmt::format("{} read here", what);
            fd.related.push_back({deciding, msg});
        }
    }
    if (!step_mode_ && rb_ && element && element->node && r.info.scope == rule_scope::runbook) {
        // In a rule over the whole runbook, a finding about a step points at that step; the value
        // that decided it goes to `related`.
        for (std::size_t i = 0; i < rb_->steps.size(); ++i) {
            if (rb_->steps[i].node != element->node) continue;
            location deciding = fd.loc;
            const rt::origin& so = rb_->steps[i].org;
            fd.loc.file = so.file ? *so.file : w_.snaps[so.snap].s->file;
            fd.loc.where = so.where.valid() ? so.where : pos{1, 1};
            fd.loc.path = so.path ? *so.path : std::string();
            fd.step = step_ref{static_cast<std::uint32_t>(i + 1), rb_->actions[i], rb_->ordinals[i]};
            if (deciding.file && !(deciding.file == fd.loc.file && deciding.where == fd.loc.where) &&
                deciding.path.rfind(fd.loc.path, 0) != 0) {
                std::string what = deciding.path.empty() ? std::string("this value") : fmt::format("'{}'", deciding.path);
                fd.related.push_back({deciding, o.step > 0 ? fmt::format("{} was set by step {} ({})", what, o.step, action_of(o.step))
                                                           : fmt::format("{} read here", what)});
            }
            break;
        }
    }
    if (!step_mode_ && rb_ && !fd.step) {
        for (std::size_t i = 0; i < rb_->steps.size(); ++i)
            if (rb_->steps[i].org.path && o.path && *rb_->steps[i].org.path == *o.path && rb_->steps[i].org.snap == o.snap) {
                fd.step = step_ref{static_cast<std::uint32_t>(i + 1), rb_->actions[i], rb_->ordinals[i]};
                break;
            }
    }
    if (result.is_missing() && required_by_schema(result.missing_path)) {
        // Reported once by the schema check (KBL-001 in the built-in pack); no cascade of unknowns.
        skipped_sink_->push_back({r.info.id, fd.node,
                                  fmt::format("not evaluated: required '{}' is missing (reported by the schema check)",
                                              result.missing_path)});
        return;
    }
    if (result.is_missing()) {
        fd.st = status::unknown;
        if (!result.missing_path.empty()) fd.loc.path = result.missing_path;
        std::string on = fd.node.empty() ? std::string() : fmt::format(" on {}", fd.node);
        fd.message = fmt::format("cannot check this rule{}: {}", on, result.s);
    } else {
        fd.st = status::fail;
        fd.message = render(item.message, f);
    }
    // An unknown finding's help says how to get the missing data, not how to repair a failure.
    fd.fix = fd.st != status::unknown ? render(item.fix, f)
             : result.missing_path.empty()
                 ? std::string("Record the data this rule reads in the snapshot (kblint schema shows the fields) and check again")
                 : fmt::format("Record '{}' in the snapshot (kblint schema shows its place and type) and check again",
                               result.missing_path);
    fd.fingerprint = make_fingerprint(fd);
    out.push_back(std::move(fd));
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

void evaluator::run_items(const crule& r, frame& f, std::vector<finding>& out, std::vector<not_evaluated>& skipped) {
    for (const auto& item : r.body) {
        switch (item.kind) {
        case ast::item_kind::when: {
            value v = eval(*item.e, f);
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
    rule_ = &r;
    skipped_sink_ = &skipped;
    cur_file_ = r.info.file;
    steps_ = 0;
    ++epoch_;
    depth_ = 0;
    step_mode_ = true;
    if (r.info.scope == rule_scope::node) {
        if (step_->target == rt::origin::none) {
            skipped.push_back({r.info.id, step_->target_name,
                               fmt::format("not evaluated at step {}: it names node '{}', which is not in this cluster",
                                           step_->index, step_->target_name)});
        } else {
            self_ = step_->target;
            frame f(std::max<std::uint32_t>(r.frame_size, 1));
            run_items(r, f, out, skipped);
        }
    } else {
        self_ = rt::origin::none;
        frame f(std::max<std::uint32_t>(r.frame_size, 1));
        run_items(r, f, out, skipped);
    }
    self_ = rt::origin::none;
    step_mode_ = false;
    rule_ = nullptr;
}

void evaluator::run_rule_runbook(const crule& r, std::vector<finding>& out, std::vector<not_evaluated>& skipped) {
    rule_ = &r;
    skipped_sink_ = &skipped;
    cur_file_ = r.info.file;
    steps_ = 0;
    ++epoch_;
    depth_ = 0;
    self_ = rt::origin::none;
    frame f(std::max<std::uint32_t>(r.frame_size, 1));
    run_items(r, f, out, skipped);
    rule_ = nullptr;
}

std::shared_ptr<snap::node> evaluator::make_node(const value& v, const std::string& path) const {
    auto n = std::make_shared<snap::node>();
    n->path = path;
    if (step_) {
        const rt::origin& so = step_->step.org;
        n->where = so.where;
        n->src = so.file ? *so.file : w_.snaps[so.snap].s->file;
        n->step = static_cast<std::uint32_t>(step_->index);
    }
    switch (v.k) {
    case vkind::boolean: n->k = snap::kind::boolean; n->b = v.b; break;
    case vkind::integer: n->k = snap::kind::integer; n->i = v.i; break;
    case vkind::floating: n->k = snap::kind::floating; n->f = v.f; break;
    case vkind::datetime: n->k = snap::kind::offset_datetime; n->str = v.s; break;
    case vkind::list:
        n->k = snap::kind::array;
        for (std::size_t i = 0; i < v.size(); ++i) n->items.push_back(make_node(v.at(i), fmt::format("{}[{}]", path, i)));
        break;
    case vkind::table:
        n->k = snap::kind::table;
        if (v.node) {
            n->ci_keys = v.node->ci_keys;
            for (const auto& e : v.node->entries)
                n->entries.push_back({e.key, n->where,
                                      make_node(value::from_node(*e.value, v.org.snap), snap::child_path(path, e.key))});
        }
        break;
    default: n->k = snap::kind::string; n->str = v.s; break;
    }
    return n;
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
// Returns null when the path goes through a scalar or past the end of a list.
template <typename Fn>
snap::node_ptr rewrite(const snap::node_ptr& n, const std::vector<snap::path_step>& steps, std::size_t i,
                       const std::string& path, const schema_node* schema, pos where, const source_ptr& src,
                       std::uint32_t step, Fn&& fn) {
    if (i == steps.size()) return fn(n, path);
    const snap::path_step& st = steps[i];
    auto copy = n ? std::make_shared<snap::node>(*n) : std::make_shared<snap::node>();
    if (!n) {
        copy->k = snap::kind::table;
        copy->where = where;
        copy->path = path;
        copy->src = src;
        copy->step = step;
        copy->ci_keys = schema_nocase(schema, steps, i);
    }
    if (st.is_index) {
        if (copy->k != snap::kind::array || st.index >= copy->items.size()) return nullptr;
        auto r = rewrite(copy->items[st.index], steps, i + 1, fmt::format("{}[{}]", path, st.index), schema, where, src, step, fn);
        if (!r) return nullptr;
        copy->items[st.index] = r;
        return copy;
    }
    if (copy->k != snap::kind::table) return nullptr;
    std::string child = snap::child_path(path, st.key);
    for (std::size_t k = 0; k < copy->entries.size(); ++k) {
        const auto& e = copy->entries[k];
        bool same = e.key == st.key || (copy->ci_keys && rt::ascii_lower(e.key) == rt::ascii_lower(st.key));
        if (!same) continue;
        auto r = rewrite(e.value, steps, i + 1, child, schema, where, src, step, fn);
        if (!r) return nullptr;
        copy->entries[k].value = r;
        return copy;
    }
    auto r = rewrite(snap::node_ptr{}, steps, i + 1, child, schema, where, src, step, fn);
    if (!r) return nullptr;
    copy->entries.push_back({st.key, where, r});
    return copy;
}

} // namespace

void evaluator::exec(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped) {
    tick(s.where);
    auto skip = [&](const std::string& why) {
        skipped.push_back({step_ ? step_->action : std::string(), step_ ? step_->target_name : std::string(),
                           fmt::format("step {}: a statement at {}:{} did nothing: {}", step_ ? step_->index : 0,
                                       s.where.line, s.where.column, why)});
    };
    switch (s.kind) {
    case ast::stmt_kind::let: f[s.slot] = eval(*s.value, f); return;
    case ast::stmt_kind::if_: {
        value c = eval(*s.value, f);
        if (c.k != vkind::boolean) {
            skip(c.is_missing() ? c.s : "the condition is not a boolean");
            return;
        }
        for (const auto& b : c.b ? s.body : s.else_body) exec(b, f, skipped);
        return;
    }
    case ast::stmt_kind::for_: {
        value coll = eval(*s.value, f);
        if (coll.is_missing()) {
            skip(coll.s);
            return;
        }
        std::vector<value> elems;
        if (coll.k == vkind::list) {
            for (std::size_t i = 0; i < coll.size(); ++i) elems.push_back(coll.at(i));
        } else if (coll.k == vkind::table && coll.node) {
            for (const auto& e : coll.node->entries) elems.push_back(value::from_node(*e.value, coll.org.snap));
        } else {
            skip(fmt::format("cannot iterate over a {}", rt::type_name(coll.k)));
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
        return;
    }
    default: break;
    }
    place pl = resolve(s, f);
    if (!pl.why.empty()) {
        skip(pl.why);
        return;
    }
    value v;
    if (s.value) {
        v = eval(*s.value, f);
        if (v.is_missing()) {
            skip(v.s);
            return;
        }
    }
    auto& st = (*w_.state)[pl.snap];
    const rt::origin& so = step_->step.org;
    source_ptr src = so.file ? *so.file : w_.snaps[so.snap].s->file;
    auto idx = static_cast<std::uint32_t>(step_->index);
    std::vector<snap::path_step> steps = pl.steps;
    snap::node_ptr result;
    const schema_node* schema = w_.p->schema.get();
    if (s.kind == ast::stmt_kind::del) {
        if (steps.empty()) {
            skip("cannot delete a whole snapshot");
            return;
        }
        snap::path_step last = steps.back();
        steps.pop_back();
        bool found = false;
        result = rewrite(st.root, steps, 0, "", schema, so.where, src, idx, [&](const snap::node_ptr& old, const std::string&) -> snap::node_ptr {
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
                    if (copy->entries[i].key == last.key ||
                        (copy->ci_keys && rt::ascii_lower(copy->entries[i].key) == rt::ascii_lower(last.key))) {
                        copy->entries.erase(copy->entries.begin() + static_cast<std::ptrdiff_t>(i));
                        found = true;
                        break;
                    }
            }
            return copy;
        });
        if (!found) result = nullptr;
    } else {
        result = rewrite(st.root, steps, 0, "", schema, so.where, src, idx, [&](const snap::node_ptr& old, const std::string& path) -> snap::node_ptr {
            if (s.kind == ast::stmt_kind::set) {
                auto n = make_node(v, path);
                if (n->k == snap::kind::table) n->ci_keys = schema_nocase(schema, pl.steps, pl.steps.size());
                return n;
            }
            // add / remove on a list
            auto copy = old ? std::make_shared<snap::node>(*old) : make_node(value::list({}), path);
            if (copy->k != snap::kind::array) return nullptr;
            if (s.kind == ast::stmt_kind::add) {
                copy->items.push_back(make_node(v, fmt::format("{}[{}]", path, copy->items.size())));
            } else {
                std::vector<snap::node_ptr> kept;
                for (const auto& item : copy->items) {
                    value iv = value::from_node(*item, pl.snap);
                    bool same = rt::compare(iv, v, true) == rt::cmp_result::equal;
                    if (!same) kept.push_back(item);
                }
                copy->items = std::move(kept);
                for (std::size_t i = 0; i < copy->items.size(); ++i)
                    if (copy->items[i]->path != fmt::format("{}[{}]", path, i)) {
                        auto moved = std::make_shared<snap::node>(*copy->items[i]);
                        moved->path = fmt::format("{}[{}]", path, i);
                        copy->items[i] = moved;
                    }
            }
            return copy;
        });
    }
    if (!result) {
        skip(fmt::format("'{}' cannot be changed there", s.text));
        return;
    }
    w_.keep->push_back(st.root);
    st.root = result;
    ++state_version_;
    ++epoch_;
}

void evaluator::apply(const caction& a, std::vector<not_evaluated>& skipped) {
    if (!step_ || !w_.state) return;
    cur_file_ = a.file;
    steps_ = 0;
    ++epoch_;
    depth_ = 0;
    rule_ = nullptr;
    frame f(std::max<std::uint32_t>(a.frame_size, 1));
    for (const auto& s : a.body) exec(s, f, skipped);
}

void evaluator::run_rule(const crule& r, std::vector<finding>& out, std::vector<not_evaluated>& skipped) {
    rule_ = &r;
    skipped_sink_ = &skipped;
    cur_file_ = r.info.file;
    steps_ = 0;
    ++epoch_;
    depth_ = 0;
    if (r.info.scope == rule_scope::node) {
        for (auto m : w_.clusters[cluster_].members) {
            self_ = m;
            steps_ = 0;
            ++epoch_;
            frame f(std::max<std::uint32_t>(r.frame_size, 1));
            run_items(r, f, out, skipped);
        }
        self_ = rt::origin::none;
    } else if (r.info.scope == rule_scope::cluster) {
        self_ = rt::origin::none;
        frame f(std::max<std::uint32_t>(r.frame_size, 1));
        run_items(r, f, out, skipped);
    }
    rule_ = nullptr;
}

} // namespace kbl
