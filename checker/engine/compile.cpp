#include "checker/engine/compile.hpp"
// Loading a pack: the rule files and the files they `use`, then the compiler's driver (its phases
// in order and its diagnostics), the global names, tables and defs. The phases are declared in
// compile_internal.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <numeric>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include "common/check_ids.hpp"
#include "common/fs.hpp"
#include "parser/ast_codec.hpp"
#include "parser/parse.hpp"
#include "checker/engine/builtins.hpp"
#include "checker/engine/compile_internal.hpp"
#include "checker/engine/fleet.hpp"

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
    if (allowed(f, id)) return;
    diagnostic d;
    d.severity = diag_severity::warning;
    d.file = f;
    d.where = where;
    d.message = std::move(msg);
    d.check_id = std::move(id);
    diags_.push_back(std::move(d));
}

namespace {

// True when the `#` at `hash` is in a comment: outside the strings of its line.
bool comment_at(std::string_view text, std::size_t hash) {
    std::size_t i = text.rfind('\n', hash);
    i = i == std::string_view::npos ? 0 : i + 1;
    char quote = 0;
    for (; i < hash; ++i) {
        if (quote == '"' && text[i] == '\\') ++i;
        else if (quote && text[i] == quote) quote = 0;
        else if (!quote && (text[i] == '"' || text[i] == '\'')) quote = text[i];
        else if (!quote && text[i] == '#') return true;  // inside a comment
    }
    return quote == 0;
}

// The ids of `# kbl: allow(ID, ...)` comments in `text` (a comment of its own or after code).
std::set<std::string, std::less<>> allow_comments(std::string_view text) {
    std::set<std::string, std::less<>> ids;
    constexpr std::string_view mark = "kbl: allow(";
    for (std::size_t at = text.find(mark); at != std::string_view::npos; at = text.find(mark, at + 1)) {
        std::size_t hash = at;
        while (hash > 0 && text[hash - 1] == ' ') --hash;
        if (hash == 0 || text[hash - 1] != '#' || !comment_at(text, hash - 1)) continue;
        std::size_t close = text.find(')', at);
        std::size_t eol = text.find('\n', at);
        if (close == std::string_view::npos || close > eol) continue;
        std::string_view list = text.substr(at + mark.size(), close - at - mark.size());
        while (!list.empty()) {
            std::size_t comma = std::min(list.find(','), list.size());
            std::string_view one = list.substr(0, comma);
            while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
            while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
            if (!one.empty()) ids.emplace(one);
            list.remove_prefix(std::min(comma + 1, list.size()));
        }
    }
    return ids;
}

} // namespace

bool compiler::allowed(const source_ptr& f, std::string_view id) {
    if (!f) return false;
    auto it = allowed_.find(f.get());
    if (it == allowed_.end()) it = allowed_.emplace(f.get(), allow_comments(f->text())).first;
    return it->second.count(id) != 0;
}

void compiler::run() {
    collect();
    build_schema();
    for (auto& [name, t] : p_.tables) compile_table(*t);
    for (auto& [name, d] : p_.defs)
        if (!d->has_params) compile_def(*d);
    for (const auto& f : p_.asts)
        for (const auto& a : f.actions) compile_action(f, a);
    for (const auto& f : p_.asts)
        for (const auto& r : f.rules) compile_rule(f, r);
    compile_defs();
    mark_context_defs();
    unused_globals();
    std::sort(p_.rules.begin(), p_.rules.end(), [](const auto& a, const auto& b) { return a->info.id < b->info.id; });
}

// ---- Collection of global names, duplicates with both locations ----

void compiler::collect() {
    name_places rule_ids;
    name_places globals;
    for (const auto& f : p_.asts) {
        const std::string& module = file_module(f.src);
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
            c->module = module;
            c->params = static_cast<std::uint32_t>(d.params.size());
            c->has_params = d.has_params;
            c->file = f.src;
            c->where = d.name_pos;
            c->decl = &d;
            p_.defs.emplace(global_key(module, d.name), std::move(c));
        }
        for (const auto& t : f.tables) {
            if (!claim_global(f.src, t.name, t.name_pos, "table", globals)) continue;
            auto c = std::make_unique<ctable>();
            c->name = t.name;
            c->module = module;
            c->file = f.src;
            c->where = t.name_pos;
            table_asts_.emplace(c.get(), &t);
            p_.tables.emplace(global_key(module, t.name), std::move(c));
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
    auto [it, fresh] = globals.emplace(global_key(file_module(f), name), std::make_pair(f, where));
    if (!fresh) {
        error(f, where, fmt::format("'{}' is defined twice", name), check_ids::duplicate_name,
              {diag_note{diag_note::kind::note, "first defined here", it->second.first, it->second.second}});
        return false;
    }
    return true;
}

// ---- Tables ----

void compiler::compile_table(ctable& t) {
    const ast::table_decl& decl = *table_asts_.at(&t);
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
    const def_use& use = def_uses_[&d];
    for (std::uint32_t i = 0; i < d.params; ++i) {
        lint_bound_name(sc, d.decl->params[i], d.decl->param_pos[i]);
        const ast::param_type& written = d.decl->param_types[i];
        stype t = written.k != ast::param_type::kind::none ? written_type(written, p_.schema.get())
                  : use.typed                              ? use.params[i]
                                                           : stype{};
        sc.vars.push_back({d.decl->params[i], i, t, nullptr});
    }
    sc.next = sc.max = d.params;
    d.body = expr(sc, *d.decl->body);
    lint_condition(sc, *d.decl->body);
    d.frame_size = sc.max;
    d.compiling = false;
    d.compiled = true;
}

// Defs with parameters, once their callers are compiled: each is checked with the parameter types
// written in it, else those of its call sites (a def called from another def is compiled after it
// when it can be). A def whose parameters all have written types needs no call.
void compiler::compile_defs() {
    auto ready = [this](cdef& d) {
        return def_uses_[&d].typed || std::all_of(d.decl->param_types.begin(), d.decl->param_types.end(), [](const auto& t) {
                   return t.k != ast::param_type::kind::none;
               });
    };
    for (;;) {
        cdef* next = nullptr;
        for (auto& [name, d] : p_.defs)
            if (!d->compiled && (!next || ready(*d))) {
                next = d.get();
                if (ready(*next)) break;
            }
        if (!next) return;
        compile_def(*next);
    }
}

namespace {

enum class def_mark : std::uint8_t { visiting, reads, pure };

bool def_reads_context(const cdef& d, std::map<const cdef*, def_mark>& marks);

// True when `c` or one of its parts reads the evaluation's context (a def calling itself counts).
bool expr_reads_context(const cexpr& c, std::map<const cdef*, def_mark>& marks) {
    switch (c.op) {
    case cop::self:
    case cop::root_key:
    case cop::step:
    case cop::step_index:
    case cop::target:
    case cop::steps:
    case cop::runbook: return true;
    case cop::builtin:
        if (!c.fn->context_free) return true;
        break;
    case cop::call:
        if (def_reads_context(*c.def, marks)) return true;
        break;
    // No default: a new operation must be put on one side or the other (-Wswitch).
    case cop::constant: case cop::var: case cop::nodes: case cop::member: case cop::member_star: case cop::index:
    case cop::index_star: case cop::optional: case cop::table_lookup: case cop::neg: case cop::not_: case cop::and_:
    case cop::or_: case cop::compare: case cop::default_: case cop::add: case cop::sub: case cop::mul: case cop::div:
    case cop::mod: case cop::quant: case cop::cond: case cop::list: case cop::record: break;
    }
    return std::any_of(c.kids.begin(), c.kids.end(), [&](const cexpr_ptr& k) { return k && expr_reads_context(*k, marks); });
}

bool def_reads_context(const cdef& d, std::map<const cdef*, def_mark>& marks) {
    auto [it, fresh] = marks.emplace(&d, def_mark::visiting);
    if (!fresh) return it->second != def_mark::pure;
    const bool reads = !d.body || expr_reads_context(*d.body, marks);
    marks[&d] = reads ? def_mark::reads : def_mark::pure;
    return reads;
}

} // namespace

void compiler::mark_context_defs() {
    std::map<const cdef*, def_mark> marks;
    for (auto& [name, d] : p_.defs) d->reads_context = def_reads_context(*d, marks);
}

// A call of `d` with arguments of types `args`: `d` is used, and its parameters take those types
// (merged with those of the calls before). A def without parameters is compiled at once.
void compiler::note_def_call(cdef& d, std::span<const stype> args) {
    def_use& use = def_uses_[&d];
    use.used = true;
    if (!d.has_params || d.compiled || d.compiling) {
        compile_def(d);
        return;
    }
    if (args.size() != d.params) return;
    if (!use.typed) {
        use.params.assign(args.begin(), args.end());
        use.typed = true;
        return;
    }
    for (std::size_t i = 0; i < args.size(); ++i)
        if (!same_type(use.params[i], args[i]))
            use.params[i] = use.params[i].base == args[i].base ? stype{args[i].base} : stype{};
}

// A warning at each def and table that nothing reads (`# kbl: allow(unused-def)` in a library
// file keeps its helpers quiet). A `decode_TABLE` def is read by `kblint decode TABLE`.
void compiler::unused_globals() {
    for (const auto& [key, d] : p_.defs)
        if (!def_uses_[d.get()].used && !key.starts_with("decode_"))
            warning(d->file, d->where, fmt::format("'{}' is defined but never used", d->name), check_ids::unused_def);
    for (const auto& [key, t] : p_.tables)
        if (!used_tables_.count(t.get()))
            warning(t->file, t->where, fmt::format("table '{}' is declared but never used", t->name), check_ids::unused_table);
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

namespace {

struct pack_loader {
    pack& p;
    pack_result& res;
    std::size_t max_file_bytes;
    std::vector<source_ptr> queue;
    /// How a file is in the pack: a rule file no `use` has named yet (a module if a `use ... as`
    /// names it: a pack's folder may hold its own modules), global (a plain `use` named it), a module.
    enum class origin { given, global, module };
    std::map<std::string, origin> seen;

    void error(const source_ptr& src, pos where, std::string msg) {
        diagnostic d;
        d.file = src;
        d.where = where;
        d.message = std::move(msg);
        d.check_id = check_ids::use;
        res.diags.push_back(std::move(d));
    }

    // A `use` of `src`: its file queued once; with `as NAME`, a module that NAME names in `src`.
    void use(const source_ptr& src, const ast::use_decl& u) {
        std::string target = std::filesystem::path(dir_of(src->name()) + u.path).lexically_normal().string();
        const bool module = !u.alias.empty();
        if (module && !p.aliases[src.get()].emplace(u.alias, module_ref{target, u.path}).second)
            return error(src, u.alias_pos, fmt::format("module name '{}' is given twice in this file", u.alias));
        if (auto it = seen.find(target); it != seen.end()) {
            if (it->second == origin::given) return claim(it, module);
            if ((it->second == origin::module) != module)
                error(src, u.where, fmt::format("'{}' is loaded both as a module ('use ... as') and into the global "
                                                "namespace (a plain 'use')", target));
            return;
        }
        std::string text;
        if (auto why = read_used_file(target, max_file_bytes, text))
            return error(src, u.where, fmt::format("cannot read '{}' named by 'use': {}", target, *why));
        seen.emplace(target, module ? origin::module : origin::global);
        queue.push_back(std::make_shared<source_file>(target, std::move(text)));
        if (module) p.file_module.emplace(queue.back().get(), target);
    }

    // The first `use` of a rule file decides what it is: a module, or global as it was loaded.
    void claim(std::map<std::string, origin>::iterator it, bool module) {
        it->second = module ? origin::module : origin::global;
        if (!module) return;
        for (const auto& q : queue)
            if (std::filesystem::path(q->name()).lexically_normal().string() == it->first) p.file_module.emplace(q.get(), it->first);
    }
};

// Threads for parsing `files` rule files: parsing is a few milliseconds per file, so more threads
// than files, or than cores, only cost their start.
unsigned parse_jobs(std::size_t files) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::min<std::size_t>({files, cores, 4}));
}

// The ASTs of queue[done, done + asts.size()): decoded from their image when `prebuilt` has one that
// fits, else parsed, in parallel, largest file first so that the threads end together.
void parse_wave(const std::vector<source_ptr>& queue, std::size_t done, const parse_options& popt,
                const std::vector<prebuilt_ast>& prebuilt, std::vector<ast::file>& asts, std::vector<diagnostics>& diags) {
    std::vector<std::size_t> to_parse;
    for (std::size_t i = 0; i < asts.size(); ++i) {
        const auto image = std::find_if(prebuilt.begin(), prebuilt.end(), [&](const prebuilt_ast& b) { return b.src == queue[done + i]; });
        std::optional<ast::file> decoded;
        if (image != prebuilt.end()) decoded = decode_ast(image->image, queue[done + i], popt.max_depth);
        if (decoded) asts[i] = std::move(*decoded);
        else to_parse.push_back(i);
    }
    std::stable_sort(to_parse.begin(), to_parse.end(), [&](std::size_t a, std::size_t b) {
        return queue[done + a]->text().size() > queue[done + b]->text().size();
    });
    for_each_index(to_parse.size(), parse_jobs(to_parse.size()), false, [&](std::size_t k) {
        const std::size_t i = to_parse[k];
        asts[i] = parse_rules(queue[done + i], popt, diags[i]);
    });
}

} // namespace

pack_result load_pack(const std::vector<source_ptr>& rule_files, std::uint32_t max_rule_depth,
                      std::size_t max_file_bytes, const std::vector<prebuilt_ast>& prebuilt) {
    pack_result res;
    auto p = std::make_shared<pack>();
    pack_loader loader{*p, res, max_file_bytes, rule_files, {}};
    for (const auto& f : rule_files) loader.seen.emplace(std::filesystem::path(f->name()).lexically_normal().string(), pack_loader::origin::given);
    parse_options popt;
    popt.max_depth = max_rule_depth;
    // The files queued so far are parsed together (a pack's files are independent until `use`);
    // then, in queue order, each one's diagnostics are kept and its `use`s queue the next wave.
    for (std::size_t done = 0; done < loader.queue.size();) {
        const std::size_t wave = loader.queue.size() - done;
        std::vector<ast::file> asts(wave);
        std::vector<diagnostics> diags(wave);
        parse_wave(loader.queue, done, popt, prebuilt, asts, diags);
        for (std::size_t i = 0; i < wave; ++i) {
            source_ptr src = loader.queue[done + i];
            p->files.push_back(src);
            p->asts.push_back(std::move(asts[i]));
            std::move(diags[i].begin(), diags[i].end(), std::back_inserter(res.diags));
            for (const auto& u : p->asts.back().uses) loader.use(src, u);
        }
        done += wave;
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
