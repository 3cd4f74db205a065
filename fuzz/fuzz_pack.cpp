// libFuzzer driver of the 'pack' target (see fuzz/targets.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return kbl::fuzz::run_pack(data, size);
}
