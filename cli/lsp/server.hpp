#pragma once
// The language server: reads framed JSON-RPC messages, dispatches each by its method through one
// table, and writes responses and notifications (nothing else) to stdout.
#include <string>

#include <nlohmann/json.hpp>

#include "cli/lsp/documents.hpp"
#include "cli/lsp/protocol.hpp"

namespace kbl::lsp {

/// One server session, from `initialize` to `exit`.
class server {
public:
    /// Serve the messages of `in` until `exit` or the end of input. The exit status: 0 when a
    /// `shutdown` request came before, else 1 (as the LSP specification asks).
    int run(message_reader& in);

    /// Handle one message body (any JSON text); what it sends goes to stdout.
    void handle(const std::string& body);

    [[nodiscard]] bool exit_requested() const { return exit_; }
    [[nodiscard]] bool shutdown_requested() const { return shutdown_; }

    // Handlers, called through the dispatch table of server.cpp.
    json initialize(const json& params);
    json shutdown(const json& params);
    json hover(const json& params);
    json definition(const json& params);
    json completion(const json& params);
    json formatting(const json& params);
    json document_symbol(const json& params);
    void initialized(const json& params);
    void exit(const json& params);
    void did_open(const json& params);
    void did_change(const json& params);
    void did_save(const json& params);
    void did_close(const json& params);

private:
    void handle_request(const json& id, const std::string& method, const json& params);
    void handle_notification(const std::string& method, const json& params);
    void publish_diagnostics(const document& doc);
    const document& open_document(const json& params) const;

    document_store docs_;
    bool initialized_ = false;
    bool shutdown_ = false;
    bool exit_ = false;
};

} // namespace kbl::lsp
