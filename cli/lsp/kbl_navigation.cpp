#include "cli/lsp/kbl_navigation.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "checker/engine/compile.hpp"
#include "cli/lsp/diagnostics.hpp"
#include "cli/lsp/kbl_index.hpp"
#include "cli/lsp/position.hpp"
#include "cli/lsp/workspace.hpp"
#include "parser/format.hpp"

namespace kbl::lsp {

namespace {

using nlohmann::json;

// LSP CompletionItemKind values.
constexpr int item_function = 3, item_field = 5, item_module = 9, item_keyword = 14, item_constant = 21, item_struct = 22;

const std::vector<std::string_view> keywords = {
    "rule", "def", "table", "schema", "action", "use", "title", "severity", "scope", "ref", "tags", "doc", "fix",
    "when", "let", "require", "message", "on", "snapshot", "before", "after", "final", "all", "any", "none", "count",
    "the", "map", "filter", "in", "where", "and", "or", "not", "if", "then", "else", "contains", "matches", "true",
    "false", "default", "field", "node_id", "cluster_id", "taken_at", "planned", "runbook", "step_action", "step_node", "required",
    "optional", "nocase", "strict", "list", "enum", "set", "add", "remove", "delete", "for", "error", "warning",
    "info", "node", "cluster", "self", "nodes", "step", "steps", "target", "step_index"};

bool name_char(char c, bool dash) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (dash && c == '-'); }

// The name around byte `col` of `line` ([b, e)); with `dash`, `-` belongs to names (rule ids).
std::pair<std::size_t, std::size_t> word_at(std::string_view line, std::size_t col, bool dash) {
    std::size_t b = std::min(col, line.size()), e = b;
    while (b > 0 && name_char(line[b - 1], dash)) --b;
    while (e < line.size() && name_char(line[e], dash)) ++e;
    return {b, e};
}

// The path written just before byte `end` of `line` (`a.b[0]."c d"` gives a, b, [*], c d).
std::vector<std::string> chain_before(std::string_view line, std::size_t end) {
    std::vector<std::string> segs;
    std::size_t i = end;
    while (i > 0) {
        char c = line[i - 1];
        if (c == ']' || c == '?') {
            std::size_t j = c == ']' ? line.rfind('[', i - 1) : i - 1;
            if (j == std::string_view::npos) break;
            if (c == ']') segs.emplace_back("[*]");
            i = j;
            continue;
        }
        if (c == '"' && i >= 2) {
            std::size_t j = line.rfind('"', i - 2);
            if (j == std::string_view::npos) break;
            segs.emplace_back(line.substr(j + 1, i - 2 - j));
            i = j;
        } else if (c == '*') {
            segs.emplace_back("*");
            --i;
        } else if (name_char(c, false)) {
            std::size_t j = i;
            while (j > 0 && name_char(line[j - 1], false)) --j;
            segs.emplace_back(line.substr(j, i - j));
            i = j;
        } else {
            break;
        }
        if (i == 0 || line[i - 1] != '.') break;
        --i;
    }
    std::reverse(segs.begin(), segs.end());
    return segs;
}

struct cursor {
    std::string_view line;
    std::size_t col = 0;  ///< 0-based byte offset in `line`
};

cursor cursor_at(const document& doc, pos at) {
    return {doc.src->line_text(at.line), at.column == 0 ? 0 : at.column - 1};
}

json markdown(std::string text) { return json{{"contents", {{"kind", "markdown"}, {"value", std::move(text)}}}}; }

std::string code_block(std::string_view code) { return fmt::format("```kbl\n{}\n```", code); }

std::string with_doc(std::string head, const std::string& doc) { return doc.empty() ? head : head + "\n\n" + doc; }

std::string rule_hover(const ast::rule_decl& r) {
    std::string s = fmt::format("**{}**", r.id);
    if (r.title) s += fmt::format(": {}", *r.title);
    s += fmt::format("\n\nseverity {} · scope {}", r.severity.value_or("?"), r.scope.value_or("?"));
    if (r.ref_article) s += fmt::format(" · ref {} \"{}\"", *r.ref_article, r.ref_section);
    if (!r.doc.empty()) s += "\n\n" + r.doc;
    if (r.fix) s += fmt::format("\n\n**fix:** {}", r.fix->raw);
    return s;
}

// A def's signature, `note` (a paragraph, if any) and the comment above it.
std::string def_hover(const found<ast::def_decl>& d, const std::string& note = {}) {
    return with_doc(with_doc(code_block(def_signature(*d.decl)), note), comment_above(*d.file->src, d.decl->where.line));
}

std::string table_hover(const found<ast::table_decl>& t, const std::string& note = {}) {
    std::string head = code_block(fmt::format("table {}", t.decl->name)) + fmt::format("\n\n{} entries", t.decl->entries.size());
    return with_doc(with_doc(head, note), comment_above(*t.file->src, t.decl->where.line));
}

// The hover of a declared name (rule, def, table, action) as the file `from` sees it, or a built-in function, or "".
std::string name_hover(const kbl_index& ix, std::string_view dashed, std::string_view plain, std::string_view from) {
    if (auto r = ix.rule(dashed)) return rule_hover(*r.decl);
    if (auto d = ix.def(plain, from)) return def_hover(d);
    if (auto t = ix.table(plain, from)) return table_hover(t);
    if (auto a = ix.action(plain)) return with_doc(code_block(fmt::format("action {}", plain)), a.decl->doc);
    for (const auto& b : builtin_functions())
        if (b.name == plain) return code_block(b.signature) + "\n\n" + b.doc;
    return {};
}

// A module name or a name of a module under the cursor: `x` of `use "..." as x`, or `f` of `x.f`.
struct qualified {
    module_found m;
    std::string alias;
    std::string member;  ///< empty: the cursor is on the module's name
};

// What module part is the name [b, e) of `line` in the file `from`, if any.
std::optional<qualified> qualified_at(const kbl_index& ix, std::string_view from, std::string_view line, std::size_t b,
                                      std::size_t e) {
    std::string word(line.substr(b, e - b));
    if (b > 0 && line[b - 1] == '.') {
        std::vector<std::string> before = chain_before(line, b - 1);
        if (before.size() != 1 || (b >= 2 && line[b - 2] == '"')) return std::nullopt;
        if (module_found m = ix.module(from, before[0])) return qualified{m, before[0], word};
        return std::nullopt;
    }
    if (module_found m = ix.module(from, word)) return qualified{m, word, {}};
    return std::nullopt;
}

// The hover of a module name (its `use` and file) or of a module's def or table ("" when it has none).
std::string module_hover(const qualified& q) {
    std::string where = fmt::format("module `{}` ({})", q.alias, q.m.use->path);
    if (q.member.empty())
        return code_block(fmt::format("use \"{}\" as {}", q.m.use->path, q.alias)) + fmt::format("\n\n`{}`", q.m.path);
    if (!q.m.file) return {};
    if (auto d = def_in(*q.m.file, q.member)) return def_hover(d, where);
    if (auto t = table_in(*q.m.file, q.member)) return table_hover(t, where);
    return {};
}

// The location of the start of the file `path`.
json file_start(const std::string& path, const document_store& docs) {
    json zero{{"line", 0}, {"character", 0}};
    return json{{"uri", docs.uri_for(path)}, {"range", {{"start", zero}, {"end", zero}}}};
}

// The location of a module name (its file) or of a module's def or table; null when it has none.
json module_definition(const qualified& q, const document_store& docs) {
    if (q.member.empty()) return file_start(q.m.path, docs);
    if (!q.m.file) return nullptr;
    if (auto d = def_in(*q.m.file, q.member)) return location_of(*d.file->src, d.decl->name_pos, token_style::kbl, docs);
    if (auto t = table_in(*q.m.file, q.member)) return location_of(*t.file->src, t.decl->name_pos, token_style::kbl, docs);
    return nullptr;
}

// The schema field declared for `keys` (or for it without its first names: `n.iis.version`).
std::string field_hover(const kbl_index& ix, std::vector<std::string> keys) {
    std::vector<found<ast::field_decl>> fields = ix.fields();
    for (; !keys.empty(); keys.erase(keys.begin()))
        for (const auto& f : fields)
            if (path_matches(f.decl->path, keys, false)) {
                std::string text = field_text(*f.file->src, *f.decl);
                if (text.rfind("field", 0) != 0) text = "field " + text;
                return code_block(text);
            }
    return {};
}

// The keys `keys` (with its first names dropped while nothing matches) may be followed by.
std::vector<std::pair<std::string, std::string>> next_keys(const kbl_index& ix, std::vector<std::string> keys) {
    std::vector<found<ast::field_decl>> fields = ix.fields();
    std::vector<std::pair<std::string, std::string>> out;
    std::set<std::string> seen;
    for (;;) {
        for (const auto& f : fields) {
            const auto& path = f.decl->path;
            if (path.size() <= keys.size() || !path_matches(path, keys, true)) continue;
            const ast::path_seg& next = path[keys.size()];
            if (next.k != ast::path_seg::kind::key || !seen.insert(next.key).second) continue;
            out.emplace_back(next.key, path.size() == keys.size() + 1 ? field_text(*f.file->src, *f.decl) : std::string());
        }
        if (!out.empty() || keys.empty()) return out;
        keys.erase(keys.begin());
    }
}

json item(std::string label, int kind, std::string detail = {}, std::string doc = {}) {
    json it{{"label", std::move(label)}, {"kind", kind}};
    if (!detail.empty()) it["detail"] = std::move(detail);
    if (!doc.empty()) it["documentation"] = {{"kind", "markdown"}, {"value", std::move(doc)}};
    return it;
}

// The defs and tables of `f` as completion items, given to `add`.
template <typename Add>
void add_declared(const ast::file& f, Add&& add) {
    for (const auto& d : f.defs) add(item(d.name, d.has_params ? item_function : item_constant, def_signature(d)));
    for (const auto& t : f.tables) add(item(t.name, item_struct, "table " + t.name));
}

// Every name the file `from` reaches without a dot.
void add_names(const kbl_index& ix, std::string_view from, json& items) {
    std::set<std::string> seen;
    auto add = [&](json it) {
        if (seen.insert(it["label"].get<std::string>()).second) items.push_back(std::move(it));
    };
    for (std::string_view k : keywords) add(item(std::string(k), item_keyword));
    for (const auto& b : builtin_functions()) add(item(b.name, item_function, b.signature, b.doc));
    for (const auto& f : ix.files()) {
        if (f.src->name() == from)
            for (const auto& u : f.uses)
                if (!u.alias.empty()) add(item(u.alias, item_module, fmt::format("use \"{}\" as {}", u.path, u.alias)));
        if (ix.visible(f, from)) add_declared(f, add);
    }
    for (const auto& [key, detail] : next_keys(ix, {})) add(item(key, item_field, detail));
}

} // namespace

json kbl_hover(const document& doc, const document_store& docs, pos at) {
    cursor c = cursor_at(doc, at);
    auto [db, de] = word_at(c.line, c.col, true);
    auto [b, e] = word_at(c.line, c.col, false);
    if (b == e) return nullptr;
    kbl_index ix(pack_for_rule_file(doc.path, docs).files, docs);
    std::optional<qualified> q = qualified_at(ix, doc.path, c.line, b, e);
    std::string text = q ? module_hover(*q) : name_hover(ix, c.line.substr(db, de - db), c.line.substr(b, e - b), doc.path);
    if (text.empty() && !q) {
        std::vector<std::string> keys = chain_before(c.line, e);
        text = field_hover(ix, keys);
    }
    if (text.empty()) return nullptr;
    json h = markdown(std::move(text));
    h["range"] = span_range(*doc.src, pos{at.line, static_cast<std::uint32_t>(b + 1)}, pos{at.line, static_cast<std::uint32_t>(e + 1)});
    return h;
}

json kbl_definition(const document& doc, const document_store& docs, pos at) {
    cursor c = cursor_at(doc, at);
    kbl_index ix(pack_for_rule_file(doc.path, docs).files, docs);
    for (const auto& f : ix.files()) {
        if (f.src->name() != doc.path) continue;
        for (const auto& u : f.uses)
            if (u.where.line == at.line) return file_start(use_target(doc.path, u), docs);
    }
    auto [db, de] = word_at(c.line, c.col, true);
    auto [b, e] = word_at(c.line, c.col, false);
    if (b == e) return nullptr;
    if (auto q = qualified_at(ix, doc.path, c.line, b, e)) return module_definition(*q, docs);
    std::string dashed(c.line.substr(db, de - db)), plain(c.line.substr(b, e - b));
    if (auto r = ix.rule(dashed)) return location_of(*r.file->src, r.decl->id_pos, token_style::kbl, docs);
    if (auto d = ix.def(plain, doc.path)) return location_of(*d.file->src, d.decl->name_pos, token_style::kbl, docs);
    if (auto t = ix.table(plain, doc.path)) return location_of(*t.file->src, t.decl->name_pos, token_style::kbl, docs);
    if (auto a = ix.action(plain)) return location_of(*a.file->src, a.decl->name_pos, token_style::kbl, docs);
    return nullptr;
}

json kbl_completion(const document& doc, const document_store& docs, pos at) {
    cursor c = cursor_at(doc, at);
    std::size_t b = std::min(c.col, c.line.size());
    while (b > 0 && name_char(c.line[b - 1], false)) --b;
    kbl_index ix(pack_for_rule_file(doc.path, docs).files, docs);
    json items = json::array();
    std::vector<std::string> before = b > 0 && c.line[b - 1] == '.' ? chain_before(c.line, b - 1) : std::vector<std::string>{};
    module_found m = before.size() == 1 && c.line[b - 2] != '"' ? ix.module(doc.path, before[0]) : module_found{};
    if (m) {  // `x.` where `x` names a module of this file: its defs and tables
        if (m.file) add_declared(*m.file, [&](json it) { items.push_back(std::move(it)); });
    } else if (b > 0 && c.line[b - 1] == '.') {
        for (const auto& [key, detail] : next_keys(ix, before)) items.push_back(item(key, item_field, detail));
    } else {
        add_names(ix, doc.path, items);
    }
    return json{{"isIncomplete", false}, {"items", std::move(items)}};
}

} // namespace kbl::lsp
