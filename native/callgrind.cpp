// Callgrind client requests (see callgrind.hpp).
#include "callgrind.hpp"

#include <string>

#include <unistd.h>

#include "errors.hpp"

#if PERFCOUNT_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>
#endif

namespace perfcount {

#if PERFCOUNT_HAVE_CALLGRIND

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

namespace {
// The process that began a candidate's count (a forked process inherits it).
pid_t began_in = 0;
}  // namespace

bool callgrind_begin_candidate() {
    if (began_in != 0) return false;
    began_in = getpid();
    CALLGRIND_START_INSTRUMENTATION;
    CALLGRIND_ZERO_STATS;
    return true;
}


#else  // built without valgrind's client-request headers

namespace {
[[noreturn]] void no_requests() {
    // The hint is part of the message, so str(error) stays one line.
    const char* const fix =
        "install valgrind (Debian: apt-get install valgrind) and reinstall perfcount";
    throw Error(ErrorKind::Backend, 0,
                std::string("perfcount was built without valgrind's client-request headers; ") + fix,
                fix);
}
}  // namespace

int running_on_valgrind() noexcept { return 0; }
void callgrind_start() { no_requests(); }
void callgrind_stop(const std::string&) { no_requests(); }
void callgrind_zero() { no_requests(); }
bool callgrind_begin_candidate() { no_requests(); }

#endif

}  // namespace perfcount
