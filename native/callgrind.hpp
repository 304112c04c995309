// Callgrind client requests, so that a process forked from a callgrind'ed
// fork server can switch instrumentation on only around the measured calls
// and dump exactly that region. Plain C++17, no Python here.
//
// The requests are no-ops when not running under valgrind.
#pragma once

#include <string>

namespace perfcount {

// Nesting depth of valgrind we run under (0 when native).
int running_on_valgrind() noexcept;
// Switch instrumentation on and zero the counters (the region starts here).
void callgrind_start();
// Dump the region's costs labelled LABEL ('desc: Trigger' line), then switch
// instrumentation off.
void callgrind_stop(const std::string& label);
// Zero callgrind's counters.
void callgrind_zero();

}  // namespace perfcount
