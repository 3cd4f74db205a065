#pragma once
// Everything kblint writes to stdout and stderr goes through `write_stream`, which never throws:
// a closed or full stderr (`2>&-`, `2>/dev/full`) cannot turn an exit status into a crash.
// Also the small wording helpers the commands share (the general ones, plural, lower_first and
// system_message, are in common/text).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cli/exit_status.hpp"
#include "common/diagnostic.hpp"
#include "common/text.hpp"

namespace kbl::cli {

/// Write all of `bytes` to the file descriptor `fd` (1 or 2); false when it could not be written
/// (errno set). Never throws.
bool write_stream(int fd, std::string_view bytes) noexcept;

/// Write `text` to stderr, adding a final newline when it has none; failures are ignored.
void print_block(std::string text) noexcept;

/// Write "kblint: MESSAGE\n" to stderr; failures are ignored.
void say_text(std::string_view message) noexcept;

/// Format a message and write "kblint: MESSAGE\n" to stderr. Never throws.
template <typename... Args>
void say(fmt::format_string<Args...> f, Args&&... args) noexcept {
    try {
        say_text(fmt::format(f, std::forward<Args>(args)...));
    } catch (...) {
        say_text("(a message could not be formatted)");
    }
}

/// `say` the message and return the exit status of a usage error.
template <typename... Args>
int usage_error(fmt::format_string<Args...> f, Args&&... args) noexcept {
    say(f, std::forward<Args>(args)...);
    return exit_usage;
}

/// Write to stdout; 0, or 2 after a message when the write failed.
int write_stdout(std::string_view bytes) noexcept;

/// Every diagnostic on stderr, a blank line between them; warnings only when `warnings`.
void print_diagnostics(const diagnostics& ds, bool color, bool warnings) noexcept;

/// The number of errors (not warnings) among `ds`.
std::size_t error_count(const diagnostics& ds);

/// Set the process-wide colour mode (the global `--color WHEN`: "auto", "always" or "never"); a
/// command's own "auto" defers to it.
void set_color_mode(std::string mode);

/// The colour modes of `--color`.
const std::vector<std::string>& color_modes();

/// Colour for the stream `fd`: "always", "never", or "auto", which takes the global mode, then
/// checker/report/terminal.hpp's use_color (NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, TERM=dumb, a terminal).
bool color_wanted(std::string_view mode, int fd);

/// A progress line on stderr for a run that may take a while: from `start` on, a line saying
/// `what` and the seconds elapsed, rewritten in place once a second after the first second, and
/// erased when the object is destroyed (or `stop` is called). Only when progress_wanted() for
/// stderr; otherwise nothing at all.
class progress_line {
public:
    explicit progress_line(std::string what);
    ~progress_line();
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;
    /// Erase the line and end the thread that writes it (idempotent).
    void stop() noexcept;

private:
    struct state;
    std::unique_ptr<state> s_;
};

/// `s` safe to print on a terminal (control characters escaped).
std::string shown(std::string_view s);

/// 'a', 'b', 'c' (each item quoted and escaped).
std::string quoted_list(const std::vector<std::string>& items);

/// "a, b or c".
std::string choice_list(const std::vector<std::string>& items);

} // namespace kbl::cli
