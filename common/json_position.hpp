#pragma once
// Positions in JSON text, for located errors in the JSON files kblint reads (baselines, the reports
// `kblint merge` reads): the line and column of a byte offset, of the values a JSON pointer names,
// and the first container nested too deep. No JSON library: the text is scanned as written.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/source.hpp"

namespace kbl::json_text {

/// The 1-based line and column (in bytes) of byte `offset` of `text`.
pos pos_at_offset(std::string_view text, std::size_t offset);

/// The message of a nlohmann::json parse error without its prefix:
/// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> "syntax error ...".
std::string parse_message(std::string_view what);

/// The offset of the first '[' or '{' nested deeper than `max_depth`, outside strings; no recursion.
std::optional<std::size_t> too_deep(std::string_view text, std::uint32_t max_depth);

/// The position of each wanted value, by JSON pointer ("", "/kblint", "/findings/3/fingerprint"),
/// down to `max_depth` levels (deeper values are skipped without recursion). Runs on text that a
/// JSON parser already accepted; a leading byte order mark is passed over.
class position_index {
public:
    position_index(std::string_view text, const std::set<std::string>& wanted, int max_depth);

    /// The position of the value at `pointer`; line 1 column 1 when it was not found.
    [[nodiscard]] pos at(const std::string& pointer) const;

private:
    [[nodiscard]] bool more() const { return i_ < s_.size(); }
    [[nodiscard]] pos here() const { return pos_at(i_); }
    [[nodiscard]] pos pos_at(std::size_t offset) const;
    void ws();
    std::string string();
    static std::string escape(const std::string& key);
    void skip();
    void value(const std::string& pointer, int depth);

    std::string_view s_;
    std::size_t i_ = 0;
    mutable std::size_t line_scan_ = 0;
    mutable std::size_t line_start_ = 0;
    mutable std::uint32_t line_ = 1;
    const std::set<std::string>& wanted_;
    int max_depth_ = 0;
    std::map<std::string, pos> at_;
};

} // namespace kbl::json_text
