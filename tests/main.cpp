// The test runner: Catch2's own session, plus one rule: a test case that skipped a suite because
// its external inputs are missing (kbl::test::have_shared) ends with status 77, which CTest shows as
// "Skipped" (SKIP_RETURN_CODE in tests/CMakeLists.txt) instead of "Passed".
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

#include "tests/test_util.hpp"

int main(int argc, char* argv[]) {
    int status = Catch::Session().run(argc, argv);
    // A failed run keeps its folders to look at; KBLINT_KEEP_TEMP=1 keeps them always.
    if ((status == 0 || status == kbl::test::skip_status) && std::getenv("KBLINT_KEEP_TEMP") == nullptr)
        kbl::test::remove_temp_dirs();
    if (status == 0 && kbl::test::skipped_for_missing_shared()) return kbl::test::skip_status;
    return status;
}
