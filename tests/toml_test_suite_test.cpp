// The TOML 1.0.0 conformance suite (../shared/toml-test): every valid file loads and matches its
// tagged JSON, every invalid file is rejected with a located error. Each file is first loaded in a
// child process so that a crash is reported against that file instead of ending the run.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/snapshot/snapshot.hpp"
#include "common/text.hpp"
#include "tests/test_util.hpp"

namespace fs = std::filesystem;
using kbl::snap::kind;
using kbl::snap::node;

namespace {

const std::vector<std::string>& suite_files(const std::string& folder) {
    static std::vector<std::string> valid;
    static std::vector<std::string> invalid;
    auto& list = folder == "valid" ? valid : invalid;
    if (list.empty()) {
        const fs::path root = kbl::test::shared_path("toml-test/" + folder);
        for (const auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file() && e.path().extension() == ".toml")
                list.push_back(fs::relative(e.path(), root.parent_path()).generic_string());
        std::sort(list.begin(), list.end());
    }
    return list;
}

std::string suite_path(const std::string& rel) { return kbl::test::shared_path("toml-test/" + rel); }

// Loads the file in a forked child; true when the child neither crashed nor hung.
bool loads_without_crashing(const std::string& path) {
    const pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        ::alarm(20);
        kbl::diagnostics errs;
        (void)kbl::snap::load_snapshot_file(path, kbl::snap::default_load_limits(), {}, errs);
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// A date-time split into fields; `offset_minutes` is set only for offset date-times.
struct date_time_fields {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    long nanos = 0;
    bool has_date = false, has_time = false, has_offset = false;
    int offset_minutes = 0;
};

bool parse_digits(const std::string& s, std::size_t& at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const char c = s[at + k];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    at += n;
    return true;
}

// RFC 3339 as toml-test writes it: date, time, or both (separator T, t or space), optional
// fraction, optional Z/z or +hh:mm / -hh:mm.
bool parse_date_time(const std::string& s, date_time_fields& f) {
    std::size_t at = 0;
    if (s.size() >= 10 && s[4] == '-') {
        if (!parse_digits(s, at, 4, f.year) || s[at++] != '-' || !parse_digits(s, at, 2, f.month) ||
            s[at++] != '-' || !parse_digits(s, at, 2, f.day))
            return false;
        f.has_date = true;
        if (at == s.size()) return true;
        if (s[at] != 'T' && s[at] != 't' && s[at] != ' ') return false;
        ++at;
    }
    if (!parse_digits(s, at, 2, f.hour) || at >= s.size() || s[at++] != ':' || !parse_digits(s, at, 2, f.minute) ||
        at >= s.size() || s[at++] != ':' || !parse_digits(s, at, 2, f.second))
        return false;
    f.has_time = true;
    if (at < s.size() && s[at] == '.') {
        ++at;
        long scale = 100'000'000;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
            f.nanos += (s[at] - '0') * scale;
            scale /= 10;
            ++at;
        }
    }
    if (at == s.size()) return true;
    f.has_offset = true;
    if (s[at] == 'Z' || s[at] == 'z') return at + 1 == s.size();
    const int sign = s[at] == '-' ? -1 : 1;
    ++at;
    int oh = 0, om = 0;
    if (!parse_digits(s, at, 2, oh) || at >= s.size() || s[at++] != ':' || !parse_digits(s, at, 2, om)) return false;
    f.offset_minutes = sign * (oh * 60 + om);
    return at == s.size();
}

// Seconds since the epoch (UTC) and nanoseconds, for comparing offset date-times as instants.
std::pair<long long, long> instant(const date_time_fields& f) {
    const long long days = kbl::days_from_civil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
    return {days * 86400 + f.hour * 3600 + f.minute * 60 + f.second - f.offset_minutes * 60LL, f.nanos};
}

auto fields_tuple(const date_time_fields& f) {
    return std::make_tuple(f.has_date, f.year, f.month, f.day, f.has_time, f.hour, f.minute, f.second, f.nanos);
}

bool is_tagged_scalar(const nlohmann::json& j) {
    return j.is_object() && j.size() == 2 && j.contains("type") && j["type"].is_string() && j.contains("value") &&
           j["value"].is_string();
}

double parse_float(const std::string& v) {
    if (v == "nan" || v == "+nan" || v == "-nan") return std::nan("");
    if (v == "inf" || v == "+inf") return INFINITY;
    if (v == "-inf") return -INFINITY;
    return std::strtod(v.c_str(), nullptr);
}

// Compares our tree with toml-test's tagged JSON; on a mismatch `why` names the path and the values.
bool matches(const node& n, const nlohmann::json& j, std::string& why) {
    const auto fail = [&](const std::string& what) {
        why = "at '" + n.path + "': " + what;
        return false;
    };
    if (is_tagged_scalar(j)) {
        const std::string type = j["type"].get<std::string>();
        const std::string value = j["value"].get<std::string>();
        if (type == "string") {
            if (n.k != kind::string) return fail("expected a string, got " + std::string(kind_name(n.k)));
            return n.str == value || fail("string '" + n.str + "' != '" + value + "'");
        }
        if (type == "integer") {
            if (n.k != kind::integer) return fail("expected an integer, got " + std::string(kind_name(n.k)));
            return n.i == std::stoll(value) || fail(std::to_string(n.i) + " != " + value);
        }
        if (type == "float") {
            if (n.k != kind::floating) return fail("expected a float, got " + std::string(kind_name(n.k)));
            const double want = parse_float(value);
            if (std::isnan(want)) return std::isnan(n.f) || fail("expected nan");
            return n.f == want || fail(std::to_string(n.f) + " != " + value);
        }
        if (type == "bool") {
            if (n.k != kind::boolean) return fail("expected a boolean, got " + std::string(kind_name(n.k)));
            return n.b == (value == "true") || fail("boolean mismatch");
        }
        date_time_fields ours;
        date_time_fields want;
        if (!parse_date_time(n.str, ours)) return fail("our date-time text '" + n.str + "' does not parse");
        if (!parse_date_time(value, want)) return fail("expected date-time '" + value + "' does not parse");
        if (type == "datetime") {
            if (n.k != kind::offset_datetime) return fail("expected an offset date-time");
            if (!n.str.ends_with('Z')) return fail("offset date-time '" + n.str + "' is not in UTC");
            return instant(ours) == instant(want) || fail("instant '" + n.str + "' != '" + value + "'");
        }
        const kind expected = type == "datetime-local" ? kind::local_datetime
                              : type == "date-local"   ? kind::local_date
                              : type == "time-local"   ? kind::local_time
                                                       : kind::table;
        if (expected == kind::table) return fail("unknown tagged type '" + type + "'");
        if (n.k != expected) return fail("expected " + type + ", got " + std::string(kind_name(n.k)));
        if (ours.has_offset) return fail("local value '" + n.str + "' has an offset");
        return fields_tuple(ours) == fields_tuple(want) || fail("'" + n.str + "' != '" + value + "'");
    }
    if (j.is_array()) {
        if (n.k != kind::array) return fail("expected an array, got " + std::string(kind_name(n.k)));
        if (n.items.size() != j.size())
            return fail(std::to_string(n.items.size()) + " items, expected " + std::to_string(j.size()));
        for (std::size_t i = 0; i < j.size(); ++i)
            if (!matches(*n.items[i], j[i], why)) return false;
        return true;
    }
    if (j.is_object()) {
        if (n.k != kind::table) return fail("expected a table, got " + std::string(kind_name(n.k)));
        if (n.entries.size() != j.size())
            return fail(std::to_string(n.entries.size()) + " keys, expected " + std::to_string(j.size()));
        for (const auto& e : n.entries) {
            if (!j.contains(e.key)) return fail("unexpected key '" + e.key + "'");
            if (!matches(*e.value, j[e.key], why)) return false;
        }
        return true;
    }
    return fail("unexpected json " + j.dump());
}

std::uint32_t tree_depth(const node& n, std::uint32_t depth = 0) {
    std::uint32_t deepest = depth;
    for (const auto& e : n.entries) deepest = std::max(deepest, tree_depth(*e.value, depth + 1));
    for (const auto& item : n.items) deepest = std::max(deepest, tree_depth(*item, depth + 1));
    return deepest;
}

} // namespace

TEST_CASE("toml-test: every valid file loads and matches its json", "[snapshot][toml-test]") {
    if (!kbl::test::have_shared("toml-test/valid", "toml-test through the loader")) return;
    const auto& files = suite_files("valid");
    REQUIRE(files.size() >= 200);
    for (const auto& rel : files) {
        DYNAMIC_SECTION(rel) {
            const std::string path = suite_path(rel);
            REQUIRE(loads_without_crashing(path));
            kbl::diagnostics errs;
            auto snap = kbl::snap::load_snapshot_file(path, kbl::snap::default_load_limits(), {}, errs);
            INFO((errs.empty() ? std::string() : kbl::render_diagnostic(errs.front())));
            REQUIRE(snap);
            CHECK(errs.empty());
            REQUIRE(snap->root);
            CHECK(snap->root->k == kind::table);

            std::string json_path = path.substr(0, path.size() - 5) + ".json";
            REQUIRE(fs::exists(json_path));
            const auto expected = nlohmann::json::parse(kbl::test::read_file(json_path));
            std::string why;
            const bool same = matches(*snap->root, expected, why);
            INFO(why);
            CHECK(same);

            // The pre-scan's idea of nesting depth is the depth of the loaded tree.
            const std::uint32_t depth = tree_depth(*snap->root);
            auto lim = kbl::snap::default_load_limits();
            lim.max_depth = depth;
            kbl::diagnostics at_limit;
            CHECK(kbl::snap::load_snapshot_file(path, lim, {}, at_limit));
            if (depth > 0) {
                lim.max_depth = depth - 1;
                kbl::diagnostics below;
                CHECK_FALSE(kbl::snap::load_snapshot_file(path, lim, {}, below));
                REQUIRE(below.size() == 1);
                CHECK(below[0].check_id == "limit");
            }
        }
    }
}

TEST_CASE("toml-test: every invalid file is rejected with a located error", "[snapshot][toml-test]") {
    if (!kbl::test::have_shared("toml-test/invalid", "toml-test through the loader")) return;
    const auto& files = suite_files("invalid");
    REQUIRE(files.size() >= 490);
    for (const auto& rel : files) {
        DYNAMIC_SECTION(rel) {
            const std::string path = suite_path(rel);
            REQUIRE(loads_without_crashing(path));
            kbl::diagnostics errs;
            auto snap = kbl::snap::load_snapshot_file(path, kbl::snap::default_load_limits(), {}, errs);
            CHECK_FALSE(snap);
            REQUIRE(errs.size() == 1);
            const auto& d = errs.front();
            INFO(kbl::render_diagnostic(d));
            CHECK(d.severity == kbl::diag_severity::error);
            CHECK(d.check_id == "toml");
            REQUIRE(d.file);
            CHECK(d.name() == path);
            CHECK(d.where.line >= 1);
            CHECK(d.where.column >= 1);
            CHECK(d.where.line <= d.file->line_count());
            CHECK_FALSE(d.message.empty());
            CHECK_FALSE((d.message.front() >= 'A' && d.message.front() <= 'Z'));
            CHECK(d.message.find("Error while parsing") == std::string::npos);
            CHECK(d.message.back() != '.');
        }
    }
}
