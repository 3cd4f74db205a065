#pragma once
// Baselines: a previous JSON report whose findings are accepted. A finding of the current run whose
// fingerprint is in the baseline gets the status `baselined`: it is still reported, and never fails.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "checker/engine/finding.hpp"

namespace kbl {

/// The fingerprints of the findings of a previous kblint JSON report.
struct baseline {
    std::string name;
    std::set<std::string> fingerprints;
};

/// Read a kblint JSON report (version 1) as a baseline. Invalid JSON, another `report_version`
/// and missing or mistyped keys (`kblint`, `findings`, each finding's `fingerprint`) are appended
/// to `errs`, located at the offending value where possible; nullopt when there is any.
std::optional<baseline> load_baseline(std::string name, std::string text, diagnostics& errs);

/// Give the status `baselined` to the failing and unknown findings whose fingerprint is in `b`;
/// returns how many changed.
std::size_t apply_baseline(const baseline& b, std::vector<finding>& findings);

} // namespace kbl
