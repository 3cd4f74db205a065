// The schema tree of a pack: every `schema` block of every file, merged (compiler phase; see
// compile_internal.hpp), and the lookups of its nodes.
#include <fmt/format.h>

#include <algorithm>

#include "common/check_ids.hpp"
#include "checker/engine/compile_internal.hpp"

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

// The node of `path` below `root`, made (with the path as written) where it does not exist yet.
schema_node* make_path(schema_node* root, const std::vector<ast::path_seg>& segs) {
    schema_node* n = root;
    std::string path;
    for (const auto& seg : segs) {
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
    return n;
}

} // namespace

void compiler::build_schema() {
    for (const auto& f : p_.asts)
        for (const auto& s : f.schemas) schema_block(f, s);
}

void compiler::schema_block(const ast::file& f, const ast::schema_decl& s) {
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
    set_id(s.taken_at, s.taken_at_pos, p_.taken_at, "taken_at");
    set_id(s.planned, s.planned_pos, p_.planned, "planned");
    set_id(s.runbook, s.runbook_pos, p_.runbook, "runbook");
    set_id(s.step_action, s.step_action_pos, p_.step_action, "step_action");
    set_id(s.step_node, s.step_node_pos, p_.step_node, "step_node");
    for (const auto& fd : s.fields) schema_field(f, fd);
    for (const auto& sa : s.step_args) {
        auto same = [&](const auto& x) { return x.first.name == sa.name; };
        if (auto it = std::find_if(p_.step_args.begin(), p_.step_args.end(), same); it != p_.step_args.end())
            error(f.src, sa.name_pos, fmt::format("step argument '{}' is declared twice in the schema", sa.name), check_ids::schema,
                  {diag_note{diag_note::kind::note, "first declared here", it->second, it->first.name_pos}});
        else
            p_.step_args.emplace_back(sa, f.src);
    }
}

void compiler::schema_field(const ast::file& f, const ast::field_decl& fd) {
    schema_node* n = make_path(p_.schema.get(), fd.path);
    if (n->declared) {
        error(f.src, fd.where, fmt::format("field '{}' is declared twice in the schema", fd.path_text), check_ids::schema,
              {diag_note{diag_note::kind::note, "first declared here", n->file, n->where}});
        return;
    }
    n->declared = true;
    n->type = fd.type;
    n->required = fd.required;
    n->optional = fd.optional;
    n->nocase = fd.nocase;
    n->doc = fd.doc;
    n->file = f.src;
    n->where = fd.where;
    if (!fd.nocase) return;
    bool table_like = fd.type.alternatives.empty() &&
                      (fd.type.k == ast::type_ref::kind::table || fd.type.k == ast::type_ref::kind::any);
    if (!table_like)
        error(f.src, fd.where, fmt::format("'nocase' applies to tables only, and '{}' is not a table", fd.path_text),
              check_ids::schema);
    else
        p_.ci_tables.push_back(fd.path_text);
}

} // namespace kbl
