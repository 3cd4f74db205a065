#pragma once
// Runtime-limited nesting for the grammar: `nested<R>` matches R and counts how deeply such
// rules are active; the parse control raises a located error past the limit (jsonnet's
// MAX_PARSER_DEPTH, but configurable by --max-rule-depth).
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include <tao/pegtl.hpp>

namespace kbl::grammar {

/// Marker base of every depth-counted rule.
struct nested_tag {};

/// Matches R; the control counts active `nested` rules against `depth_state::limit`.
template <typename R>
struct nested : tao::pegtl::seq<R>, nested_tag {};

template <typename T>
inline constexpr bool is_nested = std::is_base_of_v<nested_tag, T>;

/// Parse state carried through the grammar: current and maximum nesting depth, and the opening
/// brace of the declaration being parsed (what and whose, where), so that a brace that is never
/// closed is reported where it was opened.
struct depth_state {
    std::uint32_t depth = 0;
    std::uint32_t limit = 200;
    std::size_t brace_line = 0;    ///< 0: no declaration brace opened yet
    std::size_t brace_column = 0;
    std::size_t brace_byte = 0;
    const char* name_start = nullptr;  ///< where the declaration's name starts
    std::string name;                  ///< the declaration's name (a rule id, an action or table name)
};

} // namespace kbl::grammar
