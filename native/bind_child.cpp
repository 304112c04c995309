// Python binding of child.hpp: perfcount._native.run_counted.
#include <Python.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "child.hpp"
#include "convert.hpp"

namespace perfcount {

namespace {

// Waits with the GIL released; Ctrl-C (any pending Python signal) interrupts.
class GilWaiter final : public ChildWaiter {
public:
    void release() override { released_.emplace(); }
    void reacquire() override { released_.reset(); }
    bool interrupted() override {
        py::gil_scoped_acquire acquire;
        return PyErr_CheckSignals() != 0;
    }

private:
    std::optional<py::gil_scoped_release> released_;
};

// {"uid", "gid", "drop_capabilities", "cap_last_cap", "no_new_privs",
//  "rlimits": [(resource, soft, hard)], "seccomp": bytes, "pid_namespace": bool} -> ChildJail
ChildJail jail_options(const py::dict& d) {
    ChildJail j;
    for (const auto& item : d) {
        const std::string key = py::str(item.first);
        const py::handle v = item.second;
        if (key == "uid") {
            if (!v.is_none()) j.uid = v.cast<uint32_t>();
        } else if (key == "gid") {
            if (!v.is_none()) j.gid = v.cast<uint32_t>();
        } else if (key == "drop_capabilities") {
            j.drop_capabilities = v.cast<bool>();
        } else if (key == "cap_last_cap") {
            j.cap_last_cap = v.cast<int>();
        } else if (key == "no_new_privs") {
            j.no_new_privs = v.cast<bool>();
        } else if (key == "rlimits") {
            for (const auto& lim : v.cast<py::sequence>()) {
                const auto t = lim.cast<std::tuple<int, uint64_t, uint64_t>>();
                j.rlimits.push_back({std::get<0>(t), std::get<1>(t), std::get<2>(t)});
            }
        } else if (key == "seccomp") {
            if (!v.is_none()) j.seccomp_filter = std::string(v.cast<py::bytes>());
        } else if (key == "pid_namespace") {
            j.pid_namespace = v.cast<bool>();
        } else {
            throw Error(ErrorKind::InvalidArgument, EINVAL, "unknown jail option '" + key + "'",
                        "use uid, gid, drop_capabilities, cap_last_cap, no_new_privs, rlimits, "
                        "seccomp, pid_namespace");
        }
    }
    return j;
}

py::dict run_counted_py(const std::vector<std::string>& argv, const py::sequence& events,
                        std::optional<py::bytes> stdin_data, const std::string& stdin_mode,
                        bool capture, std::optional<double> timeout,
                        std::optional<std::string> cwd,
                        std::optional<std::vector<std::string>> env, size_t max_output,
                        double kill_grace, bool inherit, double linger,
                        std::optional<py::dict> jail) {
    ChildOptions o;
    o.argv = argv;
    o.stdin_mode = stdin_mode;
    o.capture = capture;
    o.timeout = timeout;
    o.cwd = std::move(cwd);
    o.env = std::move(env);
    o.max_output = max_output;
    o.kill_grace = kill_grace;
    o.inherit = inherit;
    o.linger = linger;
    if (jail) o.jail = jail_options(*jail);
    check_child_options(o);  // argument errors before event errors
    o.events = event_specs(events);
    if (stdin_data) o.stdin_data = std::string(*stdin_data);

    GilWaiter waiter;
    ChildResult r;
    try {
        r = run_counted(o, waiter);
    } catch (const ChildInterrupted&) {
        throw py::error_already_set();  // the signal handler's exception (KeyboardInterrupt)
    }

    // the placeholder of the program's pid namespace is the caller's to end (the
    // result's "namespace_init"), unless building that result fails
    struct EndUnlessKept {
        pid_t init;
        ~EndUnlessKept() { end_pid_namespace(init); }
    } keep{r.namespace_init};

    // The counters started at zero at exec: the values are the final counts.
    const Snapshot zero{std::vector<uint64_t>(r.counters.value.size(), 0),
                        std::vector<uint64_t>(r.counters.value.size(), 0),
                        std::vector<uint64_t>(r.counters.value.size(), 0)};
    RegionValues values = region_values(zero, r.counters);
    if (!r.execed) {  // the timeout ran out before exec: nothing was counted
        const size_t n = r.counters.value.size();
        PyObject* none_values = PyTuple_New(static_cast<Py_ssize_t>(n));
        if (none_values == nullptr) throw py::error_already_set();
        for (size_t i = 0; i < n; ++i) {
            Py_INCREF(Py_None);
            PyTuple_SET_ITEM(none_values, static_cast<Py_ssize_t>(i), Py_None);
        }
        values.values = py::reinterpret_steal<py::object>(none_values);
        values.scaled = 0;
        values.not_counted = n >= 64 ? ~0ULL : (1ULL << n) - 1;
    }

    py::dict result;
    result["pid"] = r.pid;
    result["values"] = std::move(values.values);
    result["scaled"] = values.scaled;
    result["not_counted"] = values.not_counted;
    result["returncode"] = optional_to_python(r.returncode);
    result["signal"] = optional_to_python(r.signal);
    result["wall_ns"] = r.wall_ns;
    result["max_rss"] = r.max_rss;
    result["user_ns"] = r.user_ns;
    result["system_ns"] = r.system_ns;
    result["stdout"] = py::bytes(r.stdout_data);
    result["stderr"] = py::bytes(r.stderr_data);
    result["stdout_truncated"] = r.stdout_truncated;
    result["stderr_truncated"] = r.stderr_truncated;
    result["timed_out"] = r.timed_out;
    result["killed_lingering"] = r.killed_lingering;
    result["stdin_written"] = r.stdin_written;
    result["execed"] = r.execed;
    result["own_group"] = r.own_group;
    result["reaped_elsewhere"] = r.reaped_elsewhere;
    result["namespace_init"] = r.namespace_init;
    keep.init = 0;
    return result;
}

}  // namespace

void register_child(py::module_& m) {
    m.def("run_counted", &run_counted_py, py::arg("argv"), py::arg("events"), py::kw_only(),
          py::arg("stdin") = py::none(), py::arg("stdin_mode") = "devnull",
          py::arg("capture") = true, py::arg("timeout") = py::none(),
          py::arg("cwd") = py::none(), py::arg("env") = py::none(),
          py::arg("max_output") = size_t{16} << 20, py::arg("kill_grace") = 1.0,
          py::arg("inherit") = true, py::arg("linger") = 1.0, py::arg("jail") = py::none(),
          "Fork, exec and count ARGV with EVENTS from exec to exit; returns a dict.");
    m.def("enter_pid_namespace", &enter_pid_namespace,
          "Unshare a pid namespace and fork its placeholder pid 1 (native, no Python in it); "
          "its pid. The caller's later forks go into that namespace (the first is its pid 2) "
          "until leave_pid_namespace().");
    m.def("leave_pid_namespace", &leave_pid_namespace, py::arg("back") = true,
          "Put the caller's later children back in its own pid namespace (back=False, in "
          "the child forked into the namespace: only close the descriptor of the way back).");
    m.def(
        "zygote_loop",
        [](int go, int sock) -> py::object {
            const auto child = zygote_loop(go, sock, [] { PyOS_AfterFork_Child(); });
            if (!child) return py::none();
            return py::make_tuple(child->result, child->start, child->output);
        },
        py::arg("go"), py::arg("sock"),
        "The fork server's zygote loop (child.hpp): in each child, its (result write, start "
        "read, output write) descriptors; None in the zygote at the end.");
    m.def("end_pid_namespace", &end_pid_namespace, py::arg("init"),
          "Kill the placeholder pid 1 INIT of a jail's pid namespace (the result's "
          "namespace_init) and everything left in that namespace; reap it. 0 does nothing.");
}

}  // namespace perfcount
