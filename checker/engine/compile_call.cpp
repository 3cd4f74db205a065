// Calls: of a built-in (checked and typed by its row of the built-in table, builtins.cpp) or of a
// def; anything else is an unknown function (compiler phase; see compile_internal.hpp).
#include <fmt/format.h>

#include "common/check_ids.hpp"
#include "parser/format.hpp"
#include "checker/engine/compile_internal.hpp"

namespace kbl {

cexpr_ptr compiler::call(compile_scope& sc, const ast::expr& e) {
    if (auto dot = e.text.find('.'); dot != std::string::npos) return qualified_call(sc, e, dot);
    if (const builtin_def* b = find_builtin(e.text)) return call_builtin(sc, e, *b);
    if (cdef* d = find_def(sc.file, e.text)) return call_def(sc, e, *d);
    return unknown_function(sc, e);
}

cexpr_ptr compiler::call_builtin(compile_scope& sc, const ast::expr& e, const builtin_def& b) {
    auto argc = e.kids.size();
    if (argc < b.min_args || argc > b.max_args) {
        std::string want = b.min_args == b.max_args ? std::to_string(b.min_args) : fmt::format("{} to {}", b.min_args, b.max_args);
        error(sc.file, e.where, fmt::format("'{}' takes {} argument{}, but {} {} given", e.text, want,
                                            b.max_args == 1 ? "" : "s", argc, argc == 1 ? "was" : "were"),
              check_ids::arity);
    }
    auto c = make(cop::builtin, e.where);
    c->fn = &b;
    c->key = e.text;
    std::vector<stype> ats;
    for (const auto& k : e.kids) {
        c->kids.push_back(expr(sc, *k));
        ats.push_back(last_type_);
    }
    builtin_types t{*this, sc, e, *c, ats, stype{b.result}};
    if (b.typing) b.typing(t);
    last_type_ = t.result;
    return c;
}

cexpr_ptr compiler::call_def(compile_scope& sc, const ast::expr& e, cdef& d) {
    if (!d.has_params && !e.kids.empty())
        error(sc.file, e.where, fmt::format("'{}' takes no arguments", d.name), check_ids::arity);
    else if (d.params != e.kids.size())
        error(sc.file, e.where, fmt::format("'{}' takes {} argument{}, but {} {} given", d.name, d.params,
                                            d.params == 1 ? "" : "s", e.kids.size(), e.kids.size() == 1 ? "was" : "were"),
              check_ids::arity,
              {diag_note{diag_note::kind::note, fmt::format("'{}' is defined here", d.name), d.file, d.where}});
    auto c = make(cop::call, e.where);
    c->def = &d;
    c->key = d.name;
    std::vector<stype> ats;
    for (const auto& k : e.kids) {
        c->kids.push_back(expr(sc, *k));
        ats.push_back(last_type_);
        if (ats.size() <= d.params) check_def_argument(sc, *k, d, ats.size() - 1, ats.back());
    }
    note_def_call(d, ats);
    last_type_ = {};
    return c;
}

// An error at argument `i` of a call of `d` when its static type does not fit the parameter's
// written type.
void compiler::check_def_argument(const compile_scope& sc, const ast::expr& arg, const cdef& d, std::size_t i,
                                  const stype& t) {
    const ast::param_type& want = d.decl->param_types[i];
    if (fits_written(t, want, p_.schema.get())) return;
    error(sc.file, arg.where,
          fmt::format("argument {} of '{}' is {}, the def wants {}: {}", i + 1, d.name, a_type(t, p_.schema.get()),
                      d.decl->params[i], param_type_text(want)),
          check_ids::type_error,
          {diag_note{diag_note::kind::note, fmt::format("parameter '{}' of '{}' is declared here", d.decl->params[i], d.name),
                     d.file, d.decl->param_pos[i]}});
}

// An error at the call, suggesting the closest built-in or def; the arguments are still checked.
cexpr_ptr compiler::unknown_function(compile_scope& sc, const ast::expr& e) {
    std::vector<std::string> cands = visible_names(sc.file, true, false);
    for (const auto& b : builtin_table()) cands.emplace_back(b.name);
    // Else a longer name the word begins (`low`: `lower`), else the longest name of 3 characters or
    // more that begins the word (`length`: `len`).
    std::string m = closest_key(e.text, cands);
    if (m.empty())
        for (const auto& cand : cands)
            if (cand.size() >= 3 && cand.size() < e.text.size() && cand.size() > m.size() && e.text.starts_with(cand)) m = cand;
    error(sc.file, e.where,
          m.empty() ? fmt::format("unknown function '{}'", e.text)
                    : fmt::format("unknown function '{}', did you mean '{}'?", e.text, m),
          check_ids::unknown_function);
    for (const auto& k : e.kids) (void)expr(sc, *k);
    last_type_ = {};
    return constant(rt::value{}, e.where);
}

} // namespace kbl
