// Rules: metadata, triggers, body items (`when`, `let`, `require`) and their message templates,
// and the rule's "applies when" text (compiler phase; see compile_internal.hpp).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "common/check_ids.hpp"
#include "checker/engine/compile_internal.hpp"
#include "parser/format.hpp"

namespace kbl {

namespace {

// The message of a require that has none: the rule's, else the first require's.
const ast::template_str* default_message(const ast::rule_decl& r) {
    const ast::template_str* m = r.message ? &*r.message : nullptr;
    for (const auto& b : r.body)
        if (!m && b.kind == ast::item_kind::require && b.message) m = &*b.message;
    return m;
}

// What the expressions of a rule can see: `self` in node scope, the step and the runbook when a
// trigger or the scope provides them.
compile_scope scope_of_rule(const ast::file& f, const crule& cr) {
    compile_scope sc;
    sc.file = f.src;
    sc.has_self = cr.info.scope == rule_scope::node;
    sc.has_steps = cr.info.scope == rule_scope::runbook ||
                   std::any_of(cr.triggers.begin(), cr.triggers.end(),
                               [](const ctrigger& t) { return t.k != ast::trigger::kind::snapshot; });
    sc.has_step = std::any_of(cr.triggers.begin(), cr.triggers.end(), [](const ctrigger& t) {
        return t.k == ast::trigger::kind::before || t.k == ast::trigger::kind::after;
    });
    return sc;
}

// "on the snapshots", "before each 'a' or 'b' step"... joined with "; ", then the `when`
// conditions joined with "and" (each in parentheses when it needs them).
std::string applies_text(const ast::rule_decl& r, const std::vector<std::string>& when_parts) {
    std::string when_text;
    for (const auto& w : when_parts) {
        bool wrap = when_parts.size() > 1 && (w.find(" or ") != std::string::npos || w.find(": ") != std::string::npos);
        when_text += (when_text.empty() ? "" : " and ") + (wrap ? "(" + w + ")" : w);
    }
    std::string on_text;
    for (const auto& t : r.triggers) {
        std::string one = t.k == ast::trigger::kind::final ? "on the final state of a runbook"
                          : t.k == ast::trigger::kind::snapshot ? "on the snapshots"
                          : fmt::format("{} each '{}' step", t.k == ast::trigger::kind::before ? "before" : "after",
                                        fmt::join(t.actions, "' or '"));
        on_text += (on_text.empty() ? "" : "; ") + one;
    }
    return on_text.empty() ? when_text : (when_text.empty() ? on_text : on_text + ", when " + when_text);
}

} // namespace

void compiler::compile_rule(const ast::file& f, const ast::rule_decl& r) {
    auto cr = std::make_unique<crule>();
    rule_metadata(f, r, cr->info);
    rule_triggers(f, r, *cr);
    rule_build b{f, r, *cr, scope_of_rule(f, *cr), default_message(r), {}, {}, {}};
    rule_step_args(*cr, b.sc);
    for (const auto& it : r.body) cr->body.push_back(rule_item(b, it));
    for (std::size_t i = 0; i < b.let_used.size(); ++i)
        if (!*b.let_used[i])
            warning(f.src, b.let_names[i].second, fmt::format("'{}' is bound by 'let' but never used", b.let_names[i].first),
                    check_ids::unused_let);
    cr->info.when_text = applies_text(r, b.when_parts);
    cr->frame_size = b.sc.max;
    p_.rules.push_back(std::move(cr));
}

void compiler::rule_metadata(const ast::file& f, const ast::rule_decl& r, rule_info& info) {
    info.id = r.id;
    info.file = f.src;
    info.where = r.id_pos;
    info.source_text = r.source_text;
    info.tags = r.tags;
    info.doc = r.doc;
    auto missing_meta = [&](std::string_view what) {
        error(f.src, r.id_pos, fmt::format("rule '{}' has no '{}'", r.id, what), check_ids::missing_metadata,
              {diag_note{diag_note::kind::help, fmt::format("add a '{}' line to the rule", what), nullptr, {}}});
    };
    if (!r.title) missing_meta("title");
    else info.title = *r.title;
    if (!r.severity) missing_meta("severity");
    else info.sev = *r.severity == "error" ? severity::error : *r.severity == "warning" ? severity::warning : severity::info;
    if (!r.scope) missing_meta("scope");
    else info.scope = *r.scope == "node" ? rule_scope::node : *r.scope == "cluster" ? rule_scope::cluster : rule_scope::runbook;
    if (!r.ref_article) missing_meta("ref");
    else info.ref = kb_ref{*r.ref_article, r.ref_section};
    if (!r.fix) missing_meta("fix");
    else info.fix = r.fix->raw;
    bool has_require = std::any_of(r.body.begin(), r.body.end(),
                                   [](const ast::body_item& b) { return b.kind == ast::item_kind::require; });
    if (!has_require) missing_meta("require");
    if (has_require && !default_message(r)) missing_meta("message");
}

void compiler::rule_triggers(const ast::file& f, const ast::rule_decl& r, crule& cr) {
    for (const auto& t : r.triggers) {
        ctrigger ct;
        ct.k = t.k;
        ct.actions = t.actions;
        if (cr.info.scope == rule_scope::runbook)
            error(f.src, t.where, "a rule of scope 'runbook' is evaluated once per runbook; 'on' does not apply to it", "trigger");
        for (const auto& a : t.actions)
            if (!p_.actions.count(a)) {
                std::vector<std::string> names;
                for (const auto& [n, x] : p_.actions) names.push_back(n);
                std::string m = closest_match(a, names);
                error(f.src, t.where,
                      fmt::format("unknown action '{}'{}", a, m.empty() ? std::string() : fmt::format(", did you mean '{}'?", m)),
                      check_ids::unknown_action);
            }
        cr.triggers.push_back(std::move(ct));
    }
    if (cr.triggers.empty()) cr.triggers.push_back({});
}

// What `step.X` may read in a rule run before or after steps: the arguments its actions declare
// (every key of one of them), unless one of them declares none.
void compiler::rule_step_args(const crule& cr, compile_scope& sc) {
    std::vector<const caction*> acts;
    std::string names;
    for (const auto& t : cr.triggers) {
        if (t.k != ast::trigger::kind::before && t.k != ast::trigger::kind::after) continue;
        for (const auto& a : t.actions) {
            auto it = p_.actions.find(a);
            if (it == p_.actions.end() || !it->second->declares_args) return;
            if (std::find(acts.begin(), acts.end(), it->second.get()) != acts.end()) continue;
            acts.push_back(it->second.get());
            names += fmt::format("{}'{}'", names.empty() ? "" : " or ", a);
        }
    }
    if (acts.empty()) return;
    sc.step_actions = fmt::format("{} {}", acts.size() == 1 ? "action" : "actions", names);
    if (acts.size() == 1) {
        sc.step_sn = acts[0]->step_schema.get();
        return;
    }
    auto all = std::make_unique<schema_node>();
    for (const caction* a : acts)
        for (const auto& [k, n] : a->step_schema->keys) {
            auto& slot = all->keys[k];
            if (slot) {
                if (slot->type && n->type && base_of(*slot->type) != base_of(*n->type)) slot->type.reset();
                continue;
            }
            slot = std::make_unique<schema_node>();
            slot->type = n->type;
            slot->declared = true;
            slot->path = n->path;
            slot->file = n->file;
            slot->where = n->where;
        }
    sc.step_sn = all.get();
    step_unions_.push_back(std::move(all));
}

citem compiler::rule_item(rule_build& b, const ast::body_item& it) {
    citem item;
    item.kind = it.kind;
    item.where = it.where;
    if (it.kind == ast::item_kind::let) rule_let(b, it, item);
    else rule_condition(b, it, item);
    return item;
}

void compiler::rule_let(rule_build& b, const ast::body_item& it, citem& item) {
    bool bound = false;
    for (const auto& v : b.sc.vars)
        if (v.name == it.name) {
            error(b.f.src, it.name_pos, fmt::format("'{}' is already bound in rule '{}'", it.name, b.r.id), check_ids::duplicate_name);
            bound = true;
        }
    item.e = expr(b.sc, *it.e);
    stype t = last_type_;
    lint_condition(b.sc, *it.e);
    if (!bound) lint_bound_name(b.sc, it.name, it.name_pos);
    item.slot = b.sc.take_slot();
    b.let_used.push_back(std::make_unique<bool>(false));
    b.sc.vars.push_back({it.name, item.slot, t, b.let_used.back().get()});
    b.let_names.emplace_back(it.name, it.name_pos);
}

// A `when` or a `require`.
void compiler::rule_condition(rule_build& b, const ast::body_item& it, citem& item) {
    item.e = expr(b.sc, *it.e);
    check_condition(b.sc, *it.e, last_type_);
    lint_condition(b.sc, *it.e);
    if (item.e->op == cop::constant && item.e->k.k == rt::vkind::boolean) {
        if (it.kind == ast::item_kind::when && !item.e->k.b)
            warning(b.f.src, it.e->where, "this rule never applies: the 'when' condition is always false",
                    check_ids::unreachable);
        if (it.kind == ast::item_kind::require && item.e->k.b)
            warning(b.f.src, it.e->where, "this requirement is always true, so it can never fail", check_ids::always_true);
    }
    if (it.kind == ast::item_kind::when) b.when_parts.push_back(expression_text(*it.e));  // one line, however written
    if (it.kind == ast::item_kind::require) require_templates(b, it, item);
}

// The message and fix of a requirement: they see the variables of its top-level quantifiers.
void compiler::require_templates(rule_build& b, const ast::body_item& it, citem& item) {
    std::size_t mark = b.sc.vars.size();
    const std::uint32_t next = b.sc.next;
    for (const cexpr* c = item.e.get(); c && c->op == cop::quant && (c->q == ast::quant::all || c->q == ast::quant::none);
         c = c->kids[2].get()) {
        b.sc.vars.push_back({c->key, c->slot, quant_var_types_[c], nullptr});
        // The failing element stays bound while the message and fix run: their own quantifiers
        // take slots past it.
        b.sc.next = std::max(b.sc.next, c->slot + 1);
    }
    const ast::template_str* m = it.message ? &*it.message : b.default_msg;
    if (m) {
        b.cr.templates.push_back(compile_template(b.sc, *m));
        item.message = b.cr.templates.back().get();
    }
    if (it.at) item.at = expr(b.sc, *it.at);
    if (b.r.fix) {
        b.cr.templates.push_back(compile_template(b.sc, *b.r.fix));
        item.fix = b.cr.templates.back().get();
        if (!b.cr.fix) b.cr.fix = item.fix;
    }
    b.sc.vars.resize(mark);
    b.sc.next = next;
}

std::unique_ptr<ctemplate> compiler::compile_template(compile_scope& sc, const ast::template_str& t) {
    auto c = std::make_unique<ctemplate>();
    for (const auto& p : t.parts) {
        ctemplate::part cp;
        cp.text = p.text;
        if (p.e) cp.e = expr(sc, *p.e);
        c->parts.push_back(std::move(cp));
    }
    return c;
}

// The rest of the line at `from`, without trailing blanks and a trailing comment.
std::string compiler::source_slice(const source_ptr& f, pos from) {
    std::string_view line = f->line_text(from.line);
    if (from.column > line.size() + 1) return {};
    std::string s(line.substr(from.column - 1));
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    if (auto h = s.find(" #"); h != std::string::npos) s = s.substr(0, h);
    return s;
}

} // namespace kbl
