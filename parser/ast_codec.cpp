#include "parser/ast_codec.hpp"

#include <cstring>
#include <type_traits>

#include "common/limits.hpp"

namespace kbl {
namespace {

// The image starts with this tag; bump its number when a field of the AST is added, removed or
// changes type. The sizes below fail the build on such a change, as a reminder.
constexpr std::string_view image_tag = "kbl-ast-1";
#if defined(__x86_64__) && defined(__GLIBCXX__)
#define KBL_AST_SIZE(T, n) static_assert(sizeof(ast::T) == n, "ast::" #T " changed: update its fields() below and image_tag")
KBL_AST_SIZE(expr, 128);
KBL_AST_SIZE(template_part, 40);
KBL_AST_SIZE(template_str, 72);
KBL_AST_SIZE(body_item, 160);
KBL_AST_SIZE(trigger, 40);
KBL_AST_SIZE(rule_decl, 568);
KBL_AST_SIZE(type_ref, 88);
KBL_AST_SIZE(param_type, 104);
KBL_AST_SIZE(def_decl, 144);
KBL_AST_SIZE(table_entry, 96);
KBL_AST_SIZE(table_decl, 80);
KBL_AST_SIZE(path_seg, 40);
KBL_AST_SIZE(field_decl, 192);
KBL_AST_SIZE(arg_decl, 144);
KBL_AST_SIZE(schema_decl, 360);
KBL_AST_SIZE(stmt, 128);
KBL_AST_SIZE(action_decl, 136);
KBL_AST_SIZE(use_decl, 80);
KBL_AST_SIZE(file, 160);
#undef KBL_AST_SIZE
#endif

// One list of members per AST struct, read by both the writer and the reader.
template <class A> void fields(A& a, pos& p) { a(p.line, p.column); }
template <class A> void fields(A& a, ast::expr& e) {
    a(e.kind, e.where, e.key_pos, e.text, e.i, e.f, e.b, e.quoted, e.op, e.q, e.keys, e.kids);
}
template <class A> void fields(A& a, ast::template_part& t) { a(t.text, t.e); }
template <class A> void fields(A& a, ast::template_str& t) { a(t.where, t.parts, t.raw, t.literal); }
template <class A> void fields(A& a, ast::body_item& b) {
    a(b.kind, b.where, b.name, b.name_pos, b.e, b.message, b.at, b.at_pos);
}
template <class A> void fields(A& a, ast::trigger& t) { a(t.k, t.actions, t.where); }
template <class A> void fields(A& a, ast::rule_decl& r) {
    a(r.where, r.end, r.meta_pos, r.triggers, r.id, r.id_pos, r.title, r.severity, r.scope, r.ref_article,
      r.ref_section, r.tags, r.doc, r.fix, r.message, r.body, r.source_text);
}
template <class A> void fields(A& a, ast::type_ref& t) { a(t.k, t.enum_values, t.elem, t.alternatives, t.where); }
template <class A> void fields(A& a, ast::param_type& t) { a(t.k, t.type, t.where); }
template <class A> void fields(A& a, ast::def_decl& d) {
    a(d.where, d.end, d.name, d.name_pos, d.has_params, d.params, d.param_pos, d.param_types, d.body);
}
template <class A> void fields(A& a, ast::table_entry& t) { a(t.where, t.is_default, t.int_key, t.i, t.s, t.text, t.value); }
template <class A> void fields(A& a, ast::table_decl& t) { a(t.where, t.end, t.name, t.name_pos, t.entries); }
template <class A> void fields(A& a, ast::path_seg& s) { a(s.k, s.key); }
template <class A> void fields(A& a, ast::field_decl& f) {
    a(f.where, f.path, f.path_text, f.type, f.required, f.optional, f.nocase, f.doc);
}
template <class A> void fields(A& a, ast::arg_decl& d) { a(d.where, d.name, d.name_pos, d.type, d.required); }
template <class A> void fields(A& a, ast::schema_decl& s) {
    a(s.where, s.end, s.fields, s.step_args, s.node_id, s.cluster_id, s.taken_at, s.planned, s.runbook,
      s.step_action, s.step_node, s.node_id_pos, s.cluster_id_pos, s.taken_at_pos, s.planned_pos, s.runbook_pos,
      s.step_action_pos, s.step_node_pos, s.strict, s.strict_pos);
}
template <class A> void fields(A& a, ast::stmt& s) {
    a(s.kind, s.where, s.target, s.value, s.where_, s.name, s.name_pos, s.body, s.else_body);
}
template <class A> void fields(A& a, ast::action_decl& d) { a(d.where, d.end, d.name, d.name_pos, d.doc, d.args, d.body); }
template <class A> void fields(A& a, ast::use_decl& u) { a(u.where, u.path, u.alias, u.alias_pos); }
template <class A> void fields(A& a, ast::file& f) { a(f.uses, f.schemas, f.defs, f.tables, f.rules, f.actions); }

template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};
template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_pair : std::false_type {};
template <class T, class U> struct is_pair<std::pair<T, U>> : std::true_type {};

class writer {
public:
    std::string out;
    template <class... T> void operator()(const T&... v) { (put(v), ...); }

private:
    template <class T> void raw(T v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void count(std::size_t n) { raw(static_cast<std::uint32_t>(n)); }
    template <class T> void put(const T& v) {
        if constexpr (std::is_enum_v<T>) raw(v);
        else if constexpr (std::is_arithmetic_v<T>) raw(v);
        else if constexpr (std::is_same_v<T, std::string>) count(v.size()), out.append(v);
        else if constexpr (is_vector<T>::value) { count(v.size()); for (const auto& x : v) put(x); }
        else if constexpr (is_optional<T>::value) { raw(v.has_value()); if (v) put(*v); }
        else if constexpr (is_pair<T>::value) put(v.first), put(v.second);
        else if constexpr (std::is_same_v<T, ast::expr_ptr>) { raw(v != nullptr); if (v) put(*v); }
        else fields(*this, const_cast<T&>(v));  // fields() only reads through a writer
    }
};

// Deeper expressions than a parse can make (a member chain is one level per `.`): beyond it the
// image is refused and the file parsed, so a damaged image cannot exhaust the stack.
constexpr unsigned max_nesting = 8 * limits::hard_max_rule_depth;

class reader {
public:
    explicit reader(std::string_view in) : in_(in) {}
    bool ok = true;
    [[nodiscard]] bool at_end() const { return in_.empty(); }
    template <class... T> void operator()(T&... v) { (get(v), ...); }

private:
    std::string_view in_;
    unsigned depth_ = 0;

    template <class T> void raw(T& v) {
        if (in_.size() < sizeof v) { ok = false; return; }
        std::memcpy(&v, in_.data(), sizeof v);
        in_.remove_prefix(sizeof v);
    }
    std::size_t count() {
        std::uint32_t n = 0;
        raw(n);
        if (n > in_.size()) ok = false;  // every element takes at least one byte
        return ok ? n : 0;
    }
    template <class T> void get(T& v);
};

template <class T> void reader::get(T& v) {
    if (!ok) return;
    if constexpr (std::is_enum_v<T> || std::is_arithmetic_v<T>) raw(v);
    else if constexpr (std::is_same_v<T, std::string>) {
        const std::size_t n = count();
        v.assign(in_.substr(0, n));
        in_.remove_prefix(n);
    } else if constexpr (is_vector<T>::value) {
        v.resize(count());
        for (auto& x : v) get(x);
    } else if constexpr (is_optional<T>::value) {
        bool has = false;
        raw(has);
        if (has) get(v.emplace());
    } else if constexpr (is_pair<T>::value) get(v.first), get(v.second);
    else if constexpr (std::is_same_v<T, ast::expr_ptr>) {
        bool has = false;
        raw(has);
        if (!has) return;
        if (++depth_ > max_nesting) { ok = false; return; }
        v = std::make_unique<ast::expr>();
        get(*v);
        --depth_;
    } else fields(*this, v);
}

} // namespace

std::string encode_ast(const ast::file& f, std::uint32_t max_depth) {
    writer w;
    w.out.append(image_tag);
    w(max_depth, static_cast<std::uint64_t>(f.src->text().size()), f);
    return w.out;
}

std::optional<ast::file> decode_ast(std::string_view image, const source_ptr& src, std::uint32_t max_depth) {
    if (!image.starts_with(image_tag)) return std::nullopt;
    reader r(image.substr(image_tag.size()));
    std::uint32_t depth = 0;
    std::uint64_t size = 0;
    r(depth, size);
    if (!r.ok || depth > max_depth || size != src->text().size()) return std::nullopt;
    ast::file f;
    f.src = src;
    r(f);
    if (!r.ok || !r.at_end()) return std::nullopt;
    return f;
}

} // namespace kbl
