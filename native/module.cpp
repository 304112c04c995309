// The one PYBIND11_MODULE of perfcount. Each native concern lives in its own
// file and registers its bindings here; errors become perfcount.errors types.
#include <pybind11/pybind11.h>

#include "errors.hpp"

namespace py = pybind11;

namespace perfcount {
void register_perf(py::module_& m);
void register_child(py::module_& m);
void register_callgrind(py::module_& m);
void register_nvml(py::module_& m);
}  // namespace perfcount

namespace {

const char* python_class_for(perfcount::ErrorKind kind) {
    switch (kind) {
        case perfcount::ErrorKind::CounterUnavailable: return "CounterUnavailable";
        case perfcount::ErrorKind::PermissionDenied: return "PermissionDenied";
        case perfcount::ErrorKind::Backend: return "BackendError";
        case perfcount::ErrorKind::Candidate: return "CandidateError";
        case perfcount::ErrorKind::Gpu: return "GpuError";
        case perfcount::ErrorKind::InvalidArgument: return "InvalidArgument";
        case perfcount::ErrorKind::Generic: break;
    }
    return "PerfcountError";
}

}  // namespace

PYBIND11_MODULE(_native, m) {
    m.doc() = "perfcount native core: perf_event groups, counted children, callgrind requests, NVML";
    m.attr("__version__") = PERFCOUNT_VERSION;

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const perfcount::Error& e) {
            py::object errors = py::module_::import("perfcount.errors");
            py::object cls = errors.attr(python_class_for(e.kind()));
            py::object exc = cls(py::str(e.what()), py::arg("errno") = e.error_number(),
                                 py::arg("hint") = e.hint());
            PyErr_SetObject(cls.ptr(), exc.ptr());
        }
    });

    perfcount::register_perf(m);
    perfcount::register_child(m);
    perfcount::register_callgrind(m);
    perfcount::register_nvml(m);
}
