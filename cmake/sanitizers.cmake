# Sanitizer and fuzzer builds, both off by default. Included before any target is defined, so the
# flags reach every library, the kblint binary and the tests alike.
#
#   cmake -S . -B build-asan -DKBLINT_SANITIZE=address,undefined          (scripts/sanitize.sh)
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DKBLINT_FUZZ=ON        (scripts/fuzz.sh)
#
# Undefined behaviour is fatal (-fno-sanitize-recover=all): a sanitizer report fails the test or
# the fuzz run instead of scrolling past.
set(KBLINT_SANITIZE "" CACHE STRING "Comma-separated sanitizers for every target, e.g. 'address,undefined' (empty: none)")
option(KBLINT_FUZZ "Build the libFuzzer targets of fuzz/ (clang only; implies KBLINT_SANITIZE=address,undefined)" OFF)

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
