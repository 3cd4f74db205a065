#include "cli/cmd_fmt.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "parser/format.hpp"

namespace fs = std::filesystem;

namespace kbl::cli {

void define_fmt(CLI::App& sub, fmt_flags& f) {
    sub.add_option("FILE", f.paths, "rule file, or folder searched recursively for '*.kbl' files")->required();
    sub.add_flag("--check", f.check, "do not write: list the files that would change, exit 1 if any");
}

int run_fmt(const fmt_flags& f) {
    std::vector<std::string> files;
    int status = 0;
    for (const auto& p : f.paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> found;
            for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end; it != end;
                 it.increment(ec)) {
                if (ec) break;
                if (it->is_regular_file(ec) && it->path().extension() == ".kbl") found.push_back(it->path().string());
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            std::fprintf(stderr, "%s: error: no such file or folder\n", p.c_str());
            status = 2;
        }
    }
    std::string out;
    int changed = 0;
    for (const auto& name : files) {
        std::ifstream in(name, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "%s: error: cannot read file\n", name.c_str());
            status = 2;
            continue;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        auto src = std::make_shared<source_file>(name, ss.str());
        diagnostics diags;
        auto text = format_rules(src, diags);
        if (!text) {
            for (const auto& d : diags) std::fputs(render_diagnostic(d).c_str(), stderr);
            status = 2;
            continue;
        }
        if (*text == src->text()) continue;
        ++changed;
        if (f.check) {
            out += fmt::format("{}: would reformat\n", name);
            continue;
        }
        if (auto err = write_file_atomically(name, *text)) {
            std::fprintf(stderr, "%s: error: cannot write: %s\n", name.c_str(), err->c_str());
            status = 2;
            continue;
        }
        out += fmt::format("{}: reformatted\n", name);
    }
    if (int w = write_output(out)) return w;
    if (status) return status;
    return f.check && changed ? 1 : 0;
}

} // namespace kbl::cli
