#include "checker/gate/baseline.hpp"
#include "common/check_ids.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kbl {

namespace {

constexpr std::string_view check_id = check_ids::baseline;
constexpr int report_version = 1;
// Values deeper than this (below /findings/N/KEY) are skipped without recording their position.
constexpr int max_recorded_depth = 3;

pos pos_at_offset(std::string_view text, std::size_t offset) {
    pos p{1, 1};
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else {
            ++p.column;
        }
    }
    return p;
}

// The position of every value down to `max_recorded_depth`, by JSON pointer ("", "/kblint",
// "/findings/3/fingerprint"). Runs on text that nlohmann::json already accepted.
class position_index {
public:
    explicit position_index(std::string_view text) : s_(text) {
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
        value("", 0);
    }

    [[nodiscard]] pos at(const std::string& pointer) const {
        auto it = at_.find(pointer);
        return it == at_.end() ? pos{1, 1} : it->second;
    }

private:
    [[nodiscard]] bool more() const { return i_ < s_.size(); }
    [[nodiscard]] pos here() const { return pos_at(i_); }
    [[nodiscard]] pos pos_at(std::size_t offset) const {
        // Lines are counted incrementally: offsets only grow.
        while (line_scan_ < offset && line_scan_ < s_.size()) {
            if (s_[line_scan_] == '\n') {
                ++line_;
                line_start_ = line_scan_ + 1;
            }
            ++line_scan_;
        }
        return {line_, static_cast<std::uint32_t>(offset - line_start_ + 1)};
    }
    void ws() {
        while (more() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    std::string string() {
        std::string out;
        ++i_;  // opening quote
        while (more() && s_[i_] != '"') {
            if (s_[i_] == '\\') {
                ++i_;
                if (!more()) break;
                char c = s_[i_];
                if (c == 'u') {
                    out += '?';
                    i_ += 5;
                    continue;
                }
                out += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
                ++i_;
                continue;
            }
            out += s_[i_++];
        }
        ++i_;  // closing quote
        return out;
    }
    static std::string escape(const std::string& key) {
        std::string out;
        for (char c : key) {
            if (c == '~')
                out += "~0";
            else if (c == '/')
                out += "~1";
            else
                out += c;
        }
        return out;
    }
    // Skip a value without recursion (any depth).
    void skip() {
        int depth = 0;
        do {
            ws();
            if (!more()) return;
            char c = s_[i_];
            if (c == '"') {
                string();
            } else if (c == '{' || c == '[') {
                ++depth;
                ++i_;
            } else if (c == '}' || c == ']') {
                --depth;
                ++i_;
            } else if (c == ',' || c == ':') {
                ++i_;
            } else {
                while (more() && std::string_view(",]} \t\r\n").find(s_[i_]) == std::string_view::npos) ++i_;
            }
        } while (depth > 0);
    }
    void value(const std::string& pointer, int depth) {
        ws();
        if (!more()) return;
        if (depth > max_recorded_depth) {
            skip();
            return;
        }
        at_[pointer] = here();
        char c = s_[i_];
        if (c == '{' || c == '[') {
            bool object = c == '{';
            char close = object ? '}' : ']';
            ++i_;
            ws();
            if (more() && s_[i_] == close) {
                ++i_;
                return;
            }
            for (std::size_t n = 0; more(); ++n) {
                ws();
                std::string child = pointer + "/";
                if (object) {
                    child += escape(string());
                    ws();
                    ++i_;  // ':'
                } else {
                    child += std::to_string(n);
                }
                value(child, depth + 1);
                ws();
                if (more() && s_[i_] == ',') {
                    ++i_;
                    continue;
                }
                ++i_;  // close
                return;
            }
            return;
        }
        if (c == '"') {
            string();
            return;
        }
        while (more() && std::string_view(",]} \t\r\n").find(s_[i_]) == std::string_view::npos) ++i_;
    }

    std::string_view s_;
    std::size_t i_ = 0;
    mutable std::size_t line_scan_ = 0;
    mutable std::size_t line_start_ = 0;
    mutable std::uint32_t line_ = 1;
    std::map<std::string, pos> at_;
};

std::string_view type_name(const nlohmann::json& j) {
    switch (j.type()) {
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::number_float: return "a number";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    default: return "a value";
    }
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> "syntax error ..."
std::string parse_message(std::string_view what) {
    std::size_t at = what.find("parse error");
    if (at != std::string_view::npos) {
        std::size_t colon = what.find(": ", at);
        if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
    }
    return std::string(what);
}

} // namespace

std::optional<baseline> load_baseline(std::string name, std::string text, diagnostics& errs) {
    auto file = std::make_shared<const source_file>(name, std::move(text));
    const std::string& bytes = file->text();
    auto error = [&](pos where, std::string message, std::string help = {}) {
        diagnostic d;
        d.file = file;
        d.where = where;
        d.message = std::move(message);
        d.check_id = std::string(check_id);
        if (!help.empty()) d.notes.push_back({diag_note::kind::help, std::move(help), nullptr, {}});
        errs.push_back(std::move(d));
    };
    const std::string what_it_is = "a baseline is a report written by 'kblint check --format json'";

    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(bytes);
    } catch (const nlohmann::json::parse_error& e) {
        std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        error(pos_at_offset(bytes, offset), fmt::format("invalid JSON in the baseline: {}", parse_message(e.what())),
              what_it_is);
        return std::nullopt;
    }
    position_index where(bytes);
    if (!doc.is_object()) {
        error(where.at(""), fmt::format("not a kblint JSON report: the document is {}, not an object", type_name(doc)),
              what_it_is);
        return std::nullopt;
    }
    std::size_t before = errs.size();
    auto k = doc.find("kblint");
    if (k == doc.end()) {
        error(where.at(""), "not a kblint JSON report: it has no 'kblint' key", what_it_is);
    } else if (!k->is_object()) {
        error(where.at("/kblint"), fmt::format("not a kblint JSON report: 'kblint' is {}, not an object", type_name(*k)),
              what_it_is);
    } else if (auto v = k->find("report_version"); v == k->end()) {
        error(where.at("/kblint"), "not a kblint JSON report: 'kblint' has no 'report_version'", what_it_is);
    } else if (!v->is_number_integer() || v->get<std::int64_t>() != report_version) {
        error(where.at("/kblint/report_version"),
              fmt::format("the baseline has report version {}; this kblint reads version {}", v->dump(), report_version),
              "write the baseline again with this version of kblint");
    }
    baseline out;
    out.name = name;
    auto fs = doc.find("findings");
    if (fs == doc.end()) {
        error(where.at(""), "not a kblint JSON report: it has no 'findings' key", what_it_is);
    } else if (!fs->is_array()) {
        error(where.at("/findings"), fmt::format("'findings' is {}, not an array", type_name(*fs)), what_it_is);
    } else {
        for (std::size_t i = 0; i < fs->size(); ++i) {
            const auto& f = (*fs)[i];
            std::string pointer = fmt::format("/findings/{}", i);
            if (!f.is_object()) {
                error(where.at(pointer), fmt::format("'findings[{}]' is {}, not an object", i, type_name(f)));
                continue;
            }
            auto fp = f.find("fingerprint");
            if (fp == f.end()) {
                error(where.at(pointer), fmt::format("'findings[{}]' has no 'fingerprint'", i));
            } else if (!fp->is_string()) {
                error(where.at(pointer + "/fingerprint"),
                      fmt::format("the 'fingerprint' of 'findings[{}]' is {}, not a string", i, type_name(*fp)));
            } else if (fp->get<std::string>().empty()) {
                error(where.at(pointer + "/fingerprint"), fmt::format("the 'fingerprint' of 'findings[{}]' is empty", i));
            } else {
                out.fingerprints.insert(fp->get<std::string>());
            }
        }
    }
    if (errs.size() != before) return std::nullopt;
    return out;
}

std::size_t apply_baseline(const baseline& b, std::vector<finding>& findings) {
    std::size_t n = 0;
    for (auto& f : findings) {
        if (f.st != status::fail && f.st != status::unknown) continue;
        if (!b.fingerprints.contains(f.fingerprint.empty() ? make_fingerprint(f) : f.fingerprint)) continue;
        f.st = status::baselined;
        ++n;
    }
    return n;
}

} // namespace kbl
