#include "cli/lsp/server.hpp"

#include <stdexcept>
#include <string_view>

#include "cli/cmd_version.hpp"
#include "cli/lsp/diagnostics.hpp"
#include "cli/lsp/kbl_features.hpp"
#include "cli/lsp/kbl_navigation.hpp"
#include "cli/lsp/snapshot_features.hpp"

namespace kbl::lsp {

namespace {

/// A request whose params lack what the method needs: -32602.
struct invalid_params : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One row per method: a request's handler returns its result, a notification's returns nothing.
struct method_row {
    std::string_view method;
    json (server::*request)(const json&);
    void (server::*notify)(const json&);
};

// clang-format off
const method_row methods[] = {
    {"initialize",                  &server::initialize,      nullptr},
    {"shutdown",                    &server::shutdown,        nullptr},
    {"textDocument/hover",          &server::hover,           nullptr},
    {"textDocument/definition",     &server::definition,      nullptr},
    {"textDocument/completion",     &server::completion,      nullptr},
    {"textDocument/formatting",     &server::formatting,      nullptr},
    {"textDocument/documentSymbol", &server::document_symbol, nullptr},
    {"initialized",                 nullptr, &server::initialized},
    {"exit",                        nullptr, &server::exit},
    {"textDocument/didOpen",        nullptr, &server::did_open},
    {"textDocument/didChange",      nullptr, &server::did_change},
    {"textDocument/didSave",        nullptr, &server::did_save},
    {"textDocument/didClose",       nullptr, &server::did_close},
};
// clang-format on

const method_row* find_method(std::string_view name) {
    for (const auto& m : methods)
        if (m.method == name) return &m;
    return nullptr;
}

const json& member(const json& j, const char* key) {
    if (!j.is_object() || !j.contains(key)) throw invalid_params(std::string("missing '") + key + "'");
    return j[key];
}

std::string string_member(const json& j, const char* key) {
    const json& v = member(j, key);
    if (!v.is_string()) throw invalid_params(std::string("'") + key + "' must be a string");
    return v.get<std::string>();
}

std::uint32_t uint_member(const json& j, const char* key) {
    const json& v = member(j, key);
    if (!v.is_number_unsigned()) throw invalid_params(std::string("'") + key + "' must be a non-negative integer");
    return v.get<std::uint32_t>();
}

bool valid_id(const json& id) { return id.is_string() || id.is_number_integer(); }

} // namespace

int server::run(message_reader& in) {
    std::string body, why;
    for (;;) {
        read_status st = in.next(body, why);
        if (st == read_status::eof) return shutdown_ ? 0 : 1;
        if (st == read_status::bad_header) {
            send(error_response(nullptr, error_code::parse_error, "invalid message header: " + why));
            continue;
        }
        handle(body);
        if (exit_) return shutdown_ ? 0 : 1;
    }
}

void server::handle(const std::string& body) {
    json msg = json::parse(body, nullptr, false);
    if (msg.is_discarded()) return send(error_response(nullptr, error_code::parse_error, "invalid JSON"));
    if (!msg.is_object()) return send(error_response(nullptr, error_code::invalid_request, "a message must be a JSON object"));
    json id = msg.contains("id") ? msg["id"] : json();
    bool has_id = msg.contains("id");
    if (!msg.contains("method")) {
        if (has_id && (msg.contains("result") || msg.contains("error"))) return;  // a response: the server sends no request
        return send(error_response(valid_id(id) ? id : json(), error_code::invalid_request, "a message without 'method'"));
    }
    if (!msg["method"].is_string() || (has_id && !valid_id(id)) ||
        (msg.contains("jsonrpc") && msg["jsonrpc"] != "2.0"))
        return send(error_response(valid_id(id) ? id : json(), error_code::invalid_request, "invalid request"));
    json params = msg.contains("params") ? msg["params"] : json::object();
    if (has_id) handle_request(id, msg["method"].get<std::string>(), params);
    else handle_notification(msg["method"].get<std::string>(), params);
}

void server::handle_request(const json& id, const std::string& method, const json& params) {
    if (!initialized_ && method != "initialize")
        return send(error_response(id, error_code::server_not_initialized, "the server is not initialized"));
    if (shutdown_) return send(error_response(id, error_code::invalid_request, "the server is shutting down"));
    if (method == "initialize" && initialized_)
        return send(error_response(id, error_code::invalid_request, "'initialize' was already received"));
    const method_row* row = find_method(method);
    if (row == nullptr || row->request == nullptr)
        return send(error_response(id, error_code::method_not_found, "unknown method '" + method + "'"));
    try {
        send(response(id, (this->*row->request)(params)));
    } catch (const invalid_params& e) {
        send(error_response(id, error_code::invalid_params, e.what()));
    } catch (const json::exception& e) {
        send(error_response(id, error_code::invalid_params, e.what()));
    } catch (const std::exception& e) {
        send(error_response(id, error_code::internal_error, e.what()));
    }
}

void server::handle_notification(const std::string& method, const json& params) {
    if (!initialized_ && method != "exit") return;  // dropped before initialize, as the specification says
    const method_row* row = find_method(method);
    if (row == nullptr || row->notify == nullptr) return;  // unknown notifications are ignored
    try {
        (this->*row->notify)(params);
    } catch (const std::exception&) {
        // a notification has no response: a malformed one is dropped
    }
}

json server::initialize(const json& params) {
    (void)params;
    initialized_ = true;
    json sync{{"openClose", true}, {"change", 1}, {"save", {{"includeText", false}}}};
    json caps{{"positionEncoding", "utf-16"},
              {"textDocumentSync", sync},
              {"hoverProvider", true},
              {"definitionProvider", true},
              {"completionProvider", {{"triggerCharacters", {"."}}}},
              {"documentFormattingProvider", true},
              {"documentSymbolProvider", true}};
    return json{{"capabilities", caps}, {"serverInfo", {{"name", "kblint"}, {"version", std::string(cli::kblint_version)}}}};
}

json server::shutdown(const json&) {
    shutdown_ = true;
    return nullptr;
}

const document& server::open_document(const json& params) const {
    std::string uri = string_member(member(params, "textDocument"), "uri");
    const document* d = docs_.find(uri);
    if (d == nullptr) throw invalid_params("the document '" + uri + "' is not open");
    return *d;
}

json server::hover(const json& params) {
    const document& d = open_document(params);
    const json& p = member(params, "position");
    if (d.kind != doc_kind::kbl) return nullptr;
    return kbl_hover(d, docs_, from_position(*d.src, uint_member(p, "line"), uint_member(p, "character")));
}

json server::definition(const json& params) {
    const document& d = open_document(params);
    const json& p = member(params, "position");
    if (d.kind != doc_kind::kbl) return nullptr;
    return kbl_definition(d, docs_, from_position(*d.src, uint_member(p, "line"), uint_member(p, "character")));
}

json server::completion(const json& params) {
    const document& d = open_document(params);
    const json& p = member(params, "position");
    if (d.kind != doc_kind::kbl) return nullptr;
    return kbl_completion(d, docs_, from_position(*d.src, uint_member(p, "line"), uint_member(p, "character")));
}

json server::formatting(const json& params) {
    const document& d = open_document(params);
    return d.kind == doc_kind::kbl ? kbl_formatting(d) : json(nullptr);
}

json server::document_symbol(const json& params) {
    const document& d = open_document(params);
    return d.kind == doc_kind::kbl ? kbl_symbols(d) : json(nullptr);
}

void server::initialized(const json&) {}

void server::exit(const json&) { exit_ = true; }

void server::publish_diagnostics(const document& doc) {
    if (doc.kind == doc_kind::kbl) send(publish(doc, kbl_diagnostics(doc, docs_)));
    else if (doc.kind == doc_kind::toml) send(publish(doc, snapshot_diagnostics(doc, docs_)));
}

void server::did_open(const json& params) {
    const json& td = member(params, "textDocument");
    const json& version = member(td, "version");
    const document& d = docs_.open(string_member(td, "uri"), string_member(td, "text"), version.get<std::int64_t>());
    publish_diagnostics(d);
}

void server::did_change(const json& params) {
    const json& td = member(params, "textDocument");
    const json& changes = member(params, "contentChanges");
    if (!changes.is_array() || changes.empty()) throw invalid_params("'contentChanges' must be a non-empty array");
    // Full synchronisation: the last change holds the whole text.
    const document* d = docs_.change(string_member(td, "uri"), string_member(changes.back(), "text"),
                                     member(td, "version").get<std::int64_t>());
    if (d != nullptr && d->kind == doc_kind::kbl) publish_diagnostics(*d);
}

void server::did_save(const json& params) {
    const document* d = docs_.find(string_member(member(params, "textDocument"), "uri"));
    if (d != nullptr) publish_diagnostics(*d);
}

void server::did_close(const json& params) {
    std::string uri = string_member(member(params, "textDocument"), "uri");
    if (const document* d = docs_.find(uri); d != nullptr && d->kind != doc_kind::other)
        send(notification("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}}));
    docs_.close(uri);
}

} // namespace kbl::lsp
