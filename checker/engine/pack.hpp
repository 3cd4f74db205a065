#pragma once
// The compiled, immutable form of a rule pack (internal to checker/): names resolved to slots,
// functions bound, regular expressions compiled, constants folded, schema as a tree.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "parser/ast.hpp"
#include "checker/engine/engine.hpp"
#include "checker/engine/value.hpp"

namespace kbl {

/// A node of the schema tree (one per path segment).
struct schema_node {
    std::map<std::string, std::unique_ptr<schema_node>> keys;
    std::unique_ptr<schema_node> any_key;    ///< `*`
    std::unique_ptr<schema_node> any_index;  ///< `[*]`
    std::optional<ast::type_ref> type;       ///< declared type, if a field declares this node
    bool required = false;
    bool optional = false;  ///< absent means "not applicable" (a `when` reading it is false, not unknown)
    bool nocase = false;
    bool declared = false;
    std::string doc;                         ///< what the field means (its doc string), may be empty
    std::string path;                        ///< as written, e.g. `services.*.state`
    source_ptr file;
    pos where;

    /// Child for `key` (exact, then ignoring case when nocase, then `*`), or null.
    [[nodiscard]] const schema_node* child(std::string_view key) const;
    /// True when the declared type (or any alternative) is `any`.
    [[nodiscard]] bool is_any() const;
};

enum class cop : std::uint8_t {
    constant, var, self, nodes, root_key, step, step_index, target, steps, runbook, member, member_star, index, index_star, optional,
    builtin, call, table_lookup, neg, not_, and_, or_, compare, default_, add, sub, mul, div, mod, quant, cond, list, record
};

struct builtin_def;
struct cdef;
struct ctable;

/// A compiled expression.
struct cexpr {
    cop op = cop::constant;
    pos where;
    rt::value k;                  ///< constant value
    std::string key;              ///< member / root key, or quantifier variable name
    std::uint32_t slot = 0;       ///< variable slot, or quantifier variable slot
    const builtin_def* fn = nullptr;  ///< builtin: its row of the built-in table (builtins.hpp)
    const cdef* def = nullptr;
    const ctable* table = nullptr;
    const RE2* re = nullptr;
    ast::binop bop = ast::binop::eq;
    ast::quant q = ast::quant::all;
    std::string text;             ///< how a path was written, for messages
    const ast::expr* src = nullptr;  ///< what it was compiled from (the pack keeps its ASTs), for traces
    std::vector<std::unique_ptr<cexpr>> kids;
};
using cexpr_ptr = std::unique_ptr<cexpr>;

struct cdef {
    std::string name;
    std::string module;  ///< the module's key (its file, see `module_ref`); empty in the global namespace
    std::uint32_t params = 0;
    bool has_params = false;
    std::uint32_t frame_size = 0;
    cexpr_ptr body;
    source_ptr file;
    pos where;
    const ast::def_decl* decl = nullptr;
    bool compiling = false;
    bool compiled = false;
    /// Its body, or a def it calls, reads the evaluation's context (`self`, a root key, the step, the
    /// runbook, or a built-in that reads them): its value depends on more than its arguments and the
    /// cluster's current state.
    bool reads_context = true;
};

struct ctable {
    std::string name;
    std::string module;  ///< as cdef::module
    snap::node_ptr entries;  ///< a record: integer keys written in decimal
    std::optional<rt::value> dflt;
    source_ptr file;
    pos where;
};

struct ctemplate {
    struct part {
        std::string text;
        cexpr_ptr e;
    };
    std::vector<part> parts;
};

struct citem {
    ast::item_kind kind = ast::item_kind::when;
    std::uint32_t slot = 0;
    cexpr_ptr e;
    const ctemplate* message = nullptr;
    const ctemplate* fix = nullptr;
    cexpr_ptr at;  ///< require's `at`: evaluated with the require's bindings, where its finding points
    pos where;
    std::string text;  ///< the condition as written (for -v)
};

/// One step of an lvalue path: a key, or an index computed at run time.
struct cseg {
    bool is_index = false;
    std::string key;
    cexpr_ptr idx;
};

/// A compiled statement of an action.
struct cstmt {
    ast::stmt_kind kind = ast::stmt_kind::set;
    pos where;
    cexpr_ptr root;              ///< lvalue root (set/add/remove/delete)
    std::vector<cseg> segs;      ///< lvalue steps after the root
    std::string text;            ///< the lvalue as written
    cexpr_ptr value;             ///< value / condition / collection
    cexpr_ptr where_;            ///< for: filter
    std::uint32_t slot = 0;      ///< let/for variable
    std::vector<cstmt> body, else_body;
};

struct caction {
    std::string name;
    std::string doc;
    /// The keys a step of this action may have, as a table schema: step_action, step_node, the
    /// schema's `step_arg`s and the action's `arg`s (never null once compiled).
    std::unique_ptr<schema_node> step_schema;
    bool declares_args = false;  ///< it declares an `arg`: keys it does not declare are violations
    std::vector<cstmt> body;
    std::uint32_t frame_size = 0;
    source_ptr file;
    pos where;
};

struct ctrigger {
    ast::trigger::kind k = ast::trigger::kind::snapshot;
    std::vector<std::string> actions;
};

struct crule {
    rule_info info;
    std::vector<ctrigger> triggers;  ///< never empty
    std::vector<citem> body;
    std::vector<std::unique_ptr<ctemplate>> templates;
    const ctemplate* fix = nullptr;
    std::uint32_t frame_size = 0;
};

/// A module as a file that loads it names it: `use "PATH" as NAME`.
struct module_ref {
    std::string key;      ///< the module's file, normalised: what its defs and tables are keyed by
    std::string written;  ///< PATH as written, for messages
};

/// The key of a def or table `name` of module `module` (empty: the global namespace) in the
/// pack's maps; a module's names never collide with global ones.
inline std::string global_key(const std::string& module, const std::string& name) {
    return module.empty() ? name : module + '\n' + name;
}

class pack {
public:
    std::vector<source_ptr> files;
    std::vector<std::unique_ptr<crule>> rules;  ///< sorted by id
    std::map<std::string, std::unique_ptr<cdef>> defs;      ///< by global_key
    std::map<std::string, std::unique_ptr<ctable>> tables;  ///< by global_key
    /// The module key of each file loaded with `use ... as` (files not here share the global namespace).
    std::map<const source_file*, std::string> file_module;
    /// For each file that writes `use "PATH" as NAME`: NAME to the module.
    std::map<const source_file*, std::map<std::string, module_ref, std::less<>>> aliases;
    std::vector<std::unique_ptr<RE2>> regexes;
    std::unique_ptr<schema_node> schema;       ///< null when the pack has no schema
    bool schema_strict = false;                ///< the schema block says `strict`: undeclared keys are violations
    std::string schema_id;                     ///< the id of the engine's schema findings (empty: `schema-violation`)
    bool schema_by_rule = false;               ///< a rule calls `schema_violations()`: the pack reports violations itself
    std::optional<std::vector<ast::path_seg>> node_id, cluster_id, taken_at, planned, runbook, step_action, step_node;
    std::map<std::string, std::unique_ptr<caction>> actions;
    std::vector<std::pair<ast::arg_decl, source_ptr>> step_args;  ///< `step_arg`s: keys of every step
    std::vector<std::string> ci_tables;
    std::vector<ast::file> asts;               ///< kept for the lifetime of the pack
};

} // namespace kbl
