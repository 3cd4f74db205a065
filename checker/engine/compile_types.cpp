#include "checker/engine/compile_types.hpp"

#include <fmt/format.h>

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

} // namespace kbl
