#pragma once
// JSON-RPC 2.0 over a byte stream, framed as the Language Server Protocol frames it: a header
// block (`Content-Length: N`, optionally `Content-Type`) ended by an empty line, then N bytes of
// JSON. Reading recovers from a broken header by looking for the next `Content-Length`.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kbl::lsp {

using json = nlohmann::json;

/// JSON-RPC error codes (the JSON-RPC 2.0 ones and those LSP adds).
namespace error_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
inline constexpr int server_not_initialized = -32002;
} // namespace error_code

/// What one read of the stream gave.
enum class read_status { message, eof, bad_header };

/// Reads framed messages from a file descriptor.
class message_reader {
public:
    /// `max_body` bounds a message's Content-Length (a larger one is a bad header).
    explicit message_reader(int fd, std::size_t max_body);

    /// The next message's body in `body`; on `bad_header`, `why` says what was wrong.
    read_status next(std::string& body, std::string& why);

private:
    bool fill();  ///< read more bytes; false at end of input
    bool skip_to_header();  ///< drop bytes before the next "Content-Length" (after a bad header)
    int fd_;
    std::size_t max_body_;
    std::string buf_;
    bool resync_ = false;
};

/// The framed bytes of one message: `Content-Length: N\r\n\r\n` and the JSON text.
std::string frame(const json& message);

/// Write one framed message to stdout (the only thing the server writes there).
void send(const json& message);

/// A response with a result.
json response(const json& id, json result);

/// An error response (`id` null when the request's id could not be read).
json error_response(const json& id, int code, std::string_view message);

/// A notification from the server.
json notification(std::string_view method, json params);

} // namespace kbl::lsp
