// Python bindings of cachegrind.hpp.
#include <pybind11/pybind11.h>

#include "cachegrind.hpp"
#include "convert.hpp"

namespace perfcount {

void register_cachegrind(py::module_& m) {
    m.attr("HAVE_CACHEGRIND_REQUESTS") = py::bool_(kHaveCachegrindRequests);
    m.def(
        "cachegrind_begin_candidate", [] { return cachegrind_begin_candidate(); },
        "Cachegrind instrumentation on, once per process (the fork server's child, right "
        "before a candidate); False when this process already began.");
}

}  // namespace perfcount
