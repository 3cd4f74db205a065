#include "cli/console.hpp"

#include "checker/report/terminal.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
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

namespace {

std::string& global_color_mode() {
    static std::string mode = "auto";
    return mode;
}

} // namespace

void set_color_mode(std::string mode) { global_color_mode() = std::move(mode); }

const std::vector<std::string>& color_modes() {
    static const std::vector<std::string> modes = {"auto", "always", "never"};
    return modes;
}

bool color_wanted(std::string_view mode, int fd) {
    if (mode == "auto") mode = global_color_mode();
    return use_color(mode, ::isatty(fd) == 1, process_env());
}

struct progress_line::state {
    std::string what;
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    bool shown = false;
    std::thread writer;

    void run() {
        using clock = std::chrono::steady_clock;
        const auto start = clock::now();
        std::unique_lock lock(m);
        for (int seconds = 1; !cv.wait_until(lock, start + std::chrono::seconds(seconds), [&] { return done; }); ++seconds) {
            // "\r" and erase to the end of the line: the line is rewritten in place.
            write_stream(STDERR_FILENO, fmt::format("\rkblint: {} ({}s)\x1b[K", what, seconds));
            shown = true;
        }
    }
};

progress_line::progress_line(std::string what) {
    if (!progress_wanted(::isatty(STDERR_FILENO) == 1, process_env())) return;
    try {
        auto s = std::make_unique<state>();
        s->what = escape_for_terminal(what);
        s->writer = std::thread([p = s.get()] { p->run(); });
        s_ = std::move(s);
    } catch (...) {
        s_.reset();  // no thread: no progress line, the run goes on
    }
}

progress_line::~progress_line() { stop(); }

void progress_line::stop() noexcept {
    if (!s_) return;
    {
        std::lock_guard lock(s_->m);
        s_->done = true;
    }
    s_->cv.notify_all();
    if (s_->writer.joinable()) s_->writer.join();
    if (s_->shown) write_stream(STDERR_FILENO, "\r\x1b[K");
    s_.reset();
}

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
