#pragma once
// What the two files of built-in functions share (internal to checker/engine/): builtins.cpp holds
// the one table of built-ins and most implementations; builtins_numeric.cpp the built-ins on
// numbers, versions, regular expressions, sizes and durations, whose rows in that table point at
// the functions declared here.
#include <cstdint>
#include <string_view>

#include "checker/engine/builtins.hpp"

namespace kbl {

// ---- Defined in builtins.cpp, used by both ----

/// A missing value saying that the built-in called by `x` needs `need` but got `v`.
rt::value wrong(const builtin_args& x, std::string_view need, const rt::value& v);

/// Digits of `d` in `base` as a non-negative int64 in `u`, or false.
bool parse_digits(std::string_view d, int base, std::uint64_t& u);

// ---- Defined in builtins_numeric.cpp: typing functions and implementations of table rows ----

/// min, max: the element type of a list argument, else the type of the first argument.
void type_min_max(builtin_types& t);
/// sum: an int for a list of ints, a float for a list of floats.
void type_sum(builtin_types& t);
/// regex_capture: the pattern is a string literal, compiled once; a literal group must exist in it.
void check_regex_capture(builtin_types& t);
/// regex_replace: the pattern is a string literal, compiled once; a literal replacement names only its groups.
void check_regex_replace(builtin_types& t);

/// min(list) | min(a, b)
rt::value fn_min(const builtin_args& x);
/// max(list) | max(a, b)
rt::value fn_max(const builtin_args& x);
/// sum(list)
rt::value fn_sum(const builtin_args& x);
/// abs(n)
rt::value fn_abs(const builtin_args& x);
/// version_cmp(a, b)
rt::value fn_version_cmp(const builtin_args& x);
/// version_lt(a, b)
rt::value fn_version_lt(const builtin_args& x);
/// regex_capture(s, 're', group)
rt::value fn_regex_capture(const builtin_args& x);
/// regex_replace(s, 're', rewrite)
rt::value fn_regex_replace(const builtin_args& x);
/// bytes(x)
rt::value fn_bytes(const builtin_args& x);
/// seconds(x)
rt::value fn_seconds(const builtin_args& x);

} // namespace kbl
