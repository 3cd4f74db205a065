// Names and path steps: variables, `self` and the other context names, defs and tables used as
// values, keys of the snapshot, and `.key`, `.*`, `[i]`, `[*]`, `?` after them, checked against
// the schema (compiler phase; see compile_internal.hpp).
#include <fmt/format.h>

#include "common/check_ids.hpp"
#include "checker/engine/compile_internal.hpp"

namespace kbl {

const compile_var* compiler::lookup(compile_scope& sc, const std::string& name) {
    for (auto it = sc.vars.rbegin(); it != sc.vars.rend(); ++it)
        if (it->name == name) {
            if (it->used) *it->used = true;
            return &*it;
        }
    return nullptr;
}

cexpr_ptr compiler::name(compile_scope& sc, const ast::expr& e) {
    if (const compile_var* v = lookup(sc, e.text)) {
        auto c = make(cop::var, e.where);
        c->slot = v->slot;
        c->key = e.text;
        last_type_ = v->type;
        return c;
    }
    if (cexpr_ptr c = context_name(sc, e)) return c;
    if (cdef* d = find_def(sc.file, e.text)) return def_name(sc, e, *d);
    if (const ctable* t = find_table(sc.file, e.text)) return table_name(e, *t);
    return root_key(sc, e);
}

// `self`, `step`, `step_index`, `target`, `steps`, `runbook` and `nodes` where the scope has them;
// null for any other name.
cexpr_ptr compiler::context_name(compile_scope& sc, const ast::expr& e) {
    if (e.text == "self") {
        if (!sc.has_self)
            error(sc.file, e.where, "'self' is only available in rules of scope 'node' (and in 'def' bodies they call)",
                  check_ids::unknown_name);
        last_type_ = node_type(p_.schema.get());
        return make(cop::self, e.where);
    }
    if ((e.text == "step" || e.text == "step_index" || e.text == "target") && (sc.has_step || sc.in_def)) {
        cop op = e.text == "step" ? cop::step : e.text == "step_index" ? cop::step_index : cop::target;
        last_type_ = op == cop::step_index ? stype{sbase::integer}
                     : op == cop::target   ? node_type(p_.schema.get())
                                           : stype{sbase::table, sc.step_sn};
        return make(op, e.where);
    }
    if ((e.text == "steps" || e.text == "runbook") && (sc.has_steps || sc.in_def)) {
        last_type_ = e.text == "steps" ? stype{sbase::list} : stype{sbase::table};
        if (e.text == "steps") last_type_.elem = sbase::table;
        return make(e.text == "steps" ? cop::steps : cop::runbook, e.where);
    }
    if (e.text == "nodes") {
        last_type_ = {sbase::list};
        last_type_.elem = sbase::table;
        last_type_.elem_sn = p_.schema.get();
        last_type_.elem_is_node = true;
        return make(cop::nodes, e.where);
    }
    return nullptr;
}

// A def named without arguments: a constant when its body is one.
cexpr_ptr compiler::def_name(compile_scope& sc, const ast::expr& e, cdef& d) {
    if (d.has_params)
        error(sc.file, e.where, fmt::format("'{}' is a function of {} parameter{}; call it as '{}(...)'", d.name,
                                            d.params, d.params == 1 ? "" : "s", d.name),
              check_ids::arity);
    note_def_call(d, {});
    last_type_ = {};
    if (d.compiled && d.body && d.body->op == cop::constant) return constant(d.body->k, e.where);
    auto c = make(cop::call, e.where);
    c->def = &d;
    c->key = d.name;
    return c;
}

// A table used as a value (`t[k]` is compiled by index_step).
cexpr_ptr compiler::table_name(const ast::expr& e, const ctable& t) {
    used_tables_.insert(&t);
    rt::value v;
    v.k = rt::vkind::table;
    v.node = t.entries.get();
    v.hold = t.entries;
    last_type_ = {sbase::table};
    auto c = constant(std::move(v), e.where);
    c->table = &t;
    return c;
}

// A key of the snapshot under evaluation (an error where there is no snapshot: cluster scope).
cexpr_ptr compiler::root_key(compile_scope& sc, const ast::expr& e) {
    last_type_ = {};
    if (context_unavailable(sc, e)) return constant(rt::value{}, e.where);
    if (!sc.has_self) {
        std::vector<std::string> cands;
        for (const auto& v : sc.vars) cands.push_back(v.name);
        for (auto& n : visible_names(sc.file, true, true)) cands.push_back(std::move(n));
        cands.push_back("nodes");
        std::string m = closest_match(e.text, cands);
        error(sc.file, e.where,
              fmt::format("unknown name '{}'{}; in a rule of scope 'cluster' snapshot fields are read through a node, "
                          "for example 'all n in nodes: n.{}'",
                          e.text, m.empty() ? "" : fmt::format(" (did you mean '{}'?)", m), e.text),
              check_ids::unknown_name);
        return constant(rt::value{}, e.where);
    }
    auto c = make(cop::root_key, e.where);
    c->key = e.text;
    c->text = e.text;
    if (p_.schema) {
        const schema_node* sn = p_.schema->child(e.text);
        if (!sn) unknown_field(sc, e.where, p_.schema.get(), e.text, true);
        last_type_ = type_of_schema(sn);
    }
    return c;
}

// True, after an error that says where it can be used, for a context name (`step`, `runbook`...)
// read where the scope does not have it and the snapshot cannot hold it.
bool compiler::context_unavailable(const compile_scope& sc, const ast::expr& e) {
    const bool of_step = e.text == "step" || e.text == "step_index" || e.text == "target";
    if (!of_step && e.text != "steps" && e.text != "runbook") return false;
    if (sc.has_self && (!p_.schema || p_.schema->child(e.text))) return false;
    error(sc.file, e.where,
          of_step ? fmt::format("'{}' is only available in action bodies and in rules with 'on before ACTION' or 'on after "
                                "ACTION' (and in the defs they call); this expression is evaluated on the snapshots",
                                e.text)
                  : fmt::format("'{}' is only available in rules of scope 'runbook' and in rules with an 'on' trigger (and "
                                "in the defs they call)",
                                e.text),
          check_ids::unknown_name);
    return true;
}

// `step.KEY` where the step's actions declare their arguments and none is KEY (the key of the step's
// action or node in the schema's `step_action`/`step_node` is always there).
void compiler::unknown_step_arg(const compile_scope& sc, const ast::expr& e) {
    for (const auto* id : {&p_.step_action, &p_.step_node})
        if (*id && !(*id)->empty() && (*id)->front().key == e.text) return;
    std::vector<std::string> cands;
    for (const auto& [k, n] : sc.step_sn->keys) cands.push_back(k);
    std::string m = closest_match(e.text, cands);
    error(sc.file, e.key_pos,
          fmt::format("'{}' is not an argument of {}{}", e.text, sc.step_actions,
                      m.empty() ? "" : fmt::format(", did you mean '{}'?", m)),
          check_ids::unknown_path);
}

// Report an unknown path segment below `sn` (at the root, the names in scope are candidates too).
void compiler::unknown_field(const compile_scope& sc, pos where, const schema_node* sn, const std::string& key, bool root) {
    std::vector<std::string> cands;
    for (const auto& [k, n] : sn->keys) cands.push_back(k);
    if (root)
        for (const auto& v : sc.vars) cands.push_back(v.name);
    std::string m = closest_match(key, cands);
    std::string where_text = root ? "the snapshot" : fmt::format("'{}'", sn->path);
    std::string msg = fmt::format("unknown {} '{}' in {}", root ? "name or snapshot field" : "field", key, where_text);
    if (!m.empty()) msg += fmt::format(", did you mean '{}'?", m);
    error(sc.file, where, msg, check_ids::unknown_path);
}

cexpr_ptr compiler::path_step(compile_scope& sc, const ast::expr& e) {
    using ek = ast::expr_kind;
    if (e.kind == ek::member)
        if (cexpr_ptr q = qualified_name(sc, e)) return q;
    cexpr_ptr base = expr(sc, *e.kids[0]);
    stype bt = last_type_;
    std::string btext = base->text.empty() ? (base->op == cop::var || base->op == cop::root_key ? base->key : "") : base->text;
    if (base->op == cop::self) btext = "self";
    if (base->op == cop::nodes) btext = "nodes";
    switch (e.kind) {
    case ek::member: return member_step(sc, e, std::move(base), bt, btext);
    case ek::member_star:
    case ek::index_star: return star_step(sc, e, std::move(base), bt, btext);
    case ek::index: return index_step(sc, e, std::move(base), bt, btext);
    default: break;
    }
    // `?`: the value of its base, whose missing elements are dropped.
    auto c = make(cop::optional, e.where);
    c->text = btext;
    last_type_ = bt;
    c->kids.push_back(std::move(base));
    return c;
}

// `.key`
cexpr_ptr compiler::member_step(compile_scope& sc, const ast::expr& e, cexpr_ptr base, const stype& bt,
                                const std::string& btext) {
    auto c = make(cop::member, e.where);
    c->key = e.text;
    c->text = btext.empty() ? e.text : btext + "." + (e.quoted ? "\"" + e.text + "\"" : e.text);
    member_type(sc, e, *base, bt);
    if (is_spread(*base)) c->text = btext + "." + e.text;
    c->kids.push_back(std::move(base));
    return c;
}

// The static type of `.key` on `base` (of type `bt`), with the schema's unknown-field errors.
void compiler::member_type(compile_scope& sc, const ast::expr& e, const cexpr& base, const stype& bt) {
    last_type_ = {};
    if (base.op == cop::step && sc.step_sn) {
        if (const schema_node* arg = sc.step_sn->child(e.text)) last_type_ = type_of_schema(arg);
        else unknown_step_arg(sc, e);
        return;
    }
    const schema_node* sn = bt.base == sbase::list && bt.elem_sn ? nullptr : bt.sn;
    if (bt.base == sbase::table && sn) {
        const schema_node* child = sn->child(e.text);
        if (!child) {
            if (!sn->is_any() && (!sn->keys.empty() || sn->any_key)) unknown_field(sc, e.key_pos, sn, e.text, false);
        } else {
            last_type_ = type_of_schema(child);
        }
    } else if (bt.base != sbase::unknown && bt.base != sbase::table && !(bt.base == sbase::list && base.op == cop::member_star) &&
               !is_spread(base)) {
        error(sc.file, e.key_pos, fmt::format("cannot read key '{}' of {}", e.text, a_base(bt.base)), check_ids::type_error);
    } else if (is_spread(base) && bt.elem_sn) {
        const schema_node* child = bt.elem_sn->child(e.text);
        stype r;
        r.base = sbase::list;
        if (child) {
            stype ct = type_of_schema(child);
            r.elem = ct.base;
            r.elem_sn = child;
        } else if (!bt.elem_sn->is_any() && (!bt.elem_sn->keys.empty() || bt.elem_sn->any_key)) {
            unknown_field(sc, e.key_pos, bt.elem_sn, e.text, false);
        }
        last_type_ = r;
    }
}

// `.*` (the values of a table) and `[*]` (the elements of a list): a list that later steps map over.
cexpr_ptr compiler::star_step(compile_scope& sc, const ast::expr& e, cexpr_ptr base, const stype& bt,
                              const std::string& btext) {
    const bool values = e.kind == ast::expr_kind::member_star;
    auto c = make(values ? cop::member_star : cop::index_star, e.where);
    c->text = btext + (values ? ".*" : "[*]");
    stype r;
    r.base = sbase::list;
    if (values) {
        if (bt.sn && bt.sn->any_key) {
            r.elem_sn = bt.sn->any_key.get();
            r.elem = type_of_schema(r.elem_sn).base;
        }
        if (bt.base != sbase::unknown && bt.base != sbase::table)
            error(sc.file, e.where, fmt::format("'.*' needs a table, but this is a {}", base_name(bt.base)), check_ids::type_error);
    } else {
        r.elem = bt.elem;
        r.elem_sn = bt.elem_sn;
        // `a[*].b[*]`: the lists `b` of every `a`, flattened into their elements.
        if (is_spread(*base) && bt.elem == sbase::list) {
            stype inner = type_of_schema(bt.elem_sn);
            r.elem = inner.elem;
            r.elem_sn = inner.elem_sn;
        }
        if (bt.base != sbase::unknown && bt.base != sbase::list)
            error(sc.file, e.where, fmt::format("'[*]' needs a list, but this is a {}", base_name(bt.base)), check_ids::type_error);
    }
    last_type_ = r;
    c->kids.push_back(std::move(base));
    return c;
}

// `[i]`: an element of a list, a key of a table, or an entry of a pack's table (`table_lookup`).
cexpr_ptr compiler::index_step(compile_scope& sc, const ast::expr& e, cexpr_ptr base, const stype& bt,
                               const std::string& btext) {
    auto c = make(cop::index, e.where);
    cexpr_ptr idx = expr(sc, *e.kids[1]);
    stype it = last_type_;
    if (base->op == cop::constant && base->table) {
        c->op = cop::table_lookup;
        c->table = base->table;
        c->text = base->table->name + "[...]";
        c->kids.push_back(std::move(idx));
        last_type_ = {};
        return c;
    }
    c->text = btext + "[...]";
    last_type_ = {};
    if (bt.base == sbase::list) {
        if (it.base != sbase::unknown && it.base != sbase::integer)
            error(sc.file, e.kids[1]->where, fmt::format("a list index must be an int, not a {}", base_name(it.base)), check_ids::type_error);
        last_type_ = type_of_schema(bt.elem_sn);
        if (!bt.elem_sn) last_type_.base = bt.elem;
        if (bt.elem_is_node) {
            last_type_.is_node = true;
            last_type_.base = sbase::table;
        }
    } else if (bt.base == sbase::table && bt.sn && idx->op == cop::constant && idx->k.k == rt::vkind::string) {
        last_type_ = type_of_schema(bt.sn->child(idx->k.s));
    } else if (bt.base != sbase::unknown && bt.base != sbase::table) {
        error(sc.file, e.where, fmt::format("cannot index a {}", base_name(bt.base)), check_ids::type_error);
    }
    c->kids.push_back(std::move(base));
    c->kids.push_back(std::move(idx));
    return c;
}

bool compiler::is_spread(const cexpr& c) {
    if (c.op == cop::member_star || c.op == cop::index_star) return true;
    if ((c.op == cop::member || c.op == cop::optional) && !c.kids.empty()) return is_spread(*c.kids[0]);
    return false;
}

} // namespace kbl
