#include "cli/console.hpp"

#include "checker/report/terminal.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "common/fs.hpp"

namespace kbl::cli {

bool write_stream(int fd, std::string_view bytes) noexcept {
    std::fflush(fd == STDOUT_FILENO ? stdout : stderr);  // anything a library left in stdio's buffer first
    return io::write_all(fd, bytes);
}

void print_block(std::string text) noexcept {
    if (text.empty()) return;
    if (text.back() != '\n') text += '\n';
    write_stream(STDERR_FILENO, text);
}

void say_text(std::string_view message) noexcept {
    try {
        write_stream(STDERR_FILENO, fmt::format("kblint: {}\n", message));
    } catch (...) {
        write_stream(STDERR_FILENO, "kblint: (out of memory while writing a message)\n");
    }
}

int write_stdout(std::string_view bytes) noexcept {
    errno = 0;
    if (write_stream(STDOUT_FILENO, bytes)) return exit_clean;
    const int err = errno;
    try {
        say("cannot write to standard output: {}", err != 0 ? system_message(err) : std::string("write error"));
    } catch (...) {
    }
    return exit_usage;
}

void print_diagnostics(const diagnostics& ds, bool color, bool warnings) noexcept {
    bool first = true;
    for (const auto& d : ds) {
        if (d.severity != diag_severity::error && !warnings) continue;
        if (!first) write_stream(STDERR_FILENO, "\n");
        first = false;
        try {
            print_block(render_diagnostic(d, color));
        } catch (...) {
            say_text("(a diagnostic could not be rendered)");
        }
    }
}

std::size_t error_count(const diagnostics& ds) {
    return static_cast<std::size_t>(
        std::count_if(ds.begin(), ds.end(), [](const diagnostic& d) { return d.severity == diag_severity::error; }));
}

bool color_wanted(std::string_view mode, int fd) { return use_color(mode, ::isatty(fd) == 1, process_env()); }

std::string shown(std::string_view s) { return escape_for_terminal(s); }

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

} // namespace kbl::cli
