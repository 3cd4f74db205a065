#include "cli/config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "checker/snapshot/snapshot.hpp"
#include "cli/console.hpp"
#include "common/fs.hpp"

namespace kbl::cli {

namespace {


namespace fs = std::filesystem;

constexpr std::string_view check_id = "config";
constexpr std::int64_t max_warn_days = 3660;

// An error of the project file at `where` (1:1 when the place is unknown), with an optional help.
diagnostic located(const source_ptr& file, pos where, std::string message, std::string help = {}) {
    diagnostic d = error_at(file, where.valid() ? where : pos{1, 1}, std::move(message), std::string(check_id));
    if (!help.empty()) add_help_note(d, std::move(help));
    return d;
}

// `value` relative to the folder of the project file (absolute paths stay as they are).
std::string resolve(const std::string& config_file, const std::string& value) {
    fs::path v(value);
    if (v.is_absolute()) return value;
    fs::path dir = fs::path(config_file).parent_path();
    return (dir / v).lexically_normal().generic_string();
}

struct reader {
    const source_ptr& file;
    diagnostics& errs;

    std::optional<std::string> string(const snap::entry& e) const {
        const snap::node& v = *e.value;
        if (v.k == snap::kind::string) return v.str;
        errs.push_back(located(file, v.where, fmt::format("'{}' must be a string, not {}", e.key, snap::kind_with_article(v.k))));
        return std::nullopt;
    }
    std::optional<bool> boolean(const snap::entry& e) const {
        const snap::node& v = *e.value;
        if (v.k == snap::kind::boolean) return v.b;
        errs.push_back(
            located(file, v.where, fmt::format("'{}' must be true or false, not {}", e.key, snap::kind_with_article(v.k))));
        return std::nullopt;
    }
    // A string, or an array of strings.
    std::optional<std::vector<std::string>> strings(const snap::entry& e) const {
        const snap::node& v = *e.value;
        if (v.k == snap::kind::string) return std::vector<std::string>{v.str};
        if (v.k != snap::kind::array) {
            errs.push_back(located(file, v.where,
                                   fmt::format("'{}' must be a string or an array of strings, not {}", e.key,
                                               snap::kind_with_article(v.k))));
            return std::nullopt;
        }
        std::vector<std::string> out;
        bool ok = true;
        for (const auto& item : v.items) {
            if (item->k == snap::kind::string) {
                out.push_back(item->str);
                continue;
            }
            errs.push_back(located(file, item->where,
                                   fmt::format("'{}' must hold only strings, not {}", e.key, snap::kind_with_article(item->k))));
            ok = false;
        }
        if (!ok) return std::nullopt;
        return out;
    }
    std::optional<int> days(const snap::entry& e) const {
        const snap::node& v = *e.value;
        if (v.k == snap::kind::integer && v.i >= 0 && v.i <= max_warn_days) return static_cast<int>(v.i);
        errs.push_back(located(file, v.where,
                               v.k == snap::kind::integer
                                   ? fmt::format("'{}' must be a number of days from 0 to {}, not {}", e.key, max_warn_days, v.i)
                                   : fmt::format("'{}' must be an integer, not {}", e.key, snap::kind_with_article(v.k))));
        return std::nullopt;
    }
    std::optional<std::string> choice(const snap::entry& e, const std::vector<std::string>& choices) const {
        auto s = string(e);
        if (!s) return std::nullopt;
        if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
        std::string near = closest_match(*s, choices);
        if (!near.empty())
            errs.push_back(located(file, e.value->where,
                                   fmt::format("invalid value '{}' for '{}', did you mean '{}'?", *s, e.key, near)));
        else
            errs.push_back(located(file, e.value->where,
                                   fmt::format("invalid value '{}' for '{}' (expected {})", *s, e.key, choice_list(choices))));
        return std::nullopt;
    }
};

} // namespace

const std::vector<std::string>& config_keys() {
    static const std::vector<std::string> keys = {"rules",    "no_builtin", "fail_on", "waivers", "baseline",
                                                  "waiver_warn_days", "skip", "only", "format", "exclude", "cache"};
    return keys;
}

std::optional<std::string> find_config(const fs::path& start) {
    std::error_code ec;
    fs::path dir = fs::absolute(start, ec);
    if (ec) return std::nullopt;
    std::string up;
    for (;;) {
        if (fs::is_regular_file(dir / config_file_name, ec)) return up + std::string(config_file_name);
        if (fs::exists(dir / ".git", ec)) return std::nullopt;
        fs::path parent = dir.parent_path();
        if (parent == dir || parent.empty()) return std::nullopt;
        dir = parent;
        up += "../";
    }
}

std::optional<project_config> parse_config(const std::string& name, std::string text, const config_choices& choices,
                                           diagnostics& errs) {
    std::size_t before = errs.size();
    auto doc = snap::load_snapshot(name, std::move(text), snap::default_load_limits(), {}, errs);
    if (!doc) return std::nullopt;
    project_config out;
    out.file = name;
    reader rd{doc->file, errs};
    auto resolved = [&](std::optional<std::vector<std::string>> v) {
        if (v)
            for (auto& p : *v) p = resolve(name, p);
        return v;
    };
    for (const auto& e : doc->root->entries) {
        if (e.key == "rules") {
            out.rules = resolved(rd.strings(e));
        } else if (e.key == "no_builtin") {
            out.no_builtin = rd.boolean(e);
        } else if (e.key == "fail_on") {
            out.fail_on = rd.choice(e, choices.fail_levels);
        } else if (e.key == "waivers") {
            if (auto s = rd.string(e)) out.waivers = resolve(name, *s);
        } else if (e.key == "baseline") {
            if (auto b = rd.string(e)) out.baseline = resolve(name, *b);
        } else if (e.key == "waiver_warn_days") {
            out.waiver_warn_days = rd.days(e);
        } else if (e.key == "skip") {
            out.skip = rd.strings(e);
        } else if (e.key == "only") {
            out.only = rd.strings(e);
        } else if (e.key == "format") {
            out.format = rd.choice(e, choices.formats);
        } else if (e.key == "exclude") {
            out.exclude = rd.strings(e);
        } else if (e.key == "cache") {
            if (auto c = rd.string(e)) out.cache = resolve(name, *c);
        } else {
            std::string near = closest_key(e.key, config_keys());
            if (!near.empty())
                errs.push_back(located(doc->file, e.key_pos,
                                       fmt::format("unknown key '{}' in the project file, did you mean '{}'?", e.key, near)));
            else
                errs.push_back(located(doc->file, e.key_pos, fmt::format("unknown key '{}' in the project file", e.key),
                                       fmt::format("a project file may set '{}'", fmt::join(config_keys(), "', '"))));
        }
    }
    if (errs.size() != before) return std::nullopt;
    return out;
}

std::optional<std::string> read_input(const std::string& path, std::string_view what, std::size_t max_bytes,
                                      diagnostics& errs) {
    auto fail = [&](std::string reason) {
        diagnostic d;
        d.file_name = path;
        d.message = fmt::format("cannot read {}: {}", what, reason);
        errs.push_back(std::move(d));
        return std::nullopt;
    };
    io::read_result r = io::read_file(path, max_bytes);
    if (!r.ok()) return fail(io::read_failure(r, max_bytes));
    return std::move(r.text);
}

} // namespace kbl::cli
