// The kblint binary's allocator (cmake/allocator.cmake): mimalloc in a plain build, where it must
// really replace malloc (a library dropped by the linker, or loaded after libc, would leave glibc's
// malloc in place without a word), and the sanitizers' own in a sanitizer build.
#include <catch2/catch.hpp>

#include <string>

#include "tests/test_util.hpp"

using kbl::test::run_kblint;

TEST_CASE("allocator: the binary allocates with the allocator its build chose", "[allocator]") {
    // mimalloc reports its start on stderr when MIMALLOC_VERBOSE is set; glibc's malloc and the
    // sanitizers' ignore the variable.
    auto r = run_kblint({"--help"}, "", {"MIMALLOC_VERBOSE=1"});
    REQUIRE(r.status == 0);
    const bool mimalloc_started = r.err.find("mimalloc: process init") != std::string::npos;
    if (std::string(KBLINT_ALLOCATOR) == "mimalloc") {
        CHECK(mimalloc_started);
    } else {
        REQUIRE(std::string(KBLINT_ALLOCATOR) == "system");
        CHECK_FALSE(mimalloc_started);
        CHECK(r.err.empty());
    }
    // Without the variable mimalloc says nothing: a plain run's stderr stays the run's own.
    auto quiet = run_kblint({"--help"});
    CHECK(quiet.status == 0);
    CHECK(quiet.err.empty());
}
