#include "cli/lsp/documents.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>

#include "common/fs.hpp"
#include "common/limits.hpp"

namespace kbl::lsp {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

} // namespace

std::optional<std::string> uri_to_path(std::string_view uri) {
    constexpr std::string_view scheme = "file://";
    if (uri.substr(0, scheme.size()) != scheme) return std::nullopt;
    uri.remove_prefix(scheme.size());
    std::size_t slash = uri.find('/');  // skip an authority ("localhost")
    if (slash == std::string_view::npos) return std::nullopt;
    uri.remove_prefix(slash);
    std::string out;
    for (std::size_t i = 0; i < uri.size(); ++i) {
        int hi = 0, lo = 0;
        if (uri[i] == '%' && i + 2 < uri.size() && (hi = hex_value(uri[i + 1])) >= 0 && (lo = hex_value(uri[i + 2])) >= 0) {
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += uri[i];
        }
    }
    return std::filesystem::path(out).lexically_normal().string();
}

std::string path_to_uri(std::string_view path) {
    std::string out = "file://";
    for (char c : path) {
        unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~')
            out += c;
        else
            out += fmt::format("%{:02X}", u);
    }
    return out;
}

doc_kind kind_of(std::string_view path) {
    if (ends_with_ci(path, ".kbl")) return doc_kind::kbl;
    if (ends_with_ci(path, ".toml")) return doc_kind::toml;
    return doc_kind::other;
}

const document& document_store::open(const std::string& uri, std::string text, std::int64_t version) {
    document d;
    d.uri = uri;
    d.path = uri_to_path(uri).value_or("");
    d.kind = d.path.empty() ? doc_kind::other : kind_of(d.path);
    d.version = version;
    d.src = std::make_shared<const source_file>(d.path, std::move(text));
    return docs_[uri] = std::move(d);
}

const document* document_store::change(const std::string& uri, std::string text, std::int64_t version) {
    auto it = docs_.find(uri);
    if (it == docs_.end()) return nullptr;
    it->second.version = version;
    it->second.src = std::make_shared<const source_file>(it->second.path, std::move(text));
    return &it->second;
}

void document_store::close(const std::string& uri) { docs_.erase(uri); }

const document* document_store::find(const std::string& uri) const {
    auto it = docs_.find(uri);
    return it == docs_.end() ? nullptr : &it->second;
}

const document* document_store::find_path(const std::string& path) const {
    for (const auto& [uri, d] : docs_)
        if (d.path == path) return &d;
    return nullptr;
}

std::optional<std::string> document_store::text_of(const std::string& path) const {
    if (const document* d = find_path(path)) return d->src->text();
    io::read_result r = io::read_file(path, limits::max_file_bytes);
    if (!r.ok()) return std::nullopt;
    return std::move(r.text);
}

std::string document_store::uri_for(const std::string& path) const {
    if (const document* d = find_path(path)) return d->uri;
    return path_to_uri(path);
}

} // namespace kbl::lsp
