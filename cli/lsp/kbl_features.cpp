#include "cli/lsp/kbl_features.hpp"

#include <algorithm>

#include "checker/engine/compile.hpp"
#include "cli/lsp/diagnostics.hpp"
#include "cli/lsp/position.hpp"
#include "cli/lsp/workspace.hpp"
#include "parser/format.hpp"
#include "parser/parse.hpp"

namespace kbl::lsp {

namespace {

using nlohmann::json;

// LSP SymbolKind values.
constexpr int sym_namespace = 3, sym_class = 5, sym_method = 6, sym_function = 12, sym_constant = 14, sym_struct = 23;

json symbol(const source_file& src, std::string name, std::string detail, int kind, pos where, pos end, pos name_pos) {
    json sel = token_range(src, name_pos.valid() ? name_pos : where, token_style::kbl);
    json range = end.valid() ? span_range(src, where, end) : sel;
    return json{{"name", std::move(name)}, {"detail", std::move(detail)}, {"kind", kind}, {"range", range},
                {"selectionRange", sel}};
}

} // namespace

json kbl_diagnostics(const document& doc, const document_store& docs) {
    pack_sources ps = pack_for_rule_file(doc.path, docs);
    json out = json::array();
    for (const auto& e : ps.errors) out.push_back(at_document_start(e));
    pack_result r = load_pack(ps.files);
    for (const auto& d : r.diags) {
        if (d.file && d.file->name() == doc.path)
            out.push_back(to_lsp(d, *doc.src, token_style::kbl, docs));
        else if (d.severity == diag_severity::error)
            out.push_back(at_document_start(d));
    }
    std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
        const json &x = a["range"]["start"], &y = b["range"]["start"];
        return x["line"] != y["line"] ? x["line"] < y["line"] : x["character"] < y["character"];
    });
    return out;
}

json kbl_formatting(const document& doc) {
    diagnostics diags;
    std::optional<std::string> text = format_rules(doc.src, diags);
    if (!text) return nullptr;
    if (*text == doc.src->text()) return json::array();
    return json::array({json{{"range", whole_range(doc.src->text())}, {"newText", *text}}});
}

json kbl_symbols(const document& doc) {
    diagnostics ignored;
    ast::file f = parse_rules(doc.src, {}, ignored);
    const source_file& src = *doc.src;
    std::vector<std::pair<pos, json>> out;
    for (const auto& s : f.schemas) out.emplace_back(s.where, symbol(src, "schema", "", sym_namespace, s.where, s.end, s.where));
    for (const auto& r : f.rules)
        out.emplace_back(r.where, symbol(src, r.id, r.title.value_or(""), sym_class, r.where, r.end, r.id_pos));
    for (const auto& d : f.defs)
        out.emplace_back(d.where, symbol(src, d.name, def_signature(d), d.has_params ? sym_function : sym_constant,
                                         d.where, d.end, d.name_pos));
    for (const auto& t : f.tables) out.emplace_back(t.where, symbol(src, t.name, "table", sym_struct, t.where, t.end, t.name_pos));
    for (const auto& a : f.actions) out.emplace_back(a.where, symbol(src, a.name, "action", sym_method, a.where, a.end, a.name_pos));
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.first.line != b.first.line ? a.first.line < b.first.line : a.first.column < b.first.column;
    });
    json list = json::array();
    for (auto& [p, s] : out) list.push_back(std::move(s));
    return list;
}

} // namespace kbl::lsp
