#include "cli/lsp/diagnostics.hpp"

#include <fmt/format.h>

#include "cli/lsp/protocol.hpp"

namespace kbl::lsp {

namespace {

std::string place(const diagnostic& d) {
    std::string out = d.name();
    if (d.where.valid()) out += fmt::format(":{}:{}", d.where.line, d.where.column);
    return out;
}

} // namespace

int lsp_severity(diag_severity s) {
    switch (s) {
    case diag_severity::error: return 1;
    case diag_severity::warning: return 2;
    default: return 3;
    }
}

json location_of(const source_file& src, pos p, token_style style, const document_store& docs) {
    if (src.name().empty() || src.name().front() != '/') return nullptr;
    return json{{"uri", docs.uri_for(src.name())}, {"range", token_range(src, p, style)}};
}

json to_lsp(const diagnostic& d, const source_file& src, token_style style, const document_store& docs) {
    json out{{"range", token_range(src, d.where, style)}, {"severity", lsp_severity(d.severity)}, {"source", "kblint"}};
    if (!d.check_id.empty()) out["code"] = d.check_id;
    std::string message = d.message + d.suffix;
    json related = json::array();
    for (const auto& n : d.notes) {
        std::string_view kind = n.k == diag_note::kind::help ? "help" : "note";
        json loc = n.file ? location_of(*n.file, n.where, style, docs) : json(nullptr);
        if (!loc.is_null()) {
            related.push_back({{"location", loc}, {"message", n.message}});
        } else if (n.file) {
            message += fmt::format("\n{}: {}:{}:{}: {}", kind, n.file->name(), n.where.line, n.where.column, n.message);
        } else {
            message += fmt::format("\n{}: {}", kind, n.message);
        }
    }
    out["message"] = message;
    if (!related.empty()) out["relatedInformation"] = related;
    return out;
}

json at_document_start(const diagnostic& d) {
    json zero{{"line", 0}, {"character", 0}};
    json out{{"range", {{"start", zero}, {"end", zero}}},
             {"severity", lsp_severity(d.severity)},
             {"source", "kblint"},
             {"message", fmt::format("{}: {}{}", place(d), d.message, d.suffix)}};
    if (!d.check_id.empty()) out["code"] = d.check_id;
    return out;
}

json publish(const document& doc, json diagnostics) {
    return notification("textDocument/publishDiagnostics",
                        {{"uri", doc.uri}, {"version", doc.version}, {"diagnostics", std::move(diagnostics)}});
}

} // namespace kbl::lsp
