// libFuzzer driver of the 'snapshot' target (see fuzz/targets.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return kbl::fuzz::run_snapshot(data, size);
}
