#include "parser/format.hpp"
#include "common/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "parser/ast.hpp"
#include "parser/format_internal.hpp"
#include "parser/parse.hpp"

// kblint fmt's file layout: declarations in source order, comments kept where they were, blank
// lines, blocks, aligned columns (the expressions themselves: format_expr.cpp).
namespace kbl {

namespace {

using namespace format_detail;

// A `#` comment of the source: where it is, and whether code precedes it on its line.
struct comment {
    std::uint32_t line = 0;
    std::string text;
    bool trailing = false;
    bool used = false;
};

// Find every comment, skipping strings and templates (whose `{...}` parts may hold strings).
std::vector<comment> find_comments(const std::string& t) {
    std::vector<comment> out;
    std::uint32_t line = 1;
    bool code_on_line = false;
    // Stack of contexts: 'c' code, '"' basic string / template, '\'' literal string, '{' interpolation.
    std::vector<char> ctx{'c'};
    for (std::size_t i = 0; i < t.size(); ++i) {
        char ch = t[i];
        char top = ctx.back();
        if (ch == '\n') {
            ++line;
            code_on_line = false;
            if (top == '"' || top == '\'') ctx.pop_back();  // unterminated: the parser reports it
            continue;
        }
        if (top == '"') {
            if (ch == '\\') ++i;
            else if (ch == '"') ctx.pop_back();
            else if (ch == '{' && i + 1 < t.size() && t[i + 1] == '{') ++i;
            else if (ch == '{') ctx.push_back('{');
            continue;
        }
        if (top == '\'') {
            if (ch == '\'') ctx.pop_back();
            continue;
        }
        if (ch == '#') {
            std::size_t e = t.find('\n', i);
            if (e == std::string::npos) e = t.size();
            std::string text = t.substr(i, e - i);
            while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.pop_back();
            out.push_back({line, text, code_on_line, false});
            i = e - 1;
            continue;
        }
        if (ch == '"') ctx.push_back('"');
        else if (ch == '\'') ctx.push_back('\'');
        else if (ch == '{' && top == '{') ctx.push_back('{');
        else if (ch == '}' && top == '{') ctx.pop_back();
        if (ch != ' ' && ch != '\t' && ch != '\r') code_on_line = true;
    }
    return out;
}


// The printer: lines out, comments flushed before the item at or after their source line.
// A code line may hold '\x1f' column marks: in a run of adjacent lines with the same number of
// marks, each column is padded to its widest cell (schema fields, table keys). Trailing comments
// of adjacent lines are aligned too.
class printer {
public:
    printer(std::vector<comment> cs, const source_file& src) : comments_(std::move(cs)), src_(src) {}

    // Keep one blank line where the source had one before `line` (not right after an opening brace).
    void gap(std::uint32_t line) {
        if (line > 1 && line <= src_.line_count() + 1 && is_blank(line - 1)) blank_soft();
    }
    // Own-line comments before `line` at `indent`; trailing comments before `line` end the last line.
    void flush(std::uint32_t line, std::size_t indent) {
        for (auto& c : comments_) {
            if (c.used || c.line >= line) continue;
            c.used = true;
            if (c.trailing && !out_.empty() && !out_.back().code.empty() && out_.back().comment.empty()) {
                out_.back().comment = c.text;
            } else {
                gap(c.line);
                out_.push_back({std::string(indent, ' ') + c.text, {}});
            }
        }
    }
    void line(std::string s) {
        while (!s.empty() && s.back() == ' ') s.pop_back();
        out_.push_back({std::move(s), {}});
    }
    void multi(const std::string& s, std::size_t indent) {
        std::size_t b = 0;
        bool first = true;
        while (true) {
            std::size_t e = s.find('\n', b);
            std::string part = s.substr(b, e == std::string::npos ? std::string::npos : e - b);
            line((first ? std::string(indent, ' ') : std::string()) + part);
            first = false;
            if (e == std::string::npos) break;
            b = e + 1;
        }
    }
    void blank() {
        if (!out_.empty() && !out_.back().code.empty()) out_.push_back({});
    }
    std::string text() {
        flush(UINT32_MAX, 0);
        while (!out_.empty() && out_.back().code.empty()) out_.pop_back();
        align_columns();
        align_comments();
        std::string s;
        for (const auto& l : out_) {
            std::string code = l.code;
            std::replace(code.begin(), code.end(), '\x1f', ' ');
            if (!l.comment.empty()) code += (code.empty() ? "" : std::string(l.pad, ' ')) + l.comment;
            while (!code.empty() && code.back() == ' ') code.pop_back();
            s += code + "\n";
        }
        return s;
    }

private:
    struct out_line {
        std::string code;
        std::string comment;
        std::size_t pad = 2;
    };

    bool is_blank(std::uint32_t line) const {
        std::string_view t = src_.line_text(line);
        return std::all_of(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
    }
    void blank_soft() {
        if (out_.empty() || out_.back().code.empty()) return;
        const std::string& last = out_.back().code;
        if (last.back() == '{' && last.find('#') == std::string::npos) return;
        out_.push_back({});
    }
    static std::size_t marks(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\x1f')); }
    void align_columns() {
        std::size_t i = 0;
        while (i < out_.size()) {
            std::size_t m = marks(out_[i].code);
            if (m == 0) {
                ++i;
                continue;
            }
            std::size_t j = i;
            while (j < out_.size() && marks(out_[j].code) == m) ++j;
            std::vector<std::vector<std::string>> cells;
            std::vector<std::size_t> widest(m, 0);
            for (std::size_t k = i; k < j; ++k) {
                std::vector<std::string> row;
                std::size_t b = 0;
                const std::string& c = out_[k].code;
                for (std::size_t e = c.find('\x1f'); e != std::string::npos; b = e + 1, e = c.find('\x1f', b)) row.push_back(c.substr(b, e - b));
                row.push_back(c.substr(b));
                for (std::size_t col = 0; col < m; ++col) widest[col] = std::max(widest[col], display_width(row[col]));
                cells.push_back(std::move(row));
            }
            for (std::size_t k = i; k < j; ++k) {
                std::string code;
                for (std::size_t col = 0; col < m; ++col) code += cells[k - i][col] + std::string(widest[col] - display_width(cells[k - i][col]) + 1, ' ');
                code += cells[k - i][m];
                while (!code.empty() && code.back() == ' ') code.pop_back();
                out_[k].code = code;
            }
            i = j;
        }
    }
    void align_comments() {
        std::size_t i = 0;
        while (i < out_.size()) {
            if (out_[i].comment.empty() || out_[i].code.empty()) {
                ++i;
                continue;
            }
            std::size_t j = i;
            std::size_t widest = 0;
            while (j < out_.size() && !out_[j].comment.empty() && !out_[j].code.empty()) widest = std::max(widest, display_width(out_[j++].code));
            for (std::size_t k = i; k < j; ++k) out_[k].pad = widest - display_width(out_[k].code) + 2;
            i = j;
        }
    }

    std::vector<comment> comments_;
    const source_file& src_;
    std::vector<out_line> out_;
};

constexpr std::size_t item_col = 11;  // rule item values start here: "  severity " is 11 columns

std::string item_head(std::string_view kw) {
    std::string s = "  " + std::string(kw);
    if (s.size() < item_col) s += std::string(item_col - s.size(), ' ');
    else s += ' ';
    return s;
}

void print_stmts(printer& pr, const std::vector<ast::stmt>& body, std::size_t indent);

void print_stmt(printer& pr, const ast::stmt& st, std::size_t indent) {
    pr.flush(st.where.line, indent);
    pr.gap(st.where.line);
    std::string pad(indent, ' ');
    switch (st.kind) {
    case ast::stmt_kind::set: pr.multi("set " + print(*st.target) + " = " + print_wrapped(*st.value, indent + 8, indent + 4), indent); return;
    case ast::stmt_kind::add: pr.multi("add " + print(*st.target) + ", " + print(*st.value), indent); return;
    case ast::stmt_kind::remove: pr.multi("remove " + print(*st.target) + ", " + print(*st.value), indent); return;
    case ast::stmt_kind::del: pr.line(pad + "delete " + print(*st.target)); return;
    case ast::stmt_kind::let: pr.multi("let " + st.name + " = " + print_wrapped(*st.value, indent + 8, indent + 4), indent); return;
    case ast::stmt_kind::if_:
        pr.line(pad + "if " + print(*st.value) + " {");
        print_stmts(pr, st.body, indent + 2);
        if (!st.else_body.empty()) {
            pr.line(pad + "} else {");
            print_stmts(pr, st.else_body, indent + 2);
        }
        pr.line(pad + "}");
        return;
    case ast::stmt_kind::for_:
        pr.line(pad + "for " + st.name + " in " + print(*st.value, 5) + (st.where_ ? " where " + print(*st.where_, 1) : "") + " {");
        print_stmts(pr, st.body, indent + 2);
        pr.line(pad + "}");
        return;
    }
}

void print_stmts(printer& pr, const std::vector<ast::stmt>& body, std::size_t indent) {
    for (const auto& st : body) print_stmt(pr, st, indent);
}

// Every top-level declaration with its start line, in source order.
struct decl_ref {
    std::uint32_t line;
    char kind;  // u use, s schema, d def, t table, a action, r rule
    std::size_t index;
};

std::vector<decl_ref> declarations(const ast::file& f) {
    std::vector<decl_ref> decls;
    for (std::size_t i = 0; i < f.uses.size(); ++i) decls.push_back({f.uses[i].where.line, 'u', i});
    for (std::size_t i = 0; i < f.schemas.size(); ++i) decls.push_back({f.schemas[i].where.line, 's', i});
    for (std::size_t i = 0; i < f.defs.size(); ++i) decls.push_back({f.defs[i].where.line, 'd', i});
    for (std::size_t i = 0; i < f.tables.size(); ++i) decls.push_back({f.tables[i].where.line, 't', i});
    for (std::size_t i = 0; i < f.actions.size(); ++i) decls.push_back({f.actions[i].where.line, 'a', i});
    for (std::size_t i = 0; i < f.rules.size(); ++i) decls.push_back({f.rules[i].where.line, 'r', i});
    std::sort(decls.begin(), decls.end(), [](const decl_ref& a, const decl_ref& b) { return a.line < b.line; });
    return decls;
}

// Items of a block that print on one line each, placed by their source line.
struct line_item {
    std::uint32_t line;
    std::string text;
};

// Each item after the comments and blank lines the source had before it, then the closing brace.
void print_block(printer& pr, const std::vector<line_item>& items, std::uint32_t end_line) {
    for (const auto& it : items) {
        pr.flush(it.line, 2);
        pr.gap(it.line);
        pr.line("  " + it.text);
    }
    pr.flush(end_line, 2);
    pr.line("}");
}

void print_def(printer& pr, const ast::def_decl& def) {
    std::string head = def_signature(def) + " = ";
    pr.multi(head + print_wrapped(*def.body, head.size(), 2), 0);
}

void print_table(printer& pr, const ast::table_decl& t) {
    pr.line("table " + t.name + " {");
    for (const auto& e : t.entries) {
        pr.flush(e.where.line, 2);
        pr.gap(e.where.line);
        std::string key = e.is_default ? "default" : e.int_key ? e.text : quote(e.s);
        pr.multi(key + "\x1f= " + print_wrapped(*e.value, 2 + key.size() + 3, 4), 2);
    }
    pr.flush(t.end.line, 2);
    pr.line("}");
}

void print_schema(printer& pr, const ast::schema_decl& s) {
    pr.line("schema {");
    std::vector<line_item> items;
    auto id = [&](const char* kw, const auto& opt, pos p) {
        if (opt) items.push_back({p.line, std::string(kw) + "\x1f" + print_path(*opt)});
    };
    if (s.strict) items.push_back({s.strict_pos.line, "strict"});
    id("node_id", s.node_id, s.node_id_pos);
    id("cluster_id", s.cluster_id, s.cluster_id_pos);
    id("taken_at", s.taken_at, s.taken_at_pos);
    id("planned", s.planned, s.planned_pos);
    id("runbook", s.runbook, s.runbook_pos);
    id("step_action", s.step_action, s.step_action_pos);
    id("step_node", s.step_node, s.step_node_pos);
    for (const auto& fd : s.fields)
        items.push_back({fd.where.line, "field " + print_path(fd.path) + "\x1f" + print_type(fd.type) + "\x1f" + field_flags(fd) +
                                            (fd.doc.empty() ? std::string() : "\x1f" + quote(fd.doc))});
    for (const auto& sa : s.step_args) items.push_back({sa.where.line, "step_arg " + print_arg(sa)});
    std::stable_sort(items.begin(), items.end(), [](const line_item& a, const line_item& b) { return a.line < b.line; });
    print_block(pr, items, s.end.line);
}

void print_action(printer& pr, const ast::action_decl& a) {
    pr.line("action " + a.name + " {");
    if (!a.doc.empty()) pr.line("  doc " + quote(a.doc));
    for (const auto& arg : a.args) {
        pr.flush(arg.where.line, 2);
        pr.gap(arg.where.line);
        pr.line("  arg " + print_arg(arg));
    }
    print_stmts(pr, a.body, 2);
    pr.flush(a.end.line, 2);
    pr.line("}");
}

// What follows `ref`: an article bare (`Q241573 "step 1"`), a URL or a title quoted, then the section.
std::string print_ref(const ast::rule_decl& r) {
    const std::string& a = *r.ref_article;
    const bool article = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
    if (article) return a + " " + quote(r.ref_section);
    return quote(a) + (r.ref_section.empty() ? "" : " " + quote(r.ref_section));
}

// One metadata item of a rule, `name` being its keyword.
void print_rule_meta(printer& pr, const ast::rule_decl& r, const std::string& n) {
    if (n == "title") pr.line(item_head("title") + quote(*r.title));
    else if (n == "severity") pr.line(item_head("severity") + *r.severity);
    else if (n == "scope") pr.line(item_head("scope") + *r.scope);
    else if (n == "ref") pr.line(item_head("ref") + print_ref(r));
    else if (n == "doc") pr.line(item_head("doc") + quote(r.doc));
    else if (n == "fix") pr.line(item_head("fix") + print_template(*r.fix));
    else if (n == "message") pr.line(item_head("message") + print_template(*r.message));
    else if (n == "tags") {
        std::string tags;
        for (const auto& t : r.tags) tags += (tags.empty() ? "" : ", ") + quote(t);
        pr.line(item_head("tags") + tags);
    }
}

void print_trigger(printer& pr, const ast::trigger& t) {
    std::string v = t.k == ast::trigger::kind::final      ? "final"
                    : t.k == ast::trigger::kind::snapshot ? "snapshot"
                    : std::string(t.k == ast::trigger::kind::before ? "before " : "after ");
    for (std::size_t i = 0; i < t.actions.size(); ++i) v += (i ? ", " : "") + t.actions[i];
    pr.line(item_head("on") + v);
}

// `when`, `let` or `require`, and the `message` of a `require`.
void print_body_item(printer& pr, const ast::body_item& b) {
    std::string_view kw = b.kind == ast::item_kind::when  ? "when"
                          : b.kind == ast::item_kind::let ? "let"
                                                          : "require";
    std::string head = item_head(kw);
    std::string value = b.kind == ast::item_kind::let ? b.name + " = " : std::string();
    value += print_wrapped(*b.e, head.size() + value.size(), item_col + 2);
    pr.multi(head + value, 0);
    if (b.message) pr.line(item_head("message") + print_template(*b.message));
    if (b.at) pr.multi(item_head("at") + print_wrapped(*b.at, item_col, item_col + 2), 0);
}

void print_rule(printer& pr, const ast::rule_decl& r) {
    pr.line("rule " + r.id + " {");
    // Every item in written order (the order of when/let/require is their meaning).
    struct item {
        pos where;
        std::function<void()> emit;
    };
    std::vector<item> items;
    bool rule_message_done = false;
    for (const auto& [name, where] : r.meta_pos) {
        if (name == "message") {
            if (!r.message || rule_message_done) continue;
            rule_message_done = true;
        }
        items.push_back({where, [&pr, &r, n = name] { print_rule_meta(pr, r, n); }});
    }
    for (const auto& t : r.triggers) items.push_back({t.where, [&pr, &t] { print_trigger(pr, t); }});
    for (const auto& b : r.body) items.push_back({b.where, [&pr, &b] { print_body_item(pr, b); }});
    std::stable_sort(items.begin(), items.end(), [](const item& x, const item& y) {
        return x.where.line != y.where.line ? x.where.line < y.where.line : x.where.column < y.where.column;
    });
    for (const auto& it : items) {
        pr.flush(it.where.line, 2);
        pr.gap(it.where.line);
        it.emit();
    }
    pr.flush(r.end.line, 2);
    pr.line("}");
}

// Print one declaration; the line it ends on.
std::uint32_t print_declaration(printer& pr, const ast::file& f, const decl_ref& d) {
    switch (d.kind) {
    case 'u': {
        const ast::use_decl& u = f.uses[d.index];
        pr.line("use " + quote(u.path) + (u.alias.empty() ? "" : " as " + u.alias));
        return d.line;
    }
    case 'd': print_def(pr, f.defs[d.index]); return f.defs[d.index].end.line;
    case 't': print_table(pr, f.tables[d.index]); return f.tables[d.index].end.line;
    case 's': print_schema(pr, f.schemas[d.index]); return f.schemas[d.index].end.line;
    case 'a': print_action(pr, f.actions[d.index]); return f.actions[d.index].end.line;
    case 'r': print_rule(pr, f.rules[d.index]); return f.rules[d.index].end.line;
    default: return d.line;
    }
}

} // namespace

std::optional<std::string> format_rules(const source_ptr& src, diagnostics& diags) {
    diagnostics local;
    ast::file f = parse_rules(src, parse_options{}, local);
    if (has_errors(local)) {
        for (auto& d : local) diags.push_back(std::move(d));
        return std::nullopt;
    }
    printer pr(find_comments(src->text()), *src);
    char prev = 0;
    std::uint32_t prev_end = 0;
    for (const auto& d : declarations(f)) {
        bool one_line = d.kind == 'u' || d.kind == 'd';
        // A blank line between declarations, except between adjacent one-line ones written together.
        bool adjacent = one_line && prev == d.kind && d.line == prev_end + 1;
        if (prev && !adjacent) pr.blank();
        pr.flush(d.line, 0);
        pr.gap(d.line);
        prev_end = print_declaration(pr, f, d);
        prev = d.kind;
    }
    return pr.text();
}

} // namespace kbl
