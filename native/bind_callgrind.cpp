// Python bindings of callgrind.hpp.
#include <pybind11/pybind11.h>

#include <string>

#include "callgrind.hpp"
#include "convert.hpp"

namespace perfcount {

void register_callgrind(py::module_& m) {
    m.attr("HAVE_CALLGRIND_REQUESTS") = py::bool_(kHaveCallgrindRequests);
    m.def(
        "running_on_valgrind", [] { return running_on_valgrind(); },
        "Nesting depth of valgrind we run under (0 when native).");
    m.def(
        "callgrind_start", [] { callgrind_start(); },
        "Switch instrumentation on and zero the counters (the region starts here).");
    m.def(
        "callgrind_stop", [](const std::string& label) { callgrind_stop(label); },
        py::arg("label"),
        "Dump the region's costs with LABEL in the dump's 'desc: Trigger' line, then "
        "switch instrumentation off.");
    m.def(
        "callgrind_zero", [] { callgrind_zero(); }, "Zero callgrind's counters.");
    m.def(
        "callgrind_begin_candidate", [] { return callgrind_begin_candidate(); },
        "Instrumentation on and counters zeroed, once per process (the fork server's "
        "child, right before a candidate); False when this process already began.");
}

}  // namespace perfcount
