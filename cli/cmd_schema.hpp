#pragma once
// `kblint schema [--format text|json-schema]`: the snapshot schema of the loaded rule pack, as a
// listing or as a JSON Schema for TOML editors (checker/schema_export.hpp renders both).
#include <string>

#include "cli/common.hpp"

namespace kbl::cli {

struct schema_flags {
    pack_flags pack;
    std::string format = "text";
};

/// Declare the options of `kblint schema`.
void define_schema(CLI::App& sub, schema_flags& f);

/// Print the schema: 0 printed; 2 usage error, invalid rule files, or a pack that declares no schema.
int run_schema(const schema_flags& f);

} // namespace kbl::cli
