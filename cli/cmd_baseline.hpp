#pragma once
// Gating: the options of `kblint check` that decide which findings fail (--baseline, --waivers,
// --waiver-warn-days) and `kblint baseline create|update`, which runs the check with the same
// options and writes the baseline file instead of a report.
//   create: every failing and unknown finding, never a waived one;
//   update: the entries some finding still matches (stale ones are dropped, nothing is added).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/gate/baseline.hpp"
#include "checker/gate/waivers.hpp"
#include "checker/report/report.hpp"
#include "cli/config.hpp"
#include "common/diagnostic.hpp"

namespace CLI {
class App;
}

namespace kbl::cli {

/// The gating options of `kblint check` (and of `kblint baseline`, which shares check's options).
struct gate_flags {
    std::string baseline;  ///< --baseline FILE; the project file's `baseline` when unset
    std::string waivers;   ///< --waivers FILE; the project file's `waivers`, else `.kblint-waivers.toml` when present
    int waiver_warn_days = default_waiver_warn_days;
    std::vector<std::string> focus;  ///< --focus FILE: report only the clusters holding these snapshots
    std::string action;           ///< `create` or `update` under `kblint baseline`; empty under `kblint check`
    CLI::App* command = nullptr;  ///< the `kblint baseline` command
};

/// Add --baseline, --waivers, --waiver-warn-days and --focus to a command.
void add_gate_options(CLI::App& sub, gate_flags& f);

/// Take the project file's `baseline`, `waivers` and `waiver_warn_days` where the command line of
/// `sub` left them unset.
void apply_gate_config(const project_config& cfg, const CLI::App& sub, gate_flags& f);

/// The waiver file and the baseline of a run.
struct gate_inputs {
    std::optional<waiver_file> waivers;
    std::optional<baseline> base;
};

/// Load the waiver file and the baseline (which `baseline create` does not read), each bounded like
/// a snapshot (`max_bytes`, `max_depth`); every problem is appended to `errs`.
gate_inputs load_gate(const gate_flags& f, std::size_t max_bytes, std::uint32_t max_depth, diagnostics& errs);

/// Apply the waivers, then the baseline, to `r.findings`: statuses, waiver warnings and a note per
/// stale baseline entry in `r.notifications`, `r.baseline` and `r.stale_baseline`. With --focus, the
/// findings, evaluations and stale entries of other clusters are then left out (input errors never;
/// nothing when the cluster of a focus file is unknown).
void apply_gate(const gate_inputs& in, const gate_flags& f, std::string_view today, report& r);

/// Define `kblint baseline ACTION [check options] PATH...`; `define_check_options` adds check's.
void define_baseline(CLI::App& sub, gate_flags& f, const std::function<void(CLI::App&)>& define_check_options);

/// True under `kblint baseline`: the run writes a baseline instead of a report.
bool writes_baseline(const gate_flags& f);

/// A usage error for `kblint baseline` (no baseline file named, or a report option given), before
/// anything is loaded; nothing under `kblint check`.
std::optional<int> check_baseline_usage(const gate_flags& f);

/// Write the baseline from the report `r` of the run (exit status `status`; `in` as loaded): 0
/// written; 2, 3 or 4 (the run's status, its errors on stderr) when the run could not evaluate
/// everything. `update` keeps the entries the run matched or could not see, and adds nothing.
int write_baseline(const report& r, const gate_inputs& in, const gate_flags& f, int status);

} // namespace kbl::cli
