// toml++ errors in kblint's words: "Error while parsing key-value pair: expected '=', saw '\n'"
// becomes "invalid key-value pair: expected '=', saw '\n'". Redefinition errors are moved onto the
// key or header they are about (toml++ places them after it) and name the key as written.
#include <algorithm>

#include <fmt/format.h>

#include "checker/snapshot/internal.hpp"
#include "common/check_ids.hpp"
#include "common/text.hpp"

namespace kbl::snap::detail {

namespace {

// A toml++ error being reworded: what it was parsing ("key-value pair"), what went wrong, where.
struct toml_message {
    std::string scope;
    std::string what;
    pos where;
};

// A dotted key as written, each segment's quotes removed when it holds no escape.
std::string key_text(std::string_view text, const std::vector<span>& segments) {
    std::string out;
    for (const auto& seg : segments) {
        std::string_view raw = text.substr(seg.begin, seg.end - seg.begin);
        if (raw.size() > 2 && (raw.front() == '"' || raw.front() == '\'') && raw.back() == raw.front() &&
            raw.find('\\') == std::string_view::npos)
            raw = raw.substr(1, raw.size() - 2);
        if (!out.empty()) out += '.';
        out += raw;
    }
    return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

// "Error while parsing SCOPE: WHAT" split, toml++'s slips of wording mended.
toml_message split_description(std::string_view description, pos where) {
    toml_message m{std::string(), std::string(description), where};
    constexpr std::string_view prefix = "Error while parsing ";
    if (description.starts_with(prefix)) {
        const std::string_view rest = description.substr(prefix.size());
        if (const auto colon = rest.find(": "); colon != std::string_view::npos) {
            m.scope = std::string(rest.substr(0, colon));
            m.what = std::string(rest.substr(colon + 2));
        }
    }
    replace_all(m.what, "expected expected ", "expected ");
    replace_all(m.what, "expected hour between 0 to 59", "expected hour between 0 and 23");
    return m;
}

// A string cut by the end of its line, and a range error reported after the digits it is about.
void explain_position(toml_message& m, std::string_view text) {
    if ((m.scope == "string" || m.scope == "literal string") && m.what.find("control characters") != std::string::npos) {
        const std::size_t at = offset_of(text, m.where);
        if (at < text.size() && (text[at] == '\n' || text.substr(at, 2) == "\r\n"))
            m.what = "missing closing quote before the end of the line";
    }
    // "expected month between 1 and 12 (inclusive), saw 13" is reported just after the two digits
    if (m.what.starts_with("expected ") && m.what.find(" between ") != std::string::npos && m.where.column > 2)
        m.where.column -= 2;
}

// Redefinitions placed on the header or key they are about, and named as written.
void place_redefinition(toml_message& m, std::string_view text, std::uint32_t depth_limit) {
    constexpr std::string_view redefine = "cannot redefine existing ";
    constexpr std::string_view as_dotted = " as dotted key-value pair";
    if (m.scope == "table header" && m.what.starts_with("cannot ")) {
        toml_scanner scan(text, depth_limit, offset_of(text, m.where));
        scan.run();
        if (auto header = scan.header_before_target()) m.where = pos_at_offset(text, *header);
        return;
    }
    if (m.scope != "key-value pair" || !m.what.starts_with(redefine)) return;
    const std::string_view tail = std::string_view(m.what).substr(redefine.size());
    const std::string type(tail.substr(0, std::min(tail.find(" '"), tail.find(" as "))));
    toml_scanner scan(text, depth_limit, offset_of(text, m.where));
    scan.run();
    if (m.what.ends_with(as_dotted)) {
        if (!scan.key_up_to_target().empty())
            m.what = fmt::format("cannot add keys to existing {} '{}' with a dotted key", type,
                                 key_text(text, scan.key_up_to_target()));
    } else if (const auto& key = scan.key_of_value_at_target(); !key.empty()) {
        m.where = pos_at_offset(text, key.front().begin);
        m.what = fmt::format("key '{}' is already defined as {}", key_text(text, key), with_article(type));
    }
}

} // namespace

diagnostic toml_error(const source_ptr& file, std::string_view description, std::uint32_t line,
                      std::uint32_t cp_column, std::uint32_t depth_limit) {
    const std::string_view text = file->text();
    toml_message m = split_description(description, position_map(text).convert(line, cp_column));
    explain_position(m, text);
    place_redefinition(m, text, depth_limit);

    std::string msg;
    if (m.scope.empty() || m.what.starts_with("cannot ") || m.what.starts_with("key '"))
        msg = m.what;
    else if (m.scope == "root table")
        msg = fmt::format("invalid toml: {}", m.what);
    else
        msg = fmt::format("invalid {}: {}", m.scope, m.what);
    msg = lower_first(std::move(msg));
    while (!msg.empty() && (msg.back() == '.' || msg.back() == ' ')) msg.pop_back();
    return error_at(file, m.where, escape_for_terminal(msg), check_ids::toml);
}

} // namespace kbl::snap::detail
