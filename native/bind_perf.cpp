// Python bindings of perf.hpp: perfcount._native.Group (a RegionStack),
// the Region base type of perfcount.measure (a hand-written CPython type so
// that `with m:` runs no Python frame inside the region), and the perf_event
// probes.
#include <Python.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <climits>
#include <memory>
#include <new>
#include <vector>

#include "convert.hpp"
#include "errors.hpp"
#include "perf.hpp"

namespace perfcount {

namespace {

// ---------------------------------------------------------------------------
// Region: the C-level __enter__/__exit__ of perfcount.measure.
//
// perfcount.counters.measure subclasses this type. `with m:` then calls these
// C methods directly (no Python frame): __enter__ checks that the bound group
// belongs to this thread and is open (else calls the Python `_bind()`), takes
// the first snapshot and pushes its token; __exit__ takes the second snapshot
// first thing and stores (values, scaled, not_counted) in `_raw`. Anything
// unusual (GPU sampling, callgrind) sets `_slow`, which routes both methods to
// the Python `_enter_slow()` / `_exit_slow()`.
//
// "This thread" is this_thread_token() (perf.hpp), not the thread ident:
// idents are recycled (glibc reuses an exited thread's descriptor), and a
// region bound in a dead thread whose ident a new thread inherited would read
// the dead thread's group: silent zeros.

struct RegionObject {
    PyObject_HEAD
    PyObject* group_obj;  // the bound Group (strong reference)
    RegionStack* group;   // its C++ object, valid while group_obj is held
    uint64_t thread;      // this_thread_token() of the thread the group was bound in
    PyObject* raw;        // last region's result, or NULL
    PyObject* counts;     // the Python side's cache of the built Counts, or NULL
    std::vector<size_t>* tokens;
    int slow;
};

PyObject* region_new(PyTypeObject* type, PyObject*, PyObject*) {
    auto* self = reinterpret_cast<RegionObject*>(type->tp_alloc(type, 0));
    if (self == nullptr) return nullptr;
    self->tokens = new (std::nothrow) std::vector<size_t>();
    if (self->tokens == nullptr) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    self->tokens->reserve(4);
    return reinterpret_cast<PyObject*>(self);
}

// GC support: `_raw`, `_counts` and `_group` hold arbitrary objects (a
// Counts, a subclass's data), so a cycle through them must be collectable.
int region_traverse(PyObject* obj, visitproc visit, void* arg) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    Py_VISIT(self->group_obj);
    Py_VISIT(self->raw);
    Py_VISIT(self->counts);
    return 0;
}

int region_clear(PyObject* obj) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    self->group = nullptr;  // before the reference that keeps it valid goes
    Py_CLEAR(self->group_obj);
    Py_CLEAR(self->raw);
    Py_CLEAR(self->counts);
    return 0;
}

void region_dealloc(PyObject* obj) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    PyObject_GC_UnTrack(obj);
    region_clear(obj);
    delete self->tokens;
    self->tokens = nullptr;
    Py_TYPE(obj)->tp_free(obj);
}

bool region_bound(RegionObject* self) {
    return self->group != nullptr && self->thread == this_thread_token() &&
           !self->group->group().closed();
}

PyObject* region_begin_impl(RegionObject* self) {
    if (!region_bound(self)) {
        PyObject* r = PyObject_CallMethod(reinterpret_cast<PyObject*>(self), "_bind", nullptr);
        if (r == nullptr) return nullptr;
        Py_DECREF(r);
        if (self->group == nullptr) {
            PyErr_SetString(PyExc_RuntimeError, "_bind() did not bind a counter group");
            return nullptr;
        }
    }
    try {
        self->tokens->push_back(self->group->begin());
    } catch (...) {
        py::detail::try_translate_exceptions();
        return nullptr;
    }
    Py_RETURN_NONE;
}

PyObject* region_end_impl(RegionObject* self) {
    if (self->tokens->empty() || self->group == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "no open region to end");
        return nullptr;
    }
    try {
        const size_t token = self->tokens->back();
        const RegionStack::Interval region = self->group->end(token);
        py::tuple result = region_tuple(region.before, region.after);
        self->tokens->pop_back();
        Py_XSETREF(self->raw, result.release().ptr());
    } catch (...) {
        py::detail::try_translate_exceptions();
        return nullptr;
    }
    Py_CLEAR(self->counts);
    Py_RETURN_NONE;
}

PyObject* region_enter(PyObject* obj, PyObject*) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    if (self->slow) return PyObject_CallMethod(obj, "_enter_slow", nullptr);
    PyObject* r = region_begin_impl(self);
    if (r == nullptr) return nullptr;
    Py_DECREF(r);
    Py_INCREF(obj);
    return obj;
}

PyObject* region_exit(PyObject* obj, PyObject* const*, Py_ssize_t) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    if (self->slow) {
        PyObject* r = PyObject_CallMethod(obj, "_exit_slow", nullptr);
        if (r == nullptr) return nullptr;
        Py_DECREF(r);
        Py_RETURN_NONE;  // never swallow the body's exception
    }
    return region_end_impl(self);
}

PyObject* region_begin(PyObject* obj, PyObject*) {
    return region_begin_impl(reinterpret_cast<RegionObject*>(obj));
}

PyObject* region_end(PyObject* obj, PyObject*) {
    return region_end_impl(reinterpret_cast<RegionObject*>(obj));
}

PyObject* get_object(PyObject* value) {
    PyObject* v = value != nullptr ? value : Py_None;
    Py_INCREF(v);
    return v;
}

PyObject* region_get_raw(PyObject* obj, void*) {
    return get_object(reinterpret_cast<RegionObject*>(obj)->raw);
}

int region_set_raw(PyObject* obj, PyObject* value, void*) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    PyObject* v = (value == nullptr || value == Py_None) ? nullptr : value;
    Py_XINCREF(v);
    Py_XSETREF(self->raw, v);
    return 0;
}

PyObject* region_get_counts(PyObject* obj, void*) {
    return get_object(reinterpret_cast<RegionObject*>(obj)->counts);
}

int region_set_counts(PyObject* obj, PyObject* value, void*) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    PyObject* v = (value == nullptr || value == Py_None) ? nullptr : value;
    Py_XINCREF(v);
    Py_XSETREF(self->counts, v);
    return 0;
}

PyObject* region_get_group(PyObject* obj, void*) {
    return get_object(reinterpret_cast<RegionObject*>(obj)->group_obj);
}

int region_set_group(PyObject* obj, PyObject* value, void*) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    if (value == nullptr || value == Py_None) {
        if (!self->tokens->empty()) {
            PyErr_SetString(PyExc_RuntimeError, "cannot unbind the group of an open region");
            return -1;
        }
        Py_CLEAR(self->group_obj);
        self->group = nullptr;
        return 0;
    }
    RegionStack* g;
    try {
        g = py::cast<RegionStack*>(py::handle(value));
    } catch (...) {
        PyErr_SetString(PyExc_TypeError, "_group must be a perfcount._native.Group");
        return -1;
    }
    if (!self->tokens->empty() && g != self->group) {
        PyErr_SetString(PyExc_RuntimeError, "cannot rebind the group of an open region");
        return -1;
    }
    Py_INCREF(value);
    Py_XSETREF(self->group_obj, value);
    self->group = g;
    self->thread = this_thread_token();
    return 0;
}

PyObject* region_get_slow(PyObject* obj, void*) {
    return PyBool_FromLong(reinterpret_cast<RegionObject*>(obj)->slow);
}

int region_set_slow(PyObject* obj, PyObject* value, void*) {
    if (value == nullptr) {
        PyErr_SetString(PyExc_TypeError, "cannot delete _slow");
        return -1;
    }
    const int truth = PyObject_IsTrue(value);
    if (truth < 0) return -1;
    reinterpret_cast<RegionObject*>(obj)->slow = truth;
    return 0;
}

PyObject* region_get_depth(PyObject* obj, void*) {
    return PyLong_FromSize_t(reinterpret_cast<RegionObject*>(obj)->tokens->size());
}

PyMethodDef region_methods[] = {
    {"__enter__", region_enter, METH_NOARGS, "Start a region (first snapshot)."},
    {"__exit__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(region_exit)),
     METH_FASTCALL, "End the innermost region (second snapshot); never suppresses exceptions."},
    {"_begin", region_begin, METH_NOARGS, "Bind if needed and push a region."},
    {"_end", region_end, METH_NOARGS, "Pop the innermost region into _raw."},
    {nullptr, nullptr, 0, nullptr},
};

PyGetSetDef region_getset[] = {
    {"_raw", region_get_raw, region_set_raw,
     "(values, scaled mask, not-counted mask) of the last region, or None", nullptr},
    {"_counts", region_get_counts, region_set_counts,
     "cache of the Counts built from _raw (cleared at every region end)", nullptr},
    {"_group", region_get_group, region_set_group,
     "the bound Group; setting it binds it to the calling thread", nullptr},
    {"_slow", region_get_slow, region_set_slow,
     "route __enter__/__exit__ to _enter_slow()/_exit_slow()", nullptr},
    {"_depth", region_get_depth, nullptr, "number of open regions", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyTypeObject RegionType = [] {
    PyTypeObject t{};
    Py_SET_REFCNT(reinterpret_cast<PyObject*>(&t), 1);
    t.tp_name = "perfcount._native.Region";
    t.tp_basicsize = sizeof(RegionObject);
    t.tp_dealloc = region_dealloc;
    t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC;
    t.tp_traverse = region_traverse;
    t.tp_clear = region_clear;
    t.tp_doc = "Base of perfcount.measure: C-level __enter__/__exit__ over a bound Group.";
    t.tp_methods = region_methods;
    t.tp_getset = region_getset;
    t.tp_new = region_new;
    return t;
}();

}  // namespace

void register_perf(py::module_& m) {
    py::class_<RegionStack>(m, "Group",
                        "A perf_event counter group opened once and read many times.")
        .def(py::init([](const py::sequence& events, pid_t pid, int cpu, bool inherit,
                         bool enable_on_exec, bool start_enabled, bool rdpmc, bool group) {
                 GroupOptions o;
                 o.pid = pid;
                 o.cpu = cpu;
                 o.inherit = inherit;
                 o.enable_on_exec = enable_on_exec;
                 o.start_enabled = start_enabled;
                 o.rdpmc = rdpmc;
                 o.group = group;
                 return std::make_unique<RegionStack>(event_specs(events), o);
             }),
             py::arg("events"), py::kw_only(), py::arg("pid") = 0, py::arg("cpu") = -1,
             py::arg("inherit") = true, py::arg("enable_on_exec") = false,
             py::arg("start_enabled") = true, py::arg("rdpmc") = true, py::arg("group") = true)
        .def("begin", &RegionStack::begin)
        .def(
            "end",
            [](RegionStack& g, size_t token) {
                const RegionStack::Interval region = g.end(token);
                return region_tuple(region.before, region.after);
            },
            py::arg("token"))
        .def("abandon", &RegionStack::abandon, py::arg("token"))
        .def_property_readonly("depth", &RegionStack::depth)
        .def("read",
             [](RegionStack& g) {
                 Snapshot s;
                 g.group().read(s);
                 return snapshot_tuple(s);
             })
        .def("read_syscall",
             [](RegionStack& g) {
                 Snapshot s;
                 g.group().read_syscall(s);
                 return snapshot_tuple(s);
             })
        .def("read_rdpmc",
             [](RegionStack& g) -> py::object {
                 Snapshot s;
                 if (!g.group().read_rdpmc(s)) return py::none();
                 return snapshot_tuple(s);
             })
        .def("enable", [](RegionStack& g) { g.group().enable(); })
        .def("disable", [](RegionStack& g) { g.group().disable(); })
        .def("reset", [](RegionStack& g) { g.group().reset(); })
        .def("close", [](RegionStack& g) { g.group().close(); })
        .def_property_readonly("closed", [](RegionStack& g) { return g.group().closed(); })
        .def_property_readonly("names",
                               [](RegionStack& g) {
                                   py::list names;
                                   for (const auto& e : g.group().events()) names.append(e.name);
                                   return py::tuple(names);
                               })
        .def_property_readonly("fds", [](RegionStack& g) { return py::tuple(py::cast(g.group().fds())); })
        .def_property_readonly("grouped", [](RegionStack& g) { return g.group().grouped(); })
        .def_property_readonly("rdpmc", [](RegionStack& g) { return g.group().rdpmc_enabled(); })
        .def("rdpmc_available", [](RegionStack& g) { return g.group().rdpmc_available(); })
        .def("__len__", [](RegionStack& g) { return g.group().size(); })
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__", [](RegionStack& g, const py::args&) { g.group().close(); });

    if (PyType_Ready(&RegionType) < 0) throw py::error_already_set();
    Py_INCREF(&RegionType);
    m.add_object("Region", py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&RegionType)));

    m.def("perf_event_paranoid", [] {
        const int v = perf_event_paranoid();
        return v == INT32_MIN ? py::object(py::none()) : py::object(py::int_(v));
    }, "kernel.perf_event_paranoid, or None when unreadable.");
    m.def("hardware_pmu_present", &hardware_pmu_present,
          "Whether /sys/bus/event_source/devices exposes a CPU PMU.");
}

}  // namespace perfcount
