#pragma once
// `kblint check --shard K/N`: the flag, the input errors a shard reports (each exactly once over the
// shards), and the "shard" key of its JSON report (checker/report/shard_json.hpp) that `kblint merge`
// reads. The engine's part (which clusters a shard checks) is checker/engine/shard.hpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/engine.hpp"
#include "checker/report/shard_json.hpp"
#include "cli/cmd_check.hpp"

namespace kbl::cli {

/// A usage error for `--shard`: a value that is not K/N with K from 1 to N, `--focus` with it, or
/// `kblint baseline` (which needs every cluster); nothing when it is fine or not given.
std::optional<int> validate_shard(const check_flags& f);

/// The shard of `--shard` (already validated); nullopt without it.
std::optional<shard_spec> shard_flag(const check_flags& f);

/// Keep in `errors` (the errors of finding and loading snapshots, which every shard meets alike)
/// those that fall in this shard by their file name; the index of each kept one among them all.
std::vector<std::uint32_t> keep_shard_errors(const check_flags& f, diagnostics& errors);

/// What the run whose report is `r` adds to its JSON report: the shard, the fingerprints every shard
/// of one run shares, and where its errors and evaluations sit in one run over the fleet. `files`
/// are the snapshot files found, `load_order` what keep_shard_errors returned.
struct shard_run {
    const check_flags& flags;
    const pack& p;
    const gate_inputs& gate;
    std::string_view today;
    const std::vector<std::string>& files;
    const std::vector<std::uint32_t>& load_order;
    const check_result& result;
};
std::shared_ptr<const shard_info> shard_report_info(const shard_run& run, const report& r);

} // namespace kbl::cli
