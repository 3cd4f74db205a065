#include "cli/lsp/snapshot_features.hpp"

#include <fmt/format.h>

#include "checker/engine/engine.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "cli/lsp/diagnostics.hpp"
#include "cli/lsp/position.hpp"
#include "cli/lsp/workspace.hpp"

namespace kbl::lsp {

namespace {

using nlohmann::json;

int finding_severity(severity s) {
    switch (s) {
    case severity::error: return 1;
    case severity::warning: return 2;
    default: return 3;
    }
}

json finding_to_lsp(const finding& f, const source_file& src, const document_store& docs) {
    std::string message = f.message;
    if (f.st == status::unknown) message += " (unknown)";
    if (!f.fix.empty()) message += "\nfix: " + f.fix;
    json out{{"range", token_range(src, f.loc.where, token_style::toml)},
             {"severity", finding_severity(f.sev)},
             {"code", f.rule},
             {"source", "kblint"},
             {"message", message}};
    json related = json::array();
    for (const auto& r : f.related) {
        if (!r.loc.file) continue;
        json loc = location_of(*r.loc.file, r.loc.where, token_style::toml, docs);
        if (!loc.is_null()) related.push_back({{"location", loc}, {"message", r.message}});
    }
    if (!related.empty()) out["relatedInformation"] = related;
    return out;
}

// The snapshots of the cluster of `doc`, loaded; TOML errors of `doc` itself into `out`.
struct cluster_load {
    std::vector<snap::snapshot> snaps;
    std::vector<std::string> failed;
};

cluster_load load_cluster(const document& doc, const document_store& docs, const std::vector<std::string>& ci,
                          const source_file& shown, json& out) {
    cluster_load c;
    for (const auto& file : cluster_files(doc.path)) {
        std::optional<std::string> text = docs.text_of(file);
        diagnostics errs;
        std::optional<snap::snapshot> s =
            text ? snap::load_snapshot(file, std::move(*text), snap::default_load_limits(), ci, errs) : std::nullopt;
        if (s) c.snaps.push_back(std::move(*s));
        else c.failed.push_back(file);
        if (file != doc.path) continue;
        for (const auto& d : errs) out.push_back(to_lsp(d, shown, token_style::toml, docs));
    }
    return c;
}

} // namespace

json snapshot_diagnostics(const document& doc, const document_store& docs) {
    json out = json::array();
    if (never_a_snapshot(doc.path)) return out;
    pack_sources ps = pack_for_snapshot(doc.path, docs);
    for (const auto& e : ps.errors) out.push_back(at_document_start(e));
    if (!ps.errors.empty()) return out;
    pack_result pr = load_pack(ps.files);
    if (!pr.p) {
        diagnostic d;
        d.file_name = ps.config_file.empty() ? std::string("the rule pack") : ps.config_file;
        d.message = fmt::format("the rule pack does not load ({} diagnostics); 'kblint check' shows them", pr.diags.size());
        out.push_back(at_document_start(d));
    }
    std::vector<std::string> ci = pr.p ? pack_ci_tables(*pr.p) : std::vector<std::string>{};
    cluster_load c = load_cluster(doc, docs, ci, *doc.src, out);
    if (!pr.p) return out;
    check_options opt;
    opt.failed_files = c.failed;
    opt.jobs = 1;
    check_result res = check(*pr.p, c.snaps, opt);
    for (const auto& f : res.findings)
        if (f.loc.file && f.loc.file->name() == doc.path) out.push_back(finding_to_lsp(f, *doc.src, docs));
    return out;
}

} // namespace kbl::lsp
