// Actions: what a runbook step does to the simulated state, compiled statement by statement
// (compiler phase; see compile_internal.hpp).
#include <fmt/format.h>

#include "common/check_ids.hpp"
#include "checker/engine/compile_internal.hpp"

namespace kbl {

void compiler::compile_action(const ast::file& f, const ast::action_decl& a) {
    if (auto it = p_.actions.find(a.name); it != p_.actions.end()) {
        error(f.src, a.name_pos, fmt::format("action '{}' is declared twice", a.name), check_ids::duplicate_name,
              {diag_note{diag_note::kind::note, "first declared here", it->second->file, it->second->where}});
        return;
    }
    auto c = std::make_unique<caction>();
    c->name = a.name;
    c->doc = a.doc;
    c->file = f.src;
    c->where = a.name_pos;
    c->step_schema = step_schema(f, a);
    c->declares_args = !a.args.empty();
    compile_scope sc;
    sc.file = f.src;
    sc.has_step = true;
    if (c->declares_args) sc.step_sn = c->step_schema.get();
    sc.step_actions = fmt::format("action '{}'", a.name);
    for (const auto& st : a.body) c->body.push_back(statement(sc, st));
    c->frame_size = sc.max;
    p_.actions.emplace(a.name, std::move(c));
}

// The keys a step of action `a` may have: the step's action and node, the schema's `step_arg`s, the
// action's `arg`s (an `arg` may not repeat one of those).
std::unique_ptr<schema_node> compiler::step_schema(const ast::file& f, const ast::action_decl& a) {
    auto root = std::make_unique<schema_node>();
    auto add = [&](const ast::arg_decl& d, const source_ptr& file) {
        auto& slot = root->keys[d.name];
        if (slot) return false;
        slot = std::make_unique<schema_node>();
        slot->declared = true;
        slot->type = d.type;
        slot->required = d.required;
        slot->path = d.name;
        slot->file = file;
        slot->where = d.where;
        return true;
    };
    for (const auto* id : {&p_.step_action, &p_.step_node})
        if (*id && (*id)->size() == 1) {
            ast::arg_decl d;
            d.name = (*id)->front().key;
            d.where = p_.schema ? p_.schema->where : a.where;
            add(d, p_.schema ? p_.schema->file : f.src);
        }
    for (const auto& [d, file] : p_.step_args) add(d, file);
    for (const auto& d : a.args)
        if (!add(d, f.src)) {
            const schema_node& first = *root->keys[d.name];
            error(f.src, d.name_pos, fmt::format("argument '{}' of action '{}' is declared twice", d.name, a.name),
                  check_ids::duplicate_name, {diag_note{diag_note::kind::note, "first declared here", first.file, first.where}});
        }
    return root;
}

cstmt compiler::statement(compile_scope& sc, const ast::stmt& st) {
    cstmt c;
    c.kind = st.kind;
    c.where = st.where;
    if (st.target) statement_target(sc, st, c);
    switch (st.kind) {
    case ast::stmt_kind::set:
    case ast::stmt_kind::add:
    case ast::stmt_kind::remove:
    case ast::stmt_kind::del: break;  // the target and the value: statement_target
    case ast::stmt_kind::let:
        c.value = expr(sc, *st.value);
        lint_bound_name(sc, st.name, st.name_pos);
        c.slot = sc.take_slot();
        sc.vars.push_back({st.name, c.slot, last_type_, nullptr});
        break;
    case ast::stmt_kind::if_: if_statement(sc, st, c); break;
    case ast::stmt_kind::for_: for_statement(sc, st, c); break;
    }
    return c;
}

// The place a statement changes: a root expression, then keys and indexes computed at run time.
void compiler::statement_target(compile_scope& sc, const ast::stmt& st, cstmt& c) {
    std::vector<const ast::expr*> chain;
    const ast::expr* e = st.target.get();
    while (e->kind == ast::expr_kind::member || e->kind == ast::expr_kind::index) {
        chain.push_back(e);
        e = e->kids[0].get();
    }
    if (chain.empty())
        error(sc.file, st.target->where, "the target of a statement must be a path below a node, such as 'target.services[name].state'",
              "action");
    c.root = expr(sc, *e);
    const schema_node* sn = last_type_.base == sbase::table ? last_type_.sn : nullptr;
    c.text = source_slice(sc.file, st.target->where);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        cseg seg;
        if ((*it)->kind == ast::expr_kind::member) {
            seg.key = (*it)->text;
        } else {
            seg.is_index = true;
            seg.idx = expr(sc, *(*it)->kids[1]);
        }
        if (sn) sn = target_field(sc, **it, sn, seg.idx.get());
        c.segs.push_back(std::move(seg));
    }
    if (st.value && (st.kind == ast::stmt_kind::set || st.kind == ast::stmt_kind::add || st.kind == ast::stmt_kind::remove)) {
        c.value = expr(sc, *st.value);
        check_stored_value(sc, st, sn, *c.value, last_type_);
    }
}

// The schema position of one step of a statement's target below `sn` (null when the schema does
// not tell), with an error for a key the schema does not declare.
const schema_node* compiler::target_field(compile_scope& sc, const ast::expr& seg, const schema_node* sn, const cexpr* idx) {
    if (seg.kind != ast::expr_kind::member) {
        if (sn->any_index) return sn->any_index.get();
        if (idx && idx->op == cop::constant && idx->k.k == rt::vkind::string) return sn->child(idx->k.s);
        return sn->any_key.get();
    }
    if (const schema_node* child = sn->child(seg.text)) return child;
    if (!sn->is_any() && (!sn->keys.empty() || sn->any_key)) unknown_field(sc, seg.key_pos, sn, seg.text, false);
    return nullptr;
}

// The value a `set` stores (or an `add`/`remove` puts in or takes out of a list) against the type
// the schema declares at the target: its kind and, for an enum, its value.
void compiler::check_stored_value(compile_scope& sc, const ast::stmt& st, const schema_node* field, const cexpr& v,
                                  const stype& vt) {
    if (!field || !field->type || field->is_any()) return;
    stype ft = type_of_schema(field);
    if (st.kind != ast::stmt_kind::set) {
        if (ft.base != sbase::list) {
            error(sc.file, st.target->where,
                  fmt::format("'{}' needs a list, but '{}' is declared {}", st.kind == ast::stmt_kind::add ? "add" : "remove",
                              field->path, a_base(ft.base)),
                  check_ids::type_error);
            return;
        }
        if (!comparable(ft.elem, vt.base))
            error(sc.file, st.value->where,
                  fmt::format("cannot {} {} {} '{}', a list of {}", st.kind == ast::stmt_kind::add ? "add" : "remove",
                              a_base(vt.base), st.kind == ast::stmt_kind::add ? "to" : "from", field->path, base_name(ft.elem)),
                  check_ids::type_error);
        if (ft.elem_sn) check_enum(sc, type_of_schema(ft.elem_sn), v, st.value->where);
        return;
    }
    if (!comparable(ft.base, vt.base))
        error(sc.file, st.value->where,
              fmt::format("cannot set '{}', declared {}, to {}", field->path, a_base(ft.base), a_base(vt.base)),
              check_ids::type_error);
    check_enum(sc, ft, v, st.value->where);
}

void compiler::if_statement(compile_scope& sc, const ast::stmt& st, cstmt& c) {
    c.value = expr(sc, *st.value);
    check_condition(sc, *st.value, last_type_);
    lint_condition(sc, *st.value);
    std::size_t mark = sc.vars.size();
    for (const auto& b : st.body) c.body.push_back(statement(sc, b));
    sc.vars.resize(mark);
    for (const auto& b : st.else_body) c.else_body.push_back(statement(sc, b));
    sc.vars.resize(mark);
}

void compiler::for_statement(compile_scope& sc, const ast::stmt& st, cstmt& c) {
    c.value = expr(sc, *st.value);
    stype ct = last_type_;
    stype vt = element_type(ct);
    if (ct.base != sbase::unknown && ct.base != sbase::list && ct.base != sbase::table)
        error(sc.file, st.value->where, fmt::format("cannot iterate over {}", a_base(ct.base)), check_ids::type_error);
    lint_bound_name(sc, st.name, st.name_pos);
    c.slot = sc.take_slot();
    std::size_t mark = sc.vars.size();
    sc.vars.push_back({st.name, c.slot, vt, nullptr});
    if (st.where_) {
        c.where_ = expr(sc, *st.where_);
        check_condition(sc, *st.where_, last_type_);
        lint_condition(sc, *st.where_);
    }
    for (const auto& b : st.body) c.body.push_back(statement(sc, b));
    sc.vars.resize(mark);
}

} // namespace kbl
