// Callgrind client requests, so that a process forked from a callgrind'ed
// fork server can switch instrumentation on only around the measured calls
// and dump exactly that region. Plain C++17, no Python here.
//
// Built against valgrind's own client-request headers (valgrind/valgrind.h,
// valgrind/callgrind.h, from the system's valgrind package) when CMake found
// them: PERFCOUNT_HAVE_CALLGRIND=1. The requests are no-ops when not running
// under valgrind. Without the headers, running_on_valgrind() is 0 and the
// callgrind_* requests throw a Backend error naming the fix.
#pragma once

#include <string>

#ifndef PERFCOUNT_HAVE_CALLGRIND
#define PERFCOUNT_HAVE_CALLGRIND 0
#endif

namespace perfcount {

// Whether this build issues callgrind client requests.
constexpr bool kHaveCallgrindRequests = PERFCOUNT_HAVE_CALLGRIND != 0;

// Nesting depth of valgrind we run under (0 when native, or without the headers).
int running_on_valgrind() noexcept;
// Switch instrumentation on and zero the counters (the region starts here).
void callgrind_start();
// Dump the region's costs labelled LABEL ('desc: Trigger' line), then switch
// instrumentation off.
void callgrind_stop(const std::string& label);
// Zero callgrind's counters.
void callgrind_zero();
// The fork server's child, right before a candidate's code: instrumentation on
// and counters zeroed, once per process (later calls in the same process do
// nothing, so a candidate cannot restart its own count through this call).
// True when this call did it.
bool callgrind_begin_candidate();

}  // namespace perfcount
