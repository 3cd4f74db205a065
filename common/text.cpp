#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace kbl {

namespace {

using range = std::pair<char32_t, char32_t>;

// Combining marks (Mn, Me), format characters (Cf) and other zero-width code points, by block.
constexpr std::array zero_width = {
    range{0x0300, 0x036F},   range{0x0483, 0x0489},   range{0x0591, 0x05BD},   range{0x05BF, 0x05BF},
    range{0x05C1, 0x05C2},   range{0x05C4, 0x05C5},   range{0x05C7, 0x05C7},   range{0x0600, 0x0605},
    range{0x0610, 0x061A},   range{0x061C, 0x061C},   range{0x064B, 0x065F},   range{0x0670, 0x0670},
    range{0x06D6, 0x06DD},   range{0x06DF, 0x06E4},   range{0x06E7, 0x06E8},   range{0x06EA, 0x06ED},
    range{0x070F, 0x070F},   range{0x0711, 0x0711},   range{0x0730, 0x074A},   range{0x07A6, 0x07B0},
    range{0x07EB, 0x07F3},   range{0x0816, 0x082D},   range{0x0859, 0x085B},   range{0x0898, 0x089F},
    range{0x08CA, 0x0902},   range{0x093A, 0x093A},   range{0x093C, 0x093C},   range{0x0941, 0x0948},
    range{0x094D, 0x094D},   range{0x0951, 0x0957},   range{0x0962, 0x0963},   range{0x0981, 0x0981},
    range{0x09BC, 0x09BC},   range{0x09C1, 0x09C4},   range{0x09CD, 0x09CD},   range{0x09E2, 0x09E3},
    range{0x0A01, 0x0A02},   range{0x0A3C, 0x0A3C},   range{0x0A41, 0x0A51},   range{0x0A70, 0x0A71},
    range{0x0A81, 0x0A82},   range{0x0ABC, 0x0ABC},   range{0x0AC1, 0x0AC8},   range{0x0ACD, 0x0ACD},
    range{0x0B01, 0x0B01},   range{0x0B3C, 0x0B3C},   range{0x0B41, 0x0B44},   range{0x0B4D, 0x0B4D},
    range{0x0BC0, 0x0BC0},   range{0x0BCD, 0x0BCD},   range{0x0C3E, 0x0C40},   range{0x0C46, 0x0C56},
    range{0x0CBC, 0x0CBC},   range{0x0CCC, 0x0CCD},   range{0x0D41, 0x0D44},   range{0x0D4D, 0x0D4D},
    range{0x0E31, 0x0E31},   range{0x0E34, 0x0E3A},   range{0x0E47, 0x0E4E},   range{0x0EB1, 0x0EB1},
    range{0x0EB4, 0x0EBC},   range{0x0EC8, 0x0ECE},   range{0x0F18, 0x0F19},   range{0x0F35, 0x0F39},
    range{0x0F71, 0x0F84},   range{0x0F86, 0x0F87},   range{0x0F8D, 0x0FBC},   range{0x102D, 0x1030},
    range{0x1032, 0x1037},   range{0x1039, 0x103A},   range{0x1160, 0x11FF},   range{0x135D, 0x135F},
    range{0x1712, 0x1714},   range{0x17B4, 0x17B5},   range{0x17B7, 0x17BD},   range{0x17C6, 0x17C6},
    range{0x17C9, 0x17D3},   range{0x180B, 0x180F},   range{0x1A17, 0x1A18},   range{0x1AB0, 0x1AFF},
    range{0x1B00, 0x1B03},   range{0x1B34, 0x1B34},   range{0x1B36, 0x1B3A},   range{0x1DC0, 0x1DFF},
    range{0x200B, 0x200F},   range{0x202A, 0x202E},   range{0x2060, 0x2064},   range{0x2066, 0x206F},
    range{0x20D0, 0x20F0},   range{0x2CEF, 0x2CF1},   range{0x2D7F, 0x2D7F},   range{0x2DE0, 0x2DFF},
    range{0x302A, 0x302D},   range{0x3099, 0x309A},   range{0xA66F, 0xA672},   range{0xA674, 0xA67D},
    range{0xA69E, 0xA69F},   range{0xA6F0, 0xA6F1},   range{0xA802, 0xA802},   range{0xA806, 0xA806},
    range{0xA80B, 0xA80B},   range{0xA825, 0xA826},   range{0xA8C4, 0xA8C5},   range{0xA8E0, 0xA8F1},
    range{0xD7B0, 0xD7FF},   range{0xFB1E, 0xFB1E},   range{0xFE00, 0xFE0F},   range{0xFE20, 0xFE2F},
    range{0xFEFF, 0xFEFF},   range{0xFFF9, 0xFFFB},   range{0x101FD, 0x101FD}, range{0x10A01, 0x10A0F},
    range{0x10A38, 0x10A3F}, range{0x11001, 0x11001}, range{0x11038, 0x11046}, range{0x1D167, 0x1D169},
    range{0x1D173, 0x1D182}, range{0x1D185, 0x1D18B}, range{0x1D1AA, 0x1D1AD}, range{0x1E000, 0x1E02A},
    range{0xE0001, 0xE0001}, range{0xE0020, 0xE007F}, range{0xE0100, 0xE01EF},
};

// East Asian Wide (W) and Fullwidth (F) code points, emoji presentation included.
constexpr std::array wide = {
    range{0x1100, 0x115F},   range{0x231A, 0x231B},   range{0x2329, 0x232A},   range{0x23E9, 0x23EC},
    range{0x23F0, 0x23F0},   range{0x23F3, 0x23F3},   range{0x25FD, 0x25FE},   range{0x2614, 0x2615},
    range{0x2648, 0x2653},   range{0x267F, 0x267F},   range{0x2693, 0x2693},   range{0x26A1, 0x26A1},
    range{0x26AA, 0x26AB},   range{0x26BD, 0x26BE},   range{0x26C4, 0x26C5},   range{0x26CE, 0x26CE},
    range{0x26D4, 0x26D4},   range{0x26EA, 0x26EA},   range{0x26F2, 0x26F3},   range{0x26F5, 0x26F5},
    range{0x26FA, 0x26FA},   range{0x26FD, 0x26FD},   range{0x2705, 0x2705},   range{0x270A, 0x270B},
    range{0x2728, 0x2728},   range{0x274C, 0x274C},   range{0x274E, 0x274E},   range{0x2753, 0x2755},
    range{0x2757, 0x2757},   range{0x2795, 0x2797},   range{0x27B0, 0x27B0},   range{0x27BF, 0x27BF},
    range{0x2B1B, 0x2B1C},   range{0x2B50, 0x2B50},   range{0x2B55, 0x2B55},   range{0x2E80, 0x2FFB},
    range{0x3000, 0x3029},   range{0x302E, 0x303E},   range{0x3041, 0x3096},   range{0x309B, 0x33FF},
    range{0x3400, 0x4DBF},   range{0x4E00, 0xA4CF},   range{0xA960, 0xA97F},   range{0xAC00, 0xD7A3},
    range{0xF900, 0xFAFF},   range{0xFE10, 0xFE19},   range{0xFE30, 0xFE6F},   range{0xFF00, 0xFF60},
    range{0xFFE0, 0xFFE6},   range{0x16FE0, 0x16FE4}, range{0x16FF0, 0x16FF1}, range{0x17000, 0x18CD5},
    range{0x18D00, 0x18D08}, range{0x1AFF0, 0x1B2FB}, range{0x1F004, 0x1F004}, range{0x1F0CF, 0x1F0CF},
    range{0x1F18E, 0x1F18E}, range{0x1F191, 0x1F19A}, range{0x1F200, 0x1F251}, range{0x1F260, 0x1F265},
    range{0x1F300, 0x1F320}, range{0x1F32D, 0x1F335}, range{0x1F337, 0x1F37C}, range{0x1F37E, 0x1F393},
    range{0x1F3A0, 0x1F3CA}, range{0x1F3CF, 0x1F3D3}, range{0x1F3E0, 0x1F3F0}, range{0x1F3F4, 0x1F3F4},
    range{0x1F3F8, 0x1F43E}, range{0x1F440, 0x1F440}, range{0x1F442, 0x1F4FC}, range{0x1F4FF, 0x1F53D},
    range{0x1F54B, 0x1F54E}, range{0x1F550, 0x1F567}, range{0x1F57A, 0x1F57A}, range{0x1F595, 0x1F596},
    range{0x1F5A4, 0x1F5A4}, range{0x1F5FB, 0x1F64F}, range{0x1F680, 0x1F6C5}, range{0x1F6CC, 0x1F6CC},
    range{0x1F6D0, 0x1F6D2}, range{0x1F6D5, 0x1F6D7}, range{0x1F6DC, 0x1F6DF}, range{0x1F6EB, 0x1F6EC},
    range{0x1F6F4, 0x1F6FC}, range{0x1F7E0, 0x1F7EB}, range{0x1F7F0, 0x1F7F0}, range{0x1F90C, 0x1F93A},
    range{0x1F93C, 0x1F945}, range{0x1F947, 0x1F9FF}, range{0x1FA70, 0x1FAFF}, range{0x20000, 0x2FFFD},
    range{0x30000, 0x3FFFD},
};

template <std::size_t N>
bool in_table(const std::array<range, N>& table, char32_t cp) {
    auto it = std::upper_bound(table.begin(), table.end(), cp,
                               [](char32_t c, const range& r) { return c < r.first; });
    return it != table.begin() && cp <= std::prev(it)->second;
}

} // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    char32_t cp = utf8_decode(s, i, n);
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;  // overlong, too large
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;                                           // surrogates
    return n;
}

char32_t utf8_decode(std::string_view s, std::size_t i, std::size_t n) {
    static constexpr std::array<unsigned, 5> lead_mask = {0, 0x7F, 0x1F, 0x0F, 0x07};
    char32_t cp = static_cast<unsigned char>(s[i]) & lead_mask[n];
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    return cp;
}

std::size_t first_invalid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        // ASCII, eight bytes at a time: most of every rule file and snapshot.
        for (std::uint64_t w; i + 8 <= s.size(); i += 8) {
            std::memcpy(&w, s.data() + i, 8);
            if (w & 0x8080808080808080ULL) break;
        }
        if (i >= s.size()) break;
        std::size_t n = utf8_sequence_length(s, i);
        if (n == 0) return i;
        i += n;
    }
    return std::string_view::npos;
}

bool valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

escaped_char escape_at(std::string_view s, std::size_t i, pass_through pass) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
    case '\n': return {pass.newline ? std::string() : std::string("\\n"), 1};
    case '\t': return {pass.tab ? std::string() : std::string("\\t"), 1};
    case '\r': return {"\\r", 1};
    default: break;
    }
    if (c < 0x20 || c == 0x7F) return {fmt::format("\\x{:02x}", c), 1};
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return {fmt::format("\\x{:02x}", c), 1};
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0)  // C1 controls
        return {fmt::format("\\u{{{:x}}}", static_cast<unsigned char>(s[i + 1])), 2};
    if (n == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        static_cast<unsigned char>(s[i + 2]) >= 0xBE)  // U+FFFE, U+FFFF
        return {static_cast<unsigned char>(s[i + 2]) == 0xBE ? "\\u{fffe}" : "\\u{ffff}", 3};
    return {std::string(), n};
}

std::string escape_for_terminal(std::string_view s, pass_through pass) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7F) {  // printable ASCII, the common case
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        escaped_char e = escape_at(s, i, pass);
        if (e.text.empty())
            out.append(s.substr(i, e.length));
        else
            out += e.text;
        i += e.length;
    }
    return out;
}

int code_point_width(char32_t cp) {
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
    if (cp < 0x300) return 1;
    if (in_table(zero_width, cp)) return 0;
    return in_table(wide, cp) ? 2 : 1;
}

std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t n = utf8_sequence_length(s, i);
        if (n == 0) {
            ++w;
            ++i;
            continue;
        }
        w += static_cast<std::size_t>(code_point_width(utf8_decode(s, i, n)));
        i += n;
    }
    return w;
}

std::size_t code_point_count(std::string_view s) {
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t n = utf8_sequence_length(s, i);
        i += n == 0 ? 1 : n;
        ++count;
    }
    return count;
}

line_cut cut_line(std::string_view line, std::size_t caret, std::size_t window) {
    if (line.size() <= window + 20) return {std::string(line), caret};
    const auto continuation = [&](std::size_t i) { return (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80; };
    std::size_t anchor = std::min(caret, line.size());
    std::size_t from = anchor > window / 2 ? anchor - window / 2 : 0;
    while (from > 0 && continuation(from)) --from;
    std::size_t to = std::min(line.size(), from + window);
    while (to < line.size() && continuation(to)) ++to;
    std::string_view lead = from > 0 ? "..." : "";
    return {fmt::format("{}{}{}", lead, line.substr(from, to - from), to < line.size() ? "..." : ""),
            caret - from + lead.size()};
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string with_article(std::string_view noun) {
    const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
    return fmt::format("{} {}", vowel ? "an" : "a", noun);
}

bool ascii_iequal(std::string_view a, std::string_view b) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::string lower_first(std::string s) {
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && !(s.size() > 1 && s[1] >= 'A' && s[1] <= 'Z'))
        s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
}

std::string system_message(int err) { return lower_first(std::generic_category().message(err)); }

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

civil_date civil_from_days(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return civil_date{m <= 2 ? y + 1 : y, m, d};
}

} // namespace kbl
