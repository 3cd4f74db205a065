#pragma once
// `kblint explain RULE-ID`: a rule's title, metadata, rationale and source; with `--trace PATH...`,
// how the rule evaluated on those snapshots, sub-expression by sub-expression.
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace kbl::cli {

/// The arguments of `kblint explain`.
struct explain_flags {
    pack_flags pack;
    std::string id;
    bool trace = false;               ///< `--trace`: evaluate the rule on `paths` and show each value read
    std::vector<std::string> paths;   ///< snapshot files or folders (with `--trace`)
};

/// Declare the arguments and options of `kblint explain`.
void define_explain(CLI::App& sub, explain_flags& f);

/// Explain a rule: 0, or 2 for an unknown rule (with "did you mean"), invalid rule files, or (with
/// `--trace`) no snapshot or snapshots that do not load.
int run_explain(const explain_flags& f);

} // namespace kbl::cli
