#include "checker/report/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

namespace kbl {

namespace {

bool set(const char* v) { return v != nullptr && *v != '\0'; }

bool forced(const char* v) { return set(v) && std::string_view(v) != "0"; }

} // namespace

env_lookup process_env() {
    return [](const char* name) -> const char* { return std::getenv(name); };
}

bool use_color(std::string_view mode, bool is_terminal, const env_lookup& env) {
    if (mode == "always") return true;
    if (mode == "never") return false;
    if (set(env("NO_COLOR"))) return false;
    if (forced(env("FORCE_COLOR")) || forced(env("CLICOLOR_FORCE"))) return true;
    const char* term = env("TERM");
    if (term != nullptr && std::string_view(term) == "dumb") return false;
    return is_terminal;
}

bool progress_wanted(bool is_terminal, const env_lookup& env) {
    const char* ci = env("CI");
    if (!is_terminal || (forced(ci) && std::string_view(ci) != "false")) return false;
    const char* term = env("TERM");
    return term == nullptr || std::string_view(term) != "dumb";
}

std::optional<std::size_t> terminal_columns(int fd, const env_lookup& env) {
    if (::isatty(fd) != 1) return std::nullopt;
    if (const char* cols = env("COLUMNS"); set(cols)) {
        std::string_view s(cols);
        std::size_t n = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec == std::errc() && end == s.data() + s.size() && n > 0) return n;
    }
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return static_cast<std::size_t>(ws.ws_col);
    return std::nullopt;
}

} // namespace kbl
