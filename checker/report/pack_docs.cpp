#include "checker/report/pack_docs.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "checker/engine/pack.hpp"
#include "checker/report/schema_export.hpp"
#include "common/text.hpp"

namespace kbl {

namespace {

using tkind = ast::type_ref::kind;

// ---------------------------------------------------------------------------------------------
// Actions

const ast::action_decl* action_decl_of(const pack& p, std::string_view name) {
    for (const auto& f : p.asts)
        for (const auto& a : f.actions)
            if (a.name == name) return &a;
    return nullptr;
}

std::string_view effect_verb(ast::stmt_kind k) {
    switch (k) {
    case ast::stmt_kind::set: return "set";
    case ast::stmt_kind::add: return "add";
    case ast::stmt_kind::remove: return "remove";
    case ast::stmt_kind::del: return "delete";
    default: return {};
    }
}

// Each path a statement changes, once, in the order written (inside `if` and `for` too).
void collect_effects(const std::vector<cstmt>& body, std::vector<std::string>& out) {
    for (const auto& st : body) {
        std::string_view verb = effect_verb(st.kind);
        if (!verb.empty()) {
            std::string line = fmt::format("{} {}", verb, st.text);
            if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(std::move(line));
        }
        collect_effects(st.body, out);
        collect_effects(st.else_body, out);
    }
}

std::string arg_line(const ast::arg_decl& a) {
    return fmt::format("  arg {} {}{}\n", escape_for_terminal(a.name), schema_type_text(a.type), a.required ? " required" : "");
}

std::string path_of(const std::optional<std::vector<ast::path_seg>>& segs) {
    std::string out;
    if (!segs) return out;
    for (const auto& s : *segs) out += (out.empty() ? "" : ".") + s.key;
    return out;
}

std::string action_block(const pack& p, const caction& a) {
    std::string out = fmt::format("action {}\n", escape_for_terminal(a.name));
    if (!a.doc.empty()) out += fmt::format("  {}\n", escape_for_terminal(a.doc));
    const ast::action_decl* d = action_decl_of(p, a.name);
    if (d == nullptr || d->args.empty()) out += "  (declares no argument: a step may give any key)\n";
    else for (const auto& arg : d->args) out += arg_line(arg);
    std::vector<std::string> effects;
    collect_effects(a.body, effects);
    if (effects.empty()) out += "  (changes nothing in the simulated state)\n";
    else out += "  effects:\n";
    for (const auto& e : effects) out += fmt::format("    {}\n", escape_for_terminal(e));
    return out;
}

// The keys every step may have, before the list of actions.
std::string step_keys(const pack& p) {
    std::string out = "Every step names its action";
    if (std::string a = path_of(p.step_action); !a.empty()) out += fmt::format(" in '{}'", a);
    if (std::string n = path_of(p.step_node); !n.empty()) out += fmt::format(" and its node in '{}'", n);
    out += ".\n";
    if (!p.step_args.empty()) out += "Every step may also give:\n";
    for (const auto& [arg, file] : p.step_args) out += arg_line(arg);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Snapshot template

bool is_table(const schema_node& n) {
    return n.type && n.type->alternatives.empty() && n.type->k == tkind::table;
}

bool is_table_list(const schema_node& n) {
    return n.type && n.type->alternatives.empty() && n.type->k == tkind::list && n.any_index != nullptr;
}

// A value of type `t` that the schema check accepts.
std::string placeholder(const ast::type_ref& t) {
    if (!t.alternatives.empty()) return placeholder(t.alternatives.front());
    switch (t.k) {
    case tkind::string: return "\"\"";
    case tkind::int_: return "0";
    case tkind::float_: return "0.0";
    case tkind::bool_: return "false";
    case tkind::datetime: return "2000-01-01T00:00:00Z";
    case tkind::date: return "2000-01-01";
    case tkind::time: return "00:00:00";
    case tkind::table: return "{}";
    case tkind::list: return "[]";
    case tkind::enum_: return t.enum_values.empty() ? "\"\"" : fmt::format("\"{}\"", t.enum_values.front());
    case tkind::any: return "\"\"";
    }
    return "\"\"";
}

std::string toml_key(const std::string& key) {
    bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    return bare ? key : fmt::format("\"{}\"", key);
}

// `# what: TYPE, required. DOC` (one line; the doc string as written).
std::string meaning(const std::string& what, const schema_node& n) {
    std::string out = fmt::format("# {}: {}", what, n.type ? schema_type_text(*n.type) : std::string("table"));
    if (n.required) out += ", required";
    if (n.nocase) out += ", keys in any case";
    if (!n.doc.empty()) out += ". " + n.doc;
    return out + "\n";
}

class template_writer {
public:
    explicit template_writer(const pack& p) : p_(p) {}

    std::string run() {
        out_ = "# A kblint node snapshot: one TOML file per cluster node at one moment. Written by 'kblint init'\n"
               "# from the schema of the loaded rule pack. Required keys hold placeholders: replace them. Optional\n"
               "# keys are commented out: uncomment and fill in those you record. Then run 'kblint check' on the\n"
               "# folder of node files ('kblint schema' lists the fields, 'kblint actions' the step actions).\n";
        if (p_.schema) table(*p_.schema, "", true);
        return out_;
    }

private:
    const pack& p_;
    std::string out_;

    // The scalar keys of a table, then its tables, lists of tables and `*` entries.
    void table(const schema_node& n, const std::string& path, bool live) {
        auto kids = schema_children(p_, n);
        for (const auto& [key, c] : kids)
            if (key != "[*]" && key != "*" && !is_table(*c) && !is_table_list(*c) && !is_change(path, key)) scalar(key, *c, live);
        for (const auto& [key, c] : kids) {
            std::string sub = path.empty() ? toml_key(key) : path + "." + (key == "*" ? std::string("NAME") : toml_key(key));
            if (is_change(path, key)) change(key);
            else if (key == "*" && !is_table(*c)) scalar("NAME", *c, false);
            else if (is_table(*c)) section(fmt::format("[{}]", sub), sub, *c, live && c->required && key != "*");
            else if (is_table_list(*c)) section(fmt::format("[[{}]]", sub), sub, *c->any_index, false, c);
        }
    }

    void scalar(const std::string& key, const schema_node& n, bool live) {
        out_ += meaning(key, n);
        out_ += fmt::format("{}{} = {}\n", live && n.required ? "" : "# ", toml_key(key), n.type ? placeholder(*n.type) : "\"\"");
    }

    void section(const std::string& header, const std::string& path, const schema_node& n, bool live,
                 const schema_node* list = nullptr) {
        out_ += "\n" + meaning(header, list != nullptr ? *list : n);
        out_ += fmt::format("{}{}\n", live ? "" : "# ", header);
        table(n, path, live);
    }

    // `planned` and `runbook` at the top: a commented example step.
    bool is_change(const std::string& path, const std::string& key) const {
        auto first = [](const std::optional<std::vector<ast::path_seg>>& s) { return s && !s->empty() ? s->front().key : std::string(); };
        return path.empty() && (key == first(p_.planned) || key == first(p_.runbook));
    }

    void change(const std::string& key) {
        const schema_node* n = p_.schema->child(key);
        bool runbook = p_.runbook && p_.runbook->front().key == key;
        std::string where = runbook ? path_of(p_.runbook) : path_of(p_.planned);
        out_ += "\n" + meaning(key, *n);
        out_ += fmt::format("# {}\n", runbook ? fmt::format("[[{}]]", where) : fmt::format("[{}]", where));
        std::string action = p_.actions.empty() ? std::string("ACTION") : p_.actions.begin()->first;
        std::string action_key = path_of(p_.step_action);
        out_ += fmt::format("# {} = \"{}\"\n", action_key.empty() ? std::string("action") : action_key, action);
        if (std::string node_key = path_of(p_.step_node); !node_key.empty())
            out_ += fmt::format("# {} = \"\"    # the node it runs on (default: this file's)\n", node_key);
    }
};

} // namespace

std::vector<std::string> pack_action_names(const pack& p) {
    std::vector<std::string> out;
    for (const auto& [name, a] : p.actions) out.push_back(name);
    return out;
}

std::string render_actions_text(const pack& p, std::string_view name) {
    std::string out;
    if (name.empty()) out = step_keys(p);
    for (const auto& [n, a] : p.actions) {
        if (!name.empty() && n != name) continue;
        if (!out.empty()) out += "\n";
        out += action_block(p, *a);
    }
    return out;
}

std::string render_snapshot_template(const pack& p) { return template_writer(p).run(); }

} // namespace kbl
