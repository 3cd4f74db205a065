#pragma once
// The "shard" key of the JSON report of `kblint check --shard K/N --format json`: what `kblint merge`
// needs, beyond the report itself, to write the report of one run over the whole fleet in any format.
// New keys only, under "shard": report version 1 and its other keys are unchanged.
//
//   index, count           the shard (K of N)
//   pack, options, inputs  fingerprints that every shard of one run shares (rule pack; options that
//                          change findings or their status; snapshot files found before sharding)
//   snapshot_files, fail_on  the files found (every shard's) and --fail-on, for the exit status
//   rules                  the selected rules (SARIF rule metadata, the HTML rule table)
//   evaluated              the (rule, node) pairs evaluated, by cluster (JUnit test cases, HTML matrix)
//   checked                the cluster ordinal of each entry of the report's "checked" snapshots and changes
//   runbooks               `--show-runbook` only: the cluster ordinal of each entry of the report's "runbooks"
//   errors                 per entry of "errors": its place in one run's order, severity, notes
//   sources                the lines of every file a finding or error points into, two lines around
//                          each place (snippets of the text, SARIF, JUnit and HTML reports)
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/engine/shard.hpp"
#include "checker/report/report.hpp"

namespace kbl {

/// Where an input error of a shard sits in the errors of one run over the fleet: errors are in
/// pass order, then by ordinal (a shard keeps the order of the errors of one cluster).
struct error_place {
    /// The files that failed to load, then the clusters over the size limit, the incomplete
    /// clusters, and what evaluation found.
    enum class pass : std::uint8_t { loading = 0, cluster_size = 1, incomplete = 2, evaluation = 3 };
    pass p = pass::loading;
    std::uint32_t ordinal = 0;  ///< loading: the index among every loading error; else the cluster's ordinal
};

/// What a sharded run adds to its report for `kblint merge`.
struct shard_info {
    shard_spec spec;
    std::string pack;                    ///< fingerprint of the rule pack
    std::string options;                 ///< fingerprint of the options that change findings or their status
    std::string inputs;                  ///< fingerprint of the snapshot files found, before sharding
    std::size_t snapshot_files = 0;      ///< snapshot files found, before sharding (exit status 3 when none)
    std::string fail_on;                 ///< --fail-on of the run
    std::vector<error_place> error_order;       ///< per entry of the report's errors
    std::vector<std::uint32_t> evaluated_order; ///< per entry of the report's evaluated: its cluster's ordinal
    std::vector<std::uint32_t> checked_snapshot_order;  ///< per entry of the report's checked.snapshots: its cluster's ordinal
    std::vector<std::uint32_t> checked_change_order;    ///< per entry of the report's checked.changes: its cluster's ordinal
    std::vector<std::uint32_t> timeline_order;          ///< per entry of the report's timelines: its cluster's ordinal
};

/// Lines kept around each place a finding or error points at: as many as the HTML report shows.
inline constexpr std::uint32_t shard_source_context = 2;

/// The "shard" object of the JSON report of `r` (whose `shard` is set).
nlohmann::ordered_json shard_json(const report& r);

} // namespace kbl
