// Python binding of nvml.hpp: perfcount._native.NvmlSampler. Every call into
// the sampler runs with the GIL released; results become plain dicts.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "errors.hpp"
#include "nvml.hpp"

namespace perfcount {

namespace {

py::dict device_window_dict(const NvmlDeviceWindow& d) {
    py::dict out;
    out["index"] = d.index;
    out["uuid"] = d.uuid;
    out["name"] = d.name;
    out["energy_mj"] = optional_to_python(d.energy_mj);
    out["energy_source"] = d.energy_source;
    out["energy_counter_mj"] = optional_to_python(d.energy_counter_mj);
    out["power_integrated_mj"] = optional_to_python(d.power_integrated_mj);
    out["avg_power_w"] = optional_to_python(d.avg_power_w);
    out["peak_power_w"] = optional_to_python(d.peak_power_w);
    out["power_source"] = str_or_none(d.power_source);
    out["peak_mem_bytes"] = optional_to_python(d.peak_mem_bytes);
    out["mem_total_bytes"] = optional_to_python(d.mem_total_bytes);
    out["mean_util_pct"] = optional_to_python(d.mean_util_pct);
    out["mean_mem_util_pct"] = optional_to_python(d.mean_mem_util_pct);
    out["sm_clock_mhz_mean"] = optional_to_python(d.sm_clock_mhz_mean);
    out["duration_ns"] = d.duration_ns;
    out["samples"] = d.samples;
    py::dict unsupported;
    for (const auto& [metric, why] : d.unsupported) unsupported[py::str(metric)] = why;
    out["unsupported"] = unsupported;
    return out;
}

py::list skipped_list(const std::vector<std::pair<unsigned int, std::string>>& skipped) {
    py::list out;
    for (const auto& [index, why] : skipped) {
        py::dict d;
        d["index"] = index;
        d["reason"] = why;
        out.append(d);
    }
    return out;
}

py::dict window_dict(const NvmlWindow& w) {
    py::list devices;
    for (const auto& d : w.devices) devices.append(device_window_dict(d));
    py::dict out;
    out["energy_mj"] = optional_to_python(w.energy_mj);
    out["energy_source"] = w.energy_source;
    out["avg_power_w"] = optional_to_python(w.avg_power_w);
    out["peak_power_w"] = optional_to_python(w.peak_power_w);
    out["peak_mem_bytes"] = optional_to_python(w.peak_mem_bytes);
    out["mean_util_pct"] = optional_to_python(w.mean_util_pct);
    out["mean_mem_util_pct"] = optional_to_python(w.mean_mem_util_pct);
    out["sm_clock_mhz_mean"] = optional_to_python(w.sm_clock_mhz_mean);
    out["duration_ns"] = w.duration_ns;
    out["samples"] = w.samples;
    out["interval_ms"] = w.interval_ms;
    out["selection"] = w.selection;
    out["driver_version"] = str_or_none(w.driver_version);
    out["devices"] = devices;
    out["skipped"] = skipped_list(w.skipped);
    return out;
}

py::dict device_info_dict(const NvmlDeviceInfo& d) {
    py::dict out;
    out["index"] = d.index;
    out["uuid"] = d.uuid;
    out["name"] = d.name;
    out["mem_total_bytes"] = d.supported[kNvmlMemory] ? py::object(py::int_(d.memory_total)) : py::object(py::none());
    py::dict supported;
    for (int m = 0; m < kNvmlMetricCount; ++m) supported[kNvmlMetricNames[m]] = d.supported[m];
    out["supported"] = supported;
    return out;
}

// None | int | str | iterable of int/str -> device names (digits = index).
std::optional<std::vector<std::string>> device_names(const py::object& devices) {
    if (devices.is_none()) return std::nullopt;
    auto one = [](const py::handle& item) -> std::string {
        if (py::isinstance<py::bytes>(item) || PyByteArray_Check(item.ptr()) ||
            PyMemoryView_Check(item.ptr())) {
            // iterating b"0" would give 48, GPU 48
            throw Error(ErrorKind::InvalidArgument, 0, "devices: bytes are not a GPU index or UUID",
                        "pass GPU indices (int) or UUIDs (str), e.g. devices=0 or devices='GPU-...'");
        }
        if (py::isinstance<py::bool_>(item)) {
            throw Error(ErrorKind::InvalidArgument, 0, "devices: a bool is not a GPU index",
                        "pass GPU indices (int) or UUIDs (str)");
        }
        if (py::isinstance<py::int_>(item)) {
            long long v = 0;
            try {
                v = item.cast<long long>();
            } catch (const py::cast_error&) {
                throw Error(ErrorKind::InvalidArgument, 0,
                            "devices: GPU index " + std::string(py::str(item)) + " is out of range",
                            "GPU indices are small non-negative ints (see nvidia-smi -L)");
            }
            if (v < 0) {
                throw Error(ErrorKind::InvalidArgument, 0, "devices: GPU index " + std::to_string(v) + " is negative",
                            "GPU indices start at 0");
            }
            return std::to_string(v);
        }
        if (py::isinstance<py::str>(item)) return item.cast<std::string>();
        throw Error(ErrorKind::InvalidArgument, 0,
                    "devices: " + std::string(py::str(py::type::of(item).attr("__name__"))) +
                        " is not a GPU index or UUID",
                    "pass GPU indices (int) or UUIDs (str)");
    };
    std::vector<std::string> names;
    if (py::isinstance<py::str>(devices) || py::isinstance<py::int_>(devices) ||
        py::isinstance<py::bytes>(devices) || PyByteArray_Check(devices.ptr()) ||
        PyMemoryView_Check(devices.ptr())) {
        names.push_back(one(devices));
    } else if (py::isinstance<py::iterable>(devices)) {
        for (auto item : devices) names.push_back(one(item));
    } else {
        names.push_back(one(devices));
    }
    return names;
}

}  // namespace

void register_nvml(py::module_& m) {
    py::class_<NvmlSampler>(m, "NvmlSampler",
                            "NVML metrics of selected GPUs over start()..stop() windows (see perfcount.gpu).")
        .def(py::init([](const py::object& devices, double interval_ms, std::optional<std::string> library) {
                 auto names = device_names(devices);
                 py::gil_scoped_release release;
                 return std::make_unique<NvmlSampler>(std::move(names), interval_ms, std::move(library));
             }),
             py::arg("devices") = py::none(), py::arg("interval_ms") = 10.0, py::arg("library") = py::none(),
             "Load NVML (LIBRARY, else $PERFCOUNT_NVML_LIBRARY, else libnvidia-ml.so.1), initialise it and "
             "select DEVICES (indices/UUIDs; None: $CUDA_VISIBLE_DEVICES, else all GPUs).")
        .def("start", &NvmlSampler::start, py::call_guard<py::gil_scoped_release>(),
             "Read the energy counters, take the first sample and start the sampling thread.")
        .def(
            "stop",
            [](NvmlSampler& s) {
                NvmlWindow w;
                {
                    py::gil_scoped_release release;
                    w = s.stop();
                }
                return window_dict(w);
            },
            "Stop and join the thread, read the energy counters; the window's metrics as a dict.")
        .def("close", &NvmlSampler::close, py::call_guard<py::gil_scoped_release>(),
             "Stop the thread if running (discarding the window), shut NVML down, release the library.")
        .def_property_readonly("devices",
                               [](const NvmlSampler& s) {
                                   py::list out;
                                   for (const auto& d : s.devices()) out.append(device_info_dict(d));
                                   return out;
                               })
        .def_property_readonly("driver_version",
                               [](const NvmlSampler& s) { return str_or_none(s.driver_version()); })
        .def_property_readonly("library", &NvmlSampler::library_path)
        .def_property_readonly("selection", &NvmlSampler::selection)
        .def_property_readonly("skipped",
                               [](const NvmlSampler& s) { return skipped_list(s.skipped()); })
        .def_property_readonly("interval_ms", &NvmlSampler::interval_ms)
        .def_property_readonly("running", &NvmlSampler::running)
        .def_property_readonly("closed", &NvmlSampler::closed);
}

}  // namespace perfcount
