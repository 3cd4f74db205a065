// The parse tree to the AST: declarations (rule, def, table, schema, use, action), their items and
// the statements of actions.
#include <algorithm>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "common/diagnostic.hpp"
#include "parser/builder.hpp"
#include "parser/grammar.hpp"

namespace kbl::build {

namespace g = grammar;

namespace {

// Record the item `item` of rule `r`, which may be given once.
void once(ast::rule_decl& r, std::string_view item, const pt_node& c) {
    for (const auto& [name, p] : r.meta_pos)
        if (name == item)
            throw build_error(at(c), fmt::format("'{}' is given twice in rule '{}' (first at line {})", item, r.id, p.line));
    r.meta_pos.emplace_back(std::string(item), at(c));
}

// A def, table or action with its extent and its name (the first child).
template <typename Decl>
Decl named_decl(const pt_node& n) {
    Decl d;
    d.where = at(n);
    d.end = end_of(n);
    d.name = n.children.at(0)->string();
    d.name_pos = at(*n.children.at(0));
    return d;
}

} // namespace

void builder::declaration(const pt_node& n, ast::file& f) {
    if (n.is_type<g::rule_decl>()) f.rules.push_back(rule(n));
    else if (n.is_type<g::def_decl>()) f.defs.push_back(def(n));
    else if (n.is_type<g::table_decl>()) f.tables.push_back(table(n));
    else if (n.is_type<g::schema_decl>()) f.schemas.push_back(schema(n));
    else if (n.is_type<g::use_decl>()) f.uses.push_back(use(n));
    else if (n.is_type<g::action_decl>()) f.actions.push_back(action(n));
}

ast::rule_decl builder::rule(const pt_node& n) {
    ast::rule_decl r;
    r.where = at(n);
    r.end = end_of(n);
    r.source_text = n.string();
    const pt_node& id = *n.children.at(0);
    r.id = id.string();
    r.id_pos = at(id);
    for (std::size_t i = 1; i < n.children.size(); ++i) {
        const pt_node& c = *n.children[i];
        if (rule_meta(r, c)) continue;
        if (c.is_type<g::message_item>()) rule_message(r, c);
        else if (c.is_type<g::at_item>()) rule_at(r, c);
        else if (c.is_type<g::on_item>()) rule_trigger(r, c);
        else rule_body(r, c);
    }
    return r;
}

// title, severity, scope, ref, tags, doc and fix; false when `c` is another item.
bool builder::rule_meta(ast::rule_decl& r, const pt_node& c) {
    if (c.is_type<g::title_item>()) {
        once(r, "title", c);
        r.title = string_value(*find_child_string(c));
    } else if (c.is_type<g::severity_item>()) {
        once(r, "severity", c);
        r.severity = c.children.at(0)->string();
    } else if (c.is_type<g::scope_item>()) {
        once(r, "scope", c);
        r.scope = c.children.at(0)->string();
    } else if (c.is_type<g::ref_item>()) {
        once(r, "ref", c);
        rule_ref(r, c);
    } else if (c.is_type<g::tags_item>()) {
        if (std::none_of(r.meta_pos.begin(), r.meta_pos.end(), [](const auto& m) { return m.first == "tags"; }))
            r.meta_pos.emplace_back("tags", at(c));
        for (const auto& t : c.children) r.tags.push_back(string_value(*t));
    } else if (c.is_type<g::doc_item>()) {
        once(r, "doc", c);
        r.doc = string_value(*find_child_string(c));
    } else if (c.is_type<g::fix_item>()) {
        once(r, "fix", c);
        r.fix = tpl(*c.children.at(0));
    } else {
        return false;
    }
    return true;
}

// A `message` belongs to the last `require` before it, or to the rule when none precedes it.
// `ref`: an article and its section, a URL or a document title, each with an optional section. The
// URL or title takes the article's place (`ref_article`), so every form reads the same downstream.
void builder::rule_ref(ast::rule_decl& r, const pt_node& c) {
    const pt_node& first = *c.children.at(0);
    if (first.is_type<g::ref_article>()) {
        r.ref_article = first.string();
    } else {
        std::string doc = string_value(*first.children.at(0));
        const bool url = doc.rfind("http://", 0) == 0 || doc.rfind("https://", 0) == 0;
        if (url && doc.find_first_of(" \t") != std::string::npos)
            throw build_error(at(first), "a URL after 'ref' has no spaces; write a document title without 'http://'");
        if (!url && doc.find("://") != std::string::npos)
            throw build_error(at(first), "the URL after 'ref' must start with 'https://' or 'http://'");
        if (doc.find_first_not_of(" \t") == std::string::npos) throw build_error(at(first), "the document after 'ref' is empty");
        r.ref_article = std::move(doc);
    }
    r.ref_section = c.children.size() > 1 ? string_value(*c.children[1]->children.at(0)) : std::string();
}

void builder::rule_message(ast::rule_decl& r, const pt_node& c) {
    r.meta_pos.emplace_back("message", at(c));
    auto m = tpl(*c.children.at(0));
    ast::body_item* last_require = nullptr;
    for (auto& b : r.body)
        if (b.kind == ast::item_kind::require) last_require = &b;
    if (last_require && !last_require->message) {
        last_require->message = std::move(m);
    } else if (!last_require && !r.message) {
        r.message = std::move(m);
    } else {
        throw build_error(at(c), last_require
            ? fmt::format("this 'message' follows a 'require' that already has one in rule '{}'", r.id)
            : fmt::format("'message' is given twice before the first 'require' in rule '{}'", r.id));
    }
}

// `at EXPR`: where the finding of the preceding `require` points.
void builder::rule_at(ast::rule_decl& r, const pt_node& c) {
    ast::body_item* last_require = nullptr;
    for (auto& b : r.body)
        if (b.kind == ast::item_kind::require) last_require = &b;
    if (!last_require) throw build_error(at(c), fmt::format("'at' belongs to a 'require', and none comes before it in rule '{}'", r.id));
    if (last_require->at)
        throw build_error(at(c), fmt::format("this 'at' follows a 'require' that already has one in rule '{}'", r.id));
    last_require->at = expr(*c.children.at(0));
    last_require->at_pos = at(c);
}

void builder::rule_trigger(ast::rule_decl& r, const pt_node& c) {
    const pt_node& v = *c.children.at(0);
    ast::trigger t;
    t.where = at(c);
    if (v.is_type<g::on_before>() || v.is_type<g::on_after>()) {
        t.k = v.is_type<g::on_before>() ? ast::trigger::kind::before : ast::trigger::kind::after;
        for (const auto& a : v.children) t.actions.push_back(a->string());
    } else {
        t.k = v.is_type<g::on_final>() ? ast::trigger::kind::final : ast::trigger::kind::snapshot;
    }
    for (const auto& prev : r.triggers)
        if (prev.k == t.k && (t.k == ast::trigger::kind::final || t.k == ast::trigger::kind::snapshot))
            throw build_error(at(c), fmt::format("this 'on' is given twice in rule '{}'", r.id));
    r.triggers.push_back(std::move(t));
}

// `when`, `require` and `let`, in the order written (their order is their meaning).
void builder::rule_body(ast::rule_decl& r, const pt_node& c) {
    ast::body_item b;
    b.where = at(c);
    if (c.is_type<g::when_item>() || c.is_type<g::require_item>()) {
        b.kind = c.is_type<g::when_item>() ? ast::item_kind::when : ast::item_kind::require;
        b.e = expr(*c.children.at(0));
    } else if (c.is_type<g::let_item>()) {
        b.kind = ast::item_kind::let;
        b.name = c.children.at(0)->string();
        b.name_pos = at(*c.children.at(0));
        b.e = expr(*c.children.at(1));
    } else {
        return;
    }
    r.body.push_back(std::move(b));
}

ast::def_decl builder::def(const pt_node& n) {
    auto d = named_decl<ast::def_decl>(n);
    std::size_t body = 1;
    if (n.children.size() > 2 && n.children[1]->is_type<g::def_params>()) {
        d.has_params = true;
        for (const auto& p : n.children[1]->children) {
            const pt_node& pn = *p->children.at(0);
            for (const auto& q : d.params)
                if (q == pn.string())
                    throw build_error(at(pn), fmt::format("parameter '{}' is given twice in 'def {}'", q, d.name));
            d.params.push_back(pn.string());
            d.param_pos.push_back(at(pn));
            d.param_types.push_back(p->children.size() > 1 ? param_type(*p->children[1]) : ast::param_type{});
        }
        body = 2;
    }
    d.body = expr(*n.children.at(body));
    return d;
}

ast::table_decl builder::table(const pt_node& n) {
    auto t = named_decl<ast::table_decl>(n);
    for (std::size_t i = 1; i < n.children.size(); ++i) {
        ast::table_entry e = table_item(*n.children[i]);
        for (const auto& prev : t.entries) {
            bool same = prev.is_default == e.is_default && prev.int_key == e.int_key &&
                        (e.is_default || (e.int_key ? prev.i == e.i : prev.s == e.s));
            if (same)
                throw build_error(e.where, fmt::format("key {} is given twice in table '{}' (first at line {})",
                                                       e.is_default ? "'default'" : e.int_key ? std::to_string(e.i) : "'" + e.s + "'",
                                                       t.name, prev.where.line));
        }
        e.value = expr(*n.children[i]->children.at(1));
        t.entries.push_back(std::move(e));
    }
    return t;
}

// The key of a table entry: `default`, a string, or a decimal or hexadecimal integer.
ast::table_entry builder::table_item(const pt_node& en) {
    const pt_node& key = *en.children.at(0);
    ast::table_entry e;
    e.where = at(key);
    std::string_view kt = key.string_view();
    e.text = std::string(kt);
    if (kt == "default") {
        e.is_default = true;
    } else if (!key.children.empty() &&
               (key.children[0]->is_type<g::string_lit>() || key.children[0]->is_type<g::raw_string>())) {
        e.s = string_value(*key.children[0]);
    } else if (kt.size() > 2 && (kt[1] == 'x' || kt[1] == 'X')) {
        e.int_key = true;
        e.i = parse_integer(kt.substr(2), 16, e.where);
    } else {
        e.int_key = true;
        e.i = parse_integer(kt, 10, e.where);
    }
    return e;
}

std::vector<ast::path_seg> builder::schema_path(const pt_node& parent, std::size_t& i, std::string& text) {
    std::vector<ast::path_seg> segs;
    for (; i < parent.children.size(); ++i) {
        const pt_node& c = *parent.children[i];
        ast::path_seg s;
        if (c.is_type<g::schema_seg_first>()) {
            if (!segs.empty()) break;
            s.key = c.children.empty() ? c.string() : string_value(*c.children[0]);
            text += c.string();
        } else if (c.is_type<g::schema_member>()) {
            const pt_node& k = *c.children.at(0);
            if (k.string_view() == "*") s.k = ast::path_seg::kind::any_key;
            else s.key = k.children.empty() ? k.string() : string_value(*k.children[0]);
            text += c.string();
        } else if (c.is_type<g::schema_any_index>()) {
            s.k = ast::path_seg::kind::any_index;
            text += "[*]";
        } else {
            break;
        }
        segs.push_back(std::move(s));
    }
    return segs;
}

// A def parameter's written type: `node`, `list(node)` (snapshots) or a schema type.
ast::param_type builder::param_type(const pt_node& n) {
    ast::param_type t;
    t.where = at(n);
    auto is_node = [](const pt_node& x) { return x.is_type<g::type_name>() && x.string_view() == "node"; };
    if (is_node(n)) t.k = ast::param_type::kind::node;
    else if (n.is_type<g::type_list>() && n.children.size() == 1 && is_node(*n.children[0])) t.k = ast::param_type::kind::node_list;
    else t = {ast::param_type::kind::schema, type(n, true), at(n)};
    return t;
}

ast::type_ref builder::type(const pt_node& n, bool param) {
    ast::type_ref t;
    t.where = at(n);
    if (n.is_type<g::type_name>()) {
        static const std::vector<std::pair<std::string, ast::type_ref::kind>> names{
            {"string", ast::type_ref::kind::string}, {"int", ast::type_ref::kind::int_},
            {"float", ast::type_ref::kind::float_},  {"bool", ast::type_ref::kind::bool_},
            {"datetime", ast::type_ref::kind::datetime}, {"date", ast::type_ref::kind::date},
            {"time", ast::type_ref::kind::time},     {"table", ast::type_ref::kind::table},
            {"any", ast::type_ref::kind::any}};
        std::string s = n.string();
        for (const auto& [nm, k] : names)
            if (nm == s) {
                t.k = k;
                return t;
            }
        if (param && s == "node")
            throw build_error(at(n), "'node' is a parameter type of its own or in 'list(node)', never inside another type");
        std::vector<std::string> cands;
        for (const auto& p : names) cands.push_back(p.first);
        cands.push_back("list");
        cands.push_back("enum");
        if (param) cands.push_back("node");
        std::string m = closest_match(s, cands);
        throw build_error(at(n), m.empty() ? fmt::format("unknown type '{}'", s)
                                           : fmt::format("unknown type '{}', did you mean '{}'?", s, m));
    }
    if (n.is_type<g::type_list>()) {
        t.k = ast::type_ref::kind::list;
        if (!n.children.empty()) t.elem.push_back(type(*n.children[0], param));
        return t;
    }
    if (n.is_type<g::type_enum>()) {
        t.k = ast::type_ref::kind::enum_;
        for (const auto& c : n.children) t.enum_values.push_back(string_value(*c));
        return t;
    }
    if (n.is_type<g::type_expr>()) {  // a union
        for (const auto& c : n.children) t.alternatives.push_back(type(*c, param));
        return t;
    }
    throw build_error(at(n), "expected a type");
}

ast::schema_decl builder::schema(const pt_node& n) {
    ast::schema_decl s;
    s.where = at(n);
    s.end = end_of(n);
    for (const auto& cp : n.children) {
        const pt_node& c = *cp;
        if (c.is_type<g::strict_item>()) {
            if (s.strict) throw build_error(at(c), "'strict' is given twice in the schema");
            s.strict = true;
            s.strict_pos = at(c);
            continue;
        }
        if (c.is_type<g::step_arg_item>()) {
            s.step_args.push_back(arg(c));
            continue;
        }
        std::size_t i = 0;
        std::string text;
        auto path = schema_path(c, i, text);
        if (schema_slot(s, c, path)) continue;
        s.fields.push_back(field(c, std::move(path), std::move(text), i));
    }
    return s;
}

// node_id, cluster_id, taken_at, planned, runbook, step_action and step_node: each given once, a path of keys
// only. False when `c` is none of them (a field).
bool builder::schema_slot(ast::schema_decl& s, const pt_node& c, std::vector<ast::path_seg>& path) {
    std::optional<std::vector<ast::path_seg>>* slot = nullptr;
    pos* slot_pos = nullptr;
    const char* what = "";
    if (c.is_type<g::node_id_item>()) slot = &s.node_id, slot_pos = &s.node_id_pos, what = "node_id";
    else if (c.is_type<g::cluster_id_item>()) slot = &s.cluster_id, slot_pos = &s.cluster_id_pos, what = "cluster_id";
    else if (c.is_type<g::taken_at_item>()) slot = &s.taken_at, slot_pos = &s.taken_at_pos, what = "taken_at";
    else if (c.is_type<g::planned_item>()) slot = &s.planned, slot_pos = &s.planned_pos, what = "planned";
    else if (c.is_type<g::runbook_item>()) slot = &s.runbook, slot_pos = &s.runbook_pos, what = "runbook";
    else if (c.is_type<g::step_action_item>()) slot = &s.step_action, slot_pos = &s.step_action_pos, what = "step_action";
    else if (c.is_type<g::step_node_item>()) slot = &s.step_node, slot_pos = &s.step_node_pos, what = "step_node";
    if (!slot) return false;
    if (*slot) throw build_error(at(c), fmt::format("'{}' is given twice in the schema", what));
    for (const auto& seg : path)
        if (seg.k != ast::path_seg::kind::key)
            throw build_error(at(c), fmt::format("the path of '{}' must name keys only (no '*' or '[*]')", what));
    *slot = std::move(path);
    *slot_pos = at(c);
    return true;
}

// A field: its path (written as `text`), then from child `i` on its type and flags.
ast::field_decl builder::field(const pt_node& c, std::vector<ast::path_seg> path, std::string text, std::size_t i) {
    ast::field_decl f;
    f.where = at(c);
    f.path = std::move(path);
    f.path_text = std::move(text);
    f.type = type(*c.children.at(i++));
    for (; i < c.children.size(); ++i) {
        if (!c.children[i]->is_type<g::field_flag>()) {
            f.doc = string_value(*c.children[i]);  // the doc string, last
            break;
        }
        std::string_view flag = c.children[i]->string_view();
        if (flag == "required") f.required = true;
        else if (flag == "optional") f.optional = true;
        else f.nocase = true;
    }
    return f;
}

// `use "PATH"` or `use "PATH" as NAME`.
ast::use_decl builder::use(const pt_node& n) {
    ast::use_decl u;
    u.where = at(n);
    u.path = string_value(*find_child_string(n));
    for (const auto& c : n.children)
        if (c->is_type<g::use_alias>()) {
            u.alias = c->string();
            u.alias_pos = at(*c);
        }
    return u;
}

ast::action_decl builder::action(const pt_node& n) {
    auto a = named_decl<ast::action_decl>(n);
    for (std::size_t i = 1; i < n.children.size(); ++i) {
        const pt_node& c = *n.children[i];
        if (c.is_type<g::doc_item>()) {
            if (!a.doc.empty()) throw build_error(at(c), fmt::format("'doc' is given twice in action '{}'", a.name));
            a.doc = string_value(*find_child_string(c));
            continue;
        }
        if (c.is_type<g::arg_item>()) {
            a.args.push_back(arg(c));
            continue;
        }
        a.body.push_back(statement(c));
    }
    return a;
}

// `arg NAME TYPE [required]` / `step_arg NAME TYPE [required]`.
ast::arg_decl builder::arg(const pt_node& n) {
    ast::arg_decl a;
    a.where = at(n);
    a.name = n.children.at(0)->string();
    a.name_pos = at(*n.children.at(0));
    a.type = type(*n.children.at(1));
    a.required = n.children.size() > 2;
    return a;
}

ast::stmt builder::statement(const pt_node& c) {
    ast::stmt st;
    st.where = at(c);
    if (c.is_type<g::doc_item>()) throw build_error(at(c), "'doc' belongs at the top of an action, not inside a block");
    if (c.is_type<g::set_stmt>() || c.is_type<g::add_stmt>() || c.is_type<g::remove_stmt>()) {
        st.kind = c.is_type<g::set_stmt>() ? ast::stmt_kind::set : c.is_type<g::add_stmt>() ? ast::stmt_kind::add : ast::stmt_kind::remove;
        st.target = expr(*c.children.at(0));
        st.value = expr(*c.children.at(1));
    } else if (c.is_type<g::delete_stmt>()) {
        st.kind = ast::stmt_kind::del;
        st.target = expr(*c.children.at(0));
    } else if (c.is_type<g::let_stmt>()) {
        st.kind = ast::stmt_kind::let;
        st.name = c.children.at(0)->string();
        st.name_pos = at(*c.children.at(0));
        st.value = expr(*c.children.at(1));
    } else if (c.is_type<g::if_stmt>()) {
        st.kind = ast::stmt_kind::if_;
        st.value = expr(*c.children.at(0));
        for (std::size_t i = 1; i < c.children.size(); ++i) {
            const pt_node& k = *c.children[i];
            if (k.is_type<g::else_part>()) {
                for (const auto& e : k.children) st.else_body.push_back(statement(*e));
            } else {
                st.body.push_back(statement(k));
            }
        }
    } else if (c.is_type<g::for_stmt>()) {
        st.kind = ast::stmt_kind::for_;
        st.name = c.children.at(0)->string();
        st.name_pos = at(*c.children.at(0));
        st.value = expr(*c.children.at(1));
        std::size_t i = 2;
        if (i < c.children.size() && c.children[i]->is_type<g::for_where>()) st.where_ = expr(*c.children[i++]->children.at(0));
        for (; i < c.children.size(); ++i) st.body.push_back(statement(*c.children[i]));
    } else {
        throw build_error(at(c), fmt::format("unexpected '{}' in an action", c.type));
    }
    if (st.target) {
        using ek = ast::expr_kind;
        auto k = st.target->kind;
        if (k != ek::member && k != ek::index && k != ek::name)
            throw build_error(st.target->where, "the target of a statement must be a path such as 'target.services[name].state'");
    }
    return st;
}

} // namespace kbl::build
