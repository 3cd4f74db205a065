// Modules: a file loaded with `use "PATH" as x` keeps its defs and tables in a namespace of its own,
// read as `x.f(...)`, `x.c` and `x.t[k]` from the file that wrote the `use`; inside the module its
// own names come first, then the global ones (compiler phase; see compile_internal.hpp).
#include <fmt/format.h>

#include "common/check_ids.hpp"
#include "checker/engine/compile_internal.hpp"

namespace kbl {

const std::string& compiler::file_module(const source_ptr& f) const {
    static const std::string global;
    auto it = p_.file_module.find(f.get());
    return it == p_.file_module.end() ? global : it->second;
}

const module_ref* compiler::module_alias(const source_ptr& f, std::string_view name) const {
    auto it = p_.aliases.find(f.get());
    if (it == p_.aliases.end()) return nullptr;
    auto m = it->second.find(name);
    return m == it->second.end() ? nullptr : &m->second;
}

// The def `name` as a file sees it: its module's own, else the global one; null when neither.
cdef* compiler::find_def(const source_ptr& f, const std::string& name) {
    const std::string& module = file_module(f);
    if (!module.empty())
        if (auto it = p_.defs.find(global_key(module, name)); it != p_.defs.end()) return it->second.get();
    auto it = p_.defs.find(name);
    return it == p_.defs.end() ? nullptr : it->second.get();
}

ctable* compiler::find_table(const source_ptr& f, const std::string& name) {
    const std::string& module = file_module(f);
    if (!module.empty())
        if (auto it = p_.tables.find(global_key(module, name)); it != p_.tables.end()) return it->second.get();
    auto it = p_.tables.find(name);
    return it == p_.tables.end() ? nullptr : it->second.get();
}

// The names of the defs and tables a file reaches without a module name (for "did you mean").
std::vector<std::string> compiler::visible_names(const source_ptr& f, bool defs, bool tables) const {
    const std::string& module = file_module(f);
    std::vector<std::string> out;
    if (defs)
        for (const auto& [key, d] : p_.defs)
            if (d->module.empty() || d->module == module) out.push_back(d->name);
    if (tables)
        for (const auto& [key, t] : p_.tables)
            if (t->module.empty() || t->module == module) out.push_back(t->name);
    return out;
}

// `x.f(...)`: the def `f` of the module `x` (the arguments are checked even when it is unknown).
cexpr_ptr compiler::qualified_call(compile_scope& sc, const ast::expr& e, std::size_t dot) {
    std::string alias = e.text.substr(0, dot);
    std::string name = e.text.substr(dot + 1);
    const module_ref* m = module_alias(sc.file, alias);
    if (m)
        if (auto it = p_.defs.find(global_key(m->key, name)); it != p_.defs.end()) return call_def(sc, e, *it->second);
    unknown_in_module(sc, e, alias, name, m, true);
    for (const auto& k : e.kids) (void)expr(sc, *k);
    last_type_ = {};
    return constant(rt::value{}, e.where);
}

// `x.name` where `x` is a module of this file (and no variable): its def or table; null otherwise.
cexpr_ptr compiler::qualified_name(compile_scope& sc, const ast::expr& e) {
    const ast::expr& base = *e.kids[0];
    if (base.kind != ast::expr_kind::name || e.quoted) return nullptr;
    const module_ref* m = module_alias(sc.file, base.text);
    if (!m) return nullptr;
    for (const auto& v : sc.vars)
        if (v.name == base.text) return nullptr;
    if (auto it = p_.defs.find(global_key(m->key, e.text)); it != p_.defs.end()) return def_name(sc, e, *it->second);
    if (auto it = p_.tables.find(global_key(m->key, e.text)); it != p_.tables.end()) return table_name(e, *it->second);
    unknown_in_module(sc, e, base.text, e.text, m, false);
    last_type_ = {};
    return constant(rt::value{}, e.where);
}

// An error for `alias.name` where `alias` names no module of this file (`m` null) or its module
// has no such def (or table, when not `function`), with the closest name.
void compiler::unknown_in_module(const compile_scope& sc, const ast::expr& e, std::string_view alias,
                                 std::string_view name, const module_ref* m, bool function) {
    std::vector<std::string> cands;
    if (!m) {
        if (auto it = p_.aliases.find(sc.file.get()); it != p_.aliases.end())
            for (const auto& [a, ref] : it->second) cands.push_back(a);
        std::string near = closest_match(alias, cands);
        error(sc.file, e.where,
              fmt::format("unknown module '{}'{}", alias, near.empty() ? "" : fmt::format(", did you mean '{}'?", near)),
              function ? check_ids::unknown_function : check_ids::unknown_name);
        return;
    }
    for (const auto& [key, d] : p_.defs)
        if (d->module == m->key) cands.push_back(d->name);
    if (!function)
        for (const auto& [key, t] : p_.tables)
            if (t->module == m->key) cands.push_back(t->name);
    std::string near = closest_key(name, cands);
    error(sc.file, e.where,
          fmt::format("unknown {} '{}' in module '{}' ({}){}", function ? "function" : "name", name, alias, m->written,
                      near.empty() ? "" : fmt::format(", did you mean '{}'?", near)),
          function ? check_ids::unknown_function : check_ids::unknown_name);
}

} // namespace kbl
