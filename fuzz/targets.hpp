#pragma once
// The fuzz targets' entry points, shared by the libFuzzer drivers (fuzz/fuzz_*.cpp) and the
// regression test that replays every file of fuzz/regressions/<target>/ (tests/fuzz_regressions_test.cpp).
// Each takes arbitrary bytes, runs them through kblint's public API, renders whatever comes out,
// and aborts when an invariant of the API is broken; anything else (a crash, a sanitizer report,
// an exception escaping) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kbl::fuzz {

/// Names of the targets, as used in fuzz/regressions/<target>/ and by scripts/fuzz.sh.
inline constexpr std::string_view target_names[] = {"rules", "snapshot", "eval", "pack"};

/// (a) The bytes as one rule file: parse, statically check and compile (`load_pack`).
int run_rules(const std::uint8_t* data, std::size_t size);

/// (b) The bytes as one TOML snapshot (`load_snapshot`), every path of the tree checked.
int run_snapshot(const std::uint8_t* data, std::size_t size);

/// (c) The built-in pack over the bytes split into two snapshots at the first "\n#%%\n" (two
/// nodes, so a cluster when their `cluster.name` agrees), the report rendered in every format.
int run_eval(const std::uint8_t* data, std::size_t size);

/// (d) The bytes as a rule file added to the built-in pack, evaluated over fixtures/healthy.
int run_pack(const std::uint8_t* data, std::size_t size);

/// Run target `name` on the bytes (the regression test's entry); false when the name is unknown.
bool run(std::string_view name, std::string_view bytes);

/// Separator between the two snapshots of the eval target.
inline constexpr std::string_view eval_separator = "\n#%%\n";

} // namespace kbl::fuzz
