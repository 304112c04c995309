// The one PYBIND11_MODULE of perfcount. The core (perf, child, nvml,
// callgrind: plain C++) knows nothing of Python; each bind_*.cpp registers
// its bindings here, and perfcount::Error becomes the perfcount.errors class
// of its kind, keeping errno and hint (convert.hpp).
#include <pybind11/pybind11.h>

#include <exception>

#include "convert.hpp"
#include "errors.hpp"

namespace perfcount {
void register_perf(py::module_& m);       // bind_perf.cpp
void register_child(py::module_& m);      // bind_child.cpp
void register_callgrind(py::module_& m);  // bind_callgrind.cpp
void register_cachegrind(py::module_& m);  // bind_cachegrind.cpp
void register_nvml(py::module_& m);       // bind_nvml.cpp
}  // namespace perfcount

PYBIND11_MODULE(_native, m) {
    namespace py = pybind11;
    m.doc() = "perfcount native core: perf_event groups, counted children, callgrind requests, NVML";
    m.attr("__version__") = PERFCOUNT_VERSION;

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const perfcount::Error& e) {
            perfcount::set_python_error(e);
        }
    });

    perfcount::register_perf(m);
    perfcount::register_child(m);
    perfcount::register_callgrind(m);
    perfcount::register_cachegrind(m);
    perfcount::register_nvml(m);
}
