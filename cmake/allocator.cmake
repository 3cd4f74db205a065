# The kblint binary allocates with mimalloc (Debian's libmimalloc-dev) instead of glibc's malloc.
#
#   kblint_use_allocator(TARGET)     link TARGET with mimalloc when KBLINT_MIMALLOC is on
#
# A check run makes millions of small, short-lived allocations (toml++'s nodes, the evaluator's
# values): over bench/'s simple fleet mimalloc takes 14% off kblint's CPU time (bench/README.md).
# It replaces malloc, free, new and delete for the whole process,
# the libraries' too, because the shared library comes before libc in the binary's list of
# libraries; --no-as-needed keeps it there although kblint calls none of its own functions.
# Sanitizer builds keep the sanitizers' allocator (which must see every allocation).
# KBLINT_ALLOCATOR ("mimalloc" or "system") tells the tests which one the binary has.
option(KBLINT_MIMALLOC "Link the kblint binary with mimalloc (libmimalloc-dev)" ON)

set(KBLINT_ALLOCATOR system)
if(KBLINT_MIMALLOC AND KBLINT_SANITIZE STREQUAL "")
  find_package(mimalloc 2.0 REQUIRED)
  set(KBLINT_ALLOCATOR mimalloc)
endif()
message(STATUS "kblint: the kblint binary allocates with ${KBLINT_ALLOCATOR}'s malloc")

function(kblint_use_allocator target)
  if(KBLINT_ALLOCATOR STREQUAL "mimalloc")
    target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed" mimalloc "-Wl,--pop-state")
  endif()
endfunction()
