#include "checker/ruletest/rule_test.hpp"
#include "common/text.hpp"
#include "common/check_ids.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string_view>
#include <system_error>
#include <tuple>

#include <fmt/format.h>

#include "common/fs.hpp"

namespace kbl::ruletest {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> top_keys = {"case"};
const std::vector<std::string> case_keys = {"name", "only", "skip", "snapshots", "files", "expect", "absent"};
const std::vector<std::string> entry_keys = {"rule", "node", "cluster", "step", "file",
                                             "line", "column", "status", "message"};
const std::vector<std::string> status_names = {"fail", "unknown"};

std::string base_name(std::string_view path) {
    std::size_t slash = path.find_last_of('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string display_name(const fs::path& p) { return p.lexically_normal().generic_string(); }

std::string one_of(const std::vector<std::string>& names) {
    if (names.size() == 1) return names[0];
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i != 0) out += i + 1 == names.size() ? " or " : ", ";
        out += names[i];
    }
    return out;
}

bool all_tables(const snap::node& v) {
    return v.k == snap::kind::array && std::all_of(v.items.begin(), v.items.end(), [](const snap::node_ptr& i) {
               return i->k == snap::kind::table;
           });
}

bool has_glob(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

struct found_files {
    std::vector<std::string> files;
    diagnostics errors;
};

// The files named in `roots` and every `*.toml` under the folders among them (common/fs.hpp).
found_files find_toml_files(const std::vector<std::string>& roots) {
    io::walk_result found = io::find_files(roots, {".toml", {}});
    return {std::move(found.files), std::move(found.errors)};
}

// Reads a test file's TOML tree into cases, checking every key and value, and loads the snapshots
// the cases name (each file on disk once per run).
class loader {
public:
    loader(const pack& p, const run_options& opt, diagnostics& errs)
        : opt_(opt), errs_(errs), rules_(pack_rules(p)), ci_tables_(pack_ci_tables(p)) {
        for (const auto& r : rules_) ids_.push_back(r.id);
    }

    // The cases of one test file; its diagnostics are appended to `errs` in the order of their places.
    std::vector<test_case> load(const snap::snapshot& doc) {
        std::size_t first = errs_.size();
        std::vector<test_case> cases = read_cases(doc);
        std::stable_sort(errs_.begin() + static_cast<std::ptrdiff_t>(first), errs_.end(),
                         [](const diagnostic& a, const diagnostic& b) {
                             return std::tie(a.name(), a.where.line, a.where.column) <
                                    std::tie(b.name(), b.where.line, b.where.column);
                         });
        return cases;
    }

private:
    std::vector<test_case> read_cases(const snap::snapshot& doc) {
        file_ = doc.file;
        folder_ = fs::path(file_->name()).parent_path();
        std::vector<test_case> cases;
        std::map<std::string, pos> names;
        for (const auto& e : doc.root->entries) {
            if (e.key != "case") {
                unknown_key(e, top_keys, "at the top level");
                continue;
            }
            const snap::node& v = *e.value;
            if (!all_tables(v)) {
                error(v.where, "'case' must be an array of tables: write each case under '[[case]]'");
                continue;
            }
            for (const auto& item : v.items)
                if (auto c = read_case(*item)) {
                    auto [it, fresh] = names.emplace(c->name, c->where);
                    if (!fresh) {
                        diagnostic& d = error(c->where, fmt::format("duplicate case name '{}'", c->name));
                        d.notes.push_back(diag_note{diag_note::kind::note, "first used here", file_, it->second});
                        continue;
                    }
                    cases.push_back(std::move(*c));
                }
        }
        return cases;
    }

    diagnostic& report(diag_severity sev, pos where, std::string message) {
        diagnostic d;
        d.severity = sev;
        d.file = file_;
        d.where = where;
        d.message = std::move(message);
        d.check_id = check_ids::test_file;
        errs_.push_back(std::move(d));
        return errs_.back();
    }
    diagnostic& error(pos where, std::string message) { return report(diag_severity::error, where, std::move(message)); }

    static void help(diagnostic& d, std::string text) {
        d.notes.push_back(diag_note{diag_note::kind::help, std::move(text), nullptr, pos{}});
    }

    void unknown_key(const snap::entry& e, const std::vector<std::string>& known, std::string_view where) {
        std::string near = closest_match(e.key, known);
        if (!near.empty())
            error(e.key_pos, fmt::format("unknown key '{}' {}, did you mean '{}'?", e.key, where, near));
        else
            error(e.key_pos, fmt::format("unknown key '{}' {} (expected {})", e.key, where, one_of(known)));
    }

    void wrong_type(const snap::entry& e, std::string_view wanted) {
        error(e.value->where,
              fmt::format("'{}' must be {}, not {}", e.key, wanted, with_article(snap::kind_name(e.value->k))));
    }

    std::optional<std::string> string_of(const snap::entry& e) {
        if (e.value->k == snap::kind::string) return e.value->str;
        wrong_type(e, "a string");
        return std::nullopt;
    }

    // A string, or an array of strings, each with its place.
    std::optional<std::vector<std::pair<std::string, pos>>> strings_of(const snap::entry& e) {
        std::vector<std::pair<std::string, pos>> out;
        if (e.value->k == snap::kind::string) {
            out.emplace_back(e.value->str, e.value->where);
            return out;
        }
        if (e.value->k == snap::kind::array &&
            std::all_of(e.value->items.begin(), e.value->items.end(),
                        [](const snap::node_ptr& i) { return i->k == snap::kind::string; })) {
            for (const auto& i : e.value->items) out.emplace_back(i->str, i->where);
            return out;
        }
        wrong_type(e, "an array of strings");
        return std::nullopt;
    }

    std::optional<std::uint32_t> positive_of(const snap::entry& e) {
        if (e.value->k == snap::kind::integer && e.value->i >= 1 &&
            e.value->i <= std::numeric_limits<std::uint32_t>::max())
            return static_cast<std::uint32_t>(e.value->i);
        if (e.value->k == snap::kind::integer)
            error(e.value->where, fmt::format("'{}' must be a positive integer, not {}", e.key, e.value->i));
        else
            wrong_type(e, "a positive integer");
        return std::nullopt;
    }

    bool selected(const std::string& id, const test_case& c) const {
        auto m = [&](const std::string& g) { return glob_match(g, id); };
        if (!c.only.empty() && std::none_of(c.only.begin(), c.only.end(), m)) return false;
        return std::none_of(c.skip.begin(), c.skip.end(), m);
    }

    // A warning for an `only`/`skip` glob that matches no rule of the pack.
    void check_glob(std::string_view key, const std::string& g, pos where) {
        if (std::any_of(ids_.begin(), ids_.end(), [&](const std::string& id) { return glob_match(g, id); })) return;
        std::string near = closest_match(g, ids_);
        report(diag_severity::warning, where,
               near.empty() ? fmt::format("'{}' glob '{}' matches no rule", key, g)
                            : fmt::format("'{}' glob '{}' matches no rule, did you mean '{}'?", key, g, near));
    }

    std::optional<expectation> read_entry(const snap::node& t, std::string_view what, const test_case& c) {
        expectation x;
        x.where = t.where;
        bool ok = true;
        std::optional<pos> rule_pos;
        for (const auto& e : t.entries) {
            if (e.key == "rule") {
                auto s = string_of(e);
                if (s && s->empty()) error(e.value->where, "'rule' must not be empty");
                if (s) x.rule = *s;
                ok = ok && s && !s->empty();
                rule_pos = e.value->where;
            } else if (e.key == "node" || e.key == "cluster" || e.key == "file" || e.key == "message") {
                auto s = string_of(e);
                if (!s) {
                    ok = false;
                    continue;
                }
                (e.key == "node" ? x.node : e.key == "cluster" ? x.cluster : e.key == "file" ? x.file : x.message) = *s;
            } else if (e.key == "step" || e.key == "line" || e.key == "column") {
                auto n = positive_of(e);
                if (!n) {
                    ok = false;
                    continue;
                }
                (e.key == "step" ? x.step : e.key == "line" ? x.line : x.column) = *n;
            } else if (e.key == "status") {
                auto s = string_of(e);
                if (!s) {
                    ok = false;
                } else if (*s == "fail") {
                    x.st = status::fail;
                } else if (*s == "unknown") {
                    x.st = status::unknown;
                } else {
                    ok = false;
                    std::string near = closest_match(*s, status_names);
                    error(e.value->where, near.empty() ? fmt::format("invalid status '{}' (expected fail or unknown)", *s)
                                                       : fmt::format("invalid status '{}', did you mean '{}'?", *s, near));
                }
            } else {
                ok = false;
                unknown_key(e, entry_keys, fmt::format("in an '{}' entry", what));
            }
        }
        if (!rule_pos) {
            diagnostic& d = error(t.where, fmt::format("an '{}' entry needs a 'rule'", what));
            help(d, "add rule = \"RULE-ID\"");
            return std::nullopt;
        }
        if (x.rule.empty()) return std::nullopt;
        auto matching = [&](const std::string& id) { return glob_match(x.rule, id); };
        if (std::none_of(ids_.begin(), ids_.end(), matching)) {
            std::string near = closest_match(x.rule, ids_);
            std::string head = has_glob(x.rule) ? fmt::format("no rule matches '{}'", x.rule)
                                                : fmt::format("unknown rule '{}'", x.rule);
            error(*rule_pos, near.empty() ? head : fmt::format("{}, did you mean '{}'?", head, near));
            return std::nullopt;
        }
        if (std::none_of(ids_.begin(), ids_.end(), [&](const std::string& id) { return matching(id) && selected(id, c); })) {
            error(*rule_pos, fmt::format("rule '{}' is not evaluated in this case: 'only' or 'skip' leave it out", x.rule));
            return std::nullopt;
        }
        if (!ok) return std::nullopt;
        return x;
    }

    bool read_entries(const snap::entry& e, std::string_view what, test_case& c, std::vector<expectation>& out) {
        const snap::node& v = *e.value;
        if (!all_tables(v)) {
            error(v.where, fmt::format("'{0}' must be an array of tables: write each entry under '[[case.{0}]]'", what));
            return false;
        }
        bool ok = true;
        for (const auto& item : v.items) {
            if (auto x = read_entry(*item, what, c))
                out.push_back(std::move(*x));
            else
                ok = false;
        }
        return ok;
    }

    // The snapshot file at `shown` (loaded once per run), or nullopt when it did not load.
    const std::optional<snap::snapshot>& disk_snapshot(const std::string& shown, const test_case& c, pos named_at) {
        auto it = cache_.find(shown);
        if (it != cache_.end()) return it->second;
        std::size_t before = errs_.size();
        auto loaded = snap::load_snapshot_file(shown, opt_.lim, ci_tables_, errs_);
        for (std::size_t i = before; i < errs_.size(); ++i)
            errs_[i].notes.push_back(
                diag_note{diag_note::kind::note, fmt::format("named by case '{}' here", c.name), file_, named_at});
        return cache_.emplace(shown, std::move(loaded)).first->second;
    }

    bool read_snapshots(const snap::entry& e, test_case& c) {
        auto paths = strings_of(e);
        if (!paths) return false;
        bool ok = true;
        std::vector<std::string> seen;
        for (const auto& [written, where] : *paths) {
            fs::path full = folder_ / fs::path(written);
            std::string shown = display_name(full);
            std::error_code ec;
            fs::file_status st = fs::status(full, ec);
            if (!fs::exists(st)) {
                diagnostic& d = error(where, fmt::format("no such snapshot file or folder '{}'", written));
                d.notes.push_back(diag_note{diag_note::kind::note,
                                            fmt::format("looked for '{}' (paths are relative to the test file)", shown),
                                            nullptr, pos{}});
                ok = false;
                continue;
            }
            std::vector<std::string> files;
            if (fs::is_directory(st)) {
                found_files found = find_toml_files({shown});
                for (auto& d : found.errors) errs_.push_back(std::move(d));
                files = std::move(found.files);
                if (files.empty()) {
                    error(where, fmt::format("no snapshot ('*.toml') found under '{}'", written));
                    ok = false;
                    continue;
                }
            } else {
                files.push_back(shown);
            }
            for (const auto& f : files) {
                if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
                seen.push_back(f);
                const auto& s = disk_snapshot(f, c, where);
                if (s)
                    c.snapshots.push_back(*s);
                else
                    ok = false;
            }
        }
        return ok;
    }

    bool read_files(const snap::entry& e, test_case& c) {
        const snap::node& v = *e.value;
        if (v.k != snap::kind::table) {
            diagnostic& d =
                error(v.where, fmt::format("'files' must be a table, not {}", with_article(snap::kind_name(v.k))));
            help(d, "write '[case.files]' and under it one 'NAME.toml' = '''TOML text''' per snapshot");
            return false;
        }
        bool ok = true;
        for (const auto& f : v.entries) {
            if (f.value->k != snap::kind::string) {
                error(f.value->where, fmt::format("inline snapshot '{}' must be a string of TOML text, not {}", f.key,
                                                  with_article(snap::kind_name(f.value->k))));
                ok = false;
                continue;
            }
            std::size_t before = errs_.size();
            auto s = snap::load_snapshot(fmt::format("{}#{}/{}", file_->name(), c.name, f.key), f.value->str, opt_.lim,
                                         ci_tables_, errs_);
            for (std::size_t i = before; i < errs_.size(); ++i)
                errs_[i].notes.push_back(diag_note{diag_note::kind::note,
                                                   fmt::format("in the inline snapshot '{}' of case '{}'", f.key, c.name),
                                                   file_, f.value->where});
            if (s)
                c.snapshots.push_back(std::move(*s));
            else
                ok = false;
        }
        return ok;
    }

    std::optional<test_case> read_case(const snap::node& t) {
        test_case c;
        c.file = file_;
        c.where = t.where;
        bool ok = true;
        const snap::entry* name = t.find("name");
        if (name == nullptr) {
            diagnostic& d = error(t.where, "a case needs a 'name'");
            help(d, "add name = \"what the case shows\"");
            ok = false;
        } else if (auto s = string_of(*name)) {
            c.name = *s;
            if (c.name.empty()) {
                error(name->value->where, "'name' must not be empty");
                ok = false;
            }
        } else {
            ok = false;
        }
        // Selection first: the expectations are checked against it.
        for (const auto& e : t.entries) {
            if (e.key != "only" && e.key != "skip") continue;
            auto globs = strings_of(e);
            if (!globs) {
                ok = false;
                continue;
            }
            for (const auto& [g, where] : *globs) {
                check_glob(e.key, g, where);
                (e.key == "only" ? c.only : c.skip).push_back(g);
            }
        }
        if (ok && std::none_of(ids_.begin(), ids_.end(), [&](const std::string& id) { return selected(id, c); })) {
            error(t.where, fmt::format("case '{}' evaluates no rule: 'only' and 'skip' leave out every rule", c.name));
            ok = false;
        }
        bool has_snapshots = false;
        for (const auto& e : t.entries) {
            if (e.key == "name" || e.key == "only" || e.key == "skip") continue;
            if (e.key == "snapshots") {
                ok = read_snapshots(e, c) && ok;
                has_snapshots = true;
            } else if (e.key == "files") {
                ok = read_files(e, c) && ok;
                has_snapshots = true;
            } else if (e.key == "expect") {
                ok = read_entries(e, "expect", c, c.expect) && ok;
            } else if (e.key == "absent") {
                ok = read_entries(e, "absent", c, c.absent) && ok;
            } else {
                unknown_key(e, case_keys, "in a case");
                ok = false;
            }
        }
        if (!has_snapshots) {
            diagnostic& d = error(t.where, c.name.empty() ? std::string("a case needs snapshots")
                                                          : fmt::format("case '{}' has no snapshot", c.name));
            help(d, "name snapshot files or folders with 'snapshots = [...]', or write them inline under '[case.files]'");
            ok = false;
        }
        if (!ok) return std::nullopt;
        return c;
    }

    const run_options& opt_;
    diagnostics& errs_;
    std::vector<rule_info> rules_;
    std::vector<std::string> ids_;
    std::vector<std::string> ci_tables_;
    std::map<std::string, std::optional<snap::snapshot>> cache_;
    source_ptr file_;
    fs::path folder_;
};

// Maximum matching of expectations to findings (each finding answers at most one expectation):
// owner[f] is the expectation matched to finding f, or -1.
std::vector<long> match_findings(const std::vector<expectation>& expect, const std::vector<finding>& findings) {
    std::vector<long> owner(findings.size(), -1);
    std::vector<char> seen;
    std::function<bool(std::size_t)> assign = [&](std::size_t e) {
        for (std::size_t f = 0; f < findings.size(); ++f) {
            if (seen[f] || !matches(expect[e], findings[f])) continue;
            seen[f] = 1;
            if (owner[f] < 0 || assign(static_cast<std::size_t>(owner[f]))) {
                owner[f] = static_cast<long>(e);
                return true;
            }
        }
        return false;
    };
    for (std::size_t e = 0; e < expect.size(); ++e) {
        seen.assign(findings.size(), 0);
        assign(e);
    }
    return owner;
}

std::string one_line(const diagnostic& d) {
    std::string loc = d.name();
    if (d.where.valid()) loc += fmt::format(":{}:{}", d.where.line, d.where.column);
    return escape_for_terminal(fmt::format("{}{}{}", loc, loc.empty() ? "" : ": ", d.message));
}

} // namespace

bool matches(const expectation& e, const finding& f) {
    if (!glob_match(e.rule, f.rule)) return false;
    if (e.node && !ascii_iequal(*e.node, f.node)) return false;
    if (e.cluster && !ascii_iequal(*e.cluster, f.cluster)) return false;
    if (e.step && (!f.step || f.step->index != *e.step)) return false;
    if (e.file) {
        const std::string name = f.loc.file ? f.loc.file->name() : std::string();
        bool ok = e.file->find('/') == std::string::npos
                      ? base_name(name) == *e.file
                      : name == *e.file || (name.size() > e.file->size() && name.ends_with("/" + *e.file));
        if (!ok) return false;
    }
    if (e.line && f.loc.where.line != *e.line) return false;
    if (e.column && f.loc.where.column != *e.column) return false;
    if (e.st && f.st != *e.st) return false;
    if (e.message && f.message.find(*e.message) == std::string::npos) return false;
    return true;
}

std::optional<std::vector<test_case>> load_test_file(const pack& p, std::string name, std::string text,
                                                     const run_options& opt, diagnostics& errs) {
    std::optional<snap::snapshot> doc = snap::load_snapshot(std::move(name), std::move(text), opt.lim, {}, errs);
    if (!doc) return std::nullopt;
    loader ld(p, opt, errs);
    return ld.load(*doc);
}

case_result run_case(const pack& p, const test_case& c, const run_options& opt) {
    case_result out;
    out.file = c.file ? c.file->name() : std::string();
    out.where = c.where;
    out.name = c.name;
    check_options co;
    co.only = c.only;
    co.skip = c.skip;
    co.lim = opt.eval;
    co.jobs = 1;
    check_result res = check(p, c.snapshots, co);
    out.findings = res.findings.size();
    out.errors = std::move(res.errors);
    std::vector<long> owner = match_findings(c.expect, res.findings);
    std::vector<char> matched(c.expect.size(), 0);
    for (long o : owner)
        if (o >= 0) matched[static_cast<std::size_t>(o)] = 1;
    for (std::size_t e = 0; e < c.expect.size(); ++e)
        if (!matched[e]) out.missing.push_back(c.expect[e]);
    for (std::size_t f = 0; f < res.findings.size(); ++f) {
        const finding& fd = res.findings[f];
        auto forbidden =
            std::find_if(c.absent.begin(), c.absent.end(), [&](const expectation& a) { return matches(a, fd); });
        if (forbidden != c.absent.end())
            out.absent_found.emplace_back(*forbidden, fd);
        else if (owner[f] < 0)
            out.unexpected.push_back(fd);
    }
    return out;
}

test_run run_tests(const pack& p, const std::vector<std::string>& roots, const run_options& opt) {
    test_run out;
    found_files found = find_toml_files(roots);
    out.errors = std::move(found.errors);
    out.files = found.files.size();
    loader ld(p, opt, out.errors);
    std::vector<test_case> cases;
    for (const auto& file : found.files) {
        std::optional<snap::snapshot> doc = snap::load_snapshot_file(file, opt.lim, {}, out.errors);
        if (!doc) continue;
        for (auto& c : ld.load(*doc)) cases.push_back(std::move(c));
    }
    out.cases = cases.size();
    if (has_errors(out.errors)) return out;
    for (const auto& c : cases) {
        if (!opt.filter.empty() && std::none_of(opt.filter.begin(), opt.filter.end(),
                                                [&](const std::string& g) { return glob_match(g, c.name); }))
            continue;
        out.results.push_back(run_case(p, c, opt));
        (out.results.back().passed() ? out.passed : out.failed) += 1;
    }
    return out;
}

std::string describe(const expectation& e) {
    std::string out = escape_for_terminal(e.rule);
    if (e.node) out += fmt::format(" node={}", escape_for_terminal(*e.node));
    if (e.cluster) out += fmt::format(" cluster={}", escape_for_terminal(*e.cluster));
    if (e.step) out += fmt::format(" step={}", *e.step);
    if (e.file) out += fmt::format(" file={}", escape_for_terminal(*e.file));
    if (e.line) out += fmt::format(" line={}", *e.line);
    if (e.column) out += fmt::format(" column={}", *e.column);
    if (e.st) out += fmt::format(" status={}", to_string(*e.st));
    if (e.message) out += fmt::format(" message=\"{}\"", escape_for_terminal(*e.message));
    return out;
}

std::string describe(const finding& f) {
    std::string out = escape_for_terminal(f.rule);
    if (!f.node.empty())
        out += fmt::format(" node={}", escape_for_terminal(f.node));
    else if (!f.cluster.empty())
        out += fmt::format(" cluster={}", escape_for_terminal(f.cluster));
    if (f.step) out += fmt::format(" step={}", f.step->index);
    std::string loc = f.loc.file ? f.loc.file->name() : std::string("?");
    if (f.loc.where.valid()) loc += fmt::format(":{}:{}", f.loc.where.line, f.loc.where.column);
    out += fmt::format(" {} {}: {}", escape_for_terminal(loc), to_string(f.st), escape_for_terminal(f.message));
    return out;
}

std::string render_test_report(const test_run& r, bool verbose) {
    std::string out;
    for (const auto& c : r.results) {
        std::string head = fmt::format("{}:{}: {}", escape_for_terminal(c.file), c.where.line, escape_for_terminal(c.name));
        if (c.passed()) {
            if (verbose) out += fmt::format("PASS {}\n", head);
            continue;
        }
        out += fmt::format("FAIL {}\n", head);
        for (const auto& e : c.missing) out += fmt::format("  - expected: {}\n", describe(e));
        for (const auto& f : c.unexpected) out += fmt::format("  + unexpected: {}\n", describe(f));
        for (const auto& [a, f] : c.absent_found) out += fmt::format("  ! absent but found: {}\n", describe(f));
        for (const auto& d : c.errors) out += fmt::format("  ! error: {}\n", one_line(d));
    }
    out += fmt::format("{} passed, {} failed\n", r.passed, r.failed);
    return out;
}

} // namespace kbl::ruletest
