// Callgrind client requests. Compiled in always (the vendored BSD-licensed
// valgrind.h/callgrind.h are no-ops when not running under valgrind), so a
// process forked from a callgrind'ed fork server can switch instrumentation
// on only around the measured calls and dump exactly that region.
#include <pybind11/pybind11.h>

#include <string>

#include "valgrind/callgrind.h"
#include "valgrind/valgrind.h"

namespace py = pybind11;

namespace perfcount {

void register_callgrind(py::module_& m) {
    m.def(
        "running_on_valgrind", [] { return static_cast<int>(RUNNING_ON_VALGRIND); },
        "Nesting depth of valgrind we run under (0 when native).");
    m.def(
        "callgrind_start", [] {
            CALLGRIND_START_INSTRUMENTATION;
            CALLGRIND_ZERO_STATS;
        },
        "Switch instrumentation on and zero the counters (the region starts here).");
    m.def(
        "callgrind_stop", [](const std::string& label) {
            CALLGRIND_DUMP_STATS_AT(label.c_str());
            CALLGRIND_STOP_INSTRUMENTATION;
        },
        py::arg("label"),
        "Dump the region's costs with LABEL in the dump's 'desc: Trigger' line, then "
        "switch instrumentation off.");
    m.def(
        "callgrind_zero", [] { CALLGRIND_ZERO_STATS; }, "Zero callgrind's counters.");
}

}  // namespace perfcount
