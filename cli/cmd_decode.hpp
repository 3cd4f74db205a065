#pragma once
// `kblint decode TABLE CODE`: call the pack's `def decode_TABLE(code)` and print the record it returns.
#include <string>

#include "cli/common.hpp"

namespace kbl::cli {

struct decode_flags {
    pack_flags pack;
    std::string table;
    std::string code;
    std::string format = "text";
};

/// Declare the arguments and options of `kblint decode`.
void define_decode(CLI::App& sub, decode_flags& f);

/// Decode: 0 decoded, 1 the def gave no value, 2 usage error (unknown table, invalid rules).
int run_decode(const decode_flags& f);

} // namespace kbl::cli
