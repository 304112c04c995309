// Cachegrind client requests (see cachegrind.hpp).
#include "cachegrind.hpp"

#include <string>

#include <unistd.h>

#include "errors.hpp"

#if PERFCOUNT_HAVE_CACHEGRIND
#include <valgrind/cachegrind.h>
#endif

namespace perfcount {

#if PERFCOUNT_HAVE_CACHEGRIND

namespace {
// The process that began a candidate's count (a forked process inherits it).
pid_t began_in = 0;
}  // namespace

bool cachegrind_begin_candidate() {
    if (began_in != 0) return false;
    began_in = getpid();
    CACHEGRIND_START_INSTRUMENTATION;
    return true;
}

#else  // valgrind/cachegrind.h (valgrind >= 3.22) was not found at build time

bool cachegrind_begin_candidate() {
    const char* const fix =
        "install valgrind 3.22 or newer with its headers and reinstall perfcount";
    throw Error(ErrorKind::Backend, 0,
                std::string("perfcount was built without valgrind/cachegrind.h "
                            "(cachegrind's client requests need valgrind >= 3.22); ") +
                    fix,
                fix);
}

#endif

}  // namespace perfcount
