// Cachegrind client requests (valgrind >= 3.22: valgrind/cachegrind.h), so that
// a process forked from a fork server running under
// `valgrind --tool=cachegrind --instr-at-start=no` can switch instrumentation
// on for a candidate's whole life. Plain C++17, no Python here.
//
// Built only when CMake found a valgrind/cachegrind.h that defines
// CACHEGRIND_START_INSTRUMENTATION: PERFCOUNT_HAVE_CACHEGRIND=1. The request is
// a no-op when not running under valgrind. Without the header the request
// throws a Backend error naming the valgrind version needed.
#pragma once

#ifndef PERFCOUNT_HAVE_CACHEGRIND
#define PERFCOUNT_HAVE_CACHEGRIND 0
#endif

namespace perfcount {

// Whether this build issues cachegrind client requests.
constexpr bool kHaveCachegrindRequests = PERFCOUNT_HAVE_CACHEGRIND != 0;

// The fork server's child, right before a candidate's code: instrumentation on,
// once per process (later calls in the same process do nothing and return
// false). Cachegrind has no zero request; nothing was counted before, since
// the server runs with instrumentation off from its start.
bool cachegrind_begin_candidate();

}  // namespace perfcount
