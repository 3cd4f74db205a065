#pragma once
// The checked abstract syntax tree of a rule file. It owns its strings and every node carries
// the position it was written at; the file it came from is the `file::src` it belongs to.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/source.hpp"

namespace kbl::ast {

enum class expr_kind : std::uint8_t {
    string_lit, int_lit, float_lit, bool_lit, date_lit,  ///< literals
    list, record,                                        ///< `[a, b]`, `{k = v}`
    name,                                                ///< a variable, constant, table or root key
    member,          ///< kids[0].text (text = key; `quoted` when written "key")
    member_star,     ///< kids[0].*
    index,           ///< kids[0][kids[1]]
    index_star,      ///< kids[0][*]
    optional,        ///< kids[0]?
    call,            ///< text(kids...); text is `x.f` for a def of the module `x`
    neg,             ///< -kids[0]
    not_,            ///< not kids[0]
    binary,          ///< kids[0] op kids[1]
    quantifier,      ///< quant var in kids[0] [where kids[1]] [: kids[2]] (absent parts are null)
    conditional,     ///< if kids[0] then kids[1] else kids[2]
};

enum class binop : std::uint8_t {
    or_, and_, eq, ne, lt, le, gt, ge, ci_eq, in, not_in, contains, matches, default_, add, sub, mul, div, mod
};

enum class quant : std::uint8_t { all, any, none, count, the, map, filter };

struct expr;
using expr_ptr = std::unique_ptr<expr>;

struct expr {
    expr_kind kind = expr_kind::name;
    pos where;           ///< where the expression starts
    pos key_pos;         ///< member: where the key is written
    std::string text;    ///< string value, name, key, function name, date text, number as written
    std::int64_t i = 0;
    double f = 0.0;
    bool b = false;
    bool quoted = false; ///< member key written as a quoted string; string literal written '...'
    binop op = binop::eq;
    quant q = quant::all;
    std::vector<std::string> keys;  ///< record keys (kids are the values)
    std::vector<expr_ptr> kids;
};

/// Text with `{expr}` interpolations.
struct template_part {
    std::string text;  ///< literal text (when e is null)
    expr_ptr e;
};
struct template_str {
    pos where;
    std::vector<template_part> parts;
    std::string raw;  ///< as written, without quotes
    bool literal = false;  ///< written as a 'literal string' (no interpolation)
};

enum class item_kind : std::uint8_t { when, let, require };

/// A `when`, `let` or `require`, in written order.
struct body_item {
    item_kind kind = item_kind::when;
    pos where;
    std::string name;  ///< let name
    pos name_pos;
    expr_ptr e;
    std::optional<template_str> message;  ///< require's own message
    expr_ptr at;                          ///< require's `at`: the value its finding points at
    pos at_pos;
};

/// When a rule is evaluated: on the snapshots, before/after steps with given actions, on the final state.
struct trigger {
    enum class kind : std::uint8_t { snapshot, final, before, after } k = kind::snapshot;
    std::vector<std::string> actions;
    pos where;
};

struct rule_decl {
    pos where;
    pos end;                        ///< just after the closing brace
    std::vector<std::pair<std::string, pos>> meta_pos;  ///< where each metadata item was written
    std::vector<trigger> triggers;  ///< empty: `on snapshot`
    std::string id;
    pos id_pos;
    std::optional<std::string> title;
    std::optional<std::string> severity;  ///< "error" | "warning" | "info"
    std::optional<std::string> scope;     ///< "node" | "cluster" | "runbook"
    std::optional<std::string> ref_article;
    std::string ref_section;
    std::vector<std::string> tags;
    std::string doc;
    std::optional<template_str> fix;
    std::optional<template_str> message;  ///< a message given before any require (else the first require's is the default)
    std::vector<body_item> body;
    std::string source_text;  ///< the declaration as written
};

struct type_ref {
    enum class kind : std::uint8_t { string, int_, float_, bool_, datetime, date, time, table, list, enum_, any };
    kind k = kind::any;
    std::vector<std::string> enum_values;
    std::vector<type_ref> elem;      ///< list element type (0 or 1)
    std::vector<type_ref> alternatives;  ///< non-empty for a union (then `k` is unused)
    pos where;
};

/// A def parameter's written type (`n: node`, `ns: list(node)`, `v: string`), or none.
struct param_type {
    enum class kind : std::uint8_t { none, node, node_list, schema } k = kind::none;
    type_ref type;  ///< kind::schema: a type as schema fields write it
    pos where;
};

struct def_decl {
    pos where;
    pos end;
    std::string name;
    pos name_pos;
    bool has_params = false;
    std::vector<std::string> params;
    std::vector<pos> param_pos;
    std::vector<param_type> param_types;  ///< one per parameter (kind::none: not written)
    expr_ptr body;
};

struct table_entry {
    pos where;
    bool is_default = false;
    bool int_key = false;
    std::int64_t i = 0;
    std::string s;
    std::string text;  ///< the key as written (for the formatter)
    expr_ptr value;
};

struct table_decl {
    pos where;
    pos end;
    std::string name;
    pos name_pos;
    std::vector<table_entry> entries;
};

/// A schema path segment: a key, `*` (any key), or `[*]` (any element).
struct path_seg {
    enum class kind : std::uint8_t { key, any_key, any_index } k = kind::key;
    std::string key;
};


struct field_decl {
    pos where;
    std::vector<path_seg> path;
    std::string path_text;
    type_ref type;
    bool required = false;
    bool optional = false;  ///< its absence means "not applicable": a `when` reading it is false, not unknown
    bool nocase = false;
    std::string doc;  ///< what the field means (the string after its flags), for `kblint schema` and `init`
};

/// `arg NAME TYPE [required]` (an action's step argument) or `step_arg ...` (a key of every step).
struct arg_decl {
    pos where;
    std::string name;
    pos name_pos;
    type_ref type;
    bool required = false;
};

struct schema_decl {
    pos where;
    pos end;
    std::vector<field_decl> fields;
    std::vector<arg_decl> step_args;  ///< keys every step may have besides step_action and step_node
    std::optional<std::vector<path_seg>> node_id, cluster_id, taken_at, planned, runbook, step_action, step_node;
    pos node_id_pos, cluster_id_pos, taken_at_pos, planned_pos, runbook_pos, step_action_pos, step_node_pos;
    bool strict = false;  ///< keys the schema does not declare are violations
    pos strict_pos;
};

enum class stmt_kind : std::uint8_t { set, add, remove, del, let, if_, for_ };

/// A statement of an action.
struct stmt {
    stmt_kind kind = stmt_kind::set;
    pos where;
    expr_ptr target;   ///< set/add/remove/delete: the path changed
    expr_ptr value;    ///< set/add/remove/let: the value; if: the condition; for: the collection
    expr_ptr where_;   ///< for: the optional filter
    std::string name;  ///< let/for: the variable
    pos name_pos;
    std::vector<stmt> body, else_body;
};

/// `action NAME { ... }`: the effects of a step with this action on the simulated state.
struct action_decl {
    pos where;
    pos end;
    std::string name;
    pos name_pos;
    std::string doc;
    std::vector<arg_decl> args;  ///< the step arguments it declares (none: undeclared, see docs/language.md)
    std::vector<stmt> body;
};

struct use_decl {
    pos where;
    std::string path;
    std::string alias;  ///< `use "x.kbl" as x`: the module's name in this file (empty: a plain `use`)
    pos alias_pos;
};

/// One parsed rule file.
struct file {
    source_ptr src;
    std::vector<use_decl> uses;
    std::vector<schema_decl> schemas;
    std::vector<def_decl> defs;
    std::vector<table_decl> tables;
    std::vector<rule_decl> rules;
    std::vector<action_decl> actions;
};

} // namespace kbl::ast
