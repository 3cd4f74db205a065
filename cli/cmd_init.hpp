#pragma once
// `kblint init`: a commented snapshot template from the loaded rule pack's schema, on stdout or in
// a new file (checker/report/pack_docs.hpp writes it).
#include <string>

#include "cli/common.hpp"

namespace kbl::cli {

struct init_flags {
    pack_flags pack;
    std::string output;  ///< a new file to write (never replaced); empty or '-': stdout
};

/// Declare the options of `kblint init`.
void define_init(CLI::App& sub, init_flags& f);

/// Write the template: 0 written; 2 usage error, invalid rule files, a pack without a schema, or
/// an output file that exists already.
int run_init(const init_flags& f);

} // namespace kbl::cli
