#pragma once
// `kblint rules`: the loaded rules, as an aligned table, JSON or a Markdown reference page.
#include <string>

#include "cli/common.hpp"

namespace kbl::cli {

/// The options of `kblint rules`.
struct rules_flags {
    pack_flags pack;
    std::string format = "text";
    bool strict = false;  ///< `--strict`: a warning in the rule files fails the command
};

/// A rule's KB reference as printed: the article, and the section in quotes when there is one.
std::string ref_text(const kb_ref& ref);

/// Declare the options of `kblint rules`.
void define_rules(CLI::App& sub, rules_flags& f);

/// List the rules: 0; 1 with `--strict` when the rule files have warnings (the list is still
/// printed); 2 on a usage error or invalid rule files.
int run_rules(const rules_flags& f);

} // namespace kbl::cli
