// Conversions between the plain C++ core and Python, shared by the bind_*.cpp
// files (the only place, besides module.cpp, that knows about pybind11).
#pragma once

#include <Python.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "errors.hpp"
#include "perf.hpp"

namespace perfcount {

namespace py = pybind11;

// ---- errors ---------------------------------------------------------------

// The perfcount.errors class of an error kind.
inline const char* python_class_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::CounterUnavailable: return "CounterUnavailable";
        case ErrorKind::PermissionDenied: return "PermissionDenied";
        case ErrorKind::Backend: return "BackendError";
        case ErrorKind::Candidate: return "CandidateError";
        case ErrorKind::Gpu: return "GpuError";
        case ErrorKind::InvalidArgument: return "InvalidArgument";
        case ErrorKind::Generic: break;
    }
    return "PerfcountError";
}

// Set the Python error indicator to the perfcount.errors instance of E
// (message, errno=, hint=). Used by module.cpp's exception translator.
inline void set_python_error(const Error& e) {
    py::object errors = py::module_::import("perfcount.errors");
    py::object cls = errors.attr(python_class_for(e.kind()));
    py::object exc = cls(py::str(e.what()), py::arg("errno") = e.error_number(),
                         py::arg("hint") = e.hint());
    PyErr_SetObject(cls.ptr(), exc.ptr());
}

// ---- plain values ---------------------------------------------------------

// An optional value as the value or None.
template <class T>
py::object optional_to_python(const std::optional<T>& v) {
    return v ? py::object(py::cast(*v)) : py::object(py::none());
}

// A string, or None when it is empty.
inline py::object str_or_none(const std::string& s) {
    return s.empty() ? py::object(py::none()) : py::object(py::str(s));
}

// ---- events and counter values --------------------------------------------

// Events as perfcount.events.Event.native() gives them:
// (name, perf type, config, exclude_user, exclude_kernel, exclude_hv).
// A malformed item (an int out of range, a wrong type) is InvalidArgument.
inline std::vector<EventSpec> event_specs(const py::sequence& events) {
    std::vector<EventSpec> out;
    for (const py::handle item : events) {
        std::tuple<std::string, uint32_t, uint64_t, bool, bool, bool> t;
        try {
            t = item.cast<std::tuple<std::string, uint32_t, uint64_t, bool, bool, bool>>();
        } catch (const py::cast_error&) {
            throw Error(ErrorKind::InvalidArgument, 0,
                        "event #" + std::to_string(out.size()) + " " +
                            std::string(py::repr(item)) +
                            " is not (name, type < 2**32, config < 2**64, exclude_user, "
                            "exclude_kernel, exclude_hv)",
                        "build events with perfcount.counters.events.parse_event(name).native()");
        }
        EventSpec e;
        e.name = std::get<0>(t);
        e.type = std::get<1>(t);
        e.config = std::get<2>(t);
        e.exclude_user = std::get<3>(t);
        e.exclude_kernel = std::get<4>(t);
        e.exclude_hv = std::get<5>(t);
        out.push_back(std::move(e));
    }
    if (out.size() > 64) {  // the result masks are 64-bit
        throw Error(ErrorKind::InvalidArgument, 0, "at most 64 events per group",
                    "split the events over several groups");
    }
    return out;
}

// A raw snapshot as (values, time_enabled, time_running), one tuple each.
inline py::tuple snapshot_tuple(const Snapshot& s) {
    return py::make_tuple(py::tuple(py::cast(s.value)), py::tuple(py::cast(s.enabled)),
                          py::tuple(py::cast(s.running)));
}

// The values of the events over BEFORE..AFTER: a tuple with one item per
// event, int when exact, float when scaled for multiplexing, None when the
// event never ran; bit i of `scaled` / `not_counted` is event i.
struct RegionValues {
    py::object values;
    unsigned long long scaled = 0;
    unsigned long long not_counted = 0;
};

// Built with the C API: this is the hot path of every `with measure():`.
inline RegionValues region_values(const Snapshot& before, const Snapshot& after) {
    const size_t n = after.value.size();
    PyObject* values = PyTuple_New(static_cast<Py_ssize_t>(n));
    if (values == nullptr) throw py::error_already_set();
    RegionValues out;
    for (size_t i = 0; i < n; ++i) {
        const EventDelta d = event_delta(before, after, i);
        PyObject* item;
        switch (d.kind) {
            case EventDelta::NotCounted:
                out.not_counted |= 1ULL << i;
                Py_INCREF(Py_None);
                item = Py_None;
                break;
            case EventDelta::Scaled:
                out.scaled |= 1ULL << i;
                item = PyFloat_FromDouble(d.scaled);
                break;
            case EventDelta::Exact:
            default:
                item = PyLong_FromUnsignedLongLong(d.exact);
                break;
        }
        if (item == nullptr) {
            Py_DECREF(values);
            throw py::error_already_set();
        }
        PyTuple_SET_ITEM(values, static_cast<Py_ssize_t>(i), item);
    }
    out.values = py::reinterpret_steal<py::object>(values);
    return out;
}

// (values, scaled mask, not-counted mask), as Group.end() returns it.
inline py::tuple region_tuple(const Snapshot& before, const Snapshot& after) {
    RegionValues r = region_values(before, after);
    return py::make_tuple(std::move(r.values), r.scaled, r.not_counted);
}

}  // namespace perfcount
