#include "checker/engine/compile.hpp"
// Loading a pack: the rule files and the files they `use`, then the compiler's driver (its phases
// in order and its diagnostics), the global names, tables and defs. The phases are declared in
// compile_internal.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <system_error>

#include "common/check_ids.hpp"
#include "common/fs.hpp"
#include "parser/parse.hpp"
#include "checker/engine/builtins.hpp"
#include "checker/engine/compile_internal.hpp"

namespace kbl {

void compiler::error(const source_ptr& f, pos where, std::string msg, std::string id, std::vector<diag_note> notes) {
    diagnostic d;
    d.severity = diag_severity::error;
    d.file = f;
    d.where = where;
    d.message = std::move(msg);
    d.check_id = std::move(id);
    d.notes = std::move(notes);
    diags_.push_back(std::move(d));
}

void compiler::warning(const source_ptr& f, pos where, std::string msg, std::string id) {
    diagnostic d;
    d.severity = diag_severity::warning;
    d.file = f;
    d.where = where;
    d.message = std::move(msg);
    d.check_id = std::move(id);
    diags_.push_back(std::move(d));
}

void compiler::run() {
    collect();
    build_schema();
    for (auto& [name, t] : p_.tables) compile_table(*t);
    for (auto& [name, d] : p_.defs) compile_def(*d);
    for (const auto& f : p_.asts)
        for (const auto& a : f.actions) compile_action(f, a);
    for (const auto& f : p_.asts)
        for (const auto& r : f.rules) compile_rule(f, r);
    std::sort(p_.rules.begin(), p_.rules.end(), [](const auto& a, const auto& b) { return a->info.id < b->info.id; });
}

// ---- Collection of global names, duplicates with both locations ----

void compiler::collect() {
    name_places rule_ids;
    name_places globals;
    for (const auto& f : p_.asts) {
        for (const auto& r : f.rules) {
            auto [it, fresh] = rule_ids.emplace(r.id, std::make_pair(f.src, r.id_pos));
            if (!fresh)
                error(f.src, r.id_pos, fmt::format("duplicate rule id '{}'", r.id), check_ids::duplicate_rule,
                      {diag_note{diag_note::kind::note, "first defined here", it->second.first, it->second.second}});
        }
        for (const auto& d : f.defs) {
            if (!claim_global(f.src, d.name, d.name_pos, "definition", globals)) continue;
            auto c = std::make_unique<cdef>();
            c->name = d.name;
            c->params = static_cast<std::uint32_t>(d.params.size());
            c->has_params = d.has_params;
            c->file = f.src;
            c->where = d.name_pos;
            c->decl = &d;
            p_.defs.emplace(d.name, std::move(c));
        }
        for (const auto& t : f.tables) {
            if (!claim_global(f.src, t.name, t.name_pos, "table", globals)) continue;
            auto c = std::make_unique<ctable>();
            c->name = t.name;
            c->file = f.src;
            c->where = t.name_pos;
            table_asts_.emplace(t.name, &t);
            p_.tables.emplace(t.name, std::move(c));
        }
    }
}

// True when `name` is free for a global (a def or a table); otherwise an error says why.
bool compiler::claim_global(const source_ptr& f, const std::string& name, pos where, std::string_view what,
                            name_places& globals) {
    if (find_builtin(name) || name == "self" || name == "nodes") {
        error(f, where, fmt::format("'{}' is a built-in name; choose another name for this {}", name, what),
              check_ids::duplicate_name);
        return false;
    }
    auto [it, fresh] = globals.emplace(name, std::make_pair(f, where));
    if (!fresh) {
        error(f, where, fmt::format("'{}' is defined twice", name), check_ids::duplicate_name,
              {diag_note{diag_note::kind::note, "first defined here", it->second.first, it->second.second}});
        return false;
    }
    return true;
}

// ---- Tables ----

void compiler::compile_table(ctable& t) {
    const ast::table_decl& decl = *table_asts_.at(t.name);
    auto root = std::make_shared<snap::node>();
    root->k = snap::kind::table;
    root->where = decl.where;
    root->path = t.name;
    compile_scope sc;
    sc.file = t.file;
    for (const auto& e : decl.entries) {
        auto c = expr(sc, *e.value);
        if (c->op != cop::constant) {
            error(t.file, e.value->where, "a table value must be a constant (a literal, a list or a record of literals)",
                  "table");
            continue;
        }
        if (e.is_default) {
            t.dflt = c->k;
            continue;
        }
        snap::entry en;
        en.key = e.int_key ? std::to_string(e.i) : e.s;
        en.key_pos = e.where;
        en.value = value_to_node(c->k, t.name + "[" + en.key + "]", e.value->where);
        root->entries.push_back(std::move(en));
    }
    t.entries = root;
}

snap::node_ptr compiler::value_to_node(const rt::value& v, const std::string& path, pos where) {
    return rt::to_node(v, path, rt::node_stamp{where, nullptr, 0});
}

// ---- Definitions ----

void compiler::compile_def(cdef& d) {
    if (d.compiled || d.compiling) return;
    d.compiling = true;
    compile_scope sc;
    sc.file = d.file;
    sc.has_self = true;
    sc.in_def = true;
    for (std::uint32_t i = 0; i < d.params; ++i) sc.vars.push_back({d.decl->params[i], i, stype{}, nullptr});
    sc.next = sc.max = d.params;
    d.body = expr(sc, *d.decl->body);
    d.frame_size = sc.max;
    d.compiling = false;
    d.compiled = true;
}

namespace {

// Read a file named by `use`: a regular file of at most `max_bytes` (never a FIFO, a device or a
// folder, which could block or never end). Returns why it cannot be read, or nullopt.
std::optional<std::string> read_used_file(const std::string& path, std::size_t max_bytes, std::string& text) {
    io::read_result r = io::read_file(path, max_bytes);
    if (r.status == io::read_status::not_regular) return std::string("not a regular file");
    if (r.status == io::read_status::too_large)
        return fmt::format("file is over the limit of {} bytes (--max-file-size)", max_bytes);
    if (!r.ok()) return std::generic_category().message(r.error);
    text = std::move(r.text);
    return std::nullopt;
}

std::string dir_of(const std::string& name) {
    auto slash = name.find_last_of('/');
    return slash == std::string::npos ? std::string() : name.substr(0, slash + 1);
}

} // namespace

pack_result load_pack(const std::vector<source_ptr>& rule_files, std::uint32_t max_rule_depth,
                      std::size_t max_file_bytes) {
    pack_result res;
    auto p = std::make_shared<pack>();
    std::vector<source_ptr> queue = rule_files;
    std::set<std::string> seen;
    for (const auto& f : rule_files) seen.insert(std::filesystem::path(f->name()).lexically_normal().string());
    parse_options popt;
    popt.max_depth = max_rule_depth;
    for (std::size_t i = 0; i < queue.size(); ++i) {
        source_ptr src = queue[i];
        p->files.push_back(src);
        p->asts.push_back(parse_rules(src, popt, res.diags));
        for (const auto& u : p->asts.back().uses) {
            std::string target = std::filesystem::path(dir_of(src->name()) + u.path).lexically_normal().string();
            if (seen.count(target)) continue;
            std::string text;
            if (auto why = read_used_file(target, max_file_bytes, text)) {
                diagnostic d;
                d.file = src;
                d.where = u.where;
                d.message = fmt::format("cannot read '{}' named by 'use': {}", target, *why);
                d.check_id = check_ids::use;
                res.diags.push_back(std::move(d));
                continue;
            }
            seen.insert(target);
            queue.push_back(std::make_shared<source_file>(target, std::move(text)));
        }
    }
    compiler c(*p, res.diags);
    c.run();
    if (!has_errors(res.diags)) res.p = p;
    return res;
}

std::vector<rule_info> pack_rules(const pack& p) {
    std::vector<rule_info> out;
    for (const auto& r : p.rules) out.push_back(r->info);
    return out;
}

std::vector<std::string> pack_ci_tables(const pack& p) { return p.ci_tables; }

std::vector<builtin_function> builtin_functions() {
    std::vector<builtin_function> out;
    for (const auto& b : builtin_table()) out.push_back({std::string(b.name), b.min_args, b.max_args, std::string(b.signature), std::string(b.doc)});
    return out;
}

} // namespace kbl
