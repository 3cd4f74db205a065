#include "checker/engine/compile_types.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kbl {

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

bool same_type(const stype& a, const stype& b) {
    return a.base == b.base && a.sn == b.sn && a.elem == b.elem && a.elem_sn == b.elem_sn &&
           a.elem_is_node == b.elem_is_node && a.is_node == b.is_node;
}

stype node_type(const schema_node* schema) {
    stype t = type_of_schema(schema);
    t.base = sbase::table;
    t.is_node = true;
    return t;
}

stype written_type(const ast::param_type& t, const schema_node* schema) {
    using pk = ast::param_type::kind;
    stype r;
    switch (t.k) {
    case pk::none: break;
    case pk::node: r = node_type(schema); break;
    case pk::node_list:
        r.base = sbase::list;
        r.elem = sbase::table;
        r.elem_sn = schema;
        r.elem_is_node = true;
        break;
    case pk::schema:
        r.base = base_of(t.type);
        if (r.base == sbase::list && t.type.alternatives.empty() && !t.type.elem.empty()) r.elem = base_of(t.type.elem[0]);
        break;
    }
    return r;
}

namespace {

// A table that is a snapshot root, or may be.
bool node_like(const stype& t, const schema_node* schema) {
    return t.base == sbase::unknown || (t.base == sbase::table && (t.is_node || !t.sn || t.sn == schema));
}

// Whether a value of static type `arg` fits the schema type `want` (true when it cannot tell).
bool fits_type(const stype& arg, const ast::type_ref& want) {
    if (!want.alternatives.empty())
        return std::any_of(want.alternatives.begin(), want.alternatives.end(),
                           [&](const ast::type_ref& a) { return fits_type(arg, a); });
    if (arg.base == sbase::unknown || want.k == ast::type_ref::kind::any) return true;
    if (want.k == ast::type_ref::kind::float_) return arg.base == sbase::integer || arg.base == sbase::floating;
    if (arg.base != base_of(want)) return false;
    if (want.k != ast::type_ref::kind::list || want.elem.empty() || arg.elem == sbase::unknown) return true;
    return fits_type(stype{arg.elem}, want.elem[0]);
}

} // namespace

bool fits_written(const stype& arg, const ast::param_type& want, const schema_node* schema) {
    using pk = ast::param_type::kind;
    switch (want.k) {
    case pk::none: return true;
    case pk::node: return node_like(arg, schema);
    case pk::node_list: {
        if (arg.base == sbase::unknown) return true;
        stype elem{arg.elem, arg.elem_sn};
        elem.is_node = arg.elem_is_node;
        return arg.base == sbase::list && node_like(elem, schema);
    }
    case pk::schema: return fits_type(arg, want.type);
    }
    return true;
}

std::string a_type(const stype& t, const schema_node* schema) {
    if (t.is_node) return "a node";
    if (t.base == sbase::table && t.sn && t.sn != schema && !t.sn->path.empty()) return fmt::format("the table '{}'", t.sn->path);
    if (t.base != sbase::list || (t.elem == sbase::unknown && !t.elem_is_node)) return a_base(t.base);
    if (t.elem_is_node) return "a list of nodes";
    return fmt::format("a list of {}s", base_name(t.elem));
}

} // namespace kbl
