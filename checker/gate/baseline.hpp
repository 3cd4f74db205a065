#pragma once
// Baselines: findings accepted for now. A finding of the current run whose rule id and fingerprint
// are in the baseline gets the status `baselined`: it is still reported, and never fails. A waived
// finding is never recorded, and a finding an expired waiver matches is never baselined.
//
// The file `kblint baseline create` writes is JSON, one entry per line, sorted by rule id and
// fingerprint; cluster, node, key path and step are hints for readers that never decide a match
// and do not change when lines move or folders are renamed. A kblint JSON report (version 1) is
// read as a baseline too: its failing, unknown and baselined findings, never its waived ones.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "checker/engine/finding.hpp"
#include "checker/report/report.hpp"

namespace kbl {

/// A loaded baseline.
struct baseline {
    std::string name;
    std::vector<baseline_entry> entries;  ///< sorted by rule id, then fingerprint; no two alike
};

/// The version of the baseline file format this kblint writes and reads.
inline constexpr int baseline_version = 1;

/// Read a baseline file, or a kblint JSON report (version 1), named `name`. Nesting deeper than
/// `max_depth` (as for snapshots, `--max-toml-depth`), invalid JSON, another version and missing or
/// mistyped keys are appended to `errs`, located at the offending value; nullopt when there is any.
/// Memory stays proportional to the entries kept, whatever the nesting and size of the rest.
std::optional<baseline> load_baseline(std::string name, std::string text, std::uint32_t max_depth, diagnostics& errs);

/// Give the status `baselined` to the failing and unknown findings whose rule id and fingerprint
/// are in `b`, except those an expired waiver matches (`expired_match[i]` for `findings[i]`; may be
/// empty). Returns the entries that matched none (stale).
std::vector<baseline_entry> apply_baseline(const baseline& b, std::vector<finding>& findings,
                                           const std::vector<bool>& expired_match = {});

/// The entries of `stale` that the run could have matched: their rule was evaluated on their cluster
/// (or, outside any cluster, on their node). Entries of rules filtered out or of snapshots not
/// given are not stale: `kblint baseline update` keeps them.
std::vector<baseline_entry> in_scope(std::vector<baseline_entry> stale, const std::vector<evaluation>& evaluated);

/// The baseline entry of a finding (hints filled in; no file or position).
baseline_entry entry_of(const finding& f);

/// The text of a baseline file holding `entries` (sorted and deduplicated here).
std::string render_baseline(std::vector<baseline_entry> entries);

/// A note for each stale entry: it matches no finding, and `kblint baseline update` drops it.
std::vector<notification> stale_notes(const std::vector<baseline_entry>& stale);

} // namespace kbl
