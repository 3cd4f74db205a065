#pragma once
// `kblint explain RULE-ID`: a rule's title, metadata, rationale and source.
#include <string>

#include "cli/common.hpp"

namespace kbl::cli {

/// The arguments of `kblint explain`.
struct explain_flags {
    pack_flags pack;
    std::string id;
};

/// Declare the arguments and options of `kblint explain`.
void define_explain(CLI::App& sub, explain_flags& f);

/// Explain a rule: 0, or 2 for an unknown rule (with "did you mean") or invalid rule files.
int run_explain(const explain_flags& f);

} // namespace kbl::cli
