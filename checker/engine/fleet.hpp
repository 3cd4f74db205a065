#pragma once
// A fleet checked without holding it (`kblint check`, engine.hpp check_fleet): before any file is
// parsed, a scan of each file's bytes (checker/snapshot/key_scan.hpp) learns its cluster id, and
// the files are grouped by cluster. A file the scan cannot read for sure is parsed once more here.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checker/engine/engine.hpp"

namespace kbl {

/// The files of a fleet grouped by cluster.
struct fleet_plan {
    std::vector<std::vector<std::uint32_t>> groups;  ///< file indices of one cluster (or one file of its own), in file order
    std::vector<std::string> keys;                   ///< per group: its cluster_ref::key, empty for a file of its own
    std::vector<diagnostics> errors;                 ///< per file: the errors of loading it
    std::vector<char> failed;                        ///< per file: it failed to load
    /// Per file: the bytes the grouping read, kept for the load within limits::max_kept_scan_bytes
    /// (nullopt: read again when loaded). The load takes them, which releases them. Only bytes the
    /// scan found within the depth and value limits are kept: their load does not check those again.
    std::vector<std::optional<std::string>> kept;
    /// With `keep_hashes`: per file read by the grouping, its size and content_hash (cache_codec.hpp)
    /// (`hashed` 1), so that the result cache never reads a file again to key its cluster.
    std::vector<char> hashed;
    std::vector<std::uint64_t> sizes;
    std::vector<std::array<std::uint64_t, 2>> hashes;
};

/// Group the files of `in` by cluster, ordered by their first file, reading them on `jobs` threads.
/// A file whose cluster only a parse can tell that fails to load is in no group, with its errors.
/// The bytes of the files scanned are kept in `kept` while they fit the budget.
/// `keep_hashes`: fill `hashed`, `sizes` and `hashes` for the files read.
fleet_plan plan_fleet(const pack& p, const fleet_files& in, unsigned jobs, bool keep_hashes = false);

/// Run `work(i)` for every i below `n` on `jobs` threads with large stacks (even with one job). The
/// first exception stops the others and is rethrown here after every worker ended.
/// `fail_for_test`: each worker throws at once, as a bug would (KBLINT_TEST_INTERNAL_ERROR).
void for_each_index(std::size_t n, unsigned jobs, bool fail_for_test, const std::function<void(std::size_t)>& work);

} // namespace kbl
