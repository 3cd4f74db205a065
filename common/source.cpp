#include "common/source.hpp"

#include <cstring>

namespace kbl {

source_file::source_file(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
    line_starts_.push_back(0);
    // Each line's start after its '\n' (as PEGTL and toml++ count lines), found by memchr.
    const char* const begin = text_.data();
    const char* const end = begin + text_.size();
    for (const char* at = begin; at != end;) {
        const auto* nl = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
        if (nl == nullptr) break;
        at = nl + 1;
        line_starts_.push_back(static_cast<std::size_t>(at - begin));
    }
    if (line_starts_.size() > 1 && line_starts_.back() == text_.size()) line_starts_.pop_back();
}

std::string_view source_file::line_text(std::uint32_t line) const {
    if (line == 0 || line > line_starts_.size()) return {};
    // The line ends before the next one starts (its '\n'), or at the end of the text: never a scan,
    // so that each snippet of a 60 MB line costs nothing.
    std::size_t b = line_starts_[line - 1];
    std::size_t e = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
    if (e == text_.size() && e > b && text_[e - 1] == '\n') --e;
    if (e > b && text_[e - 1] == '\r') --e;
    return std::string_view(text_).substr(b, e - b);
}

} // namespace kbl
