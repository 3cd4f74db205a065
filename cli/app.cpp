#include "cli/app.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/gate/baseline.hpp"
#include "checker/engine/engine.hpp"
#include "common/limits.hpp"
#include "checker/report/render_markdown.hpp"
#include "checker/report/report.hpp"
#include "checker/snapshot/snapshot.hpp"
#include "checker/gate/waivers.hpp"
#include "cli/builtin_rules.hpp"
#include "cli/cmd_decode.hpp"
#include "cli/cmd_test.hpp"
#include "cli/cmd_fmt.hpp"
#include "cli/cmd_schema.hpp"
#include "cli/common.hpp"
#include "cli/config.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"

#ifndef KBLINT_VERSION
#error "KBLINT_VERSION must be defined by the build"
#endif
#ifndef KBLINT_HOMEPAGE
#define KBLINT_HOMEPAGE ""
#endif

namespace kbl {

namespace {

namespace fs = std::filesystem;

constexpr int exit_clean = 0;
constexpr int exit_findings = 1;
constexpr int exit_usage = 2;
constexpr int exit_nothing = 3;

constexpr std::string_view kblint_version = KBLINT_VERSION;
constexpr std::string_view kblint_homepage = KBLINT_HOMEPAGE;
constexpr std::string_view default_waiver_file = ".kblint-waivers.toml";

// ---------------------------------------------------------------------------------------------
// Messages on stderr

std::string shown(std::string_view s) { return escape_for_terminal(s); }

template <typename... Args>
void say(fmt::format_string<Args...> f, Args&&... args) {
    fmt::print(stderr, "kblint: {}\n", fmt::format(f, std::forward<Args>(args)...));
}

template <typename... Args>
int usage_error(fmt::format_string<Args...> f, Args&&... args) {
    say(f, std::forward<Args>(args)...);
    return exit_usage;
}

std::string lower_first(std::string s) {
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && !(s.size() > 1 && s[1] >= 'A' && s[1] <= 'Z'))
        s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string system_message(int err) { return lower_first(std::strerror(err)); }

std::string quoted_list(const std::vector<std::string>& items) {
    std::vector<std::string> q;
    q.reserve(items.size());
    for (const auto& i : items) q.push_back(fmt::format("'{}'", shown(i)));
    return fmt::format("{}", fmt::join(q, ", "));
}

std::string choice_list(const std::vector<std::string>& items) {
    if (items.empty()) return {};
    if (items.size() == 1) return items[0];
    std::vector<std::string> head(items.begin(), items.end() - 1);
    return fmt::format("{} or {}", fmt::join(head, ", "), items.back());
}

bool color_wanted(const std::string& mode, int fd) {
    if (mode == "always") return true;
    if (mode == "never") return false;
    const char* no_color = std::getenv("NO_COLOR");
    return (no_color == nullptr || *no_color == '\0') && ::isatty(fd) == 1;
}

void print_block(std::FILE* to, std::string text) {
    if (text.empty()) return;
    if (text.back() != '\n') text += '\n';
    std::fwrite(text.data(), 1, text.size(), to);
}

// Every diagnostic on stderr, a blank line between them; warnings only when asked for.
void print_diagnostics(const diagnostics& ds, bool color, bool warnings) {
    bool first = true;
    for (const auto& d : ds) {
        if (d.severity != diag_severity::error && !warnings) continue;
        if (!first) std::fputc('\n', stderr);
        first = false;
        print_block(stderr, render_diagnostic(d, color));
    }
}

std::size_t error_count(const diagnostics& ds) {
    return static_cast<std::size_t>(
        std::count_if(ds.begin(), ds.end(), [](const diagnostic& d) { return d.severity == diag_severity::error; }));
}

// ---------------------------------------------------------------------------------------------
// Finding input files

diagnostic file_error(std::string name, std::string message, std::string check_id = {}) {
    diagnostic d;
    d.file_name = std::move(name);
    d.message = std::move(message);
    d.check_id = std::move(check_id);
    return d;
}

struct file_list {
    std::vector<std::string> files;
    diagnostics errors;
};

bool is_config_file(const fs::path& p) {
    std::string name = p.filename().string();
    return name == ".kblint.toml" || name == ".kblint-waivers.toml";
}

std::string display_name(const fs::path& p) { return p.lexically_normal().generic_string(); }

// Files named in `roots`, and every file ending in `ext` under the folders among them (recursively,
// directory symlinks not followed), sorted and without duplicates.
file_list find_files(const std::vector<std::string>& roots, std::string_view ext, bool snapshots) {
    file_list out;
    for (const auto& root : roots) {
        fs::path p(root);
        std::error_code ec;
        fs::file_status st = fs::status(p, ec);
        if (!fs::exists(st)) {
            out.errors.push_back(file_error(root, "no such file or folder"));
            continue;
        }
        if (!fs::is_directory(st)) {
            out.files.push_back(display_name(p));
            continue;
        }
        fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
        if (ec) {
            out.errors.push_back(file_error(root, fmt::format("cannot read folder: {}", lower_first(ec.message()))));
            continue;
        }
        for (const fs::recursive_directory_iterator end; it != end;) {
            const fs::path& fp = it->path();
            std::error_code fe;
            // Anything named `*.ext` that is not a folder is an input: a FIFO, a dangling symlink or a
            // symlink loop is reported when it is read, never skipped in silence.
            if (fp.extension() == ext && !it->is_directory(fe) && !(snapshots && is_config_file(fp)))
                out.files.push_back(display_name(fp));
            it.increment(ec);
            if (ec) {
                out.errors.push_back(
                    file_error(root, fmt::format("cannot read folder: {}", lower_first(ec.message()))));
                break;
            }
        }
    }
    std::sort(out.files.begin(), out.files.end());
    out.files.erase(std::unique(out.files.begin(), out.files.end()), out.files.end());
    return out;
}

// The bytes of a rule file, or a diagnostic.
std::optional<std::string> read_rule_file(const std::string& path, std::size_t max_bytes, diagnostics& errs) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        errs.push_back(file_error(path, fmt::format("cannot read rule file: {}", system_message(errno))));
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        ::close(fd);
        errs.push_back(file_error(path, "cannot read rule file: not a regular file"));
        return std::nullopt;
    }
    if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        ::close(fd);
        errs.push_back(file_error(path,
                                  fmt::format("rule file is {} bytes, over the limit of {} bytes (--max-file-size)",
                                              st.st_size, max_bytes),
                                  "limit"));
        return std::nullopt;
    }
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            errs.push_back(file_error(path, fmt::format("cannot read rule file: {}", system_message(err))));
            return std::nullopt;
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > max_bytes) {
            ::close(fd);
            errs.push_back(file_error(
                path, fmt::format("rule file is over the limit of {} bytes (--max-file-size)", max_bytes), "limit"));
            return std::nullopt;
        }
    }
    ::close(fd);
    return text;
}

// Write `bytes` to a temporary file next to `path`, then rename it over `path`: readers see the
// old file or the new one, never a part. Returns an error message on failure (old file intact).
std::optional<std::string> write_atomically(const std::string& path, std::string_view bytes) {
    fs::path target(path);
    fs::path folder = target.parent_path();
    if (folder.empty()) folder = ".";
    std::string tmpl = (folder / ("." + target.filename().string() + ".kblint-XXXXXX")).string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data());
    if (fd < 0) return system_message(errno);
    std::string tmp(name.data());
    auto fail = [&](int err) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return std::optional<std::string>(system_message(err));
    };
    struct stat st {};
    mode_t mode = 0;
    if (::stat(path.c_str(), &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = ::umask(0);
        ::umask(mask);
        mode = 0666 & ~mask;
    }
    if (::fchmod(fd, mode) != 0) return fail(errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(errno);
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail(errno);
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return system_message(err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return system_message(err);
    }
    return std::nullopt;
}

// Write to stdout; a failed write (a full disk, a closed pipe) is a usage error, never a pass.
int write_stdout(std::string_view bytes) {
    errno = 0;
    std::size_t n = std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    if (n != bytes.size() || std::fflush(stdout) != 0) {
        int err = errno;
        fmt::print(stderr, "kblint: cannot write to standard output: {}\n",
                   err != 0 ? system_message(err) : std::string("write error"));
        return exit_usage;
    }
    return exit_clean;
}

// ---------------------------------------------------------------------------------------------
// Options of each command

using cli::pack_flags;

struct check_flags {
    pack_flags pack;
    std::vector<std::string> paths;
    std::string format = "text";
    std::string output;
    std::string fail_on = "error";
    std::vector<std::string> only;
    std::vector<std::string> skip;
    unsigned jobs = 0;
    std::string color = "auto";
    bool quiet = false;
    bool verbose = false;
    bool strict_schema = false;
    std::size_t max_file_size = limits::max_file_bytes;
    std::uint32_t max_toml_depth = limits::max_toml_depth;
    std::uint32_t max_rule_depth = limits::max_rule_depth;
    std::uint32_t max_eval_depth = limits::max_eval_depth;
    std::uint64_t max_eval_steps = limits::max_eval_steps;
    std::uint32_t max_runbook_steps = limits::max_runbook_steps;
    std::uint32_t max_cluster_nodes = limits::max_cluster_nodes;
    std::string baseline;
    std::string waivers;
    bool no_config = false;
    CLI::App* app = nullptr;  ///< to tell the flags given on the command line from the project file's values
};

struct rules_flags {
    pack_flags pack;
    std::string format = "text";
};

struct explain_flags {
    pack_flags pack;
    std::string id;
};

struct cli_state {
    check_flags check;
    rules_flags rules;
    explain_flags explain;
    cli::test_flags test;
    cli::decode_flags decode;
    cli::fmt_flags fmt;
    cli::schema_flags schema;
};

const std::vector<std::string> report_formats = {"text", "json", "sarif", "junit", "github", "html"};
const std::vector<std::string> fail_levels = {"error", "warning", "info", "never"};
const std::vector<std::string> color_modes = {"auto", "always", "never"};
const std::vector<std::string> list_formats = {"text", "json"};
const std::vector<std::string> rules_formats = {"text", "json", "markdown"};

// A usage error unless `value` is one of `choices` (with "did you mean" when one is close).
std::optional<int> check_choice(std::string_view option, const std::string& value,
                                const std::vector<std::string>& choices) {
    if (std::find(choices.begin(), choices.end(), value) != choices.end()) return std::nullopt;
    std::string near = closest_match(value, choices);
    if (!near.empty())
        return usage_error("invalid value '{}' for '{}', did you mean '{}'?", shown(value), option, near);
    return usage_error("invalid value '{}' for '{}' (expected {})", shown(value), option, choice_list(choices));
}

void add_pack_options(CLI::App& sub, pack_flags& f) {
    sub.add_option("-r,--rules", f.rules,
                   "rule file, or folder searched recursively for '*.kbl' files; repeatable; added to the "
                   "built-in pack")
        ->type_name("PATH")
        ->allow_extra_args(false);
    sub.add_flag("--no-builtin", f.no_builtin, "do not load the built-in rule pack");
}

void define_check(CLI::App& sub, cli_state& s) {
    auto& f = s.check;
    f.app = &sub;
    sub.add_option("PATH", f.paths, "snapshot file, or folder searched recursively for '*.toml' files")
        ->required()
        ->type_name("");
    add_pack_options(sub, f.pack);
    sub.add_option("-f,--format", f.format, "report format: text, json, sarif, junit, github or html")
        ->type_name("NAME")
        ->capture_default_str();
    sub.add_option("-o,--output", f.output, "write the report to FILE (atomically) instead of stdout")
        ->type_name("FILE");
    sub.add_option("--fail-on", f.fail_on,
                   "lowest severity that makes the exit status 1: error, warning, info or never")
        ->type_name("LEVEL")
        ->capture_default_str();
    sub.add_option("--only", f.only, "check only the rules whose id matches this glob; repeatable")
        ->type_name("ID")
        ->allow_extra_args(false);
    sub.add_option("--skip", f.skip, "do not check the rules whose id matches this glob; repeatable")
        ->type_name("ID")
        ->allow_extra_args(false);
    sub.add_option("-j,--jobs", f.jobs, "worker threads (default: the number of cores)")->type_name("N");
    sub.add_option("--color", f.color, "colour in text output: auto (a terminal and NO_COLOR unset), always or never")
        ->type_name("WHEN")
        ->capture_default_str();
    sub.add_flag("-q,--quiet", f.quiet, "print only input errors and the summary line");
    sub.add_flag("-v,--verbose", f.verbose, "also list the rules that were not evaluated, and why");
    sub.add_option("--max-file-size", f.max_file_size, "largest snapshot or rule file read")
        ->type_name("BYTES")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-toml-depth", f.max_toml_depth, "deepest nesting of tables and arrays in a snapshot")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-rule-depth", f.max_rule_depth, "deepest nesting of expressions in a rule file")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-eval-depth", f.max_eval_depth, "deepest recursion while evaluating a rule")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-eval-steps", f.max_eval_steps, "evaluation steps allowed for one rule on one node or cluster")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-runbook-steps", f.max_runbook_steps, "most steps in one runbook")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_option("--max-cluster-nodes", f.max_cluster_nodes, "most snapshots (nodes) in one cluster")
        ->type_name("N")
        ->capture_default_str()
        ->group("Limits");
    sub.add_flag("--strict-schema", f.strict_schema, "report snapshot keys the pack's schema does not declare");
    sub.add_option("--baseline", f.baseline,
                   "a previous JSON report: findings already in it are reported as baselined and do not fail")
        ->type_name("FILE");
    sub.add_option("--waivers", f.waivers, "TOML waiver file (default: .kblint-waivers.toml when present)")
        ->type_name("FILE");
    sub.add_flag("--no-config", f.no_config, "ignore the project file .kblint.toml");
    sub.footer(
        "Exit status: 0 no finding at or above --fail-on; 1 at least one; 2 usage error or invalid input;\n"
        "3 nothing evaluated (no snapshot found, or every rule filtered out); 4 internal error.");
}

void define_rules(CLI::App& sub, cli_state& s) {
    add_pack_options(sub, s.rules.pack);
    sub.add_option("-f,--format", s.rules.format, "output format: text, json or markdown (a reference page)")
        ->type_name("NAME")
        ->capture_default_str();
}

void define_explain(CLI::App& sub, cli_state& s) {
    sub.add_option("RULE-ID", s.explain.id, "id of the rule to explain")->required()->type_name("");
    add_pack_options(sub, s.explain.pack);
}

void define_version(CLI::App&, cli_state&) {}

// ---------------------------------------------------------------------------------------------
// Loading the rule pack

std::vector<source_ptr> builtin_sources() {
    std::vector<source_ptr> out;
    for (const auto& b : builtin_rule_files())
        out.push_back(std::make_shared<const source_file>(std::string(b.name), std::string(b.text)));
    return out;
}

struct loaded_pack {
    std::shared_ptr<const pack> p;
    diagnostics diags;
    int status = exit_clean;  // non-zero when the pack could not be loaded (already reported)
};

// Load the built-in pack (unless --no-builtin) and every `--rules` file; on failure print every
// diagnostic and return the exit status. Warnings are printed unless `quiet`.
loaded_pack load_rules(const pack_flags& f, std::size_t max_file_bytes, std::uint32_t max_rule_depth, bool color,
                       bool quiet) {
    loaded_pack out;
    std::vector<source_ptr> sources;
    if (!f.no_builtin) sources = builtin_sources();
    file_list found = find_files(f.rules, ".kbl", false);
    diagnostics errs = std::move(found.errors);
    for (const auto& file : found.files)
        if (auto text = read_rule_file(file, max_file_bytes, errs))
            sources.push_back(std::make_shared<const source_file>(file, std::move(*text)));
    if (!errs.empty()) {
        print_diagnostics(errs, color, true);
        out.status = exit_usage;
        return out;
    }
    if (sources.empty()) {
        out.status =
            usage_error("no rule to load: '--no-builtin' was given and no '--rules' path holds a '*.kbl' file");
        return out;
    }
    pack_result r = load_pack(sources, max_rule_depth, max_file_bytes);
    out.p = std::move(r.p);
    out.diags = std::move(r.diags);
    if (!out.p || has_errors(out.diags)) {
        print_diagnostics(out.diags, color, true);
        std::size_t n = error_count(out.diags);
        if (!out.diags.empty()) std::fputc('\n', stderr);
        say("{} in the rule files; nothing was checked", plural(n, "error", "errors"));
        out.p.reset();
        out.status = exit_usage;
        return out;
    }
    if (!quiet) {
        print_diagnostics(out.diags, color, true);
        if (!out.diags.empty()) std::fputc('\n', stderr);
    }
    return out;
}

bool selected(const std::string& id, const std::vector<std::string>& only, const std::vector<std::string>& skip) {
    auto matches = [&](const std::string& g) { return glob_match(g, id); };
    if (!only.empty() && std::none_of(only.begin(), only.end(), matches)) return false;
    return std::none_of(skip.begin(), skip.end(), matches);
}

// A warning for each --only/--skip glob that matches no rule of the pack.
void warn_unmatched_globs(std::string_view option, const std::vector<std::string>& globs,
                          const std::vector<rule_info>& rules) {
    std::vector<std::string> ids;
    ids.reserve(rules.size());
    for (const auto& r : rules) ids.push_back(r.id);
    for (const auto& g : globs) {
        if (std::any_of(ids.begin(), ids.end(), [&](const std::string& id) { return glob_match(g, id); })) continue;
        std::string near = closest_match(g, ids);
        if (near.empty())
            say("warning: '{} {}' matches no rule", option, shown(g));
        else
            say("warning: '{} {}' matches no rule, did you mean '{}'?", option, shown(g), near);
    }
}

// ---------------------------------------------------------------------------------------------
// check

std::optional<severity> threshold(const std::string& fail_on) {
    if (fail_on == "error") return severity::error;
    if (fail_on == "warning") return severity::warning;
    if (fail_on == "info") return severity::info;
    return std::nullopt;
}

void print_notifications(const std::vector<notification>& ns) {
    for (const auto& n : ns) {
        std::string place = shown(n.file);
        if (n.where.valid()) place += fmt::format(":{}:{}", n.where.line, n.where.column);
        fmt::print(stderr, "{}: {}: {} [{}]\n", place.empty() ? std::string("kblint") : place, shown(n.level),
                   shown(n.message), shown(n.kind));
    }
}

void print_not_evaluated(const std::vector<not_evaluated>& skipped) {
    for (const auto& s : skipped) {
        if (s.node.empty())
            say("note: rule '{}' not evaluated: {}", shown(s.rule), shown(s.reason));
        else
            say("note: rule '{}' not evaluated on '{}': {}", shown(s.rule), shown(s.node), shown(s.reason));
    }
}

// The project file's values for what the command line left unset (flags win).
void apply_config(const cli::project_config& cfg, check_flags& f) {
    auto given = [&](const char* name) { return f.app != nullptr && f.app->get_option(name)->count() > 0; };
    if (cfg.rules && !given("--rules")) f.pack.rules = *cfg.rules;
    if (cfg.no_builtin && !given("--no-builtin")) f.pack.no_builtin = *cfg.no_builtin;
    if (cfg.fail_on && !given("--fail-on")) f.fail_on = *cfg.fail_on;
    if (cfg.waivers && !given("--waivers")) f.waivers = *cfg.waivers;
    if (cfg.skip && !given("--skip")) f.skip = *cfg.skip;
    if (cfg.only && !given("--only")) f.only = *cfg.only;
    if (cfg.format && !given("--format")) f.format = *cfg.format;
}

// Print every diagnostic of a project, waiver or baseline file; the exit status of an invalid input.
int input_file_errors(const diagnostics& errs, bool color) {
    print_diagnostics(errs, color, true);
    std::fputc('\n', stderr);
    say("{} in the input files; nothing was checked", plural(error_count(errs), "error", "errors"));
    return exit_usage;
}

std::string render_report(const report& r, const check_flags& f) {
    if (f.format == "json") return render_json(r);
    if (f.format == "sarif") return render_sarif(r);
    if (f.format == "junit") return render_junit(r);
    if (f.format == "github") return render_github(r);
    if (f.format == "html") return render_html(r);
    text_options topt;
    topt.color = f.output.empty() && color_wanted(f.color, STDOUT_FILENO);
    topt.quiet = f.quiet;
    return render_text(r, topt);
}

int run_check(cli_state& s) {
    check_flags f = s.check;  // a copy: the project file fills in what the command line left unset
    if (auto st = check_choice("--format", f.format, report_formats)) return *st;
    if (auto st = check_choice("--fail-on", f.fail_on, fail_levels)) return *st;
    if (auto st = check_choice("--color", f.color, color_modes)) return *st;
    if (f.quiet && f.verbose) return usage_error("'--quiet' and '--verbose' cannot be used together");
    if (f.max_rule_depth > limits::hard_max_rule_depth)
        return usage_error("'--max-rule-depth {}' is over {}, the deepest kblint supports", f.max_rule_depth,
                           limits::hard_max_rule_depth);
    if (f.max_eval_depth > limits::hard_max_eval_depth)
        return usage_error("'--max-eval-depth {}' is over {}, the deepest kblint supports", f.max_eval_depth,
                           limits::hard_max_eval_depth);
    std::string today = utc_today();
    if (const char* pinned = std::getenv("KBLINT_TODAY"); pinned != nullptr && *pinned != '\0') {
        if (!is_date(pinned))
            return usage_error("invalid KBLINT_TODAY '{}' (expected a date such as 2026-11-23)", shown(pinned));
        today = pinned;
    }
    bool err_color = color_wanted(f.color, STDERR_FILENO);

    // The project file, then the waiver and baseline files: every problem reported, nothing checked.
    diagnostics file_errs;
    if (!f.no_config) {
        std::error_code ec;
        fs::path here = fs::current_path(ec);
        if (auto name = ec ? std::nullopt : cli::find_config(here)) {
            if (auto text = cli::read_input(*name, "project file", f.max_file_size, file_errs))
                if (auto cfg = cli::parse_config(*name, std::move(*text), {report_formats, fail_levels}, file_errs))
                    apply_config(*cfg, f);
            if (!file_errs.empty()) return input_file_errors(file_errs, err_color);
        }
    }
    std::string waiver_path = f.waivers;
    if (waiver_path.empty()) {
        std::error_code ec;
        if (fs::is_regular_file(default_waiver_file, ec)) waiver_path = std::string(default_waiver_file);
    }
    std::optional<waiver_file> waivers;
    if (!waiver_path.empty())
        if (auto text = cli::read_input(waiver_path, "waiver file", f.max_file_size, file_errs))
            waivers = load_waivers(waiver_path, std::move(*text), file_errs);
    std::optional<baseline> base;
    if (!f.baseline.empty())
        if (auto text = cli::read_input(f.baseline, "baseline", f.max_file_size, file_errs))
            base = load_baseline(f.baseline, std::move(*text), file_errs);
    if (!file_errs.empty()) return input_file_errors(file_errs, err_color);

    loaded_pack pk = load_rules(f.pack, f.max_file_size, f.max_rule_depth, err_color, f.quiet);
    if (!pk.p) return pk.status;

    std::vector<rule_info> all_rules = pack_rules(*pk.p);
    if (!f.quiet) {
        warn_unmatched_globs("--only", f.only, all_rules);
        warn_unmatched_globs("--skip", f.skip, all_rules);
    }

    file_list found = find_files(f.paths, ".toml", true);
    diagnostics input_errors = std::move(found.errors);
    snap::load_limits lim{f.max_file_size, f.max_toml_depth};
    std::vector<std::string> ci_tables = pack_ci_tables(*pk.p);
    std::vector<snap::snapshot> snaps;
    snaps.reserve(found.files.size());
    check_options opt;
    for (const auto& file : found.files)
        if (auto sn = snap::load_snapshot_file(file, lim, ci_tables, input_errors)) snaps.push_back(std::move(*sn));
        else opt.failed_files.push_back(file);
    opt.strict_schema = f.strict_schema;
    opt.only = f.only;
    opt.skip = f.skip;
    opt.lim.max_depth = f.max_eval_depth;
    opt.lim.max_steps = f.max_eval_steps;
    opt.lim.max_runbook_steps = f.max_runbook_steps;
    opt.lim.max_cluster_nodes = f.max_cluster_nodes;
    // Test hook: tests/failclosed_test.cpp shows that a bug during evaluation ends in exit 4.
    if (const char* hook = std::getenv("KBLINT_TEST_INTERNAL_ERROR"); hook != nullptr && *hook != '\0')
        opt.fail_for_test = true;
    opt.jobs = f.jobs != 0 ? f.jobs : std::max(1u, std::thread::hardware_concurrency());
    check_result res = check(*pk.p, snaps, opt);

    report r;
    r.version = std::string(kblint_version);
    r.information_uri = std::string(kblint_homepage);
    r.findings = std::move(res.findings);
    if (waivers) r.notifications = apply_waivers(*waivers, r.findings, today);
    if (base) apply_baseline(*base, r.findings);
    r.baseline = base.has_value();
    r.errors = std::move(input_errors);
    r.errors.insert(r.errors.end(), res.errors.begin(), res.errors.end());
    for (auto& ri : all_rules)
        if (selected(ri.id, f.only, f.skip)) r.rules.push_back(std::move(ri));
    r.evaluated = std::move(res.evaluated);
    r.summary.snapshots = res.snapshots;
    r.summary.clusters = res.clusters;
    r.summary.runbooks = res.runbooks;
    r.summary.rules = res.rules;
    count_findings(r);

    // The exit status is known before the report is written: SARIF records it.
    int status = exit_clean;
    std::optional<severity> level = threshold(f.fail_on);
    if (has_errors(r.errors)) {
        status = exit_usage;
    } else if (found.files.empty() || res.rules == 0) {
        status = exit_nothing;
    } else if (level && std::any_of(r.findings.begin(), r.findings.end(), [&](const finding& fd) {
                   return (fd.st == status::fail || fd.st == status::unknown) && fd.sev >= *level;
               })) {
        status = exit_findings;
    }
    r.exit_status = status;

    std::string bytes = render_report(r, f);
    if (f.output.empty()) {
        if (write_stdout(bytes) != exit_clean) return exit_usage;
    } else if (auto err = write_atomically(f.output, bytes)) {
        return usage_error("cannot write '{}': {}", shown(f.output), *err);
    }
    if (f.format == "text" && !f.quiet) print_notifications(r.notifications);
    if (f.format == "github") print_block(stderr, render_summary(r));
    if (f.verbose) print_not_evaluated(res.skipped);

    if (status == exit_usage) {
        if (f.format != "text" || !f.output.empty())
            say("{}; see the report", plural(error_count(r.errors), "input error", "input errors"));
    } else if (found.files.empty()) {
        say("no snapshot found under {}", quoted_list(f.paths));
    } else if (res.rules == 0) {
        if (f.only.empty() && f.skip.empty())
            say("the rule pack holds no rule; nothing was checked");
        else
            say("every rule was filtered out by --only/--skip");
    }
    return status;
}

// ---------------------------------------------------------------------------------------------
// rules

std::size_t display_width(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(std::string s, std::size_t width) {
    std::size_t w = display_width(s);
    if (w < width) s.append(width - w, ' ');
    return s;
}

std::string ref_text(const kb_ref& ref) {
    if (ref.section.empty()) return shown(ref.article);
    return fmt::format("{} \"{}\"", shown(ref.article), shown(ref.section));
}

int run_rules(cli_state& s) {
    const rules_flags& f = s.rules;
    if (auto st = check_choice("--format", f.format, rules_formats)) return *st;
    loaded_pack pk = load_rules(f.pack, limits::max_file_bytes, limits::max_rule_depth,
                                color_wanted("auto", STDERR_FILENO), false);
    if (!pk.p) return pk.status;
    std::vector<rule_info> rules = pack_rules(*pk.p);
    if (f.format == "markdown") return write_stdout(render_markdown(rules));
    if (f.format == "json") {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& r : rules) {
            nlohmann::ordered_json j = nlohmann::ordered_json::object();
            j["id"] = r.id;
            j["title"] = r.title;
            j["severity"] = to_string(r.sev);
            j["scope"] = to_string(r.scope);
            j["ref"] = nlohmann::ordered_json{{"article", r.ref.article}, {"section", r.ref.section}};
            j["tags"] = r.tags;
            j["fix"] = r.fix;
            arr.push_back(std::move(j));
        }
        return write_stdout(arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    }
    std::size_t id_w = 0, sev_w = 0, scope_w = 0, title_w = 0;
    for (const auto& r : rules) {
        id_w = std::max(id_w, display_width(shown(r.id)));
        sev_w = std::max(sev_w, to_string(r.sev).size());
        scope_w = std::max(scope_w, to_string(r.scope).size());
        title_w = std::max(title_w, display_width(shown(r.title)));
    }
    std::string out;
    for (const auto& r : rules)
        out += fmt::format("{}  {}  {}  {}  [{}]\n", pad(shown(r.id), id_w), pad(std::string(to_string(r.sev)), sev_w),
                           pad(std::string(to_string(r.scope)), scope_w), pad(shown(r.title), title_w),
                           ref_text(r.ref));
    return write_stdout(out);
}

// ---------------------------------------------------------------------------------------------
// explain

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            if (start < text.size()) lines.push_back(text.substr(start));
            break;
        }
        std::string_view line = text.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        start = nl + 1;
    }
    return lines;
}

std::string expand_tabs(std::string_view line) {
    std::string out;
    for (char c : line) {
        if (c == '\t')
            out.append(4 - out.size() % 4, ' ');
        else
            out += c;
    }
    return out;
}

// `text` with every line indented by `indent` (and the first line by `first`), tabs expanded.
std::string indented(std::string_view text, std::string_view first, std::string_view indent) {
    std::string out;
    bool is_first = true;
    for (std::string_view line : split_lines(text)) {
        std::string shown_line = shown(expand_tabs(line));
        std::string_view lead = is_first ? first : indent;
        out += shown_line.empty() ? std::string() : fmt::format("{}{}", lead, shown_line);
        out += '\n';
        is_first = false;
    }
    if (is_first) out = fmt::format("{}\n", std::string(first).substr(0, first.find_last_not_of(' ') + 1));
    return out;
}

std::string strip_when(std::string_view line) {
    std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    line.remove_prefix(b);
    if (line.substr(0, 5) == "when " || line.substr(0, 5) == "when\t") {
        line.remove_prefix(5);
        line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
    }
    return std::string(line);
}

const rule_info* find_rule(const std::vector<rule_info>& rules, const std::string& id) {
    for (const auto& r : rules)
        if (r.id == id) return &r;
    for (const auto& r : rules)
        if (r.id.size() == id.size() && std::equal(r.id.begin(), r.id.end(), id.begin(), [](char a, char b) {
                return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b));
            }))
            return &r;
    return nullptr;
}

int run_explain(cli_state& s) {
    const explain_flags& f = s.explain;
    loaded_pack pk = load_rules(f.pack, limits::max_file_bytes, limits::max_rule_depth,
                                color_wanted("auto", STDERR_FILENO), false);
    if (!pk.p) return pk.status;
    std::vector<rule_info> rules = pack_rules(*pk.p);
    const rule_info* r = find_rule(rules, f.id);
    if (r == nullptr) {
        std::vector<std::string> ids;
        for (const auto& ri : rules) ids.push_back(ri.id);
        std::string near = closest_match(f.id, ids);
        if (near.empty())
            return usage_error("unknown rule '{}' (run 'kblint rules' for the list)", shown(f.id));
        return usage_error("unknown rule '{}', did you mean '{}'?", shown(f.id), near);
    }
    constexpr std::string_view field_indent = "                ";
    auto field = [&](std::string_view label, std::string_view value) {
        return indented(value, fmt::format("  {:<14}", label), field_indent);
    };
    std::string out = fmt::format("{}: {}\n\n", shown(r->id), shown(r->title));
    out += field("severity", to_string(r->sev));
    out += field("scope", to_string(r->scope));
    out += field("reference", ref_text(r->ref));
    if (!r->tags.empty()) out += field("tags", fmt::format("{}", fmt::join(r->tags, ", ")));
    std::string when;
    for (std::string_view line : split_lines(r->when_text)) {
        std::string w = strip_when(line);
        if (w.empty()) continue;
        if (!when.empty()) when += '\n';
        when += w;
    }
    out += field("applies when", when.empty() ? std::string("always") : when);
    out += field("fix", r->fix);
    if (!r->doc.empty()) out += fmt::format("\nrationale:\n{}", indented(r->doc, "  ", "  "));
    std::string place = r->file ? shown(r->file->name()) : std::string();
    if (r->where.valid()) place += fmt::format(":{}:{}", r->where.line, r->where.column);
    if (!r->source_text.empty())
        out += fmt::format("\nsource{}:\n{}", place.empty() ? "" : fmt::format(" ({})", place),
                           indented(r->source_text, "  ", "  "));
    return write_stdout(out);
}

// ---------------------------------------------------------------------------------------------
// version

std::string version_line() {
    std::uint64_t h = 14695981039346656037ull;
    auto mix = [&](std::string_view s) {
        for (char c : s) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ull;
        }
        h ^= 0;
        h *= 1099511628211ull;
    };
    for (const auto& b : builtin_rule_files()) {
        mix(b.name);
        mix(b.text);
    }
    std::vector<source_ptr> sources = builtin_sources();
    std::string rules = "empty";
    if (!sources.empty()) {
        pack_result r = load_pack(sources);
        rules = r.p ? plural(pack_rules(*r.p).size(), "rule", "rules") : std::string("invalid");
    }
    return fmt::format("kblint {} (rule pack {}, {:016x})\n", kblint_version, rules, h);
}

int run_version(cli_state&) {
    return write_stdout(version_line());
}

// ---------------------------------------------------------------------------------------------
// The command table

struct command {
    std::string_view name;
    std::string_view help;
    void (*define)(CLI::App&, cli_state&);
    int (*run)(cli_state&);
};

const command commands[] = {
    {"check", "check snapshots against the rules and report the findings", define_check, run_check},
    {"rules", "list the loaded rules: id, severity, scope, title, reference", define_rules, run_rules},
    {"explain", "show a rule's title, rationale, reference, fix and source", define_explain, run_explain},
    {"version", "print the version of kblint and of its built-in rule pack", define_version, run_version},
    {"test", "run the rule unit tests (TOML cases under rules/tests)",
     [](CLI::App& sub, cli_state& s) { cli::define_test(sub, s.test); }, [](cli_state& s) { return cli::run_test(s.test); }},
    {"fmt", "rewrite rule files in the canonical layout (comments kept); --check only reports",
     [](CLI::App& sub, cli_state& s) { cli::define_fmt(sub, s.fmt); }, [](cli_state& s) { return cli::run_fmt(s.fmt); }},
    {"decode", "decode a status code with the rule pack's 'decode_TABLE' function (e.g. iissync)",
     [](CLI::App& sub, cli_state& s) { cli::define_decode(sub, s.decode); },
     [](cli_state& s) { return cli::run_decode(s.decode); }},
    {"schema", "show the snapshot schema the loaded rules expect (text, or a JSON Schema for TOML editors)",
     [](CLI::App& sub, cli_state& s) { cli::define_schema(sub, s.schema); },
     [](cli_state& s) { return cli::run_schema(s.schema); }},
};

const std::vector<std::string> top_options = {"-h", "--help", "--version"};

int unknown_option(std::string_view name, const std::vector<std::string>& known, std::string_view where) {
    std::vector<std::string> candidates;
    bool is_long = name.substr(0, 2) == "--";
    for (const auto& k : known)
        if (!is_long || k.substr(0, 2) == "--") candidates.push_back(k);
    // A one-letter option is too short for a meaningful suggestion.
    std::string near = name.size() > 2 ? closest_match(name, candidates) : std::string();
    if (!near.empty()) return usage_error("unknown option '{}', did you mean '{}'?", shown(name), near);
    return usage_error("unknown option '{}' (run '{} --help' for the options)", shown(name), where);
}

struct option_name {
    std::string name;
    bool takes_value = false;
};

// Reject unknown commands and options before CLI11 sees them, so that each gets a "did you mean".
std::optional<int> prescan(int argc, char** argv, CLI::App& app) {
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") return std::nullopt;
        if (a.size() < 2 || a[0] != '-') break;
        std::string_view name = a.substr(0, a.find('='));
        if (std::find(top_options.begin(), top_options.end(), name) == top_options.end())
            return unknown_option(name, top_options, "kblint");
    }
    if (i >= argc) return std::nullopt;
    std::string cmd = argv[i];
    const command* found = nullptr;
    for (const auto& c : commands)
        if (c.name == cmd) found = &c;
    if (found == nullptr) {
        std::vector<std::string> names;
        for (const auto& c : commands) names.emplace_back(c.name);
        std::string near = closest_match(cmd, names);
        if (!near.empty()) return usage_error("unknown command '{}', did you mean '{}'?", shown(cmd), near);
        return usage_error("unknown command '{}' (run 'kblint --help' for the list)", shown(cmd));
    }

    CLI::App* sub = app.get_subcommand(cmd);
    std::vector<option_name> opts;
    std::vector<std::string> names;
    for (const CLI::Option* o : sub->get_options()) {
        bool value = o->get_items_expected_max() > 0;
        for (const auto& l : o->get_lnames()) opts.push_back({"--" + l, value});
        for (const auto& sn : o->get_snames()) opts.push_back({"-" + sn, value});
    }
    for (const auto& o : opts) names.push_back(o.name);
    auto lookup = [&](std::string_view n) -> const option_name* {
        for (const auto& o : opts)
            if (o.name == n) return &o;
        return nullptr;
    };
    std::string where = fmt::format("kblint {}", cmd);
    for (int j = i + 1; j < argc; ++j) {
        std::string_view a = argv[j];
        if (a == "--") break;
        if (a.size() < 2 || a[0] != '-') continue;
        if (a[1] >= '0' && a[1] <= '9') continue;  // a negative number (kblint decode T -2146368502)
        if (a[1] == '-') {
            std::size_t eq = a.find('=');
            const option_name* o = lookup(a.substr(0, eq));
            if (o == nullptr) return unknown_option(a.substr(0, eq), names, where);
            if (o->takes_value && eq == std::string_view::npos) ++j;
            continue;
        }
        for (std::size_t k = 1; k < a.size(); ++k) {
            std::string flag = fmt::format("-{}", a[k]);
            const option_name* o = lookup(flag);
            if (o == nullptr) return unknown_option(k == 1 ? a : std::string_view(flag), names, where);
            if (o->takes_value) {
                if (k + 1 == a.size()) ++j;
                break;
            }
        }
    }
    return std::nullopt;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Shared with the commands in their own files (cli/common.hpp)

namespace cli {

void add_rule_options(CLI::App& sub, pack_flags& f) { add_pack_options(sub, f); }

std::shared_ptr<const pack> load_rule_pack(const pack_flags& f, int& status) {
    loaded_pack pk = load_rules(f, limits::max_file_bytes, limits::max_rule_depth, color_wanted("auto", STDERR_FILENO),
                                false);
    status = pk.status;
    return pk.p;
}

int write_output(std::string_view bytes) { return write_stdout(bytes); }

std::optional<int> check_choice(std::string_view option, const std::string& value,
                                const std::vector<std::string>& choices) {
    return kbl::check_choice(option, value, choices);
}

std::optional<std::string> write_file_atomically(const std::string& path, std::string_view bytes) {
    return write_atomically(path, bytes);
}

} // namespace cli

int run_app(int argc, char** argv) {
    cli_state state;
    CLI::App app{"kblint checks TOML node snapshots against the rules of a knowledge base", "kblint"};
    app.set_help_flag("-h,--help", "print this help and exit");
    bool show_version = false;
    app.add_flag("--version", show_version, "print the version of kblint and of its built-in rule pack");
    app.require_subcommand(0, 1);
    for (const auto& c : commands) {
        CLI::App* sub = app.add_subcommand(std::string(c.name), std::string(c.help));
        sub->set_help_flag("-h,--help", "print this help and exit");
        c.define(*sub, state);
    }
    app.footer("Run 'kblint COMMAND --help' for the options of a command.");

    if (auto st = prescan(argc, argv, app)) return *st;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return write_stdout(app.help());
    } catch (const CLI::CallForAllHelp&) {
        return write_stdout(app.help("", CLI::AppFormatMode::All));
    } catch (const CLI::ParseError& e) {
        std::string where = "kblint";
        for (const CLI::App* sub : app.get_subcommands()) where += " " + sub->get_name();
        return usage_error("{} (run '{} --help' for usage)", shown(lower_first(e.what())), where);
    }
    if (show_version) return run_version(state);
    for (const auto& c : commands)
        if (app.got_subcommand(std::string(c.name))) return c.run(state);
    print_block(stderr, app.help());
    return usage_error("no command given");
}

} // namespace kbl
