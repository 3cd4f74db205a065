#include "checker/gate/waivers.hpp"
#include "common/check_ids.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "checker/engine/engine.hpp"
#include "checker/snapshot/snapshot.hpp"

namespace kbl {

namespace {


constexpr std::string_view waivers_check_id = check_ids::waivers;

// An error of the waiver file at `where` (1:1 when the place is unknown).
diagnostic located(const source_ptr& file, pos where, std::string message) {
    return error_at(file, where.valid() ? where : pos{1, 1}, std::move(message), std::string(waivers_check_id));
}

// Read one string key of a waiver; an error when it has another type or is blank.
void read_string(const snap::entry& e, const source_ptr& file, std::string& out, diagnostics& errs) {
    const snap::node& v = *e.value;
    if (v.k != snap::kind::string) {
        errs.push_back(located(file, v.where, fmt::format("'{}' must be a string, not {}", e.key, snap::kind_with_article(v.k))));
        return;
    }
    if (v.str.find_first_not_of(" \t") == std::string::npos) {
        errs.push_back(located(file, v.where, fmt::format("'{}' must not be empty", e.key)));
        return;
    }
    out = v.str;
}

void read_expires(const snap::entry& e, const source_ptr& file, std::string& out, diagnostics& errs) {
    const snap::node& v = *e.value;
    if (v.k == snap::kind::local_date) {
        out = v.str;
        return;
    }
    diagnostic d = located(file, v.where,
                           fmt::format("'expires' must be a TOML date such as 2026-12-31, not {}", snap::kind_with_article(v.k)));
    if (v.k == snap::kind::string && is_date(v.str))
        add_help_note(d, fmt::format("write the date without quotes: expires = {}", v.str));
    else if (v.k == snap::kind::local_datetime || v.k == snap::kind::offset_datetime)
        add_help_note(d, "a waiver expires at the end of a day (UTC): give the date only");
    errs.push_back(std::move(d));
}

std::optional<waiver> read_waiver(const snap::node& t, const source_ptr& file, diagnostics& errs) {
    std::size_t before = errs.size();
    waiver w;
    w.where = t.where.valid() ? t.where : pos{1, 1};
    bool has_rule = false, has_reason = false, has_expires = false;
    for (const auto& e : t.entries) {
        if (e.key == "rule") {
            has_rule = true;
            read_string(e, file, w.rule, errs);
        } else if (e.key == "node") {
            read_string(e, file, w.node, errs);
        } else if (e.key == "cluster") {
            read_string(e, file, w.cluster, errs);
        } else if (e.key == "reason") {
            has_reason = true;
            read_string(e, file, w.reason, errs);
        } else if (e.key == "expires") {
            has_expires = true;
            read_expires(e, file, w.expires, errs);
        } else if (e.key == "approved_by") {
            read_string(e, file, w.approved_by, errs);
        } else {
            std::string near = closest_key(e.key, waiver_keys());
            std::string msg = near.empty() ? fmt::format("unknown key '{}' in a waiver", e.key)
                                           : fmt::format("unknown key '{}' in a waiver, did you mean '{}'?", e.key, near);
            diagnostic d = located(file, e.key_pos, std::move(msg));
            if (near.empty())
                add_help_note(d, fmt::format("a waiver may hold {}", fmt::format("'{}'", fmt::join(waiver_keys(), "', '"))));
            errs.push_back(std::move(d));
        }
    }
    auto missing = [&](bool present, std::string_view key, std::string_view help) {
        if (present) return;
        diagnostic d = located(file, w.where, fmt::format("this waiver has no '{}'", key));
        add_help_note(d, std::string(help));
        errs.push_back(std::move(d));
    };
    missing(has_rule, "rule", "name the rule it waives: rule = \"RULE-ID\" (a glob such as \"Q241573-07*\" is allowed)");
    missing(has_reason, "reason", "say why the finding is accepted: reason = \"...\"");
    missing(has_expires, "expires", "give the last day it holds (UTC): expires = 2026-12-31");
    if (errs.size() != before) return std::nullopt;
    return w;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::string describe(const waiver& w) {
    std::string out = fmt::format("'{}'", w.rule);
    if (!w.node.empty()) out += fmt::format(" on '{}'", w.node);
    if (!w.cluster.empty()) out += fmt::format(" in cluster '{}'", w.cluster);
    return out;
}

bool matches(const waiver& w, const finding& f) {
    if (!glob_match(w.rule, f.rule)) return false;
    if (!w.node.empty() && (f.node.empty() || !glob_match(w.node, f.node))) return false;
    if (!w.cluster.empty() && (f.cluster.empty() || !glob_match(w.cluster, f.cluster))) return false;
    return true;
}

} // namespace

const std::vector<std::string>& waiver_keys() {
    static const std::vector<std::string> keys = {"rule", "node", "cluster", "reason", "expires", "approved_by"};
    return keys;
}

bool is_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return false;
    auto num = [&](std::size_t from, std::size_t n) {
        int v = 0;
        for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    int y = num(0, 4), m = num(5, 2), d = num(8, 2);
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    return d <= days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

std::string utc_today() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::optional<waiver_file> load_waivers(std::string name, std::string text, diagnostics& errs) {
    std::size_t before = errs.size();
    std::optional<snap::snapshot> doc = snap::load_snapshot(name, std::move(text), snap::default_load_limits(), {}, errs);
    if (!doc) return std::nullopt;
    waiver_file out;
    out.name = std::move(name);
    for (const auto& e : doc->root->entries) {
        if (e.key != "waiver") {
            std::string near = closest_match(e.key, {"waiver"});
            std::string msg = near.empty() ? fmt::format("unknown key '{}' in a waiver file", e.key)
                                           : fmt::format("unknown key '{}' in a waiver file, did you mean 'waiver'?", e.key);
            diagnostic d = located(doc->file, e.key_pos, std::move(msg));
            add_help_note(d, "a waiver file holds only '[[waiver]]' tables");
            errs.push_back(std::move(d));
            continue;
        }
        const snap::node& v = *e.value;
        bool tables = v.k == snap::kind::array &&
                      std::all_of(v.items.begin(), v.items.end(), [](const snap::node_ptr& i) { return i->k == snap::kind::table; });
        if (!tables) {
            diagnostic d = located(doc->file, v.where.valid() ? v.where : e.key_pos,
                                   fmt::format("'waiver' must be an array of tables, not {}", snap::kind_with_article(v.k)));
            add_help_note(d, "start each waiver with '[[waiver]]'");
            errs.push_back(std::move(d));
            continue;
        }
        for (const auto& item : v.items)
            if (auto w = read_waiver(*item, doc->file, errs)) out.waivers.push_back(std::move(*w));
    }
    if (errs.size() != before) return std::nullopt;
    return out;
}

long days_between(std::string_view from, std::string_view to) {
    auto day = [](std::string_view s) {
        auto num = [&](std::size_t at, std::size_t n) { return std::stoi(std::string(s.substr(at, n))); };
        std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)}, std::chrono::month{static_cast<unsigned>(num(5, 2))},
                                        std::chrono::day{static_cast<unsigned>(num(8, 2))}};
        return std::chrono::sys_days{ymd};
    };
    return static_cast<long>((day(to) - day(from)).count());
}

waiver_outcome apply_waivers(const waiver_file& wf, std::vector<finding>& findings, std::string_view today, int warn_days) {
    waiver_outcome out;
    out.expired_match.assign(findings.size(), false);
    std::vector<bool> used(wf.waivers.size(), false);
    for (std::size_t k = 0; k < findings.size(); ++k) {
        finding& f = findings[k];
        if (f.st != status::fail && f.st != status::unknown) continue;
        for (std::size_t i = 0; i < wf.waivers.size(); ++i) {
            const waiver& w = wf.waivers[i];
            if (!matches(w, f)) continue;
            if (w.expires < today) {
                out.expired_match[k] = true;
                continue;
            }
            used[i] = true;
            if (f.st == status::waived) continue;
            f.st = status::waived;
            f.waiver = waiver_ref{w.reason, w.expires, w.approved_by, wf.name, w.where};
        }
    }
    for (std::size_t i = 0; i < wf.waivers.size(); ++i) {
        const waiver& w = wf.waivers[i];
        notification n;
        n.level = "warning";
        n.file = wf.name;
        n.where = w.where;
        long left = w.expires < today ? -1 : days_between(today, w.expires);
        if (left < 0) {
            n.kind = check_ids::waiver_expired;
            n.message = fmt::format("waiver for {} expired on {}; it no longer waives", describe(w), w.expires);
        } else if (!used[i]) {
            n.kind = check_ids::waiver_unused;
            n.message = fmt::format("unused waiver for {}: it matches no finding", describe(w));
        } else if (left < warn_days) {
            n.kind = check_ids::waiver_expiring;
            n.message = fmt::format("waiver for {} expires on {} ({}); then its findings fail", describe(w), w.expires,
                                    left == 0 ? std::string("today") : left == 1 ? std::string("tomorrow")
                                                                                 : fmt::format("in {} days", left));
        } else {
            continue;
        }
        out.notifications.push_back(std::move(n));
    }
    return out;
}

} // namespace kbl
