#pragma once
// The documents the client has open (full text synchronisation) and `file:` URIs.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/source.hpp"

namespace kbl::lsp {

/// The path of a `file:` URI (percent-decoded), or nullopt for another scheme.
std::optional<std::string> uri_to_path(std::string_view uri);

/// The `file:` URI of an absolute path (percent-encoded).
std::string path_to_uri(std::string_view path);

/// What a document is to kblint, by its extension.
enum class doc_kind { kbl, toml, other };

/// `.kbl` a rule file, `.toml` a snapshot (ignoring case), anything else `other`.
doc_kind kind_of(std::string_view path);

/// One open document.
struct document {
    std::string uri;   ///< as the client wrote it (diagnostics are published under it)
    std::string path;  ///< absolute, lexically normal ("" when the URI is not a file)
    doc_kind kind = doc_kind::other;
    std::int64_t version = 0;
    source_ptr src;    ///< its current text, named by `path`
};

/// Open documents by URI, and the text of any file: the open document's, else the file's on disk.
class document_store {
public:
    /// Open or replace a document.
    const document& open(const std::string& uri, std::string text, std::int64_t version);
    /// Replace the text of an open document; null when it is not open.
    const document* change(const std::string& uri, std::string text, std::int64_t version);
    /// Forget a document.
    void close(const std::string& uri);
    /// The open document of that URI, or null.
    [[nodiscard]] const document* find(const std::string& uri) const;
    /// The open document of that path, or null.
    [[nodiscard]] const document* find_path(const std::string& path) const;
    /// The text of `path`: the open document's, else the file's (nullopt when unreadable).
    [[nodiscard]] std::optional<std::string> text_of(const std::string& path) const;
    /// The URI for `path`: the open document's own, else path_to_uri.
    [[nodiscard]] std::string uri_for(const std::string& path) const;

private:
    std::map<std::string, document> docs_;
};

} // namespace kbl::lsp
