// Callgrind client requests (see callgrind.hpp), through valgrind's
// BSD-licensed valgrind.h/callgrind.h.
#include "callgrind.hpp"

#include <string>

#include "valgrind/callgrind.h"
#include "valgrind/valgrind.h"

namespace perfcount {

int running_on_valgrind() noexcept { return static_cast<int>(RUNNING_ON_VALGRIND); }

void callgrind_start() {
    CALLGRIND_START_INSTRUMENTATION;
    CALLGRIND_ZERO_STATS;
}

void callgrind_stop(const std::string& label) {
    CALLGRIND_DUMP_STATS_AT(label.c_str());
    CALLGRIND_STOP_INSTRUMENTATION;
}

void callgrind_zero() { CALLGRIND_ZERO_STATS; }

}  // namespace perfcount
