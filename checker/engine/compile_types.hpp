#pragma once
// Static types (internal to checker/engine/): what the compiler knows about an expression's value
// before any snapshot is read, for type errors at load time and schema-aware paths.
#include <cstdint>
#include <string>
#include <string_view>

#include "checker/engine/pack.hpp"

namespace kbl {

/// The kind of a value as far as the compiler knows (`unknown`: any kind).
enum class sbase : std::uint8_t { unknown, boolean, integer, floating, string, datetime, list, table };

/// A static type: a kind, and where the value sits in the schema when the compiler can tell.
struct stype {
    sbase base = sbase::unknown;
    const schema_node* sn = nullptr;       ///< schema position (tables, fields)
    sbase elem = sbase::unknown;           ///< list element base
    const schema_node* elem_sn = nullptr;  ///< list element schema position
    bool elem_is_node = false;             ///< list of snapshots (`nodes`)
    bool is_node = false;                  ///< a snapshot root (bound from `nodes`)
};

/// `int`, `string`... (`value` for unknown).
std::string_view base_name(sbase b);

/// The kind a declared schema type gives (unknown for unions and `any`).
sbase base_of(const ast::type_ref& t);

/// The static type of a value at schema position `sn` (null: unknown).
stype type_of_schema(const schema_node* sn);

/// The kind with an article: `an int`, `a string`.
std::string a_base(sbase b);

/// True when values of kinds `a` and `b` may be compared (or added).
bool comparable(sbase a, sbase b);

/// True when `a` and `b` say the same (kind, schema position, elements).
bool same_type(const stype& a, const stype& b);

/// A snapshot root: the schema's root position, as `self`, `target` and `other(n)` are typed.
stype node_type(const schema_node* schema);

/// The static type a def parameter's written type gives (`node`: a snapshot root of `schema`;
/// kind none, `any` and unions: unknown).
stype written_type(const ast::param_type& t, const schema_node* schema);

/// Whether a value of static type `arg` may be passed for a parameter of written type `want`
/// (true when the compiler cannot tell).
bool fits_written(const stype& arg, const ast::param_type& want, const schema_node* schema);

/// What a value of static type `t` is, with an article, for messages: `a string`, `a node`, `the
/// table 'postgres'`, `a list of nodes`, `a list of strings`.
std::string a_type(const stype& t, const schema_node* schema);

} // namespace kbl
