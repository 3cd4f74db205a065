#pragma once
// Waivers (`.kblint-waivers.toml`): findings accepted for a while, each with a reason and an expiry
// date. A waived finding stays in every report with the status `waived` and never fails the run.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "checker/engine/finding.hpp"
#include "checker/report/report.hpp"

namespace kbl {

/// One `[[waiver]]` table.
struct waiver {
    std::string rule;         ///< glob over rule ids
    std::string node;         ///< glob over node names; empty: any node
    std::string cluster;      ///< glob over cluster names; empty: any cluster
    std::string reason;
    std::string expires;      ///< YYYY-MM-DD; the waiver holds until the end of that day, UTC
    std::string approved_by;  ///< may be empty
    pos where;                ///< the `[[waiver]]` header
};

/// A loaded waiver file.
struct waiver_file {
    std::string name;
    std::vector<waiver> waivers;  ///< in file order
};

/// The keys a `[[waiver]]` table may hold.
const std::vector<std::string>& waiver_keys();

/// Parse a waiver file named `name`. Every problem (invalid TOML, an unknown key with "did you
/// mean", a missing `rule`, `reason` or `expires`, a value of the wrong type) is appended to `errs`
/// with its position; nullopt when there is any.
std::optional<waiver_file> load_waivers(std::string name, std::string text, diagnostics& errs);

/// True when `s` is a date `YYYY-MM-DD` that exists in the calendar.
bool is_date(std::string_view s);

/// Today's date in UTC as `YYYY-MM-DD`.
std::string utc_today();

/// Days from `from` to `to` (both valid YYYY-MM-DD dates); negative when `to` comes first.
long days_between(std::string_view from, std::string_view to);

/// Waivers that stop waiving within this many days warn, by default (`--waiver-warn-days`).
inline constexpr int default_waiver_warn_days = 14;

/// What applying a waiver file did.
struct waiver_outcome {
    std::vector<notification> notifications;  ///< warnings, in file order
    std::vector<bool> expired_match;          ///< per finding: an expired waiver matches it
};

/// Give the status `waived` to the failing and unknown findings that a waiver still in force on
/// `today` (YYYY-MM-DD) matches. Warns, in file order, for every expired waiver, every waiver that
/// matched no finding, and every waiver in use that stops waiving within `warn_days` days (0: never).
waiver_outcome apply_waivers(const waiver_file& w, std::vector<finding>& findings, std::string_view today,
                             int warn_days = default_waiver_warn_days);

} // namespace kbl
