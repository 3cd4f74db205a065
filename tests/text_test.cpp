// common/text (UTF-8, display width, plurals, dates), the one diagnostic emitter (carets after wide
// characters, terminal width) and the central list of check ids.
#include <cerrno>
#include <memory>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "common/check_ids.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "common/text.hpp"

using namespace kbl;

TEST_CASE("utf-8: well-formed sequences only", "[text]") {
    CHECK(valid_utf8("plain n\xc5\x93ud \xe4\xb8\xad \xf0\x9f\x98\x80"));
    CHECK(first_invalid_utf8("ab\xff") == 2);
    CHECK(first_invalid_utf8("\xc0\xaf") == 0);          // overlong '/'
    CHECK(first_invalid_utf8("x\xed\xa0\x80") == 1);     // surrogate U+D800
    CHECK(first_invalid_utf8("\xf4\x90\x80\x80") == 0);  // past U+10FFFF
    CHECK(first_invalid_utf8("\xe4\xb8") == 0);          // truncated
    CHECK(utf8_sequence_length("\xe4\xb8\xad", 0) == 3);
    CHECK(utf8_decode("\xe4\xb8\xad", 0, 3) == U'\u4e2d');
    CHECK(code_point_count("n\xc5\x93ud\xff") == 5);
}

TEST_CASE("escape_for_terminal: the one escaper of control characters and invalid UTF-8", "[text]") {
    // Printable text, tab and line feed passed through or not, other controls, DEL, C1 controls,
    // noncharacters, bytes that are not UTF-8, and well-formed characters kept.
    CHECK(escape_for_terminal("plain") == "plain");
    CHECK(escape_for_terminal("a\tb\nc\rd") == "a\\tb\\nc\\rd");
    CHECK(escape_for_terminal("a\tb\nc\rd", {.tab = true, .newline = true}) == "a\tb\nc\\rd");
    CHECK(escape_for_terminal("a\tb\n", {.tab = true}) == "a\tb\\n");
    CHECK(escape_for_terminal(std::string("\0\x01\x1b[31m\x7f", 8)) == "\\x00\\x01\\x1b[31m\\x7f");
    CHECK(escape_for_terminal("\xc2\x80\xc2\x9b\xc2\xa0") == "\\u{80}\\u{9b}\xc2\xa0");  // C1 controls, then NBSP
    CHECK(escape_for_terminal("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd") == "\\u{fffe}\\u{ffff}\xef\xbf\xbd");
    CHECK(escape_for_terminal("\xff\xc0\xaf\xe4\xb8") == "\\xff\\xc0\\xaf\\xe4\\xb8");  // not UTF-8, byte by byte
    CHECK(escape_for_terminal("n\xc5\x93ud \xe4\xb8\xad \xf0\x9f\x98\x80") == "n\xc5\x93ud \xe4\xb8\xad \xf0\x9f\x98\x80");

    escaped_char kept = escape_at("\xe4\xb8\xad", 0);
    CHECK(kept.text.empty());
    CHECK(kept.length == 3);
    escaped_char c1 = escape_at("\xc2\x85", 0);
    CHECK(c1.text == "\\u{85}");
    CHECK(c1.length == 2);
}

TEST_CASE("with_article, ascii_iequal and system_message", "[text]") {
    CHECK(with_article("integer") == "an integer");
    CHECK(with_article("string") == "a string");
    CHECK(with_article("") == "a ");
    CHECK(ascii_iequal("ClusSvc", "clussvc"));
    CHECK_FALSE(ascii_iequal("ClusSvc", "clussv"));
    CHECK_FALSE(ascii_iequal("\xc3\x89", "\xc3\xa9"));  // only ASCII letters fold
    CHECK(system_message(ENOENT) == "no such file or directory");
    CHECK(system_message(EACCES) == "permission denied");
}

TEST_CASE("display width: wide characters take 2 columns, combining marks none", "[text]") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("\xe4\xb8\xad\xe6\x96\x87") == 4);   // 中文
    CHECK(display_width("e\xcc\x81") == 1);                  // e + combining acute
    CHECK(display_width("\xef\xbc\xa1") == 2);               // fullwidth A
    CHECK(display_width("\xf0\x9f\x98\x80") == 2);           // emoji
    CHECK(display_width("\xe2\x80\x8b") == 0);               // zero width space
    CHECK(display_width("\xff") == 1);
    CHECK(code_point_width(U'\u00e9') == 1);
    CHECK(code_point_width(U'\uac00') == 2);                 // Hangul syllable
}

TEST_CASE("plural, lower_first and civil dates", "[text]") {
    CHECK(plural(1, "error", "errors") == "1 error");
    CHECK(plural(0, "error", "errors") == "0 errors");
    CHECK(lower_first("No such file or directory") == "no such file or directory");
    CHECK(lower_first("TOML is fine") == "TOML is fine");
    CHECK(days_from_civil(1970, 1, 1) == 0);
    CHECK(days_from_civil(2000, 3, 1) == 11017);
    CHECK(days_from_civil(1969, 12, 31) == -1);
    civil_date d = civil_from_days(11017);
    CHECK((d.year == 2000 && d.month == 3 && d.day == 1));
    civil_date e = civil_from_days(-719468);
    CHECK((e.year == 0 && e.month == 3 && e.day == 1));
}

TEST_CASE("cut_line keeps a window around the caret, cut between characters", "[text]") {
    std::string line(200, 'a');
    line[150] = 'X';
    line_cut cut = cut_line(line, 150);
    CHECK(cut.text == "..." + std::string(50, 'a') + "X" + std::string(49, 'a'));
    CHECK(cut.text[cut.caret] == 'X');
    CHECK(cut_line("short", 2).text == "short");
}

namespace {

diagnostic at(const std::string& text, pos where) {
    diagnostic d;
    d.file = std::make_shared<const source_file>("w.toml", text);
    d.where = where;
    d.message = "m";
    d.check_id = check_ids::toml;
    return d;
}

} // namespace

TEST_CASE("emitter: the caret lands right after wide characters", "[text][diagnostic]") {
    // "名前 = 1": two CJK characters (6 bytes, 4 columns), so byte column 8 is display column 6.
    diagnostic d = at("\xe5\x90\x8d\xe5\x89\x8d = 1\n", {1, 8});
    CHECK(render_diagnostic(d) == "w.toml:1:8: error: m [toml]\n"
                                  " 1 | \xe5\x90\x8d\xe5\x89\x8d = 1\n"
                                  "   |      ^\n");
}

TEST_CASE("emitter: control characters in the source line are escaped and the caret follows them", "[text][diagnostic]") {
    // "a", U+0001 (shown as 4 columns), "b" at byte column 3, a tab, then U+FFFE.
    diagnostic d = at("a\x01" "b =\t\xef\xbf\xbe\n", {1, 3});
    CHECK(render_diagnostic(d) == "w.toml:1:3: error: m [toml]\n"
                                  " 1 | a\\x01b =    \\u{fffe}\n"  // the tab reaches column 12
                                  "   |      ^\n");
}

TEST_CASE("emitter: notes share one gutter width, and the finding shape is the diagnostic shape", "[text][diagnostic]") {
    std::string text;
    for (int i = 1; i <= 12; ++i) text += "k" + std::to_string(i) + " = 1\n";
    diagnostic d = at(text, {3, 1});
    d.notes.push_back({diag_note::kind::note, "first here", d.file, {12, 1}});
    d.notes.push_back({diag_note::kind::help, "rename one", nullptr, {}});
    d.suffix = " (unknown)";
    d.severity = diag_severity::info;
    CHECK(render_diagnostic(d) == "w.toml:3:1: info: m (unknown) [toml]\n"
                                  "  3 | k3 = 1\n"
                                  "    | ^\n"
                                  "w.toml:12:1: note: first here\n"
                                  " 12 | k12 = 1\n"
                                  "    | ^\n"
                                  "  = help: rename one\n");
}

TEST_CASE("emitter: a line wider than the terminal is cut around the caret", "[text][diagnostic]") {
    std::string line = "key = \"" + std::string(60, 'a') + "X" + std::string(40, 'b') + "\"\n";
    diagnostic d = at(line, {1, 68});
    emit_options opt;
    opt.max_width = 40;  // " 1 | " takes 5 columns: 35 are left for the line
    std::string out = render_diagnostic(d, opt);
    CHECK(out == "w.toml:1:68: error: m [toml]\n"
                 " 1 | ..." + std::string(14, 'a') + "X" + std::string(14, 'b') + "...\n"
                 "   |    " + std::string(14, ' ') + "^\n");
    SECTION("no limit, no cut") {
        CHECK(render_diagnostic(d).find(std::string(60, 'a') + "X") != std::string::npos);
    }
    SECTION("wide characters are never split and the caret follows them") {
        std::string wide;
        for (int i = 0; i < 30; ++i) wide += "\xe4\xb8\xad";
        diagnostic w = at(wide + "Z\n", {1, 91});
        std::string cut = render_diagnostic(w, opt);
        std::string shown = cut.substr(cut.find(" 1 | ") + 5);
        shown = shown.substr(0, shown.find('\n'));
        CHECK(display_width(shown) <= 35);
        CHECK(shown.substr(shown.size() - 1) == "Z");
        std::string caret_line = cut.substr(cut.rfind("   | ") + 5);
        CHECK(caret_line.size() - 2 == display_width(shown) - 1);  // the caret sits under 'Z'
    }
}

TEST_CASE("check ids: one list, unique, each described in lowercase", "[text][check-ids]") {
    std::set<std::string_view> seen;
    REQUIRE(all_check_ids().size() >= 23);
    for (const auto& c : all_check_ids()) {
        INFO(c.id);
        CHECK(seen.insert(c.id).second);
        CHECK(!c.description.empty());
        CHECK(c.description.front() >= 'a');
        CHECK(c.description.back() != '.');
    }
    REQUIRE(find_check_id("type-error") != nullptr);
    CHECK(find_check_id("type-error")->id == check_ids::type_error);
    CHECK(find_check_id("nope") == nullptr);
}

TEST_CASE("source_file: lines without their terminators, LF or CRLF, last line with or without one", "[text]") {
    using lines = std::vector<std::string>;
    auto all = [](const std::string& text) {
        kbl::source_file f("f", text);
        lines out;
        for (std::uint32_t n = 1; n <= f.line_count(); ++n) out.emplace_back(f.line_text(n));
        CHECK(f.line_text(0).empty());
        CHECK(f.line_text(f.line_count() + 1).empty());
        return out;
    };
    CHECK(all("") == lines{""});
    CHECK(all("a") == lines{"a"});
    CHECK(all("a\n") == lines{"a"});
    CHECK(all("a\nbc") == lines{"a", "bc"});
    CHECK(all("a\r\nbc\r\n") == lines{"a", "bc"});
    CHECK(all("a\n\n") == lines{"a", ""});
    CHECK(all("\n\nx\r") == lines{"", "", "x"});
}
