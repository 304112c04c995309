// NVML GPU metrics around a region or a child process. Plain C++17, no
// Python and no NVML/CUDA headers here: libnvidia-ml is dlopen'ed at run time
// (bind_nvml.cpp binds NvmlSampler).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace perfcount {

// The metrics a device may answer (indices into NvmlDeviceInfo::supported).
enum NvmlMetric : int { kNvmlEnergy, kNvmlPower, kNvmlUtil, kNvmlMemory, kNvmlClock, kNvmlMetricCount };
// "energy_counter", "power", "utilization", "memory", "sm_clock"
extern const char* const kNvmlMetricNames[kNvmlMetricCount];

// A selected device as probed when the sampler was created.
struct NvmlDeviceInfo {
    unsigned int index = 0;
    std::string uuid, name;
    bool supported[kNvmlMetricCount] = {false, false, false, false, false};
    unsigned long long memory_total = 0;  // bytes; meaningful when "memory" is supported
};

// One device over a start()..stop() window. Empty optionals are "no value".
struct NvmlDeviceWindow {
    unsigned int index = 0;
    std::string uuid, name;
    std::optional<double> energy_mj;
    const char* energy_source = "unavailable";  // energy_counter, power_integration,
                                                // window_too_short or unavailable
    std::optional<double> energy_counter_mj;
    std::optional<double> power_integrated_mj;
    std::optional<double> avg_power_w;   // energy counter / duration when it counted, else integrated
    std::optional<double> peak_power_w;
    // "instant" (NVML_FI_DEV_POWER_INSTANT), "power_usage" (nvmlDeviceGetPowerUsage:
    // a 1 s average on Ampere except GA100, Hopper and newer), or "" (no power samples)
    const char* power_source = "";
    std::optional<unsigned long long> peak_mem_bytes;
    std::optional<unsigned long long> mem_total_bytes;
    std::optional<double> mean_util_pct;
    std::optional<double> mean_mem_util_pct;
    std::optional<double> sm_clock_mhz_mean;
    long long duration_ns = 0;
    long long samples = 0;
    // (metric name, why) of each metric the device does not answer, in metric order.
    std::vector<std::pair<std::string, std::string>> unsupported;
};

// All selected devices over a window (sums, means and the weakest energy source).
struct NvmlWindow {
    std::optional<double> energy_mj;
    const char* energy_source = "energy_counter";
    std::optional<double> avg_power_w;
    std::optional<double> peak_power_w;  // peak of the summed power
    std::optional<unsigned long long> peak_mem_bytes;
    std::optional<double> mean_util_pct;
    std::optional<double> mean_mem_util_pct;
    std::optional<double> sm_clock_mhz_mean;
    long long duration_ns = 0;
    long long samples = 0;
    double interval_ms = 0;
    std::string selection;
    std::string driver_version;  // empty when unknown
    std::vector<NvmlDeviceWindow> devices;
    // GPUs left out because this user may not query them (index, why)
    std::vector<std::pair<unsigned int, std::string>> skipped;
};

// NVML metrics of selected GPUs over start()..stop() windows.
//
// Loads LIBRARY (else $PERFCOUNT_NVML_LIBRARY, else libnvidia-ml.so.1; one
// dlopen per path, shared), initialises NVML and selects DEVICES (indices as
// digit strings, UUIDs or unique UUID prefixes; nullopt: $CUDA_VISIBLE_DEVICES,
// else all GPUs). One sampling thread lives as long as the sampler (idle
// between windows). Throws Gpu errors (no library, init failure, no/unknown
// GPU) or InvalidArgument. Never touches Python: the caller may release the
// GIL around every call. A GPU whose handle answers NVML_ERROR_NO_PERMISSION
// is left out of "all" (and of CUDA_VISIBLE_DEVICES) and listed in skipped();
// selecting it explicitly is a Gpu error. A MIG device UUID selects its GPU.
class NvmlSampler {
public:
    NvmlSampler(std::optional<std::vector<std::string>> devices, double interval_ms,
                std::optional<std::string> library);
    ~NvmlSampler();
    NvmlSampler(const NvmlSampler&) = delete;
    NvmlSampler& operator=(const NvmlSampler&) = delete;

    // Read the energy counters, take the first sample, wake the sampling thread.
    void start();
    // Close the window, read the energy counters; the window's metrics.
    NvmlWindow stop();
    // Stop the thread (discarding a running window), nvmlShutdown, release the library.
    void close();

    const std::vector<NvmlDeviceInfo>& devices() const;
    const std::string& driver_version() const;  // empty when unknown
    const std::string& library_path() const;
    const std::string& selection() const;  // "explicit", "CUDA_VISIBLE_DEVICES" or "all"
    const std::vector<std::pair<unsigned int, std::string>>& skipped() const;
    double interval_ms() const;
    bool running() const;
    bool closed() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace perfcount
