// `kblint lsp` at the protocol level: the built binary spawned, framed messages written to its
// stdin and read from its stdout; the lifecycle, exit statuses and malformed input.
#include <catch2/catch.hpp>

#include "tests/lsp_client.hpp"

using kbl::test::json;
using kbl::test::lsp_client;

namespace {

json error_of(const json& response) { return response.at("error"); }

} // namespace

TEST_CASE("lsp: initialize announces the capabilities, shutdown then exit ends with 0", "[lsp]") {
    lsp_client c;
    json r = c.request("initialize", {{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", json::object()}});
    CHECK(r["jsonrpc"] == "2.0");
    CHECK(r["id"] == 1);
    CHECK(r["result"]["capabilities"] == json::parse(R"({
        "positionEncoding": "utf-16",
        "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": false}},
        "hoverProvider": true, "definitionProvider": true,
        "completionProvider": {"triggerCharacters": ["."]},
        "documentFormattingProvider": true, "documentSymbolProvider": true})"));
    CHECK(r["result"]["serverInfo"]["name"] == "kblint");
    c.notify("initialized", json::object());
    json s = c.request("shutdown", nullptr);
    CHECK(s == json{{"jsonrpc", "2.0"}, {"id", 2}, {"result", nullptr}});
    // After shutdown, requests are invalid.
    CHECK(error_of(c.request("textDocument/hover", json::object()))["code"] == -32600);
    c.notify("exit", nullptr);
    std::string rest;
    CHECK(c.wait_exit(&rest) == 0);
    CHECK(rest.empty());
    CHECK(c.stderr_text().empty());
}

TEST_CASE("lsp: exit without shutdown ends with 1, and so does the end of input", "[lsp]") {
    {
        lsp_client c;
        kbl::test::initialize(c);
        c.notify("exit", nullptr);
        CHECK(c.wait_exit() == 1);
    }
    {
        lsp_client c;
        kbl::test::initialize(c);
        c.close_input();
        CHECK(c.wait_exit() == 1);
    }
    {
        lsp_client c;
        kbl::test::initialize(c);
        c.request("shutdown", nullptr);
        c.close_input();
        CHECK(c.wait_exit() == 0);
    }
}

TEST_CASE("lsp: requests before initialize are refused, notifications dropped", "[lsp]") {
    lsp_client c;
    c.notify("textDocument/didOpen", {{"textDocument", {{"uri", "file:///nowhere/x.kbl"}, {"languageId", "kbl"},
                                                         {"version", 1}, {"text", "rule {"}}}});
    json r = c.request("textDocument/hover", json::object());
    CHECK(r == json::parse(R"({"jsonrpc": "2.0", "id": 1, "error": {"code": -32002, "message": "the server is not initialized"}})"));
    kbl::test::initialize(c);
    CHECK(error_of(c.request("initialize", json::object())) ==
          json{{"code", -32600}, {"message", "'initialize' was already received"}});
}

TEST_CASE("lsp: malformed messages get JSON-RPC errors and the server goes on", "[lsp]") {
    lsp_client c;
    kbl::test::initialize(c);
    // Not JSON.
    c.write_raw("Content-Length: 9\r\n\r\n{\"id\": 1,");
    CHECK(c.next() == json::parse(R"({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "invalid JSON"}})"));
    // A header without a usable Content-Length: an error, then the next message is read.
    c.write_raw("Content-Length: many\r\n\r\n{}");
    CHECK(c.next() == json::parse(R"({"jsonrpc": "2.0", "id": null, "error": {"code": -32700,
                                       "message": "invalid message header: Content-Length is not a number"}})"));
    // Not a request (and read after the broken header: the bytes up to the next Content-Length were skipped).
    c.send(json::array({1, 2}));
    CHECK(error_of(c.next()) == json{{"code", -32600}, {"message", "a message must be a JSON object"}});
    c.write_raw("Content-Type: application/json\r\n\r\n{}");
    CHECK(error_of(c.next()) == json{{"code", -32700}, {"message", "invalid message header: no Content-Length header"}});
    c.send({{"jsonrpc", "2.0"}, {"id", 7}});
    CHECK(c.next() == json::parse(R"({"jsonrpc": "2.0", "id": 7, "error": {"code": -32600, "message": "a message without 'method'"}})"));
    c.send({{"jsonrpc", "2.0"}, {"id", {{"x", 1}}}, {"method", "shutdown"}});
    CHECK(c.next() == json::parse(R"({"jsonrpc": "2.0", "id": null, "error": {"code": -32600, "message": "invalid request"}})"));
    c.send({{"jsonrpc", "1.0"}, {"id", 8}, {"method", "shutdown"}});
    CHECK(error_of(c.next())["code"] == -32600);
    // Unknown methods: a request gets -32601, a notification nothing.
    c.notify("workspace/unknownThing", {{"a", 1}});
    c.notify("$/cancelRequest", {{"id", 1}});
    json r = c.request("textDocument/unknownThing", json::object());
    CHECK(r == json::parse(R"({"jsonrpc": "2.0", "id": 2, "error": {"code": -32601,
                               "message": "unknown method 'textDocument/unknownThing'"}})"));
    // Missing or wrong params: -32602.
    CHECK(error_of(c.request("textDocument/hover", {{"textDocument", {{"uri", 3}}}})) ==
          json{{"code", -32602}, {"message", "'uri' must be a string"}});
    CHECK(error_of(c.request("textDocument/formatting", {{"textDocument", {{"uri", "file:///not/open.kbl"}}}})) ==
          json{{"code", -32602}, {"message", "the document 'file:///not/open.kbl' is not open"}});
    // A malformed notification is dropped; the server still answers.
    c.notify("textDocument/didOpen", {{"textDocument", 5}});
    CHECK(c.request("shutdown", nullptr)["result"].is_null());
    c.notify("exit", nullptr);
    std::string rest;
    CHECK(c.wait_exit(&rest) == 0);
    CHECK(rest.empty());
}

TEST_CASE("lsp: a string id is answered with the same id, and a response from the client is ignored", "[lsp]") {
    lsp_client c;
    kbl::test::initialize(c);
    c.send({{"jsonrpc", "2.0"}, {"id", 99}, {"result", nullptr}});
    c.send({{"jsonrpc", "2.0"}, {"id", "abc"}, {"method", "shutdown"}});
    CHECK(c.next() == json{{"jsonrpc", "2.0"}, {"id", "abc"}, {"result", nullptr}});
    c.notify("exit", nullptr);
    CHECK(c.wait_exit() == 0);
}
