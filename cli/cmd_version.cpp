#include "cli/cmd_version.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "cli/builtin_rules.hpp"
#include "cli/common.hpp"
#include "cli/console.hpp"

#ifndef KBLINT_VERSION
#error "KBLINT_VERSION must be defined by the build"
#endif
#ifndef KBLINT_HOMEPAGE
#define KBLINT_HOMEPAGE ""
#endif

namespace kbl::cli {

const std::string_view kblint_version = KBLINT_VERSION;
const std::string_view kblint_homepage = KBLINT_HOMEPAGE;

std::string version_line() {
    std::uint64_t h = 14695981039346656037ull;
    auto mix = [&](std::string_view s) {
        for (char c : s) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ull;
        }
        h ^= 0;
        h *= 1099511628211ull;
    };
    for (const auto& b : builtin_rule_files()) {
        mix(b.name);
        mix(b.text);
    }
    std::vector<source_ptr> sources = builtin_sources();
    std::string rules = "empty";
    if (!sources.empty()) {
        pack_result r = load_pack(sources, limits::max_rule_depth, limits::max_file_bytes, builtin_images(sources));
        rules = r.p ? plural(pack_rules(*r.p).size(), "rule", "rules") : std::string("invalid");
    }
    return fmt::format("kblint {} (rule pack {}, {:016x})\n", kblint_version, rules, h);
}

int run_version() {
    return write_stdout(version_line());
}

} // namespace kbl::cli
