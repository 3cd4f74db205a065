#pragma once
// The JSON report of `kblint check --shard K/N --format json`, read back into the report model
// (checker/report/report.hpp) with its "shard" key (checker/report/shard_json.hpp), for `kblint merge`.
#include <optional>
#include <string>
#include <string_view>

#include "checker/report/report.hpp"
#include "checker/report/shard_json.hpp"
#include "common/diagnostic.hpp"

namespace kbl {

/// One shard's report as read.
struct shard_report {
    std::string name;  ///< the file it was read from
    source_ptr text;   ///< its bytes, for located messages
    report r;          ///< findings, errors, notifications, stale baseline entries, rules, evaluations, summary counts
    shard_info info;   ///< the "shard" key
    /// Where "shard.index", "shard.count", "shard.pack", "shard.options" and "shard.inputs" are written.
    pos index_at, count_at, pack_at, options_at, inputs_at;
};

/// What a report of kblint is and how one for `kblint merge` is written, for messages.
inline constexpr std::string_view shard_report_help =
    "write the report of each shard with 'kblint check --shard K/N --format json -o FILE ...'";

/// Read the report named `name` (bytes `text`) written by kblint `version`. Invalid JSON, a document
/// that is not a kblint JSON report, another report version or kblint version, a report without
/// the "shard" key and a missing or mistyped key are appended to `errs`, each located at the
/// offending value (at most 20 of one report); nullopt when there is any.
std::optional<shard_report> read_shard_report(std::string name, std::string text, std::string_view version,
                                              diagnostics& errs);

/// The severity named `name` ("error", "warning", "info"), or nullopt.
std::optional<severity> severity_named(std::string_view name);

} // namespace kbl
