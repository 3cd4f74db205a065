#pragma once
// Source text kept in memory so diagnostics can draw snippets with a caret.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kbl {

/// A 1-based line and column (columns count bytes, as PEGTL and toml++ do).
struct pos {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    [[nodiscard]] bool valid() const noexcept { return line != 0; }
    friend bool operator==(const pos&, const pos&) = default;
};

/// One input file's name and bytes; shared by every diagnostic and finding that points into it.
class source_file {
public:
    source_file(std::string name, std::string text);
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const std::string& text() const noexcept { return text_; }
    /// The text of 1-based line `line` without its line terminator (empty when out of range).
    [[nodiscard]] std::string_view line_text(std::uint32_t line) const;
    /// Number of lines (a final line without a terminator counts).
    [[nodiscard]] std::uint32_t line_count() const noexcept {
        return static_cast<std::uint32_t>(line_starts_.size());
    }

private:
    std::string name_;
    std::string text_;
    std::vector<std::size_t> line_starts_;
};

using source_ptr = std::shared_ptr<const source_file>;

} // namespace kbl
