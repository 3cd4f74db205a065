#pragma once
// `kblint test`: run the rule unit tests (checker/rule_test.hpp) and print the failing cases.
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace kbl::cli {

struct test_flags {
    pack_flags pack;
    std::vector<std::string> paths;   ///< test files or folders; empty: rules/tests
    std::vector<std::string> filter;  ///< globs over case names
    bool verbose = false;
};

/// Declare the arguments and options of `kblint test`.
void define_test(CLI::App& sub, test_flags& f);

/// Run the tests: 0 all passed, 1 a case failed, 2 invalid test file or rules, 3 no case found.
int run_test(const test_flags& f);

} // namespace kbl::cli
