#pragma once
// Text helpers every room shares: UTF-8 validation, the one escaper of control characters and
// invalid UTF-8, display width on a terminal, plurals and articles, the first letter of system
// messages, and calendar arithmetic.
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

/// What escape_for_terminal leaves as it is: tab and line feed are escaped unless passed through.
struct pass_through {
    bool tab = false;
    bool newline = false;
};

/// One character as escape_at shows it.
struct escaped_char {
    std::string text;        ///< the escape; empty when the character is shown as it is
    std::size_t length = 1;  ///< the bytes of `s` it covers
};

/// The character at `s[i]` made visible: `\n`, `\r` or `\t`; `\xNN` for another control
/// character, DEL or a byte that is not UTF-8; `\u{NN}` for a C1 control (U+0080..U+009F, escape
/// sequence introducers on some terminals) or the noncharacters U+FFFE and U+FFFF; nothing (empty
/// `text`, `length` its UTF-8 length) for any other character.
escaped_char escape_at(std::string_view s, std::size_t i, pass_through pass = {});

/// `s` with every character escape_at escapes written as its escape: safe on a terminal, and (with
/// tab and line feed passed through) in XML 1.0 and HTML text.
std::string escape_for_terminal(std::string_view s, pass_through pass = {});

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

/// The noun with its article: "a string", "an integer" (by the first letter: a, e, i, o, u).
std::string with_article(std::string_view noun);

/// True when `a` and `b` are equal ignoring the case of ASCII letters.
bool ascii_iequal(std::string_view a, std::string_view b);

/// `s` with its first letter lowercased unless it starts an acronym ("No such file" -> "no such
/// file", "TOML" stays), for messages from the system or libraries.
std::string lower_first(std::string s);

/// The system's text for an errno value in the style of kblint's messages: "no such file or directory".
std::string system_message(int err);

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
