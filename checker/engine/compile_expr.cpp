// Expressions: literals, operators and quantifiers, each typed statically (`last_type_`) with the
// type errors the AST can show (compiler phase; see compile_internal.hpp). Names and paths are in
// compile_path.cpp, calls in compile_call.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/check_ids.hpp"
#include "common/text.hpp"
#include "checker/engine/compile_internal.hpp"

namespace kbl {

namespace {

// Canonical text of a date/date-time literal, as the snapshot loader writes it.
std::string canonical_date(const std::string& text) {
    std::string t = text;
    for (auto& c : t)
        if (c == 't') c = 'T';
        else if (c == 'z') c = 'Z';
    auto tpos = t.find('T');
    if (tpos == std::string::npos) return t;
    std::string date = t.substr(0, tpos);
    std::string rest = t.substr(tpos + 1);
    std::string time = rest.substr(0, 8);
    std::string frac;
    std::size_t i = 8;
    if (i < rest.size() && rest[i] == '.') {
        std::size_t j = i + 1;
        while (j < rest.size() && std::isdigit(static_cast<unsigned char>(rest[j]))) ++j;
        frac = rest.substr(i, j - i);
        while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
        if (frac == ".") frac.clear();
        i = j;
    }
    std::string tz = rest.substr(i);
    if (tz.empty()) return date + "T" + time + frac;
    int y = std::stoi(date.substr(0, 4)), mo = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
    int h = std::stoi(time.substr(0, 2)), mi = std::stoi(time.substr(3, 2));
    int s = std::stoi(time.substr(6, 2));
    if (tz != "Z") {
        int sign = tz[0] == '-' ? -1 : 1;
        int oh = std::stoi(tz.substr(1, 2)), om = std::stoi(tz.substr(4, 2));
        long total = (((static_cast<long>(h) * 60) + mi) - sign * (oh * 60 + om));
        std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
        while (total < 0) {
            total += 1440;
            --days;
        }
        while (total >= 1440) {
            total -= 1440;
            ++days;
        }
        h = static_cast<int>(total / 60);
        mi = static_cast<int>(total % 60);
        const civil_date c = civil_from_days(days);
        y = static_cast<int>(c.year);
        mo = static_cast<int>(c.month);
        d = static_cast<int>(c.day);
    }
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z", y, mo, d, h, mi, s, frac);
}

} // namespace

cexpr_ptr compiler::expr(compile_scope& sc, const ast::expr& e) {
    using ek = ast::expr_kind;
    cexpr_ptr c = [&] {
        switch (e.kind) {
        case ek::string_lit:
        case ek::int_lit:
        case ek::float_lit:
        case ek::bool_lit:
        case ek::date_lit: return literal(e);
        case ek::list: return list_literal(sc, e);
        case ek::record: return record_literal(sc, e);
        case ek::name: return name(sc, e);
        case ek::member:
        case ek::member_star:
        case ek::index:
        case ek::index_star:
        case ek::optional: return path_step(sc, e);
        case ek::call: return call(sc, e);
        case ek::neg: return negation(sc, e);
        case ek::not_: return logical_not(sc, e);
        case ek::binary: return binary(sc, e);
        case ek::quantifier: return quantifier(sc, e);
        case ek::conditional: return conditional(sc, e);
        }
        return constant(rt::value{}, e.where);
    }();
    c->src = &e;  // what a trace shows: the expression as written (the pack keeps its ASTs)
    return c;
}

cexpr_ptr compiler::make(cop op, pos where) {
    auto c = std::make_unique<cexpr>();
    c->op = op;
    c->where = where;
    return c;
}

cexpr_ptr compiler::constant(rt::value v, pos where) {
    auto c = make(cop::constant, where);
    c->k = std::move(v);
    return c;
}

cexpr_ptr compiler::literal(const ast::expr& e) {
    using ek = ast::expr_kind;
    switch (e.kind) {
    case ek::string_lit: last_type_ = {sbase::string}; return constant(rt::value::string(e.text), e.where);
    case ek::int_lit: last_type_ = {sbase::integer}; return constant(rt::value::integer(e.i), e.where);
    case ek::float_lit: last_type_ = {sbase::floating}; return constant(rt::value::floating(e.f), e.where);
    case ek::bool_lit: last_type_ = {sbase::boolean}; return constant(rt::value::boolean(e.b), e.where);
    default: break;
    }
    rt::value v;
    v.k = rt::vkind::datetime;
    v.s = canonical_date(e.text);
    last_type_ = {sbase::datetime};
    return constant(std::move(v), e.where);
}

// `[a, b]`: a constant when every element is one.
cexpr_ptr compiler::list_literal(compile_scope& sc, const ast::expr& e) {
    auto c = make(cop::list, e.where);
    bool all_const = true;
    sbase elem = sbase::unknown;
    bool first = true;
    for (const auto& k : e.kids) {
        c->kids.push_back(expr(sc, *k));
        all_const = all_const && c->kids.back()->op == cop::constant;
        if (first) elem = last_type_.base;
        else if (elem != last_type_.base) elem = sbase::unknown;
        first = false;
    }
    last_type_ = {sbase::list};
    last_type_.elem = elem;
    if (!all_const) return c;
    std::vector<rt::value> vs;
    for (auto& k : c->kids) vs.push_back(k->k);
    return constant(rt::value::list(std::move(vs)), e.where);
}

// `{k = v}`: a constant when every value is one; otherwise its keys travel in `k.s`, each ended by \x1f.
cexpr_ptr compiler::record_literal(compile_scope& sc, const ast::expr& e) {
    auto c = make(cop::record, e.where);
    bool all_const = true;
    for (std::size_t i = 0; i < e.kids.size(); ++i) {
        c->kids.push_back(expr(sc, *e.kids[i]));
        all_const = all_const && c->kids.back()->op == cop::constant;
    }
    c->text.clear();
    for (const auto& k : e.keys) c->k.s += k + '\x1f';
    last_type_ = {sbase::table};
    if (!all_const) return c;
    auto n = std::make_shared<snap::node>();
    n->k = snap::kind::table;
    n->where = e.where;
    for (std::size_t i = 0; i < e.keys.size(); ++i)
        n->entries.push_back({e.keys[i], e.where, value_to_node(c->kids[i]->k, e.keys[i], e.where)});
    rt::value v;
    v.k = rt::vkind::table;
    v.node = n.get();
    v.hold = n;
    return constant(std::move(v), e.where);
}

cexpr_ptr compiler::negation(compile_scope& sc, const ast::expr& e) {
    auto c = make(cop::neg, e.where);
    c->kids.push_back(expr(sc, *e.kids[0]));
    if (last_type_.base != sbase::unknown && last_type_.base != sbase::integer && last_type_.base != sbase::floating)
        error(sc.file, e.where, fmt::format("cannot negate {}", a_base(last_type_.base)), check_ids::type_error);
    return c;
}

cexpr_ptr compiler::logical_not(compile_scope& sc, const ast::expr& e) {
    auto c = make(cop::not_, e.where);
    c->kids.push_back(expr(sc, *e.kids[0]));
    check_condition(sc, *e.kids[0], last_type_);
    if (c->kids[0]->op == cop::constant && c->kids[0]->k.k == rt::vkind::boolean)
        return constant(rt::value::boolean(!c->kids[0]->k.b), e.where);
    last_type_ = {sbase::boolean};
    return c;
}

cexpr_ptr compiler::conditional(compile_scope& sc, const ast::expr& e) {
    auto c = make(cop::cond, e.where);
    c->kids.push_back(expr(sc, *e.kids[0]));
    check_condition(sc, *e.kids[0], last_type_);
    c->kids.push_back(expr(sc, *e.kids[1]));
    stype a = last_type_;
    c->kids.push_back(expr(sc, *e.kids[2]));
    if (a.base != last_type_.base) last_type_ = {};
    return c;
}

cexpr_ptr compiler::binary(compile_scope& sc, const ast::expr& e) {
    using ast::binop;
    cexpr_ptr a = expr(sc, *e.kids[0]);
    stype at = last_type_;
    cexpr_ptr b = expr(sc, *e.kids[1]);
    stype bt = last_type_;
    auto c = make(cop::compare, e.where);
    c->bop = e.op;
    last_type_ = {sbase::boolean};
    switch (e.op) {
    case binop::and_:
    case binop::or_:
        c->op = e.op == binop::and_ ? cop::and_ : cop::or_;
        check_condition(sc, *e.kids[0], at);
        check_condition(sc, *e.kids[1], bt);
        break;
    case binop::default_:
        c->op = cop::default_;
        last_type_ = at.base == sbase::unknown ? bt : at;
        break;
    case binop::add:
    case binop::sub:
        c->op = e.op == binop::add ? cop::add : cop::sub;
        check_arith(sc, e, at, bt);
        last_type_ = at.base == sbase::unknown ? bt : at;
        break;
    case binop::mul:
    case binop::div:
    case binop::mod:
        c->op = e.op == binop::mul ? cop::mul : e.op == binop::div ? cop::div : cop::mod;
        check_product(sc, e, at, bt, *b);
        last_type_ = {at.base == sbase::floating || bt.base == sbase::floating ? sbase::floating
                      : at.base == sbase::integer && bt.base == sbase::integer ? sbase::integer
                                                                               : sbase::unknown};
        break;
    case binop::eq:
    case binop::ne:
    case binop::lt:
    case binop::le:
    case binop::gt:
    case binop::ge:
    case binop::ci_eq: check_comparison(sc, e, at, bt, *a, *b); break;
    case binop::in:
    case binop::not_in:
    case binop::contains:
    case binop::matches:
        check_membership(sc, e, at, bt);
        if (e.op == binop::matches) c->re = compile_regex(sc, b->k.s, e.kids[1]->where);
        break;
    }
    c->kids.push_back(std::move(a));
    c->kids.push_back(std::move(b));
    return c;
}

// `+` and `-`: numbers (or, for `+`, two strings or two lists).
void compiler::check_arith(const compile_scope& sc, const ast::expr& e, const stype& at, const stype& bt) {
    bool sub = e.op == ast::binop::sub;
    if (!comparable(at.base, bt.base) ||
        (sub && at.base != sbase::unknown && at.base != sbase::integer && at.base != sbase::floating))
        error(sc.file, e.kids[1]->where,
              fmt::format("cannot {} {} and {}", sub ? "subtract" : "add", a_base(at.base), a_base(bt.base)),
              check_ids::type_error);
}

// `*`, `/` and `%`: numbers; a literal zero divisor is an error here.
void compiler::check_product(const compile_scope& sc, const ast::expr& e, const stype& at, const stype& bt,
                             const cexpr& b) {
    auto number = [](sbase x) { return x == sbase::unknown || x == sbase::integer || x == sbase::floating; };
    const char* verb = e.op == ast::binop::mul ? "multiply" : "divide";
    if (!number(at.base) || !number(bt.base))
        error(sc.file, number(at.base) ? e.kids[1]->where : e.kids[0]->where,
              fmt::format("cannot {} {} and {}", verb, a_base(at.base), a_base(bt.base)), check_ids::type_error);
    else if (e.op != ast::binop::mul && b.op == cop::constant &&
             ((b.k.k == rt::vkind::integer && b.k.i == 0) || (b.k.k == rt::vkind::floating && b.k.f == 0.0)))
        error(sc.file, e.kids[1]->where, "division by zero", check_ids::type_error);
}

// `==`, `!=`, `<`... and `~=`: comparable kinds, and enum values the schema knows.
void compiler::check_comparison(const compile_scope& sc, const ast::expr& e, const stype& at, const stype& bt,
                                const cexpr& a, const cexpr& b) {
    if (e.op == ast::binop::ci_eq) {
        auto ok = [](sbase x) { return x == sbase::unknown || x == sbase::string || x == sbase::list; };
        if (!ok(at.base) || !ok(bt.base) || !comparable(at.base, bt.base))
            error(sc.file, e.where,
                  fmt::format("'~=' compares strings or lists, not a {} with a {}", base_name(at.base), base_name(bt.base)),
                  check_ids::type_error);
    } else if (!comparable(at.base, bt.base)) {
        error(sc.file, e.kids[1]->where, fmt::format("cannot compare {} with {}", a_base(at.base), a_base(bt.base)),
              check_ids::type_error);
    }
    check_enum(sc, at, b, e.kids[1]->where);
    check_enum(sc, bt, a, e.kids[0]->where);
}

// `in`, `not in`, `contains` and `matches`: a collection (or a string) on the right side.
void compiler::check_membership(const compile_scope& sc, const ast::expr& e, const stype& at, const stype& bt) {
    auto collection = [](sbase x) {
        return x == sbase::unknown || x == sbase::list || x == sbase::string || x == sbase::table;
    };
    switch (e.op) {
    case ast::binop::in:
    case ast::binop::not_in:
        if (!collection(bt.base))
            error(sc.file, e.kids[1]->where,
                  fmt::format("'in' needs a list, a string or a table on its right, not a {}", base_name(bt.base)),
                  check_ids::type_error);
        break;
    case ast::binop::contains:
        if (!collection(at.base))
            error(sc.file, e.kids[0]->where,
                  fmt::format("'contains' needs a list, a string or a table on its left, not a {}", base_name(at.base)),
                  check_ids::type_error);
        break;
    default:
        if (at.base != sbase::unknown && at.base != sbase::string)
            error(sc.file, e.kids[0]->where, fmt::format("'matches' needs a string on its left, not a {}", base_name(at.base)),
                  check_ids::type_error);
        break;
    }
}

void compiler::check_enum(const compile_scope& sc, const stype& field, const cexpr& lit, pos where) {
    if (!field.sn || !field.sn->type || lit.op != cop::constant || lit.k.k != rt::vkind::string) return;
    const auto& t = *field.sn->type;
    if (t.k != ast::type_ref::kind::enum_ || !t.alternatives.empty()) return;
    for (const auto& v : t.enum_values)
        if (rt::ascii_lower(v) == rt::ascii_lower(lit.k.s)) return;
    std::string m = closest_match(lit.k.s, t.enum_values);
    std::string all;
    for (const auto& v : t.enum_values) all += (all.empty() ? "" : ", ") + v;
    error(sc.file, where,
          fmt::format("'{}' is not a value of '{}' ({}){}", lit.k.s, field.sn->path, all,
                      m.empty() ? "" : fmt::format(", did you mean '{}'?", m)),
          check_ids::type_error);
}

void compiler::check_condition(const compile_scope& sc, const ast::expr& e, const stype& t) {
    if (t.base != sbase::unknown && t.base != sbase::boolean)
        error(sc.file, e.where, fmt::format("expected a condition (bool), but this is {}", a_base(t.base)),
              check_ids::type_error);
}

const RE2* compiler::compile_regex(const compile_scope& sc, const std::string& pattern, pos where) {
    RE2::Options opt;
    opt.set_log_errors(false);
    opt.set_max_mem(8 << 20);
    auto re = std::make_unique<RE2>(pattern, opt);
    if (!re->ok()) {
        error(sc.file, where, fmt::format("invalid regular expression: {}", re->error()), check_ids::regex);
        return nullptr;
    }
    p_.regexes.push_back(std::move(re));
    return p_.regexes.back().get();
}

// The type of the elements of a collection of type `ct` (list elements, or a table's values).
stype compiler::element_type(const stype& ct) const {
    stype vt;
    if (ct.base == sbase::list) {
        vt = type_of_schema(ct.elem_sn);
        if (!ct.elem_sn) vt.base = ct.elem;
        if (ct.elem_is_node) {
            vt.is_node = true;
            vt.base = sbase::table;
            vt.sn = p_.schema.get();
        }
    } else if (ct.base == sbase::table && ct.sn && ct.sn->any_key) {
        vt = type_of_schema(ct.sn->any_key.get());
    }
    return vt;
}

cexpr_ptr compiler::quantifier(compile_scope& sc, const ast::expr& e) {
    auto c = make(cop::quant, e.where);
    c->q = e.q;
    c->key = e.text;
    c->kids.push_back(expr(sc, *e.kids[0]));
    stype ct = last_type_;
    if (ct.base != sbase::unknown && ct.base != sbase::list && ct.base != sbase::table)
        error(sc.file, e.kids[0]->where, fmt::format("cannot iterate over {}", a_base(ct.base)), check_ids::type_error);
    stype vt = element_type(ct);
    c->slot = sc.take_slot();
    bool used = false;
    sc.vars.push_back({e.text, c->slot, vt, &used});
    c->kids.push_back(e.kids[1] ? expr(sc, *e.kids[1]) : nullptr);
    if (e.kids[1]) check_condition(sc, *e.kids[1], last_type_);
    c->kids.push_back(e.kids[2] ? expr(sc, *e.kids[2]) : nullptr);
    if (e.kids[2] && e.q != ast::quant::the && e.q != ast::quant::map) check_condition(sc, *e.kids[2], last_type_);
    sc.vars.pop_back();
    sc.next--;
    quant_var_types_[c.get()] = vt;
    stype body_t = last_type_;
    if (e.q == ast::quant::count) last_type_ = stype{sbase::integer};
    else if (e.q == ast::quant::the) last_type_ = vt;
    else if (e.q == ast::quant::filter) last_type_ = ct.base == sbase::list ? ct : stype{sbase::list};
    else if (e.q == ast::quant::map) {
        last_type_ = stype{sbase::list};
        last_type_.elem = body_t.base;
        last_type_.elem_sn = body_t.sn;
        last_type_.elem_is_node = body_t.is_node;
    } else last_type_ = stype{sbase::boolean};
    // Quantifier variables keep their slot while the requirement's message is compiled.
    sc.max = std::max(sc.max, c->slot + 1);
    return c;
}

} // namespace kbl
