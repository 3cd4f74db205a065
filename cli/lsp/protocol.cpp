#include "cli/lsp/protocol.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <fmt/format.h>

#include "cli/console.hpp"

namespace kbl::lsp {

namespace {

constexpr std::string_view header_end = "\r\n\r\n";
constexpr std::size_t max_header_bytes = 8192;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The Content-Length of a header block, or an explanation in `why`.
bool content_length(std::string_view block, std::size_t max_body, std::size_t& len, std::string& why) {
    bool found = false;
    while (!block.empty()) {
        std::size_t eol = block.find("\r\n");
        std::string_view line = block.substr(0, eol);
        block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            why = "header line without ':'";
            return false;
        }
        if (!iequals(trim(line.substr(0, colon)), "content-length")) continue;
        std::string_view v = trim(line.substr(colon + 1));
        if (v.empty() || v.size() > 12 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            why = "Content-Length is not a number";
            return false;
        }
        len = std::stoull(std::string(v));
        found = true;
    }
    if (!found) why = "no Content-Length header";
    else if (len > max_body) why = fmt::format("Content-Length {} is over the limit of {} bytes", len, max_body);
    return found && len <= max_body;
}

} // namespace

message_reader::message_reader(int fd, std::size_t max_body) : fd_(fd), max_body_(max_body) {}

bool message_reader::fill() {
    char chunk[65536];
    for (;;) {
        ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n > 0) {
            buf_.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && errno == EINTR) continue;
        return false;
    }
}

bool message_reader::skip_to_header() {
    constexpr std::string_view key = "content-length";
    for (;;) {
        auto it = std::search(buf_.begin(), buf_.end(), key.begin(), key.end(), [](char x, char y) {
            return std::tolower(static_cast<unsigned char>(x)) == y;
        });
        if (it != buf_.end()) {
            buf_.erase(buf_.begin(), it);
            resync_ = false;
            return true;
        }
        // Keep a tail that may be the start of the key.
        if (buf_.size() > key.size()) buf_.erase(0, buf_.size() - key.size());
        if (!fill()) return false;
    }
}

read_status message_reader::next(std::string& body, std::string& why) {
    if (resync_ && !skip_to_header()) return read_status::eof;
    std::size_t end;
    while ((end = buf_.find(header_end)) == std::string::npos) {
        if (buf_.size() > max_header_bytes) {
            why = "header block without an end";
            buf_.erase(0, 1);
            resync_ = true;
            return read_status::bad_header;
        }
        if (!fill()) return read_status::eof;
    }
    std::size_t len = 0;
    bool ok = content_length(std::string_view(buf_).substr(0, end), max_body_, len, why);
    buf_.erase(0, end + header_end.size());
    if (!ok) {
        resync_ = true;
        return read_status::bad_header;
    }
    while (buf_.size() < len)
        if (!fill()) return read_status::eof;
    body = buf_.substr(0, len);
    buf_.erase(0, len);
    return read_status::message;
}

std::string frame(const json& message) {
    std::string text = message.dump(-1, ' ', false, json::error_handler_t::replace);
    return fmt::format("Content-Length: {}\r\n\r\n{}", text.size(), text);
}

void send(const json& message) { cli::write_stream(STDOUT_FILENO, frame(message)); }

json response(const json& id, json result) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json error_response(const json& id, int code, std::string_view message) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

json notification(std::string_view method, json params) {
    return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

} // namespace kbl::lsp
