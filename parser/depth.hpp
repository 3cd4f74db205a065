#pragma once
// Runtime-limited nesting for the grammar: `nested<R>` matches R and counts how deeply such
// rules are active; the parse control raises a located error past the limit (jsonnet's
// MAX_PARSER_DEPTH, but configurable by --max-rule-depth).
#include <cstdint>
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

/// Parse state carried through the grammar: current and maximum nesting depth.
struct depth_state {
    std::uint32_t depth = 0;
    std::uint32_t limit = 200;
};

} // namespace kbl::grammar
