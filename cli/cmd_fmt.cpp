#include "cli/cmd_fmt.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/console.hpp"
#include "common/fs.hpp"
#include "common/limits.hpp"
#include "parser/format.hpp"

namespace kbl::cli {

namespace {

void file_error(const std::string& name, std::string_view message) {
    write_stream(STDERR_FILENO, fmt::format("{}: error: {}\n", name, message));
}

// The lines of `t`, each without its line feed.
std::vector<std::string_view> lines_of(std::string_view t) {
    std::vector<std::string_view> out;
    for (std::size_t b = 0; b < t.size();) {
        std::size_t e = std::min(t.find('\n', b), t.size());
        out.push_back(t.substr(b, e - b));
        b = e + 1;
    }
    return out;
}

// Each line of `a` and `b` as kept (' '), removed ('-') or added ('+'): a longest common subsequence.
std::vector<std::pair<char, std::string_view>> line_edits(const std::vector<std::string_view>& a,
                                                          const std::vector<std::string_view>& b) {
    std::vector<std::pair<char, std::string_view>> out;
    std::size_t p = 0, sfx = 0;  // the common head and tail need no table
    while (p < a.size() && p < b.size() && a[p] == b[p]) out.emplace_back(' ', a[p++]);
    while (sfx < a.size() - p && sfx < b.size() - p && a[a.size() - 1 - sfx] == b[b.size() - 1 - sfx]) ++sfx;
    const std::size_t n = a.size() - sfx, m = b.size() - sfx;
    std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
    for (std::size_t i = n; i-- > p;)
        for (std::size_t j = m; j-- > p;)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::size_t i = p, j = p;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) out.emplace_back(' ', a[i++]), ++j;
        else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) out.emplace_back('-', a[i++]);
        else out.emplace_back('+', b[j++]);
    }
    for (; i < a.size(); ++i) out.emplace_back(' ', a[i]);
    return out;
}

// `diff -u` of `before` and `after` for file `name`, with 3 lines of context.
std::string unified_diff(const std::string& name, std::string_view before, std::string_view after) {
    auto edits = line_edits(lines_of(before), lines_of(after));
    std::string out = fmt::format("--- {}\n+++ {}\n", name, name);
    const std::size_t ctx = 3;
    for (std::size_t k = 0; k < edits.size();) {
        if (edits[k].first == ' ') {
            ++k;
            continue;
        }
        std::size_t start = k >= ctx ? k - ctx : 0, end = k;  // a hunk: changes less than 2*ctx apart
        for (std::size_t quiet = 0; end < edits.size() && quiet <= 2 * ctx; ++end)
            quiet = edits[end].first == ' ' ? quiet + 1 : 0;
        std::size_t last = end;  // trim the trailing context to `ctx` lines after the last change
        while (last > start && edits[last - 1].first == ' ') --last;
        end = std::min(edits.size(), last + ctx);
        std::size_t a0 = 0, b0 = 0, na = 0, nb = 0;
        for (std::size_t q = 0; q < start; ++q) {
            a0 += edits[q].first != '+';
            b0 += edits[q].first != '-';
        }
        std::string body;
        for (std::size_t q = start; q < end; ++q) {
            na += edits[q].first != '+';
            nb += edits[q].first != '-';
            body += fmt::format("{}{}\n", edits[q].first, edits[q].second);
        }
        out += fmt::format("@@ -{},{} +{},{} @@\n", na ? a0 + 1 : a0, na, nb ? b0 + 1 : b0, nb) + body;
        k = end;
    }
    return out;
}

// All of standard input, or nothing (with the reason in `err`).
std::optional<std::string> read_stdin(std::string& err) {
    std::string text;
    char buf[65536];
    while (true) {
        ssize_t got = ::read(STDIN_FILENO, buf, sizeof buf);
        if (got == 0) return text;
        if (got < 0) {
            if (errno == EINTR) continue;
            err = std::strerror(errno);
            return std::nullopt;
        }
        text.append(buf, static_cast<std::size_t>(got));
        if (text.size() > limits::max_file_bytes) {
            err = fmt::format("larger than {} bytes", limits::max_file_bytes);
            return std::nullopt;
        }
    }
}

// Format one file (`-`: standard input to standard output); 0, 1 when it changed (reported in
// `out`), 2 on an error (reported on stderr).
int format_file(const std::string& name, const fmt_flags& f, std::string& out) {
    const bool from_stdin = name == "-";
    const std::string shown = from_stdin ? std::string("<stdin>") : name;
    std::string text_in, err;
    if (from_stdin) {
        auto got = read_stdin(err);
        if (!got) {
            file_error(shown, fmt::format("cannot read standard input: {}", err));
            return exit_usage;
        }
        text_in = std::move(*got);
    } else {
        io::read_result in = io::read_file(name, limits::max_file_bytes);
        if (!in.ok()) {
            file_error(name, fmt::format("cannot read file: {}", io::read_failure(in, limits::max_file_bytes)));
            return exit_usage;
        }
        text_in = std::move(in.text);
    }
    auto src = std::make_shared<source_file>(shown, std::move(text_in));
    diagnostics diags;
    auto text = format_rules(src, diags);
    if (!text) {
        for (const auto& d : diags) write_stream(STDERR_FILENO, render_diagnostic(d, color_wanted("auto", STDERR_FILENO)));
        return exit_usage;
    }
    if (from_stdin && !f.check && !f.diff) out += *text;
    if (*text == src->text()) return exit_clean;
    if (f.diff) {
        out += unified_diff(shown, src->text(), *text);
        return exit_findings;
    }
    if (from_stdin) return exit_findings;
    if (f.check) {
        out += fmt::format("{}: would reformat\n", name);
        return exit_findings;
    }
    if (auto err = write_file_atomically(name, *text)) {
        file_error(name, fmt::format("cannot write: {}", *err));
        return exit_usage;
    }
    out += fmt::format("{}: reformatted\n", name);
    return exit_findings;
}

} // namespace

void define_fmt(CLI::App& sub, fmt_flags& f) {
    sub.add_option("FILE", f.paths,
                   "rule file, or folder searched recursively for '*.kbl' files (default: the 'rules' of .kblint.toml)")
        ->type_name("");
    sub.add_flag("--check", f.check, "do not write: list the files that would change, exit 1 if any");
    sub.add_flag("--diff", f.diff, "do not write: print a unified diff of the changes, exit 1 if any");
    sub.add_flag("--no-config", f.no_config, "ignore the project file .kblint.toml");
}

int run_fmt(const fmt_flags& f) {
    diagnostics errs;
    std::vector<std::string> roots = f.paths;
    if (roots.empty()) {
        pack_flags pf;
        pf.no_config = f.no_config;
        if (!apply_project_file(pf, limits::max_file_bytes, errs)) {
            print_diagnostics(errs, color_wanted("auto", STDERR_FILENO), true);
            return exit_usage;
        }
        if (pf.rules.empty())
            return usage_error("{}", "no FILE given, and no project file .kblint.toml names 'rules' to format");
        roots = pf.rules;
    }
    std::vector<std::string> notes;
    std::vector<std::string> named;
    for (const auto& r : roots)
        if (r != "-") named.push_back(r);
    std::vector<std::string> files = find_inputs(named, ".kbl", false, errs, notes);
    if (named.size() != roots.size()) files.insert(files.begin(), "-");
    int status = exit_clean;
    for (const auto& e : errs) {
        file_error(e.file_name, e.message);
        status = exit_usage;
    }
    std::string out;
    bool changed = false;
    for (const auto& name : files) {
        int st = format_file(name, f, out);
        if (st == exit_usage) status = exit_usage;
        if (st == exit_findings) changed = true;
    }
    if (int w = write_output(out)) return w;
    if (status != exit_clean) return status;
    return (f.check || f.diff) && changed ? exit_findings : exit_clean;
}

} // namespace kbl::cli
