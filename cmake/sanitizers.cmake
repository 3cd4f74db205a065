# Sanitizer and fuzzer builds, both off by default. Included before any target is defined, so the
# flags reach every library, the kblint binary and the tests alike.
#
#   cmake --preset sanitize          build-sanitize/: build type Sanitize, clang, ASan + UBSan (+LSan),
#                                    libFuzzer targets (scripts/sanitize.sh, what CI runs)
#   cmake -S . -B b -DCMAKE_BUILD_TYPE=Sanitize           the same sanitizers with any compiler
#   cmake -S . -B b -DKBLINT_SANITIZE=address,undefined   sanitizers in any build type
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DKBLINT_FUZZ=ON        (scripts/fuzz.sh)
#
# The Sanitize build type compiles at -O1 with line tables only (-g1: enough for every report's
# stack trace, and twice as fast to build as -O2 -g) and with libstdc++'s assertions, so that an
# out-of-range operator[] or front() of an empty container aborts too.
# Undefined behaviour is fatal (-fno-sanitize-recover=all): a sanitizer report fails the test or
# the fuzz run instead of scrolling past.
set(KBLINT_SANITIZE "" CACHE STRING "Comma-separated sanitizers for every target, e.g. 'address,undefined' (empty: none)")
option(KBLINT_FUZZ "Build the libFuzzer targets of fuzz/ (clang only; implies KBLINT_SANITIZE=address,undefined)" OFF)

# project() already created CMAKE_CXX_FLAGS_SANITIZE, empty, when the build type is Sanitize: an
# empty value is replaced (an empty value would mean -O0, six times slower under the sanitizers).
if("${CMAKE_CXX_FLAGS_SANITIZE}" STREQUAL "")
  set(CMAKE_CXX_FLAGS_SANITIZE "-O1 -g1 -D_GLIBCXX_ASSERTIONS" CACHE STRING "C++ flags of the Sanitize build type" FORCE)
endif()
mark_as_advanced(CMAKE_CXX_FLAGS_SANITIZE)
if(CMAKE_BUILD_TYPE STREQUAL "Sanitize" AND KBLINT_SANITIZE STREQUAL "")
  set(KBLINT_SANITIZE "address,undefined")
endif()

if(KBLINT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "KBLINT_FUZZ=ON needs clang: configure a separate build folder with CC=clang CXX=clang++")
  endif()
  if(KBLINT_SANITIZE STREQUAL "")
    set(KBLINT_SANITIZE "address,undefined")
  endif()
  # Coverage instrumentation everywhere; only the fuzzer executables link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(NOT KBLINT_SANITIZE STREQUAL "")
  message(STATUS "kblint: building with -fsanitize=${KBLINT_SANITIZE}")
  add_compile_options(-fsanitize=${KBLINT_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${KBLINT_SANITIZE} -fno-sanitize-recover=all)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 with -fsanitize=address warns of uninitialized members inside <functional> and
    # <regex> (GCC bug 105562, false positives); with -Werror that would stop the build.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
