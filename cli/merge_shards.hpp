#pragma once
// `kblint merge`: the reports of the shards of one run (`kblint check --shard K/N -f json`) joined
// into the report of one run over the whole fleet, with the same findings, input errors,
// notifications, evaluations and summary, in the same order, so that every format renders the same
// bytes as a single run would.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/report/read_report.hpp"
#include "common/diagnostic.hpp"

namespace kbl::cli {

/// Every way the reports given are not the shards of one run, located in the report that differs
/// from the first (another shard count, rule pack, options or snapshot files; a shard given twice).
diagnostics shard_mismatches(const std::vector<shard_report>& shards);

/// The shards (1-based) of the run that no report is for, in order.
std::vector<std::uint32_t> missing_shards(const std::vector<shard_report>& shards);

/// The report of one run, joined from every shard's (shard_mismatches and missing_shards found
/// nothing), with what its exit status needs.
struct merged_report {
    report r;                        ///< no exit status, source root or home page yet
    std::size_t snapshot_files = 0;  ///< snapshot files the run found (exit status 3 when none)
    std::string fail_on;             ///< the --fail-on the shards ran with
};
merged_report merge_shards(std::vector<shard_report> shards);

} // namespace kbl::cli
