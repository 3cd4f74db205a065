#include "fuzz/targets.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "checker/engine/engine.hpp"
#include "checker/report/report.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"

#ifndef KBLINT_SOURCE_DIR
#error "KBLINT_SOURCE_DIR must be defined by the build"
#endif

namespace kbl::fuzz {

namespace {

namespace fs = std::filesystem;

// An API invariant does not hold: print it and abort, which libFuzzer reports as a crash.
[[noreturn]] void broken(const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "kblint fuzz: invariant broken: %s %s\n", what, detail.c_str());
    std::abort();
}

std::string read_whole(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) broken("cannot read", p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Evaluation limits well below the defaults, so that one input stays far under libFuzzer's -timeout.
check_options fuzz_check_options() {
    check_options opt;
    opt.lim.max_steps = 200'000;
    opt.jobs = 1;
    return opt;
}

// The built-in pack, read from rules/*.kbl at startup (absolute names, so `use` finds them loaded).
const pack& builtin_pack() {
    static const std::shared_ptr<const pack> p = [] {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(fs::path(KBLINT_SOURCE_DIR) / "rules"))
            if (e.is_regular_file() && e.path().extension() == ".kbl") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        std::vector<source_ptr> sources;
        for (const auto& f : files)
            sources.push_back(std::make_shared<const source_file>(f.lexically_normal().string(), read_whole(f)));
        pack_result r = load_pack(sources);
        if (!r.p) broken("the built-in pack does not load");
        return r.p;
    }();
    return *p;
}

// fixtures/healthy, loaded once with the case-insensitive tables of the built-in schema.
const std::vector<snap::snapshot>& healthy_cluster() {
    static const std::vector<snap::snapshot> snaps = [] {
        std::vector<snap::snapshot> out;
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(fs::path(KBLINT_SOURCE_DIR) / "fixtures" / "healthy"))
            if (e.path().extension() == ".toml") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        diagnostics errs;
        for (const auto& f : files)
            if (auto s = snap::load_snapshot("fixtures/healthy/" + f.filename().string(), read_whole(f),
                                             snap::default_load_limits(), pack_ci_tables(builtin_pack()), errs))
                out.push_back(std::move(*s));
        if (!errs.empty() || out.empty()) broken("fixtures/healthy does not load");
        return out;
    }();
    return snaps;
}

void check_diagnostics(const diagnostics& ds) {
    for (const auto& d : ds) {
        if (d.message.empty()) broken("diagnostic without a message", d.name());
        if (d.name().empty()) broken("diagnostic without a file name", d.message);
        std::string shown = render_diagnostic(d, false);
        if (shown.empty()) broken("diagnostic rendered empty", d.message);
        (void)render_diagnostic(d, true);
    }
}

// Every node of a loaded tree is found again by walking its own path from the root, and sits at a
// position inside its file.
void check_tree(const snap::snapshot& s, const snap::node& root, const snap::node& n) {
    const std::uint32_t lines = s.file->line_count();
    if (!n.where.valid() || n.where.line > std::max<std::uint32_t>(lines, 1) || n.where.column == 0)
        broken("node position outside its file", n.path);
    if (&n != &root) {
        const snap::node* at = &root;
        for (const auto& st : snap::split_path(n.path)) {
            const snap::node* next = nullptr;
            if (st.is_index) {
                if (at->k == snap::kind::array && st.index < at->items.size()) next = at->items[st.index].get();
            } else if (at->k == snap::kind::table) {
                for (const auto& e : at->entries)
                    if (e.key == st.key) next = e.value.get();
            }
            if (next == nullptr) broken("path does not lead back to its node", n.path);
            at = next;
        }
        if (at != &n) broken("path leads to another node", n.path);
    }
    for (const auto& e : n.entries) {
        if (!e.key_pos.valid() || e.key_pos.line > std::max<std::uint32_t>(lines, 1))
            broken("key position outside its file", e.value ? e.value->path : e.key);
        if (!e.value) broken("entry without a value", e.key);
        check_tree(s, root, *e.value);
    }
    for (const auto& item : n.items) {
        if (!item) broken("array item without a value", n.path);
        check_tree(s, root, *item);
    }
}

// The findings of a check over `snaps`, rendered in every format.
void check_and_render(const pack& p, const std::vector<snap::snapshot>& snaps) {
    check_result res = check(p, snaps, fuzz_check_options());
    for (const auto& f : res.findings) {
        if (f.rule.empty()) broken("finding without a rule id");
        if (f.fingerprint.empty()) broken("finding without a fingerprint", f.rule);
    }
    if (!std::is_sorted(res.findings.begin(), res.findings.end(), finding_less)) broken("findings out of order");
    check_diagnostics(res.errors);
    report r;
    r.version = "fuzz";
    r.findings = std::move(res.findings);
    r.errors = std::move(res.errors);
    // Only the rules that gave findings: the descriptors of the other rules are the same for every
    // input, and rendering all 105 into SARIF and HTML took a third of each execution.
    for (auto& ri : pack_rules(p))
        if (std::any_of(r.findings.begin(), r.findings.end(), [&](const finding& f) { return f.rule == ri.id; }))
            r.rules.push_back(std::move(ri));
    count_findings(r);
    text_options colored;
    colored.color = true;
    (void)render_text(r, text_options{});
    (void)render_text(r, colored);
    (void)render_json(r);
    (void)render_summary(r);
    (void)render_sarif(r);
    (void)render_junit(r);
    (void)render_github(r);
    (void)render_html(r);
}

std::string as_text(const std::uint8_t* data, std::size_t size) {
    return size == 0 ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

} // namespace

int run_rules(const std::uint8_t* data, std::size_t size) {
    auto src = std::make_shared<const source_file>("fuzz.kbl", as_text(data, size));
    pack_result r = load_pack({src});
    check_diagnostics(r.diags);
    if (r.p) {
        if (has_errors(r.diags)) broken("a pack was returned with errors");
        for (const auto& ri : pack_rules(*r.p))
            if (ri.id.empty()) broken("rule without an id");
        (void)pack_ci_tables(*r.p);
        (void)pack_defs(*r.p);
    } else if (!has_errors(r.diags)) {
        broken("no pack and no error");
    }
    return 0;
}

int run_snapshot(const std::uint8_t* data, std::size_t size) {
    static const std::vector<std::string> ci_tables = {"services", "local_groups", "user_rights"};
    diagnostics errs;
    auto s = snap::load_snapshot("fuzz.toml", as_text(data, size), snap::default_load_limits(), ci_tables, errs);
    check_diagnostics(errs);
    if (s) {
        if (!errs.empty()) broken("a snapshot was returned with errors");
        if (!s->root || s->root->k != snap::kind::table) broken("root is not a table");
        check_tree(*s, *s->root, *s->root);
    } else if (errs.empty()) {
        broken("no snapshot and no error");
    } else {
        for (const auto& d : errs)
            if (!d.where.valid()) broken("snapshot error without a position", d.message);
    }
    return 0;
}

int run_eval(const std::uint8_t* data, std::size_t size) {
    const pack& p = builtin_pack();
    static const std::vector<std::string> ci_tables = pack_ci_tables(p);
    std::string text = as_text(data, size);
    std::vector<std::string> parts;
    if (auto at = text.find(eval_separator); at != std::string::npos) {
        parts.push_back(text.substr(0, at + 1));
        parts.push_back(text.substr(at + eval_separator.size()));
    } else {
        parts.push_back(std::move(text));
    }
    std::vector<snap::snapshot> snaps;
    diagnostics errs;
    for (std::size_t i = 0; i < parts.size(); ++i)
        if (auto s = snap::load_snapshot("NODE" + std::to_string(i + 1) + ".toml", std::move(parts[i]),
                                         snap::default_load_limits(), ci_tables, errs))
            snaps.push_back(std::move(*s));
    check_diagnostics(errs);
    if (!snaps.empty()) check_and_render(p, snaps);
    return 0;
}

int run_pack(const std::uint8_t* data, std::size_t size) {
    // Named as if it sat in rules/, so that `use "helpers.kbl"` finds the built-in helpers.
    static const std::string name = (fs::path(KBLINT_SOURCE_DIR) / "rules" / "fuzz.kbl").string();
    auto src = std::make_shared<const source_file>(name, as_text(data, size));
    pack_result r = load_pack({src});
    check_diagnostics(r.diags);
    if (!r.p) return 0;
    check_and_render(*r.p, healthy_cluster());
    return 0;
}

bool run(std::string_view name, std::string_view bytes) {
    const auto* d = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (name == "rules") return run_rules(d, bytes.size()), true;
    if (name == "snapshot") return run_snapshot(d, bytes.size()), true;
    if (name == "eval") return run_eval(d, bytes.size()), true;
    if (name == "pack") return run_pack(d, bytes.size()), true;
    return false;
}

} // namespace kbl::fuzz
