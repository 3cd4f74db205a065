#pragma once
// `kblint merge REPORT.json...`: join the JSON reports of `kblint check --shard K/N` (one per CI
// runner) into the report of one run over the whole fleet, in any report format.
#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kbl::cli {

/// The options of `kblint merge`.
struct merge_flags {
    std::vector<std::string> reports;
    std::string format = "text";
    std::string output;
    std::string fail_on;  ///< empty: the --fail-on the shards ran with
    std::string color = "auto";
    bool quiet = false;
    bool show_baselined = false;  ///< list baselined findings in the text and concise reports too, as `check --show-baselined`
    std::size_t max_file_size = 1024ull * 1024 * 1024;  ///< largest report read
};

/// Declare the arguments and options of `kblint merge`.
void define_merge(CLI::App& sub, merge_flags& f);

/// Merge: 0 no finding at or above --fail-on; 1 at least one; 2 usage error, an unreadable or
/// invalid report, reports that are not every shard of one run, or input errors in the reports;
/// 3 the run found no snapshot, or every rule was filtered out.
int run_merge(const merge_flags& f);

} // namespace kbl::cli
