#pragma once
// The compiler of a parsed pack (internal to checker/engine/): static checks and compilation into
// an immutable `pack`, one compiler per load. Its phases, in the order `run` calls them:
//   compile.cpp          the driver and its diagnostics, global names, tables, defs
//   compile_schema.cpp   the schema tree
//   compile_action.cpp   actions and their statements
//   compile_rule.cpp     rules: metadata, triggers, body items, message templates
// and the expressions they all compile:
//   compile_expr.cpp     literals, operators, quantifiers
//   compile_path.cpp     names and path steps, checked against the schema
//   compile_call.cpp     calls of built-ins (typed by their row of the built-in table) and defs
//   compile_module.cpp   modules (`use "..." as x`): which defs and tables a file sees, `x.f(...)`, `x.t`
// and the warnings that read the AST: compile_lint.cpp (conditions that cannot change, shadowing).
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/diagnostic.hpp"
#include "checker/engine/builtins.hpp"
#include "checker/engine/compile_types.hpp"
#include "checker/engine/pack.hpp"

namespace kbl {

/// A name bound in a scope: a `let`, a quantifier or `for` variable, or a def parameter.
struct compile_var {
    std::string name;
    std::uint32_t slot = 0;
    stype type;
    bool* used = nullptr;  ///< set when the name is read (for the unused-`let` warning)
};

/// What the expressions being compiled can see.
struct compile_scope {
    source_ptr file;
    bool has_self = false;   ///< node-scope rule or def body
    bool in_def = false;
    bool has_step = false;   ///< step, step_index, target (actions, before/after rules)
    bool has_steps = false;  ///< steps, runbook (rules of scope runbook)
    /// The arguments `step.X` may read: those the step's action (or every action of the rule's
    /// triggers) declares; null when some action declares none (any key is read as it is).
    const schema_node* step_sn = nullptr;
    std::string step_actions;  ///< the actions whose steps `step` is, quoted, for messages
    std::vector<compile_var> vars;
    std::uint32_t next = 0;  ///< the next free frame slot
    std::uint32_t max = 0;   ///< the frame size so far

    /// A new frame slot.
    std::uint32_t take_slot() {
        std::uint32_t s = next++;
        max = std::max(max, next);
        return s;
    }
};

/// One rule being compiled (compile_rule.cpp).
struct rule_build {
    const ast::file& f;
    const ast::rule_decl& r;
    crule& cr;
    compile_scope sc;
    const ast::template_str* default_msg = nullptr;  ///< the message of a require without its own
    std::vector<std::unique_ptr<bool>> let_used;
    std::vector<std::pair<std::string, pos>> let_names;
    std::vector<std::string> when_parts;  ///< each `when` condition as written
};

class compiler {
public:
    compiler(pack& p, diagnostics& diags) : p_(p), diags_(diags) {}

    /// Check and compile every parsed file of the pack (`pack::asts`) into the pack.
    void run();

    /// Record an error (or a warning) located in `f`.
    void error(const source_ptr& f, pos where, std::string msg, std::string id, std::vector<diag_note> notes = {});
    void warning(const source_ptr& f, pos where, std::string msg, std::string id);

    /// `pattern` compiled once for the pack, or null (and an error at `where`) when it is invalid.
    const RE2* compile_regex(const compile_scope& sc, const std::string& pattern, pos where);

    /// The pack being compiled.
    pack& target() { return p_; }

private:
    /// What the calls of a def seen so far tell: whether it is used, the static types of its
    /// parameters (merged over the call sites: a parameter passed values of two types is untyped).
    struct def_use {
        bool used = false;
        bool typed = false;
        std::vector<stype> params;
    };
    using name_places = std::map<std::string, std::pair<source_ptr, pos>>;

    // compile.cpp: global names, tables, defs
    void collect();
    bool claim_global(const source_ptr& f, const std::string& name, pos where, std::string_view what, name_places& globals);
    void compile_table(ctable& t);
    void compile_def(cdef& d);
    void compile_defs();
    /// Set `reads_context` of every def (after all are compiled).
    void mark_context_defs();
    void note_def_call(cdef& d, std::span<const stype> args);
    void unused_globals();
    bool allowed(const source_ptr& f, std::string_view id);
    static snap::node_ptr value_to_node(const rt::value& v, const std::string& path, pos where);

    // compile_schema.cpp
    void build_schema();
    void schema_block(const ast::file& f, const ast::schema_decl& s);
    void schema_field(const ast::file& f, const ast::field_decl& fd);

    // compile_action.cpp
    void compile_action(const ast::file& f, const ast::action_decl& a);
    std::unique_ptr<schema_node> step_schema(const ast::file& f, const ast::action_decl& a);
    cstmt statement(compile_scope& sc, const ast::stmt& st);
    void statement_target(compile_scope& sc, const ast::stmt& st, cstmt& c);
    const schema_node* target_field(compile_scope& sc, const ast::expr& seg, const schema_node* sn, const cexpr* idx);
    void check_stored_value(compile_scope& sc, const ast::stmt& st, const schema_node* field, const cexpr& v, const stype& vt);
    void if_statement(compile_scope& sc, const ast::stmt& st, cstmt& c);
    void for_statement(compile_scope& sc, const ast::stmt& st, cstmt& c);

    // compile_rule.cpp
    void compile_rule(const ast::file& f, const ast::rule_decl& r);
    void rule_metadata(const ast::file& f, const ast::rule_decl& r, rule_info& info);
    void rule_triggers(const ast::file& f, const ast::rule_decl& r, crule& cr);
    void rule_step_args(const crule& cr, compile_scope& sc);
    citem rule_item(rule_build& b, const ast::body_item& it);
    void rule_let(rule_build& b, const ast::body_item& it, citem& item);
    void rule_condition(rule_build& b, const ast::body_item& it, citem& item);
    void require_templates(rule_build& b, const ast::body_item& it, citem& item);
    std::unique_ptr<ctemplate> compile_template(compile_scope& sc, const ast::template_str& t);
    static std::string source_slice(const source_ptr& f, pos from);

    // compile_expr.cpp
    cexpr_ptr expr(compile_scope& sc, const ast::expr& e);
    cexpr_ptr make(cop op, pos where);
    cexpr_ptr constant(rt::value v, pos where);
    cexpr_ptr literal(const ast::expr& e);
    cexpr_ptr list_literal(compile_scope& sc, const ast::expr& e);
    cexpr_ptr record_literal(compile_scope& sc, const ast::expr& e);
    cexpr_ptr negation(compile_scope& sc, const ast::expr& e);
    cexpr_ptr logical_not(compile_scope& sc, const ast::expr& e);
    cexpr_ptr conditional(compile_scope& sc, const ast::expr& e);
    cexpr_ptr binary(compile_scope& sc, const ast::expr& e);
    void check_arith(const compile_scope& sc, const ast::expr& e, const stype& at, const stype& bt);
    void check_product(const compile_scope& sc, const ast::expr& e, const stype& at, const stype& bt, const cexpr& b);
    void check_comparison(const compile_scope& sc, const ast::expr& e, const stype& at, const stype& bt, const cexpr& a,
                          const cexpr& b);
    void check_membership(const compile_scope& sc, const ast::expr& e, const stype& at, const stype& bt);
    void check_enum(const compile_scope& sc, const stype& field, const cexpr& lit, pos where);
    void check_condition(const compile_scope& sc, const ast::expr& e, const stype& t);
    cexpr_ptr quantifier(compile_scope& sc, const ast::expr& e);
    stype element_type(const stype& ct) const;

    // compile_path.cpp
    const compile_var* lookup(compile_scope& sc, const std::string& name);
    cexpr_ptr name(compile_scope& sc, const ast::expr& e);
    cexpr_ptr context_name(compile_scope& sc, const ast::expr& e);
    cexpr_ptr def_name(compile_scope& sc, const ast::expr& e, cdef& d);
    cexpr_ptr table_name(const ast::expr& e, const ctable& t);
    cexpr_ptr root_key(compile_scope& sc, const ast::expr& e);
    bool context_unavailable(const compile_scope& sc, const ast::expr& e);
    void unknown_step_arg(const compile_scope& sc, const ast::expr& e);
    void unknown_field(const compile_scope& sc, pos where, const schema_node* sn, const std::string& key, bool root);
    cexpr_ptr path_step(compile_scope& sc, const ast::expr& e);
    cexpr_ptr member_step(compile_scope& sc, const ast::expr& e, cexpr_ptr base, const stype& bt, const std::string& btext);
    void member_type(compile_scope& sc, const ast::expr& e, const cexpr& base, const stype& bt);
    cexpr_ptr star_step(compile_scope& sc, const ast::expr& e, cexpr_ptr base, const stype& bt, const std::string& btext);
    cexpr_ptr index_step(compile_scope& sc, const ast::expr& e, cexpr_ptr base, const stype& bt, const std::string& btext);
    static bool is_spread(const cexpr& c);

    // compile_call.cpp
    cexpr_ptr call(compile_scope& sc, const ast::expr& e);
    cexpr_ptr call_builtin(compile_scope& sc, const ast::expr& e, const builtin_def& b);
    cexpr_ptr call_def(compile_scope& sc, const ast::expr& e, cdef& d);
    void check_def_argument(const compile_scope& sc, const ast::expr& arg, const cdef& d, std::size_t i, const stype& t);
    cexpr_ptr unknown_function(compile_scope& sc, const ast::expr& e);

    // compile_module.cpp
    const std::string& file_module(const source_ptr& f) const;
    const module_ref* module_alias(const source_ptr& f, std::string_view name) const;
    cdef* find_def(const source_ptr& f, const std::string& name);
    ctable* find_table(const source_ptr& f, const std::string& name);
    std::vector<std::string> visible_names(const source_ptr& f, bool defs, bool tables) const;
    cexpr_ptr qualified_call(compile_scope& sc, const ast::expr& e, std::size_t dot);
    cexpr_ptr qualified_name(compile_scope& sc, const ast::expr& e);
    void unknown_in_module(const compile_scope& sc, const ast::expr& e, std::string_view alias, std::string_view name,
                           const module_ref* m, bool function);

    // compile_lint.cpp: warnings read from the AST
    void lint_condition(const compile_scope& sc, const ast::expr& e);
    void lint_binary(const compile_scope& sc, const ast::expr& e);
    void lint_bound_name(const compile_scope& sc, const std::string& name, pos where);

    pack& p_;
    diagnostics& diags_;
    std::map<const ctable*, const ast::table_decl*> table_asts_;
    stype last_type_;  ///< the static type of the expression compiled last
    std::map<const cexpr*, stype> quant_var_types_;
    std::map<const cdef*, def_use> def_uses_;
    std::set<const ctable*> used_tables_;
    std::vector<std::unique_ptr<schema_node>> step_unions_;  ///< step_sn of rules on several actions
    std::map<const source_file*, std::set<std::string, std::less<>>> allowed_;  ///< `# kbl: allow(ID)` per file
};

/// One call of a built-in being compiled, as its row's typing function sees it.
struct builtin_types {
    compiler& comp;
    const compile_scope& sc;
    const ast::expr& call;         ///< the call as written (positions of its arguments)
    cexpr& c;                      ///< the compiled call (a typing function may attach a regex)
    std::span<const stype> args;   ///< the static types of the arguments
    stype result;                  ///< the call's static type: the row's kind, refined by the typing function
};

} // namespace kbl
