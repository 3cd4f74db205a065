#pragma once
// Small helpers the evaluator's files share (internal to checker/engine/).
#include <cstdint>
#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "checker/engine/pack.hpp"
#include "checker/engine/value.hpp"

namespace kbl {

/// Counts one level of evaluation depth for as long as it lives.
struct depth_guard {
    std::uint32_t& d;
    explicit depth_guard(std::uint32_t& depth) : d(depth) { ++d; }
    ~depth_guard() { --d; }
    depth_guard(const depth_guard&) = delete;
    depth_guard& operator=(const depth_guard&) = delete;
};

/// A missing value saying that `what` needs `need` but got `v`.
rt::value type_missing2(std::string_view what, std::string_view need, const rt::value& v);

/// `s` with ASCII letters in upper case.
std::string upper(std::string s);

/// `s` without leading and trailing white space.
std::string trim(std::string_view s);

/// The last key of a dotted path (`services."W3 SVC"` -> `W3 SVC`, `groups[0]` -> `groups`).
std::string last_key(const std::string& path);

/// True when node `n` has the type `t` (or one of its alternatives).
bool type_matches(const ast::type_ref& t, const snap::node& n);

/// The type `t` in words, with an article (`an integer`).
std::string type_text(const ast::type_ref& t);

/// Elements of a collection: list elements, or a table's values; false for anything else.
bool elements(const rt::value& coll, std::vector<rt::value>& out);
/// The same one at a time, without a copy of the whole collection: how many elements `coll` has
/// (nullopt when it is not a list or a table), and element `i`.
std::optional<std::size_t> element_count(const rt::value& coll);
rt::value element_at(const rt::value& coll, std::size_t i);

} // namespace kbl
