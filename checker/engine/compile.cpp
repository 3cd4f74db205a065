#include "checker/engine/compile.hpp"
#include "common/text.hpp"
#include "common/check_ids.hpp"
// Static checking and compilation of parsed rule files into a pack.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include "common/fs.hpp"
#include "parser/parse.hpp"
#include "checker/engine/pack.hpp"

namespace kbl {

const schema_node* schema_node::child(std::string_view k) const {
    if (auto it = keys.find(std::string(k)); it != keys.end()) return it->second.get();
    if (nocase)
        for (const auto& [name, n] : keys)
            if (rt::ascii_lower(name) == rt::ascii_lower(k)) return n.get();
    return any_key.get();
}

bool schema_node::is_any() const {
    if (!type) return false;
    if (type->k == ast::type_ref::kind::any && type->alternatives.empty()) return true;
    return std::any_of(type->alternatives.begin(), type->alternatives.end(),
                       [](const ast::type_ref& t) { return t.k == ast::type_ref::kind::any; });
}

namespace {

// Static types: what the compiler knows about an expression's value.
enum class sbase : std::uint8_t { unknown, boolean, integer, floating, string, datetime, list, table };

struct stype {
    sbase base = sbase::unknown;
    const schema_node* sn = nullptr;       ///< schema position (tables, fields)
    sbase elem = sbase::unknown;           ///< list element base
    const schema_node* elem_sn = nullptr;  ///< list element schema position
    bool elem_is_node = false;             ///< list of snapshots (`nodes`)
    bool is_node = false;                  ///< a snapshot root (bound from `nodes`)
};

std::string_view base_name(sbase b) {
    switch (b) {
    case sbase::unknown: return "value";
    case sbase::boolean: return "bool";
    case sbase::integer: return "int";
    case sbase::floating: return "float";
    case sbase::string: return "string";
    case sbase::datetime: return "datetime";
    case sbase::list: return "list";
    case sbase::table: return "table";
    }
    return "value";
}

sbase base_of(const ast::type_ref& t) {
    if (!t.alternatives.empty()) return sbase::unknown;
    switch (t.k) {
    case ast::type_ref::kind::string:
    case ast::type_ref::kind::enum_: return sbase::string;
    case ast::type_ref::kind::int_: return sbase::integer;
    case ast::type_ref::kind::float_: return sbase::floating;
    case ast::type_ref::kind::bool_: return sbase::boolean;
    case ast::type_ref::kind::datetime:
    case ast::type_ref::kind::date:
    case ast::type_ref::kind::time: return sbase::datetime;
    case ast::type_ref::kind::table: return sbase::table;
    case ast::type_ref::kind::list: return sbase::list;
    case ast::type_ref::kind::any: return sbase::unknown;
    }
    return sbase::unknown;
}

stype type_of_schema(const schema_node* sn) {
    stype t;
    t.sn = sn;
    if (!sn) return t;
    if (sn->type) {
        t.base = base_of(*sn->type);
        if (t.base == sbase::list) {
            t.elem_sn = sn->any_index.get();
            if (!sn->type->elem.empty()) t.elem = base_of(sn->type->elem[0]);
            else if (t.elem_sn) t.elem = type_of_schema(t.elem_sn).base;
        }
    } else if (!sn->keys.empty() || sn->any_key) {
        t.base = sbase::table;
    } else if (sn->any_index) {
        t.base = sbase::list;
        t.elem_sn = sn->any_index.get();
        t.elem = type_of_schema(t.elem_sn).base;
    }
    return t;
}

// "an int", "a string"...
std::string a_base(sbase b) {
    std::string_view n = base_name(b);
    return fmt::format("{} {}", n == "int" ? "an" : "a", n);
}

bool comparable(sbase a, sbase b) {
    if (a == sbase::unknown || b == sbase::unknown) return true;
    auto num = [](sbase x) { return x == sbase::integer || x == sbase::floating; };
    if (num(a) && num(b)) return true;
    return a == b;
}

struct builtin_sig {
    const char* name;
    builtin fn;
    std::uint8_t min_args, max_args;
    sbase ret;
};

const builtin_sig builtins[] = {
    {"lower", builtin::lower, 1, 1, sbase::unknown},       {"upper", builtin::upper, 1, 1, sbase::unknown},
    {"trim", builtin::trim, 1, 1, sbase::unknown},         {"len", builtin::len, 1, 1, sbase::integer},
    {"count", builtin::count, 1, 1, sbase::integer},       {"starts_with", builtin::starts_with, 2, 2, sbase::boolean},
    {"ends_with", builtin::ends_with, 2, 2, sbase::boolean}, {"replace", builtin::replace, 3, 3, sbase::string},
    {"split", builtin::split, 2, 2, sbase::list},          {"join", builtin::join, 2, 2, sbase::string},
    {"substr", builtin::substr, 2, 3, sbase::string},      {"hex", builtin::hex, 1, 1, sbase::string},
    {"int", builtin::to_int, 1, 1, sbase::integer},        {"parse_int", builtin::parse_int, 2, 2, sbase::integer},
    {"u32", builtin::u32, 1, 1, sbase::integer},           {"capture", builtin::capture, 2, 2, sbase::string},
    {"type", builtin::type, 1, 1, sbase::string},          {"keys", builtin::keys, 1, 1, sbase::list},
    {"values", builtin::values, 1, 1, sbase::list},        {"key", builtin::key, 1, 1, sbase::string},
    {"exists", builtin::exists, 1, 1, sbase::boolean},     {"default", builtin::default_, 2, 2, sbase::unknown},
    {"other", builtin::other, 1, 1, sbase::table},         {"others", builtin::others, 1, 1, sbase::list},
    {"schema_violations", builtin::schema_violations, 0, 0, sbase::list},
    {"unique", builtin::unique, 1, 1, sbase::list},        {"sort", builtin::sort, 1, 1, sbase::list},
    {"step_index", builtin::step_index_of, 1, 1, sbase::integer}, {"node_of", builtin::node_of, 1, 1, sbase::table},
    {"is_action", builtin::is_action, 1, 1, sbase::boolean}, {"actions", builtin::actions, 0, 0, sbase::list},
    {"trigger", builtin::trigger, 0, 0, sbase::string},     {"str", builtin::str, 1, 1, sbase::string},
};

const builtin_sig* find_builtin(std::string_view name) {
    for (const auto& b : builtins)
        if (name == b.name) return &b;
    return nullptr;
}

// Canonical text of a date/date-time literal, as the snapshot loader writes it.
std::string canonical_date(const std::string& text) {
    std::string t = text;
    for (auto& c : t)
        if (c == 't') c = 'T';
        else if (c == 'z') c = 'Z';
    auto tpos = t.find('T');
    if (tpos == std::string::npos) return t;
    std::string date = t.substr(0, tpos);
    std::string rest = t.substr(tpos + 1);
    std::string time = rest.substr(0, 8);
    std::string frac;
    std::size_t i = 8;
    if (i < rest.size() && rest[i] == '.') {
        std::size_t j = i + 1;
        while (j < rest.size() && std::isdigit(static_cast<unsigned char>(rest[j]))) ++j;
        frac = rest.substr(i, j - i);
        while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
        if (frac == ".") frac.clear();
        i = j;
    }
    std::string tz = rest.substr(i);
    if (tz.empty()) return date + "T" + time + frac;
    int y = std::stoi(date.substr(0, 4)), mo = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
    int h = std::stoi(time.substr(0, 2)), mi = std::stoi(time.substr(3, 2));
    int s = std::stoi(time.substr(6, 2));
    if (tz != "Z") {
        int sign = tz[0] == '-' ? -1 : 1;
        int oh = std::stoi(tz.substr(1, 2)), om = std::stoi(tz.substr(4, 2));
        long total = (((static_cast<long>(h) * 60) + mi) - sign * (oh * 60 + om));
        std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
        while (total < 0) {
            total += 1440;
            --days;
        }
        while (total >= 1440) {
            total -= 1440;
            ++days;
        }
        h = static_cast<int>(total / 60);
        mi = static_cast<int>(total % 60);
        const civil_date c = civil_from_days(days);
        y = static_cast<int>(c.year);
        mo = static_cast<int>(c.month);
        d = static_cast<int>(c.day);
    }
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z", y, mo, d, h, mi, s, frac);
}

class compiler {
public:
    compiler(pack& p, diagnostics& diags) : p_(p), diags_(diags) {}

    void error(const source_ptr& f, pos where, std::string msg, std::string id, std::vector<diag_note> notes = {}) {
        diagnostic d;
        d.severity = diag_severity::error;
        d.file = f;
        d.where = where;
        d.message = std::move(msg);
        d.check_id = std::move(id);
        d.notes = std::move(notes);
        diags_.push_back(std::move(d));
    }
    void warning(const source_ptr& f, pos where, std::string msg, std::string id) {
        diagnostic d;
        d.severity = diag_severity::warning;
        d.file = f;
        d.where = where;
        d.message = std::move(msg);
        d.check_id = std::move(id);
        diags_.push_back(std::move(d));
    }

    void run() {
        collect();
        build_schema();
        for (auto& [name, t] : p_.tables) compile_table(*t);
        for (auto& [name, d] : p_.defs) compile_def(*d);
        for (const auto& f : p_.asts)
            for (const auto& a : f.actions) compile_action(f, a);
        for (const auto& f : p_.asts)
            for (const auto& r : f.rules) compile_rule(f, r);
        std::sort(p_.rules.begin(), p_.rules.end(),
                  [](const auto& a, const auto& b) { return a->info.id < b->info.id; });
    }

private:
    struct var {
        std::string name;
        std::uint32_t slot;
        stype type;
        bool* used = nullptr;
    };

    struct scope {
        source_ptr file;
        bool has_self = false;     // node-scope rule or def body
        bool in_def = false;
        bool has_step = false;     // step, step_index, target (actions, before/after rules)
        bool has_steps = false;    // steps, runbook (rules of scope runbook)
        std::vector<var> vars;
        std::uint32_t next = 0, max = 0;
    };

    // ---- Collection of global names, duplicates with both locations ----
    void collect() {
        std::map<std::string, std::pair<source_ptr, pos>> rule_ids;
        std::map<std::string, std::pair<source_ptr, pos>> globals;
        for (const auto& f : p_.asts) {
            for (const auto& r : f.rules) {
                auto [it, fresh] = rule_ids.emplace(r.id, std::make_pair(f.src, r.id_pos));
                if (!fresh)
                    error(f.src, r.id_pos, fmt::format("duplicate rule id '{}'", r.id), check_ids::duplicate_rule,
                          {diag_note{diag_note::kind::note, "first defined here", it->second.first, it->second.second}});
            }
            auto global = [&](const std::string& name, pos where, std::string_view what) {
                if (find_builtin(name) || name == "self" || name == "nodes") {
                    error(f.src, where, fmt::format("'{}' is a built-in name; choose another name for this {}", name, what),
                          check_ids::duplicate_name);
                    return false;
                }
                auto [it, fresh] = globals.emplace(name, std::make_pair(f.src, where));
                if (!fresh) {
                    error(f.src, where, fmt::format("'{}' is defined twice", name), check_ids::duplicate_name,
                          {diag_note{diag_note::kind::note, "first defined here", it->second.first, it->second.second}});
                    return false;
                }
                return true;
            };
            for (const auto& d : f.defs) {
                if (!global(d.name, d.name_pos, "definition")) continue;
                auto c = std::make_unique<cdef>();
                c->name = d.name;
                c->params = static_cast<std::uint32_t>(d.params.size());
                c->has_params = d.has_params;
                c->file = f.src;
                c->where = d.name_pos;
                c->decl = &d;
                p_.defs.emplace(d.name, std::move(c));
            }
            for (const auto& t : f.tables) {
                if (!global(t.name, t.name_pos, "table")) continue;
                auto c = std::make_unique<ctable>();
                c->name = t.name;
                c->file = f.src;
                c->where = t.name_pos;
                table_asts_.emplace(t.name, &t);
                p_.tables.emplace(t.name, std::move(c));
            }
        }
    }

    // ---- Schema ----
    void build_schema() {
        for (const auto& f : p_.asts) {
            for (const auto& s : f.schemas) {
                if (!p_.schema) {
                    p_.schema = std::make_unique<schema_node>();
                    p_.schema->file = f.src;
                    p_.schema->where = s.where;
                }
                p_.schema_strict = p_.schema_strict || s.strict;
                auto set_id = [&](const std::optional<std::vector<ast::path_seg>>& src, pos where,
                                  std::optional<std::vector<ast::path_seg>>& dst, std::string_view what) {
                    if (!src) return;
                    if (dst) {
                        error(f.src, where, fmt::format("'{}' is given in more than one schema block", what), check_ids::schema);
                        return;
                    }
                    dst = src;
                };
                set_id(s.node_id, s.node_id_pos, p_.node_id, "node_id");
                set_id(s.cluster_id, s.cluster_id_pos, p_.cluster_id, "cluster_id");
                set_id(s.planned, s.planned_pos, p_.planned, "planned");
                set_id(s.runbook, s.runbook_pos, p_.runbook, "runbook");
                set_id(s.step_action, s.step_action_pos, p_.step_action, "step_action");
                set_id(s.step_node, s.step_node_pos, p_.step_node, "step_node");
                for (const auto& fd : s.fields) {
                    schema_node* n = p_.schema.get();
                    std::string path;
                    for (const auto& seg : fd.path) {
                        std::unique_ptr<schema_node>* slot = nullptr;
                        if (seg.k == ast::path_seg::kind::key) {
                            slot = &n->keys[seg.key];
                            path += (path.empty() ? "" : ".") + seg.key;
                        } else if (seg.k == ast::path_seg::kind::any_key) {
                            slot = &n->any_key;
                            path += ".*";
                        } else {
                            slot = &n->any_index;
                            path += "[*]";
                        }
                        if (!*slot) {
                            *slot = std::make_unique<schema_node>();
                            (*slot)->path = path;
                        }
                        n = slot->get();
                    }
                    if (n->declared) {
                        error(f.src, fd.where, fmt::format("field '{}' is declared twice in the schema", fd.path_text),
                              check_ids::schema,
                              {diag_note{diag_note::kind::note, "first declared here", n->file, n->where}});
                        continue;
                    }
                    n->declared = true;
                    n->type = fd.type;
                    n->required = fd.required;
                    n->optional = fd.optional;
                    n->nocase = fd.nocase;
                    n->file = f.src;
                    n->where = fd.where;
                    if (fd.nocase) {
                        bool table_like = fd.type.alternatives.empty() &&
                                          (fd.type.k == ast::type_ref::kind::table || fd.type.k == ast::type_ref::kind::any);
                        if (!table_like)
                            error(f.src, fd.where, fmt::format("'nocase' applies to tables only, and '{}' is not a table", fd.path_text),
                                  check_ids::schema);
                        else
                            p_.ci_tables.push_back(fd.path_text);
                    }
                }
            }
        }
    }

    // Report an unknown path segment below `sn`.
    void unknown_field(const scope& sc, pos where, const schema_node* sn, const std::string& key, bool root) {
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

    // ---- Tables ----
    void compile_table(ctable& t) {
        const ast::table_decl& decl = *table_asts_.at(t.name);
        auto root = std::make_shared<snap::node>();
        root->k = snap::kind::table;
        root->where = decl.where;
        root->path = t.name;
        scope sc;
        sc.file = t.file;
        for (const auto& e : decl.entries) {
            auto c = expr(sc, *e.value);
            if (c->op != cop::constant) {
                error(t.file, e.value->where, "a table value must be a constant (a literal, a list or a record of literals)",
                      "table");
                continue;
            }
            if (e.is_default) {
                t.dflt = c->k;
                continue;
            }
            snap::entry en;
            en.key = e.int_key ? std::to_string(e.i) : e.s;
            en.key_pos = e.where;
            en.value = value_to_node(c->k, t.name + "[" + en.key + "]", e.value->where);
            root->entries.push_back(std::move(en));
        }
        t.entries = root;
    }

    static snap::node_ptr value_to_node(const rt::value& v, const std::string& path, pos where) {
        return rt::to_node(v, path, rt::node_stamp{where, nullptr, 0});
    }

    // ---- Definitions ----
    void compile_def(cdef& d) {
        if (d.compiled || d.compiling) return;
        d.compiling = true;
        scope sc;
        sc.file = d.file;
        sc.has_self = true;
        sc.in_def = true;
        std::vector<bool> used(d.params, false);
        for (std::uint32_t i = 0; i < d.params; ++i) {
            sc.vars.push_back({d.decl->params[i], i, stype{}, nullptr});
        }
        sc.next = sc.max = d.params;
        d.body = expr(sc, *d.decl->body);
        d.frame_size = sc.max;
        d.compiling = false;
        d.compiled = true;
    }

    // ---- Actions ----
    void compile_action(const ast::file& f, const ast::action_decl& a) {
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
        scope sc;
        sc.file = f.src;
        sc.has_step = true;
        for (const auto& st : a.body) c->body.push_back(statement(sc, st));
        c->frame_size = sc.max;
        p_.actions.emplace(a.name, std::move(c));
    }

    cstmt statement(scope& sc, const ast::stmt& st) {
        cstmt c;
        c.kind = st.kind;
        c.where = st.where;
        if (st.target) {
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
            c.text = source_slice(sc.file, st.target->where, st.target->where);
            for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
                cseg seg;
                if ((*it)->kind == ast::expr_kind::member) {
                    seg.key = (*it)->text;
                } else {
                    seg.is_index = true;
                    seg.idx = expr(sc, *(*it)->kids[1]);
                }
                c.segs.push_back(std::move(seg));
            }
        }
        switch (st.kind) {
        case ast::stmt_kind::set:
        case ast::stmt_kind::add:
        case ast::stmt_kind::remove: c.value = expr(sc, *st.value); break;
        case ast::stmt_kind::del: break;
        case ast::stmt_kind::let: {
            c.value = expr(sc, *st.value);
            c.slot = sc.next++;
            sc.max = std::max(sc.max, sc.next);
            sc.vars.push_back({st.name, c.slot, last_type_, nullptr});
            break;
        }
        case ast::stmt_kind::if_: {
            c.value = expr(sc, *st.value);
            check_condition(sc, *st.value, last_type_);
            std::size_t mark = sc.vars.size();
            for (const auto& b : st.body) c.body.push_back(statement(sc, b));
            sc.vars.resize(mark);
            for (const auto& b : st.else_body) c.else_body.push_back(statement(sc, b));
            sc.vars.resize(mark);
            break;
        }
        case ast::stmt_kind::for_: {
            c.value = expr(sc, *st.value);
            stype ct = last_type_;
            stype vt = element_type(ct);
            if (ct.base != sbase::unknown && ct.base != sbase::list && ct.base != sbase::table) {
                error(sc.file, st.value->where, fmt::format("cannot iterate over {}", a_base(ct.base)), check_ids::type_error);
            }
            c.slot = sc.next++;
            sc.max = std::max(sc.max, sc.next);
            std::size_t mark = sc.vars.size();
            sc.vars.push_back({st.name, c.slot, vt, nullptr});
            if (st.where_) {
                c.where_ = expr(sc, *st.where_);
                check_condition(sc, *st.where_, last_type_);
            }
            for (const auto& b : st.body) c.body.push_back(statement(sc, b));
            sc.vars.resize(mark);
            break;
        }
        }
        return c;
    }

    // ---- Rules ----
    void compile_rule(const ast::file& f, const ast::rule_decl& r) {
        auto cr = std::make_unique<crule>();
        rule_info& info = cr->info;
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
        const ast::template_str* default_msg = r.message ? &*r.message : nullptr;
        for (const auto& b : r.body)
            if (!default_msg && b.kind == ast::item_kind::require && b.message) default_msg = &*b.message;
        if (has_require && !default_msg) missing_meta("message");

        for (const auto& t : r.triggers) {
            ctrigger ct;
            ct.k = t.k;
            ct.actions = t.actions;
            if (info.scope == rule_scope::runbook)
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
            cr->triggers.push_back(std::move(ct));
        }
        if (cr->triggers.empty()) cr->triggers.push_back({});
        scope sc;
        sc.file = f.src;
        sc.has_self = info.scope == rule_scope::node;
        sc.has_steps = info.scope == rule_scope::runbook ||
                       std::any_of(cr->triggers.begin(), cr->triggers.end(),
                                   [](const ctrigger& t) { return t.k != ast::trigger::kind::snapshot; });
        sc.has_step = std::any_of(cr->triggers.begin(), cr->triggers.end(), [](const ctrigger& t) {
            return t.k == ast::trigger::kind::before || t.k == ast::trigger::kind::after;
        });
        std::vector<std::unique_ptr<bool>> let_used;
        std::vector<std::pair<std::string, pos>> let_names;
        std::vector<std::string> when_parts;
        for (const auto& b : r.body) {
            citem item;
            item.kind = b.kind;
            item.where = b.where;
            if (b.kind == ast::item_kind::let) {
                for (const auto& v : sc.vars)
                    if (v.name == b.name)
                        error(f.src, b.name_pos, fmt::format("'{}' is already bound in rule '{}'", b.name, r.id), check_ids::duplicate_name);
                item.e = expr(sc, *b.e);
                stype t = last_type_;
                item.slot = sc.next++;
                sc.max = std::max(sc.max, sc.next);
                let_used.push_back(std::make_unique<bool>(false));
                sc.vars.push_back({b.name, item.slot, t, let_used.back().get()});
                let_names.emplace_back(b.name, b.name_pos);
            } else {
                item.e = expr(sc, *b.e);
                check_condition(sc, *b.e, last_type_);
                if (item.e->op == cop::constant && item.e->k.k == rt::vkind::boolean) {
                    if (b.kind == ast::item_kind::when && !item.e->k.b)
                        warning(f.src, b.e->where, "this rule never applies: the 'when' condition is always false", "unreachable");
                    if (b.kind == ast::item_kind::require && item.e->k.b)
                        warning(f.src, b.e->where, "this requirement is always true, so it can never fail", check_ids::always_true);
                }
                if (b.kind == ast::item_kind::when) when_parts.push_back(source_slice(f.src, b.e->where, b.where));
                if (b.kind == ast::item_kind::require) {
                    // Messages and fixes see the variables of the requirement's top-level quantifiers.
                    std::size_t mark = sc.vars.size();
                    for (const cexpr* c = item.e.get(); c && c->op == cop::quant &&
                                                        (c->q == ast::quant::all || c->q == ast::quant::none);
                         c = c->kids[2].get())
                        sc.vars.push_back({c->key, c->slot, quant_var_types_[c], nullptr});
                    const ast::template_str* m = b.message ? &*b.message : default_msg;
                    if (m) {
                        cr->templates.push_back(compile_template(sc, *m));
                        item.message = cr->templates.back().get();
                    }
                    if (r.fix) {
                        cr->templates.push_back(compile_template(sc, *r.fix));
                        item.fix = cr->templates.back().get();
                        if (!cr->fix) cr->fix = item.fix;
                    }
                    sc.vars.resize(mark);
                }
            }
            cr->body.push_back(std::move(item));
        }
        // Templates compiled per require also exist for the fix; keep the rule-level one for display.
        for (std::size_t i = 0; i < let_used.size(); ++i)
            if (!*let_used[i])
                warning(f.src, let_names[i].second, fmt::format("'{}' is bound by 'let' but never used", let_names[i].first),
                        check_ids::unused_let);
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
        info.when_text = on_text.empty() ? when_text : (when_text.empty() ? on_text : on_text + ", when " + when_text);
        cr->frame_size = sc.max;
        p_.rules.push_back(std::move(cr));
    }

    static std::string source_slice(const source_ptr& f, pos from, pos) {
        std::string_view line = f->line_text(from.line);
        if (from.column > line.size() + 1) return {};
        std::string s(line.substr(from.column - 1));
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
        if (auto h = s.find(" #"); h != std::string::npos) s = s.substr(0, h);
        return s;
    }

    std::unique_ptr<ctemplate> compile_template(scope& sc, const ast::template_str& t) {
        auto c = std::make_unique<ctemplate>();
        for (const auto& p : t.parts) {
            ctemplate::part cp;
            cp.text = p.text;
            if (p.e) cp.e = expr(sc, *p.e);
            c->parts.push_back(std::move(cp));
        }
        return c;
    }

    void check_condition(const scope& sc, const ast::expr& e, const stype& t) {
        if (t.base != sbase::unknown && t.base != sbase::boolean)
            error(sc.file, e.where, fmt::format("expected a condition (bool), but this is {}", a_base(t.base)),
                  check_ids::type_error);
    }

    // ---- Expressions ----
    cexpr_ptr make(cop op, pos where) {
        auto c = std::make_unique<cexpr>();
        c->op = op;
        c->where = where;
        return c;
    }

    cexpr_ptr constant(rt::value v, pos where) {
        auto c = make(cop::constant, where);
        c->k = std::move(v);
        return c;
    }

    const var* lookup(scope& sc, const std::string& name) {
        for (auto it = sc.vars.rbegin(); it != sc.vars.rend(); ++it)
            if (it->name == name) {
                if (it->used) *it->used = true;
                return &*it;
            }
        return nullptr;
    }

    stype last_type_;
    std::map<const cexpr*, stype> quant_var_types_;

    cexpr_ptr expr(scope& sc, const ast::expr& e) {
        cexpr_ptr c = expr_inner(sc, e);
        return c;
    }

    cexpr_ptr expr_inner(scope& sc, const ast::expr& e) {
        using ek = ast::expr_kind;
        switch (e.kind) {
        case ek::string_lit: last_type_ = {sbase::string}; return constant(rt::value::string(e.text), e.where);
        case ek::int_lit: last_type_ = {sbase::integer}; return constant(rt::value::integer(e.i), e.where);
        case ek::float_lit: last_type_ = {sbase::floating}; return constant(rt::value::floating(e.f), e.where);
        case ek::bool_lit: last_type_ = {sbase::boolean}; return constant(rt::value::boolean(e.b), e.where);
        case ek::date_lit: {
            rt::value v;
            v.k = rt::vkind::datetime;
            v.s = canonical_date(e.text);
            last_type_ = {sbase::datetime};
            return constant(std::move(v), e.where);
        }
        case ek::list: {
            auto c = make(cop::list, e.where);
            bool all_const = true;
            sbase elem = sbase::unknown;
            bool first = true;
            for (const auto& k : e.kids) {
                c->kids.push_back(expr(sc, *k));
                all_const = all_const && c->kids.back()->op == cop::constant;
                if (first) elem = last_type_.base;
                else if (elem != last_type_.base) elem = sbase::unknown;
                first = false;
            }
            last_type_ = {sbase::list};
            last_type_.elem = elem;
            if (all_const) {
                std::vector<rt::value> vs;
                for (auto& k : c->kids) vs.push_back(k->k);
                auto r = constant(rt::value::list(std::move(vs)), e.where);
                return r;
            }
            return c;
        }
        case ek::record: {
            auto c = make(cop::record, e.where);
            bool all_const = true;
            for (std::size_t i = 0; i < e.kids.size(); ++i) {
                c->kids.push_back(expr(sc, *e.kids[i]));
                all_const = all_const && c->kids.back()->op == cop::constant;
            }
            c->text.clear();
            for (const auto& k : e.keys) c->k.s += k + '\x1f';
            last_type_ = {sbase::table};
            if (all_const) {
                auto n = std::make_shared<snap::node>();
                n->k = snap::kind::table;
                n->where = e.where;
                for (std::size_t i = 0; i < e.keys.size(); ++i)
                    n->entries.push_back({e.keys[i], e.where, value_to_node(c->kids[i]->k, e.keys[i], e.where)});
                rt::value v;
                v.k = rt::vkind::table;
                v.node = n.get();
                v.hold = n;
                return constant(std::move(v), e.where);
            }
            return c;
        }
        case ek::name: return name(sc, e);
        case ek::member:
        case ek::member_star:
        case ek::index:
        case ek::index_star:
        case ek::optional: return path_step(sc, e);
        case ek::call: return call(sc, e);
        case ek::neg: {
            auto c = make(cop::neg, e.where);
            c->kids.push_back(expr(sc, *e.kids[0]));
            if (last_type_.base != sbase::unknown && last_type_.base != sbase::integer && last_type_.base != sbase::floating)
                error(sc.file, e.where, fmt::format("cannot negate {}", a_base(last_type_.base)), check_ids::type_error);
            return c;
        }
        case ek::not_: {
            auto c = make(cop::not_, e.where);
            c->kids.push_back(expr(sc, *e.kids[0]));
            check_condition(sc, *e.kids[0], last_type_);
            if (c->kids[0]->op == cop::constant && c->kids[0]->k.k == rt::vkind::boolean)
                return constant(rt::value::boolean(!c->kids[0]->k.b), e.where);
            last_type_ = {sbase::boolean};
            return c;
        }
        case ek::binary: return binary(sc, e);
        case ek::quantifier: return quantifier(sc, e);
        case ek::conditional: {
            auto c = make(cop::cond, e.where);
            c->kids.push_back(expr(sc, *e.kids[0]));
            check_condition(sc, *e.kids[0], last_type_);
            c->kids.push_back(expr(sc, *e.kids[1]));
            stype a = last_type_;
            c->kids.push_back(expr(sc, *e.kids[2]));
            if (a.base != last_type_.base) last_type_ = {};
            return c;
        }
        }
        return constant(rt::value{}, e.where);
    }

    cexpr_ptr name(scope& sc, const ast::expr& e) {
        if (const var* v = lookup(sc, e.text)) {
            auto c = make(cop::var, e.where);
            c->slot = v->slot;
            c->key = e.text;
            last_type_ = v->type;
            return c;
        }
        if (e.text == "self") {
            if (!sc.has_self) {
                error(sc.file, e.where, "'self' is only available in rules of scope 'node' (and in 'def' bodies they call)",
                      check_ids::unknown_name);
            }
            last_type_ = type_of_schema(p_.schema.get());
            last_type_.is_node = true;
            last_type_.base = sbase::table;
            return make(cop::self, e.where);
        }
        if ((e.text == "step" || e.text == "step_index" || e.text == "target") && (sc.has_step || sc.in_def)) {
            cop op = e.text == "step" ? cop::step : e.text == "step_index" ? cop::step_index : cop::target;
            last_type_ = {};
            if (op == cop::step_index) last_type_ = {sbase::integer};
            if (op == cop::target) {
                last_type_ = type_of_schema(p_.schema.get());
                last_type_.base = sbase::table;
                last_type_.is_node = true;
            }
            if (op == cop::step) last_type_ = {sbase::table};
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
        if (auto it = p_.defs.find(e.text); it != p_.defs.end()) {
            cdef& d = *it->second;
            if (d.has_params) {
                error(sc.file, e.where, fmt::format("'{}' is a function of {} parameter{}; call it as '{}(...)'", d.name,
                                                    d.params, d.params == 1 ? "" : "s", d.name),
                      check_ids::arity);
            }
            compile_def(d);
            auto c = make(cop::call, e.where);
            c->def = &d;
            c->key = d.name;
            if (d.compiled && d.body && d.body->op == cop::constant) {
                last_type_ = {};
                return constant(d.body->k, e.where);
            }
            last_type_ = {};
            return c;
        }
        if (auto it = p_.tables.find(e.text); it != p_.tables.end()) {
            rt::value v;
            v.k = rt::vkind::table;
            v.node = it->second->entries.get();
            v.hold = it->second->entries;
            last_type_ = {sbase::table};
            auto c = constant(std::move(v), e.where);
            c->table = it->second.get();
            return c;
        }
        // A key of the snapshot under evaluation.
        if (!sc.has_self) {
            std::vector<std::string> cands;
            for (const auto& v : sc.vars) cands.push_back(v.name);
            for (const auto& [n, d] : p_.defs) cands.push_back(n);
            for (const auto& [n, d] : p_.tables) cands.push_back(n);
            cands.push_back("nodes");
            std::string m = closest_match(e.text, cands);
            error(sc.file, e.where,
                  fmt::format("unknown name '{}'{}; in a rule of scope 'cluster' snapshot fields are read through a node, "
                              "for example 'all n in nodes: n.{}'",
                              e.text, m.empty() ? "" : fmt::format(" (did you mean '{}'?)", m), e.text),
                  check_ids::unknown_name);
            last_type_ = {};
            return constant(rt::value{}, e.where);
        }
        auto c = make(cop::root_key, e.where);
        c->key = e.text;
        c->text = e.text;
        last_type_ = {};
        if (p_.schema) {
            const schema_node* sn = p_.schema->child(e.text);
            if (!sn && !sc.in_def) unknown_field(sc, e.where, p_.schema.get(), e.text, true);
            else if (!sn && sc.in_def) unknown_field(sc, e.where, p_.schema.get(), e.text, true);
            last_type_ = type_of_schema(sn);
        }
        return c;
    }

    static std::string path_text(const cexpr& c) { return c.text; }

    cexpr_ptr path_step(scope& sc, const ast::expr& e) {
        using ek = ast::expr_kind;
        const ast::expr& base_ast = *e.kids[0];
        cexpr_ptr base = expr(sc, base_ast);
        stype bt = last_type_;
        std::string btext = base->text.empty() ? (base->op == cop::var || base->op == cop::root_key ? base->key : "") : base->text;
        if (base->op == cop::self) btext = "self";
        if (base->op == cop::nodes) btext = "nodes";
        cexpr_ptr c;
        switch (e.kind) {
        case ek::member: {
            c = make(cop::member, e.where);
            c->key = e.text;
            c->text = btext.empty() ? e.text : btext + "." + (e.quoted ? "\"" + e.text + "\"" : e.text);
            last_type_ = {};
            const schema_node* sn = bt.base == sbase::list && bt.elem_sn ? nullptr : bt.sn;
            if (bt.base == sbase::table && sn) {
                const schema_node* child = sn->child(e.text);
                if (!child) {
                    if (!sn->is_any() && (!sn->keys.empty() || sn->any_key))
                        unknown_field(sc, e.key_pos, sn, e.text, false);
                } else {
                    last_type_ = type_of_schema(child);
                }
            } else if (bt.base != sbase::unknown && bt.base != sbase::table && !(bt.base == sbase::list && base->op == cop::member_star) &&
                       !is_spread(*base)) {
                error(sc.file, e.key_pos, fmt::format("cannot read key '{}' of {}", e.text, a_base(bt.base)), check_ids::type_error);
            } else if (is_spread(*base) && bt.elem_sn) {
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
            break;
        }
        case ek::member_star: {
            c = make(cop::member_star, e.where);
            c->text = btext + ".*";
            stype r;
            r.base = sbase::list;
            if (bt.sn && bt.sn->any_key) {
                r.elem_sn = bt.sn->any_key.get();
                r.elem = type_of_schema(r.elem_sn).base;
            }
            if (bt.base != sbase::unknown && bt.base != sbase::table)
                error(sc.file, e.where, fmt::format("'.*' needs a table, but this is a {}", base_name(bt.base)), check_ids::type_error);
            last_type_ = r;
            break;
        }
        case ek::index_star: {
            c = make(cop::index_star, e.where);
            c->text = btext + "[*]";
            stype r;
            r.base = sbase::list;
            r.elem = bt.elem;
            r.elem_sn = bt.elem_sn;
            if (bt.base != sbase::unknown && bt.base != sbase::list)
                error(sc.file, e.where, fmt::format("'[*]' needs a list, but this is a {}", base_name(bt.base)), check_ids::type_error);
            last_type_ = r;
            break;
        }
        case ek::index: {
            c = make(cop::index, e.where);
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
                const schema_node* child = bt.sn->child(idx->k.s);
                last_type_ = type_of_schema(child);
            } else if (bt.base != sbase::unknown && bt.base != sbase::table) {
                error(sc.file, e.where, fmt::format("cannot index a {}", base_name(bt.base)), check_ids::type_error);
            }
            c->kids.push_back(std::move(base));
            c->kids.push_back(std::move(idx));
            return c;
        }
        case ek::optional: {
            c = make(cop::optional, e.where);
            c->text = btext;
            last_type_ = bt;
            break;
        }
        default: break;
        }
        if (is_spread(*base) && (e.kind == ek::member)) c->text = btext + "." + e.text;
        c->kids.push_back(std::move(base));
        return c;
    }

    static bool is_spread(const cexpr& c) {
        if (c.op == cop::member_star || c.op == cop::index_star) return true;
        if ((c.op == cop::member || c.op == cop::optional) && !c.kids.empty()) return is_spread(*c.kids[0]);
        return false;
    }

    cexpr_ptr call(scope& sc, const ast::expr& e) {
        if (const builtin_sig* b = find_builtin(e.text)) {
            auto argc = e.kids.size();
            if (argc < b->min_args || argc > b->max_args) {
                std::string want = b->min_args == b->max_args ? std::to_string(b->min_args)
                                                              : fmt::format("{} to {}", b->min_args, b->max_args);
                error(sc.file, e.where, fmt::format("'{}' takes {} argument{}, but {} {} given", e.text, want,
                                                    b->max_args == 1 ? "" : "s", argc, argc == 1 ? "was" : "were"),
                      check_ids::arity);
            }
            auto c = make(cop::builtin, e.where);
            c->fn = b->fn;
            c->key = e.text;
            std::vector<stype> ats;
            for (const auto& k : e.kids) {
                c->kids.push_back(expr(sc, *k));
                ats.push_back(last_type_);
            }
            if (b->fn == builtin::capture && c->kids.size() == 2) {
                if (c->kids[1]->op != cop::constant || c->kids[1]->k.k != rt::vkind::string)
                    error(sc.file, e.kids[1]->where, "the pattern of 'capture' must be a string literal", check_ids::regex);
                else
                    c->re = compile_regex(sc, c->kids[1]->k.s, e.kids[1]->where);
            }
            if (b->fn == builtin::schema_violations) p_.schema_by_rule = true;
            if (b->fn == builtin::schema_violations && !sc.has_self)
                error(sc.file, e.where, "'schema_violations()' reads 'self', so it needs a rule of scope 'node'", check_ids::unknown_name);
            if ((b->fn == builtin::other || b->fn == builtin::others) && !ats.empty()) {
                // The other node(s) of a snapshot: same schema position as a snapshot root.
            }
            stype r;
            r.base = b->ret;
            if ((b->fn == builtin::lower || b->fn == builtin::upper || b->fn == builtin::trim) && !ats.empty())
                r = stype{ats[0].base == sbase::list ? sbase::list : sbase::string};
            if (b->fn == builtin::other) {
                r = type_of_schema(p_.schema.get());
                r.base = sbase::table;
                r.is_node = true;
            }
            if (b->fn == builtin::others) {
                r = stype{sbase::list};
                r.elem = sbase::table;
                r.elem_sn = p_.schema.get();
                r.elem_is_node = true;
            }
            if ((b->fn == builtin::default_ || b->fn == builtin::unique || b->fn == builtin::sort) && !ats.empty()) r = ats[0];
            if (b->fn == builtin::keys) r.elem = sbase::string;
            if (b->fn == builtin::values && !ats.empty() && ats[0].sn && ats[0].sn->any_key) {
                r.elem_sn = ats[0].sn->any_key.get();
                r.elem = type_of_schema(r.elem_sn).base;
            }
            last_type_ = r;
            return c;
        }
        if (auto it = p_.defs.find(e.text); it != p_.defs.end()) {
            cdef& d = *it->second;
            if (!d.has_params && !e.kids.empty())
                error(sc.file, e.where, fmt::format("'{}' takes no arguments", d.name), check_ids::arity);
            else if (d.params != e.kids.size())
                error(sc.file, e.where, fmt::format("'{}' takes {} argument{}, but {} {} given", d.name, d.params,
                                                    d.params == 1 ? "" : "s", e.kids.size(), e.kids.size() == 1 ? "was" : "were"),
                      check_ids::arity,
                      {diag_note{diag_note::kind::note, fmt::format("'{}' is defined here", d.name), d.file, d.where}});
            compile_def(d);
            auto c = make(cop::call, e.where);
            c->def = &d;
            c->key = d.name;
            for (const auto& k : e.kids) c->kids.push_back(expr(sc, *k));
            last_type_ = {};
            return c;
        }
        std::vector<std::string> cands;
        for (const auto& b : builtins) cands.push_back(b.name);
        for (const auto& [n, d] : p_.defs) cands.push_back(n);
        std::string m = closest_match(e.text, cands);
        error(sc.file, e.where,
              m.empty() ? fmt::format("unknown function '{}'", e.text)
                        : fmt::format("unknown function '{}', did you mean '{}'?", e.text, m),
              check_ids::unknown_function);
        for (const auto& k : e.kids) (void)expr(sc, *k);
        last_type_ = {};
        return constant(rt::value{}, e.where);
    }

    const RE2* compile_regex(const scope& sc, const std::string& pattern, pos where) {
        RE2::Options opt;
        opt.set_log_errors(false);
        opt.set_max_mem(8 << 20);
        auto re = std::make_unique<RE2>(pattern, opt);
        if (!re->ok()) {
            error(sc.file, where, fmt::format("invalid regular expression: {}", re->error()), check_ids::regex);
            return nullptr;
        }
        p_.regexes.push_back(std::move(re));
        return p_.regexes.back().get();
    }

    void check_enum(const scope& sc, const stype& field, const cexpr& lit, pos where) {
        if (!field.sn || !field.sn->type || lit.op != cop::constant || lit.k.k != rt::vkind::string) return;
        const auto& t = *field.sn->type;
        if (t.k != ast::type_ref::kind::enum_ || !t.alternatives.empty()) return;
        for (const auto& v : t.enum_values)
            if (rt::ascii_lower(v) == rt::ascii_lower(lit.k.s)) return;
        std::string m = closest_match(lit.k.s, t.enum_values);
        std::string all;
        for (const auto& v : t.enum_values) all += (all.empty() ? "" : ", ") + v;
        error(sc.file, where,
              fmt::format("'{}' is not a value of '{}' ({}){}", lit.k.s, field.sn->path, all,
                          m.empty() ? "" : fmt::format(", did you mean '{}'?", m)),
              check_ids::type_error);
    }

    cexpr_ptr binary(scope& sc, const ast::expr& e) {
        using ast::binop;
        cexpr_ptr a = expr(sc, *e.kids[0]);
        stype at = last_type_;
        cexpr_ptr b = expr(sc, *e.kids[1]);
        stype bt = last_type_;
        auto c = make(cop::compare, e.where);
        c->bop = e.op;
        switch (e.op) {
        case binop::and_:
        case binop::or_:
            c->op = e.op == binop::and_ ? cop::and_ : cop::or_;
            check_condition(sc, *e.kids[0], at);
            check_condition(sc, *e.kids[1], bt);
            last_type_ = {sbase::boolean};
            break;
        case binop::default_:
            c->op = cop::default_;
            last_type_ = at.base == sbase::unknown ? bt : at;
            break;
        case binop::add:
        case binop::sub:
            c->op = e.op == binop::add ? cop::add : cop::sub;
            if (!comparable(at.base, bt.base) ||
                (e.op == binop::sub && at.base != sbase::unknown && at.base != sbase::integer && at.base != sbase::floating))
                error(sc.file, e.kids[1]->where,
                      fmt::format("cannot {} {} and {}", e.op == binop::add ? "add" : "subtract", a_base(at.base),
                                  a_base(bt.base)),
                      check_ids::type_error);
            last_type_ = at.base == sbase::unknown ? bt : at;
            break;
        case binop::eq:
        case binop::ne:
        case binop::lt:
        case binop::le:
        case binop::gt:
        case binop::ge:
            if (!comparable(at.base, bt.base))
                error(sc.file, e.kids[1]->where,
                      fmt::format("cannot compare {} with {}", a_base(at.base), a_base(bt.base)), check_ids::type_error);
            check_enum(sc, at, *b, e.kids[1]->where);
            check_enum(sc, bt, *a, e.kids[0]->where);
            last_type_ = {sbase::boolean};
            break;
        case binop::ci_eq: {
            auto ok = [](sbase x) { return x == sbase::unknown || x == sbase::string || x == sbase::list; };
            if (!ok(at.base) || !ok(bt.base) || !comparable(at.base, bt.base))
                error(sc.file, e.where,
                      fmt::format("'~=' compares strings or lists, not a {} with a {}", base_name(at.base), base_name(bt.base)),
                      check_ids::type_error);
            check_enum(sc, at, *b, e.kids[1]->where);
            check_enum(sc, bt, *a, e.kids[0]->where);
            last_type_ = {sbase::boolean};
            break;
        }
        case binop::in:
        case binop::not_in:
            if (bt.base != sbase::unknown && bt.base != sbase::list && bt.base != sbase::string && bt.base != sbase::table)
                error(sc.file, e.kids[1]->where, fmt::format("'in' needs a list, a string or a table on its right, not a {}", base_name(bt.base)),
                      check_ids::type_error);
            last_type_ = {sbase::boolean};
            break;
        case binop::contains:
            if (at.base != sbase::unknown && at.base != sbase::list && at.base != sbase::string && at.base != sbase::table)
                error(sc.file, e.kids[0]->where, fmt::format("'contains' needs a list, a string or a table on its left, not a {}", base_name(at.base)),
                      check_ids::type_error);
            last_type_ = {sbase::boolean};
            break;
        case binop::matches:
            if (at.base != sbase::unknown && at.base != sbase::string)
                error(sc.file, e.kids[0]->where, fmt::format("'matches' needs a string on its left, not a {}", base_name(at.base)),
                      check_ids::type_error);
            c->re = compile_regex(sc, b->k.s, e.kids[1]->where);
            last_type_ = {sbase::boolean};
            break;
        }
        c->kids.push_back(std::move(a));
        c->kids.push_back(std::move(b));
        return c;
    }

    // The type of the elements of a collection of type `ct` (list elements, or a table's values).
    stype element_type(const stype& ct) const {
        stype vt;
        if (ct.base == sbase::list) {
            vt = type_of_schema(ct.elem_sn);
            if (!ct.elem_sn) vt.base = ct.elem;
            if (ct.elem_is_node) {
                vt.is_node = true;
                vt.base = sbase::table;
                vt.sn = p_.schema.get();
            }
        } else if (ct.base == sbase::table && ct.sn && ct.sn->any_key) {
            vt = type_of_schema(ct.sn->any_key.get());
        }
        return vt;
    }

    cexpr_ptr quantifier(scope& sc, const ast::expr& e) {
        auto c = make(cop::quant, e.where);
        c->q = e.q;
        c->key = e.text;
        c->kids.push_back(expr(sc, *e.kids[0]));
        stype ct = last_type_;
        if (ct.base != sbase::unknown && ct.base != sbase::list && ct.base != sbase::table)
            error(sc.file, e.kids[0]->where, fmt::format("cannot iterate over {}", a_base(ct.base)), check_ids::type_error);
        stype vt = element_type(ct);
        c->slot = sc.next++;
        sc.max = std::max(sc.max, sc.next);
        bool used = false;
        sc.vars.push_back({e.text, c->slot, vt, &used});
        if (e.kids[1]) {
            c->kids.push_back(expr(sc, *e.kids[1]));
            check_condition(sc, *e.kids[1], last_type_);
        } else {
            c->kids.push_back(nullptr);
        }
        if (e.kids[2]) {
            c->kids.push_back(expr(sc, *e.kids[2]));
            if (e.q != ast::quant::the && e.q != ast::quant::map) check_condition(sc, *e.kids[2], last_type_);
        } else {
            c->kids.push_back(nullptr);
        }
        sc.vars.pop_back();
        sc.next--;
        quant_var_types_[c.get()] = vt;
        stype body_t = last_type_;
        if (e.q == ast::quant::count) last_type_ = stype{sbase::integer};
        else if (e.q == ast::quant::the) last_type_ = vt;
        else if (e.q == ast::quant::filter) last_type_ = ct.base == sbase::list ? ct : stype{sbase::list};
        else if (e.q == ast::quant::map) {
            last_type_ = stype{sbase::list};
            last_type_.elem = body_t.base;
            last_type_.elem_sn = body_t.sn;
            last_type_.elem_is_node = body_t.is_node;
        } else last_type_ = stype{sbase::boolean};
        // Quantifier variables keep their slot while the requirement's message is compiled.
        sc.max = std::max(sc.max, c->slot + 1);
        return c;
    }

    pack& p_;
    diagnostics& diags_;
    std::map<std::string, const ast::table_decl*> table_asts_;
};

// Read a file named by `use`: a regular file of at most `max_bytes` (never a FIFO, a device or a
// folder, which could block or never end). Returns why it cannot be read, or nullopt.
std::optional<std::string> read_used_file(const std::string& path, std::size_t max_bytes, std::string& text) {
    io::read_result r = io::read_file(path, max_bytes);
    if (r.status == io::read_status::not_regular) return std::string("not a regular file");
    if (r.status == io::read_status::too_large)
        return fmt::format("file is over the limit of {} bytes (--max-file-size)", max_bytes);
    if (!r.ok()) return std::generic_category().message(r.error);
    text = std::move(r.text);
    return std::nullopt;
}

std::string dir_of(const std::string& name) {
    auto slash = name.find_last_of('/');
    return slash == std::string::npos ? std::string() : name.substr(0, slash + 1);
}

} // namespace

pack_result load_pack(const std::vector<source_ptr>& rule_files, std::uint32_t max_rule_depth,
                      std::size_t max_file_bytes) {
    pack_result res;
    auto p = std::make_shared<pack>();
    std::vector<source_ptr> queue = rule_files;
    std::set<std::string> seen;
    for (const auto& f : rule_files) seen.insert(std::filesystem::path(f->name()).lexically_normal().string());
    parse_options popt;
    popt.max_depth = max_rule_depth;
    for (std::size_t i = 0; i < queue.size(); ++i) {
        source_ptr src = queue[i];
        p->files.push_back(src);
        p->asts.push_back(parse_rules(src, popt, res.diags));
        for (const auto& u : p->asts.back().uses) {
            std::string target = std::filesystem::path(dir_of(src->name()) + u.path).lexically_normal().string();
            if (seen.count(target)) continue;
            std::string text;
            if (auto why = read_used_file(target, max_file_bytes, text)) {
                diagnostic d;
                d.file = src;
                d.where = u.where;
                d.message = fmt::format("cannot read '{}' named by 'use': {}", target, *why);
                d.check_id = check_ids::use;
                res.diags.push_back(std::move(d));
                continue;
            }
            seen.insert(target);
            queue.push_back(std::make_shared<source_file>(target, std::move(text)));
        }
    }
    compiler c(*p, res.diags);
    c.run();
    if (!has_errors(res.diags)) res.p = p;
    return res;
}

std::vector<rule_info> pack_rules(const pack& p) {
    std::vector<rule_info> out;
    for (const auto& r : p.rules) out.push_back(r->info);
    return out;
}

std::vector<std::string> pack_ci_tables(const pack& p) { return p.ci_tables; }

std::vector<builtin_function> builtin_functions() {
    std::vector<builtin_function> out;
    for (const auto& b : builtins) out.push_back({b.name, b.min_args, b.max_args});
    return out;
}

} // namespace kbl
