#pragma once
// Text helpers every room shares: UTF-8 validation, display width on a terminal, plurals, the
// first letter of system messages, and calendar arithmetic.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kbl {

/// Length of the well-formed UTF-8 sequence starting at `s[i]` (1 to 4), or 0 when the bytes there
/// are not one: overlong forms, surrogates, code points past U+10FFFF and truncated sequences are 0.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

/// The code point of the well-formed sequence of `n` bytes (from utf8_sequence_length) at `s[i]`.
char32_t utf8_decode(std::string_view s, std::size_t i, std::size_t n);

/// Offset of the first byte that does not start a well-formed UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(std::string_view s);

/// True when `s` is well-formed UTF-8 throughout.
bool valid_utf8(std::string_view s);

/// Columns a code point takes on a terminal, with wcwidth semantics: 2 for East Asian Wide and
/// Fullwidth characters, 0 for combining marks, zero-width characters and controls, else 1.
int code_point_width(char32_t cp);

/// Columns `s` takes on a terminal: the sum of code_point_width over its code points, 1 for each
/// byte that is not UTF-8. Tabs count 0 (expand them first).
std::size_t display_width(std::string_view s);

/// Number of UTF-8 code points in `s` (each byte that is not UTF-8 counts as one).
std::size_t code_point_count(std::string_view s);

/// A source line cut for display: lines longer than `window` + 20 bytes (a 60 MB string value)
/// become a window of `window` bytes around byte offset `caret` (0-based), with "..." where bytes
/// were left out, cut only between UTF-8 sequences. `caret` is moved to match the cut text.
struct line_cut {
    std::string text;
    std::size_t caret = 0;
};

/// Cut `line` to a window around `caret` (see line_cut).
line_cut cut_line(std::string_view line, std::size_t caret, std::size_t window = 100);

/// "1 error", "2 errors": `n` and the noun in the right number.
std::string plural(std::size_t n, std::string_view one, std::string_view many);

/// `s` with its first letter lowercased unless it starts an acronym ("No such file" -> "no such
/// file", "TOML" stays), for messages from the system or libraries.
std::string lower_first(std::string s);

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

/// A year, month and day of the proleptic Gregorian calendar.
struct civil_date {
    std::int64_t year;
    unsigned month, day;
};

/// The date `days` after 1970-01-01 (the inverse of days_from_civil).
civil_date civil_from_days(std::int64_t days);

} // namespace kbl
