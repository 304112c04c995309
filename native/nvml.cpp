// NVML GPU metrics around a region or a child process.
//
// libnvidia-ml.so.1 is dlopen'ed at run time (no build-time CUDA/NVML
// dependency). One Library per path is shared by all samplers and dlclose'd
// when the last one closes. A sampler selects devices (explicit indices/UUIDs,
// else CUDA_VISIBLE_DEVICES, else all), reads each device's total-energy
// counter (mJ, Volta+) before and after each window while its one std::thread
// (created with the sampler, idle between windows) samples power, utilisation,
// memory used and SM clock every interval. Nothing here touches Python; the
// bindings (bind_nvml.cpp) release the GIL around NVML calls and waits.
//
// Energy per device, in order of trust:
//   energy_counter     counter delta > 0;
//   power_integration  no counter (NVML_ERROR_NOT_SUPPORTED): trapezoid over
//                      the power samples;
//   window_too_short   counter delta 0 although a GPU never draws 0 W: the window
//                      was shorter than the counter's update period, energy from
//                      power integration (None without power samples), never 0 J;
//   unavailable        neither counter nor power readings.
#include "nvml.hpp"

#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "errors.hpp"

namespace perfcount {

const char* const kNvmlMetricNames[kNvmlMetricCount] = {"energy_counter", "power", "utilization",
                                                        "memory", "sm_clock"};

namespace {

// ---- the NVML C API subset we use (nvml.h, stable ABI) --------------------

using nvmlReturn_t = int;
using nvmlDevice_t = void*;
struct nvmlUtilization_t {
    unsigned int gpu;
    unsigned int memory;
};
struct nvmlMemory_t {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
struct nvmlMemory_v2_t {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
};
// nvmlFieldValue_t (nvml.h): the value's type varies by driver (valueType).
struct nvmlFieldValue_t {
    unsigned int fieldId;
    unsigned int scopeId;
    long long timestamp;
    long long latencyUsec;
    int valueType;  // nvmlValueType_t
    int nvmlReturn;
    union {
        double dVal;
        unsigned int uiVal;
        unsigned long ulVal;
        unsigned long long ullVal;
        long long sllVal;
        int siVal;
        unsigned short usVal;
    } value;
};
static_assert(sizeof(nvmlFieldValue_t) == 40, "nvmlFieldValue_t layout");
// NVML_FI_DEV_POWER_INSTANT: the instant power draw in mW. nvmlDeviceGetPowerUsage
// is a 1-second average on Ampere (except GA100), Hopper and newer (nvml.h).
constexpr unsigned int kFieldPowerInstant = 186;

// NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | (2 << 24)
constexpr unsigned int kMemoryV2Version = static_cast<unsigned int>(sizeof(nvmlMemory_v2_t)) | (2u << 24);
static_assert(sizeof(nvmlMemory_v2_t) == 0x28, "nvmlMemory_v2_t layout");

constexpr nvmlReturn_t NVML_SUCCESS = 0;
constexpr nvmlReturn_t NVML_ERROR_NOT_SUPPORTED = 3;
constexpr nvmlReturn_t NVML_ERROR_NO_PERMISSION = 4;
constexpr nvmlReturn_t NVML_ERROR_NOT_FOUND = 6;
constexpr nvmlReturn_t NVML_ERROR_DRIVER_NOT_LOADED = 9;
constexpr nvmlReturn_t NVML_ERROR_LIBRARY_NOT_FOUND = 12;
constexpr nvmlReturn_t NVML_ERROR_FUNCTION_NOT_FOUND = 13;
constexpr nvmlReturn_t NVML_ERROR_GPU_IS_LOST = 15;
constexpr nvmlReturn_t NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18;
constexpr nvmlReturn_t NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25;
constexpr int NVML_CLOCK_SM = 1;
constexpr unsigned int kUuidBufferSize = 96;  // NVML_DEVICE_UUID_V2_BUFFER_SIZE (>= 80)
constexpr unsigned int kNameBufferSize = 96;  // NVML_DEVICE_NAME_V2_BUFFER_SIZE
constexpr unsigned int kVersionBufferSize = 80;

struct Api {
    nvmlReturn_t (*init)() = nullptr;  // nvmlInit_v2
    nvmlReturn_t (*shutdown)() = nullptr;
    const char* (*error_string)(nvmlReturn_t) = nullptr;
    nvmlReturn_t (*driver_version)(char*, unsigned int) = nullptr;
    nvmlReturn_t (*count)(unsigned int*) = nullptr;                   // nvmlDeviceGetCount_v2
    nvmlReturn_t (*by_index)(unsigned int, nvmlDevice_t*) = nullptr;  // nvmlDeviceGetHandleByIndex_v2
    nvmlReturn_t (*by_uuid)(const char*, nvmlDevice_t*) = nullptr;
    nvmlReturn_t (*uuid)(nvmlDevice_t, char*, unsigned int) = nullptr;
    nvmlReturn_t (*name)(nvmlDevice_t, char*, unsigned int) = nullptr;
    nvmlReturn_t (*energy)(nvmlDevice_t, unsigned long long*) = nullptr;
    nvmlReturn_t (*power)(nvmlDevice_t, unsigned int*) = nullptr;
    nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
    nvmlReturn_t (*memory)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
    nvmlReturn_t (*memory_v2)(nvmlDevice_t, nvmlMemory_v2_t*) = nullptr;
    nvmlReturn_t (*clock)(nvmlDevice_t, int, unsigned int*) = nullptr;
    nvmlReturn_t (*field_values)(nvmlDevice_t, int, nvmlFieldValue_t*) = nullptr;
    nvmlReturn_t (*mig_parent)(nvmlDevice_t, nvmlDevice_t*) = nullptr;  // nvmlDeviceGetDeviceHandleFromMigDeviceHandle
};

// The instant power draw of H in mW through NVML_FI_DEV_POWER_INSTANT.
nvmlReturn_t instant_power(const Api& api, nvmlDevice_t h, double& mw) {
    nvmlFieldValue_t v;
    std::memset(&v, 0, sizeof(v));
    v.fieldId = kFieldPowerInstant;
    if (nvmlReturn_t r = api.field_values(h, 1, &v); r != NVML_SUCCESS) return r;
    if (v.nvmlReturn != NVML_SUCCESS) return v.nvmlReturn;
    switch (v.valueType) {
        case 0: mw = v.value.dVal; break;
        case 1: mw = v.value.uiVal; break;
        case 2: mw = static_cast<double>(v.value.ulVal); break;
        case 3: mw = static_cast<double>(v.value.ullVal); break;
        case 4: mw = static_cast<double>(v.value.sllVal); break;
        case 5: mw = v.value.siVal; break;
        case 6: mw = v.value.usVal; break;
        default: return NVML_ERROR_NOT_SUPPORTED;  // a value type newer than this code
    }
    return NVML_SUCCESS;
}

std::string error_string(const Api& api, nvmlReturn_t code) {
    const char* s = api.error_string ? api.error_string(code) : nullptr;
    return s ? std::string(s) : "NVML error " + std::to_string(code);
}

std::string hint_for(nvmlReturn_t code) {
    switch (code) {
        case NVML_ERROR_DRIVER_NOT_LOADED:
            return "install the NVIDIA driver / check nvidia-smi";
        case NVML_ERROR_LIBRARY_NOT_FOUND:
            return "libnvidia-ml.so.1 not found: no NVIDIA driver on this machine";
        case NVML_ERROR_NO_PERMISSION:
            return "this user may not query the GPU: check the permissions of /dev/nvidia*";
        case NVML_ERROR_GPU_IS_LOST:
            return "the GPU fell off the bus or hung: check dmesg and nvidia-smi";
        case NVML_ERROR_LIB_RM_VERSION_MISMATCH:
            return "libnvidia-ml and the loaded NVIDIA kernel module differ: reboot or reinstall the driver";
        case NVML_ERROR_FUNCTION_NOT_FOUND:
            return "the NVIDIA driver is too old for this query: update it";
        default:
            return "check that nvidia-smi works";
    }
}

Error nvml_error(const Api& api, const std::string& call, nvmlReturn_t code,
                 const std::string& context = {}) {
    std::string msg = "NVML " + call + " failed: " + error_string(api, code) + " (nvmlReturn_t " +
                      std::to_string(code) + ")";
    if (!context.empty()) msg += " " + context;
    return Error(ErrorKind::Gpu, code, msg, hint_for(code));
}

[[noreturn]] void fail(const Api& api, const std::string& call, nvmlReturn_t code,
                       const std::string& context = {}) {
    throw nvml_error(api, call, code, context);
}

// ---- the shared library ----------------------------------------------------

class Library {
public:
    Library(std::string path, void* handle) : path_(std::move(path)), handle_(handle) {}
    ~Library() { dlclose(handle_); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    const std::string& path() const { return path_; }
    const Api& api() const { return api_; }

    // The loaded library for PATH, shared with every other user of that path.
    static std::shared_ptr<Library> open(const std::string& path) {
        // Leaked on purpose: Library destructors may run during interpreter
        // shutdown, after function-local statics would have been destroyed.
        static auto* mutex = new std::mutex;
        static auto* loaded = new std::map<std::string, std::weak_ptr<Library>>;
        std::lock_guard<std::mutex> lock(*mutex);
        if (auto existing = (*loaded)[path].lock()) return existing;

        dlerror();
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            const char* why = dlerror();
            throw Error(ErrorKind::Gpu, NVML_ERROR_LIBRARY_NOT_FOUND,
                        "cannot load the NVML library '" + path + "': " + (why ? why : "dlopen failed"),
                        hint_for(NVML_ERROR_LIBRARY_NOT_FOUND) +
                            " (or set PERFCOUNT_NVML_LIBRARY to its path)");
        }
        auto lib = std::make_shared<Library>(path, handle);
        lib->resolve();
        (*loaded)[path] = lib;
        return lib;
    }

private:
    template <class F>
    void sym(F& fn, const char* name, bool required) {
        fn = reinterpret_cast<F>(dlsym(handle_, name));
        if (fn == nullptr && required) {
            throw Error(ErrorKind::Gpu, NVML_ERROR_FUNCTION_NOT_FOUND,
                        "the NVML library '" + path_ + "' has no symbol " + name,
                        "it is not libnvidia-ml or the NVIDIA driver is too old: update the driver");
        }
    }

    void resolve() {
        sym(api_.error_string, "nvmlErrorString", false);
        sym(api_.init, "nvmlInit_v2", true);
        sym(api_.shutdown, "nvmlShutdown", true);
        sym(api_.count, "nvmlDeviceGetCount_v2", true);
        sym(api_.by_index, "nvmlDeviceGetHandleByIndex_v2", true);
        sym(api_.driver_version, "nvmlSystemGetDriverVersion", false);
        sym(api_.by_uuid, "nvmlDeviceGetHandleByUUID", false);
        sym(api_.uuid, "nvmlDeviceGetUUID", false);
        sym(api_.name, "nvmlDeviceGetName", false);
        sym(api_.energy, "nvmlDeviceGetTotalEnergyConsumption", false);
        sym(api_.power, "nvmlDeviceGetPowerUsage", false);
        sym(api_.utilization, "nvmlDeviceGetUtilizationRates", false);
        sym(api_.memory, "nvmlDeviceGetMemoryInfo", false);
        sym(api_.memory_v2, "nvmlDeviceGetMemoryInfo_v2", false);
        sym(api_.clock, "nvmlDeviceGetClockInfo", false);
        sym(api_.field_values, "nvmlDeviceGetFieldValues", false);
        sym(api_.mig_parent, "nvmlDeviceGetDeviceHandleFromMigDeviceHandle", false);
    }

    std::string path_;
    void* handle_;
    Api api_;
};

// ---- devices and their accumulators ----------------------------------------

using Clock = std::chrono::steady_clock;

enum Metric {
    kEnergy = kNvmlEnergy,
    kPower = kNvmlPower,
    kUtil = kNvmlUtil,
    kMemory = kNvmlMemory,
    kClock = kNvmlClock,
    kMetricCount = kNvmlMetricCount
};

struct Window {
    unsigned long long energy_start = 0, energy_end = 0;
    bool have_power = false;
    Clock::time_point last_t{};
    double last_power_mw = 0;
    double integral_mj = 0;  // mW x s
    double peak_power_mw = 0;
    double util_sum = 0, mem_util_sum = 0, clock_sum = 0;
    unsigned long long peak_mem = 0;
    long long power_n = 0, util_n = 0, mem_n = 0, clock_n = 0;
};

struct Device {
    unsigned int index = 0;
    std::string uuid, name;
    nvmlDevice_t handle = nullptr;
    bool supported[kMetricCount] = {false, false, false, false, false};
    std::string unsupported_why[kMetricCount];
    bool memory_v2 = false;
    bool power_instant = false;  // power samples from NVML_FI_DEV_POWER_INSTANT
    unsigned long long memory_total = 0;
    bool accessible = true;      // false: NVML_ERROR_NO_PERMISSION for its handle
    std::string inaccessible_why;
    Window w;
};

// A sampling failure recorded by the thread and raised by stop().
struct Failure {
    std::string call;
    nvmlReturn_t code = NVML_SUCCESS;
    unsigned int device = 0;
};

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string trim(const std::string& s) {
    const char* ws = " \t\r\n";
    auto b = s.find_first_not_of(ws);
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

NvmlDeviceInfo device_info(const Device& d) {
    NvmlDeviceInfo info;
    info.index = d.index;
    info.uuid = d.uuid;
    info.name = d.name;
    for (int m = 0; m < kMetricCount; ++m) info.supported[m] = d.supported[m];
    info.memory_total = d.memory_total;
    return info;
}

class Sampler {
public:
    Sampler(std::optional<std::vector<std::string>> devices, double interval_ms,
            std::optional<std::string> library) {
        if (!(interval_ms >= 0.1 && interval_ms <= 60'000.0)) {
            throw Error(ErrorKind::InvalidArgument, 0,
                        "interval_ms=" + std::to_string(interval_ms) + " is out of range",
                        "pass a sampling interval between 0.1 and 60000 ms (default 10)");
        }
        interval_ = std::chrono::nanoseconds(static_cast<long long>(interval_ms * 1e6));
        interval_ms_ = interval_ms;

        std::string path = "libnvidia-ml.so.1";
        if (library && !library->empty()) {
            path = *library;
        } else if (const char* env = std::getenv("PERFCOUNT_NVML_LIBRARY"); env && *env) {
            path = env;
        }
        lib_ = Library::open(path);
        library_path_ = path;
        const Api& api = lib_->api();
        if (nvmlReturn_t r = api.init(); r != NVML_SUCCESS) {
            Error err = nvml_error(api, "nvmlInit_v2", r, "(library " + path + ")");
            lib_.reset();  // may dlclose: the message is built first
            throw err;
        }
        initialised_ = true;
        try {
            char version[kVersionBufferSize] = {};
            if (api.driver_version && api.driver_version(version, kVersionBufferSize) == NVML_SUCCESS) {
                driver_version_ = version;
            }
            select(devices);
            for (auto& d : devices_) probe(d);
            for (const auto& d : devices_) probed_.push_back(device_info(d));
            // One thread for the sampler's life, idle between windows: created
            // here, before the caller opens perf counters with inherit=1, it is
            // not counted as part of the measured code.
            thread_ = std::make_unique<std::thread>([this] { worker(); });
            // named here, not inside worker(): the name is visible as soon as
            // the constructor returns (top -H, /proc/*/task/*/comm)
            pthread_setname_np(thread_->native_handle(), "perfcount-nvml");
        } catch (...) {
            close();
            throw;
        }
    }

    ~Sampler() {
        try {
            close();
        } catch (...) {
        }
    }
    Sampler(const Sampler&) = delete;
    Sampler& operator=(const Sampler&) = delete;

    void start() {
        ensure_same_process("start");
        std::lock_guard<std::mutex> api_lock(api_mutex_);
        ensure_open("start");
        if (running_) {
            throw Error(ErrorKind::InvalidArgument, 0, "the GPU sampler is already running",
                        "call stop() before start() again");
        }
        const Api& api = lib_->api();
        failure_.reset();
        for (auto& d : devices_) d.w = Window{};
        t0_ = Clock::now();
        for (auto& d : devices_) {
            if (!d.supported[kEnergy]) continue;
            if (nvmlReturn_t r = api.energy(d.handle, &d.w.energy_start); r != NVML_SUCCESS) {
                fail(api, "nvmlDeviceGetTotalEnergyConsumption", r, device_label(d));
            }
        }
        ticks_ = 0;
        peak_total_power_mw_ = 0;
        peak_total_mem_ = 0;
        if (!tick(t0_)) raise_failure();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            window_active_ = true;
            ++generation_;
        }
        cv_.notify_all();
        running_ = true;
    }

    struct Result {
        std::vector<Device> devices;  // snapshot of the window's accumulators
        long long duration_ns = 0;
        long long ticks = 0;
        double peak_total_power_mw = 0;
        unsigned long long peak_total_mem = 0;
    };

    Result stop() {
        ensure_same_process("stop");
        std::lock_guard<std::mutex> api_lock(api_mutex_);
        ensure_open("stop");
        if (!running_) {
            throw Error(ErrorKind::InvalidArgument, 0, "the GPU sampler is not running",
                        "call start() before stop()");
        }
        end_window();
        if (failure_) raise_failure();
        const Api& api = lib_->api();
        for (auto& d : devices_) {
            if (!d.supported[kEnergy]) continue;
            if (nvmlReturn_t r = api.energy(d.handle, &d.w.energy_end); r != NVML_SUCCESS) {
                fail(api, "nvmlDeviceGetTotalEnergyConsumption", r, device_label(d));
            }
        }
        Clock::time_point t1 = Clock::now();
        if (!tick(t1)) raise_failure();
        Result res;
        res.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0_).count();
        res.ticks = ticks_;
        res.peak_total_power_mw = peak_total_power_mw_;
        res.peak_total_mem = peak_total_mem_;
        res.devices = devices_;
        return res;
    }

    // Stops the thread (discarding its window), shuts NVML down, releases the library.
    void close() {
        if (getpid() != owner_pid_) {
            // A forked copy: the sampling thread, the locks' owners and NVML's
            // state belong to the parent. Leak the thread object (joining it
            // here would hang) and leave NVML alone.
            // Never dlclose here either: the library's destructors (and NVML's
            // state) are the parent's; the reference is leaked on purpose.
            (void)thread_.release();
            running_ = false;
            initialised_ = false;
            closed_ = true;
            if (lib_) (void)new std::shared_ptr<Library>(std::move(lib_));
            return;
        }
        std::lock_guard<std::mutex> api_lock(api_mutex_);
        if (thread_) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                quit_ = true;
                window_active_ = false;
            }
            cv_.notify_all();
            thread_->join();
            thread_.reset();
        }
        running_ = false;
        closed_ = true;
        if (initialised_) {
            initialised_ = false;
            lib_->api().shutdown();
        }
        lib_.reset();
    }

    // The devices as probed at construction (the thread owns devices_ while running).
    const std::vector<NvmlDeviceInfo>& devices() const { return probed_; }
    const std::string& driver_version() const { return driver_version_; }
    const std::string& library_path() const { return library_path_; }
    const std::string& selection() const { return selection_; }
    double interval_ms() const { return interval_ms_; }
    const std::vector<std::pair<unsigned int, std::string>>& skipped() const { return skipped_; }
    // Atomics: read by Python threads while another thread's start/stop/close
    // (GIL released) changes them.
    bool running() const { return running_; }
    bool closed() const { return closed_; }

private:
    // Before taking any lock: in a forked child the parent's threads may own them.
    void ensure_same_process(const char* what) const {
        if (getpid() != owner_pid_) {
            throw Error(ErrorKind::InvalidArgument, 0,
                        std::string("cannot ") + what + " a GPU sampler inherited through fork()",
                        "create the sampler in the process that uses it");
        }
    }

    void ensure_open(const char* what) const {
        if (!lib_) {
            throw Error(ErrorKind::InvalidArgument, 0,
                        std::string("cannot ") + what + " a closed GPU sampler",
                        "create a new sampler (perfcount.gpu.sampler_for)");
        }
    }

    static std::string device_label(const Device& d) { return "on GPU " + std::to_string(d.index) + " (" + d.uuid + ")"; }

    // Fill devices_ from the explicit list, else CUDA_VISIBLE_DEVICES, else all.
    void select(const std::optional<std::vector<std::string>>& wanted) {
        const Api& api = lib_->api();
        unsigned int count = 0;
        if (nvmlReturn_t r = api.count(&count); r != NVML_SUCCESS) fail(api, "nvmlDeviceGetCount_v2", r);
        if (count == 0) {
            throw Error(ErrorKind::Gpu, NVML_ERROR_NOT_FOUND, "NVML reports no GPU on this machine",
                        "check that nvidia-smi lists a GPU");
        }
        std::vector<Device> all(count);
        for (unsigned int i = 0; i < count; ++i) {
            Device& d = all[i];
            d.index = i;
            if (nvmlReturn_t r = api.by_index(i, &d.handle); r != NVML_SUCCESS) {
                // nvml.h: NO_PERMISSION "if the user doesn't have permission to
                // talk to this device" -- that GPU only, not every GPU
                if (r != NVML_ERROR_NO_PERMISSION) {
                    fail(api, "nvmlDeviceGetHandleByIndex_v2", r, "for GPU " + std::to_string(i));
                }
                d.accessible = false;
                d.handle = nullptr;
                d.inaccessible_why = "nvmlDeviceGetHandleByIndex_v2: " + error_string(api, r) +
                                     " (" + hint_for(r) + ")";
                continue;
            }
            char buf[kUuidBufferSize] = {};
            if (api.uuid && api.uuid(d.handle, buf, kUuidBufferSize) == NVML_SUCCESS) d.uuid = buf;
            char name[kNameBufferSize] = {};
            if (api.name && api.name(d.handle, name, kNameBufferSize) == NVML_SUCCESS) d.name = name;
        }
        auto known = [&] {
            std::string s;
            for (const auto& d : all) {
                s += (s.empty() ? "" : ", ") + std::to_string(d.index) + " " +
                     (d.accessible ? d.uuid : std::string("(no permission)"));
            }
            return s;
        };
        // nullptr when NAME matches no device; throws when a UUID prefix is ambiguous.
        auto find = [&](const std::string& name) -> const Device* {
            if (all_digits(name)) {
                unsigned long idx = std::strtoul(name.c_str(), nullptr, 10);
                return idx < count ? &all[idx] : nullptr;
            }
            const Device* hit = nullptr;
            for (const auto& d : all) {  // exact UUID, then a unique prefix (as CUDA allows)
                if (d.uuid == name) return &d;
            }
            for (const auto& d : all) {
                if (!d.uuid.empty() && d.uuid.compare(0, name.size(), name) == 0) {
                    if (hit) {
                        throw Error(ErrorKind::InvalidArgument, 0,
                                    "GPU '" + name + "' is ambiguous: it prefixes several UUIDs (" + known() + ")",
                                    "give more characters of the UUID");
                    }
                    hit = &d;
                }
            }
            if (!hit && api.by_uuid) {  // UUID forms our listing may not show (e.g. MIG)
                nvmlDevice_t h = nullptr;
                if (api.by_uuid(name.c_str(), &h) == NVML_SUCCESS) {
                    // a MIG device ("MIG-..."): its GPU. NVML's power, energy
                    // and utilisation are the whole GPU's anyway.
                    nvmlDevice_t parent = nullptr;
                    if (api.mig_parent && api.mig_parent(h, &parent) == NVML_SUCCESS && parent) {
                        h = parent;
                    }
                    for (const auto& d : all) {
                        if (d.accessible && d.handle == h) return &d;
                    }
                }
            }
            return hit;
        };
        auto add = [&](const Device* d) {
            for (const auto& have : devices_) {
                if (have.index == d->index) return false;
            }
            devices_.push_back(*d);
            return true;
        };
        auto skip = [&](const Device& d) {
            for (const auto& have : skipped_) {
                if (have.first == d.index) return;
            }
            skipped_.emplace_back(d.index, d.inaccessible_why);
        };
        auto no_permission = [&](const std::string& what) {
            throw Error(ErrorKind::Gpu, NVML_ERROR_NO_PERMISSION,
                        what + " (NVML sees " + known() + ")", hint_for(NVML_ERROR_NO_PERMISSION));
        };

        if (wanted) {
            selection_ = "explicit";
            if (wanted->empty()) {
                throw Error(ErrorKind::InvalidArgument, 0, "devices=[] selects no GPU",
                            "pass None for all GPUs, or indices/UUIDs");
            }
            for (const auto& raw : *wanted) {
                std::string name = trim(raw);
                if (name.empty()) {
                    throw Error(ErrorKind::InvalidArgument, 0, "an empty GPU name in devices",
                                "pass GPU indices or UUIDs");
                }
                const Device* d = find(name);
                if (!d) {
                    throw Error(ErrorKind::Gpu, NVML_ERROR_NOT_FOUND,
                                "no GPU matches '" + name + "' (NVML sees " + known() + ")",
                                "pass an index below " + std::to_string(count) +
                                    " or a UUID from `nvidia-smi -L`");
                }
                if (!d->accessible) {
                    no_permission("GPU " + std::to_string(d->index) +
                                  " may not be queried by this user: " + d->inaccessible_why);
                }
                if (!add(d)) {
                    throw Error(ErrorKind::InvalidArgument, 0, "GPU '" + name + "' is selected twice",
                                "list each GPU once");
                }
            }
            return;
        }
        const char* env = std::getenv("CUDA_VISIBLE_DEVICES");
        if (env == nullptr) {
            selection_ = "all";
            for (const auto& d : all) {
                if (d.accessible) {
                    devices_.push_back(d);
                } else {
                    skip(d);
                }
            }
            if (devices_.empty()) no_permission("this user may query none of the GPUs");
            return;
        }
        // CUDA's rule: entries up to the first one that names no device.
        // Indices are NVML's (PCI bus order), which is CUDA's order only with
        // CUDA_DEVICE_ORDER=PCI_BUS_ID; UUIDs are unambiguous.
        selection_ = "CUDA_VISIBLE_DEVICES";
        std::string list = env;
        size_t pos = 0;
        while (pos <= list.size()) {
            size_t comma = list.find(',', pos);
            if (comma == std::string::npos) comma = list.size();
            std::string name = trim(list.substr(pos, comma - pos));
            const Device* d = name.empty() ? nullptr : find(name);
            if (!d) break;
            if (d->accessible) {
                add(d);
            } else {
                skip(*d);  // CUDA cannot use it either
            }
            pos = comma + 1;
        }
        if (devices_.empty() && !skipped_.empty()) {
            no_permission("CUDA_VISIBLE_DEVICES='" + list +
                          "' makes only GPUs visible that this user may not query");
        }
        if (devices_.empty()) {
            throw Error(ErrorKind::Gpu, NVML_ERROR_NOT_FOUND,
                        "CUDA_VISIBLE_DEVICES='" + list + "' makes no GPU visible (NVML sees " + known() + ")",
                        "unset CUDA_VISIBLE_DEVICES or pass devices= explicitly");
        }
    }

    // Which metrics this device answers; NOT_SUPPORTED (and missing symbols)
    // disable a metric, any other error is raised.
    void probe(Device& d) {
        const Api& api = lib_->api();
        auto judge = [&](Metric m, const char* call, bool have_symbol, nvmlReturn_t r) {
            if (!have_symbol) {
                d.unsupported_why[m] = std::string(call) + " is not in this libnvidia-ml";
            } else if (r == NVML_SUCCESS) {
                d.supported[m] = true;
            } else if (r == NVML_ERROR_NOT_SUPPORTED || r == NVML_ERROR_NO_PERMISSION ||
                       r == NVML_ERROR_FUNCTION_NOT_FOUND) {
                d.unsupported_why[m] = std::string(call) + ": " + error_string(api, r);
            } else {
                fail(api, call, r, device_label(d));
            }
        };
        unsigned long long e = 0;
        judge(kEnergy, "nvmlDeviceGetTotalEnergyConsumption", api.energy != nullptr,
              api.energy ? api.energy(d.handle, &e) : 0);
        // Power: the instant field where the driver has it (nvmlDeviceGetPowerUsage
        // is a 1 s average on Ampere except GA100, Hopper and newer), else power usage.
        double instant_mw = 0;
        if (api.field_values && instant_power(api, d.handle, instant_mw) == NVML_SUCCESS) {
            d.power_instant = true;
            d.supported[kPower] = true;
        } else {
            unsigned int p = 0;
            judge(kPower, "nvmlDeviceGetPowerUsage", api.power != nullptr,
                  api.power ? api.power(d.handle, &p) : 0);
        }
        nvmlUtilization_t u{};
        judge(kUtil, "nvmlDeviceGetUtilizationRates", api.utilization != nullptr,
              api.utilization ? api.utilization(d.handle, &u) : 0);
        unsigned int c = 0;
        judge(kClock, "nvmlDeviceGetClockInfo", api.clock != nullptr,
              api.clock ? api.clock(d.handle, NVML_CLOCK_SM, &c) : 0);
        // Memory: _v2 ("used" excludes the driver's reserved memory), else v1.
        // NO_PERMISSION: a GPU in MIG mode, whose memory only root may read
        // (nvml.h); v1 then says the same and memory is unsupported.
        bool mig_permission = false;
        if (api.memory_v2) {
            nvmlMemory_v2_t m{};
            m.version = kMemoryV2Version;
            nvmlReturn_t r = api.memory_v2(d.handle, &m);
            if (r == NVML_SUCCESS) {
                d.memory_v2 = true;
                d.supported[kMemory] = true;
                d.memory_total = m.total;
                return;
            }
            mig_permission = r == NVML_ERROR_NO_PERMISSION;
            if (r != NVML_ERROR_NOT_SUPPORTED && r != NVML_ERROR_ARGUMENT_VERSION_MISMATCH &&
                r != NVML_ERROR_FUNCTION_NOT_FOUND && r != NVML_ERROR_NO_PERMISSION) {
                fail(api, "nvmlDeviceGetMemoryInfo_v2", r, device_label(d));
            }
        }
        nvmlMemory_t m{};
        judge(kMemory, "nvmlDeviceGetMemoryInfo", api.memory != nullptr,
              api.memory ? api.memory(d.handle, &m) : 0);
        if (d.supported[kMemory]) d.memory_total = m.total;
        if (!d.supported[kMemory] && mig_permission) {
            d.unsupported_why[kMemory] += " (MIG mode: only root may read the whole GPU's memory)";
        }
    }

    // One sample of every device at time T. False (with failure_ set) on an NVML error.
    bool tick(Clock::time_point t) {
        const Api& api = lib_->api();
        double total_power = 0;
        unsigned long long total_mem = 0;
        for (auto& d : devices_) {
            Window& w = d.w;
            auto bad = [&](const char* call, nvmlReturn_t r, Metric m) {
                if (r == NVML_ERROR_NOT_SUPPORTED || r == NVML_ERROR_NO_PERMISSION) {
                    // stopped answering (or may not be read): drop the metric
                    d.supported[m] = false;
                    d.unsupported_why[m] = std::string(call) + ": " + error_string(api, r);
                    return true;
                }
                failure_ = Failure{call, r, d.index};
                return false;
            };
            if (d.supported[kPower]) {
                double p = 0;
                nvmlReturn_t r = NVML_ERROR_NOT_SUPPORTED;
                if (d.power_instant) {
                    r = instant_power(api, d.handle, p);
                    if (r == NVML_ERROR_NOT_SUPPORTED && api.power) d.power_instant = false;
                }
                if (!d.power_instant) {
                    unsigned int mw = 0;
                    r = api.power ? api.power(d.handle, &mw) : NVML_ERROR_NOT_SUPPORTED;
                    p = mw;
                }
                if (r != NVML_SUCCESS) {
                    if (!bad(d.power_instant ? "nvmlDeviceGetFieldValues(POWER_INSTANT)"
                                             : "nvmlDeviceGetPowerUsage",
                             r, kPower)) {
                        return false;
                    }
                } else {
                    if (w.have_power) {
                        double dt = std::chrono::duration<double>(t - w.last_t).count();
                        w.integral_mj += 0.5 * (p + w.last_power_mw) * dt;
                    }
                    w.have_power = true;
                    w.last_t = t;
                    w.last_power_mw = p;
                    w.peak_power_mw = std::max(w.peak_power_mw, p);
                    ++w.power_n;
                    total_power += p;
                }
            }
            if (d.supported[kUtil]) {
                nvmlUtilization_t u{};
                if (nvmlReturn_t r = api.utilization(d.handle, &u); r != NVML_SUCCESS) {
                    if (!bad("nvmlDeviceGetUtilizationRates", r, kUtil)) return false;
                } else {
                    w.util_sum += u.gpu;
                    w.mem_util_sum += u.memory;
                    ++w.util_n;
                }
            }
            if (d.supported[kMemory]) {
                unsigned long long used = 0;
                nvmlReturn_t r;
                if (d.memory_v2) {
                    nvmlMemory_v2_t m{};
                    m.version = kMemoryV2Version;
                    r = api.memory_v2(d.handle, &m);
                    used = m.used;
                } else {
                    nvmlMemory_t m{};
                    r = api.memory(d.handle, &m);
                    used = m.used;
                }
                if (r != NVML_SUCCESS) {
                    if (!bad(d.memory_v2 ? "nvmlDeviceGetMemoryInfo_v2" : "nvmlDeviceGetMemoryInfo", r, kMemory)) {
                        return false;
                    }
                } else {
                    w.peak_mem = std::max(w.peak_mem, used);
                    ++w.mem_n;
                    total_mem += used;
                }
            }
            if (d.supported[kClock]) {
                unsigned int mhz = 0;
                if (nvmlReturn_t r = api.clock(d.handle, NVML_CLOCK_SM, &mhz); r != NVML_SUCCESS) {
                    if (!bad("nvmlDeviceGetClockInfo", r, kClock)) return false;
                } else {
                    w.clock_sum += mhz;
                    ++w.clock_n;
                }
            }
        }
        ++ticks_;
        peak_total_power_mw_ = std::max(peak_total_power_mw_, total_power);
        peak_total_mem_ = std::max(peak_total_mem_, total_mem);
        return true;
    }

    // The sampling thread: idle until a window opens, then a tick every
    // interval on a fixed grid from t0 (missed slots skipped) until it closes.
    // A failed tick ends sampling for the window (stop() raises it).
    void worker() {
        std::unique_lock<std::mutex> lock(mutex_);
        unsigned long long served = 0;  // the last window this thread sampled
        for (;;) {
            cv_.wait(lock, [&] { return quit_ || (window_active_ && generation_ != served); });
            if (quit_) return;
            served = generation_;
            sampling_ = true;
            Clock::time_point next = t0_ + interval_;
            bool ok = true;
            while (ok && !cv_.wait_until(lock, next, [this] { return quit_ || !window_active_; })) {
                lock.unlock();
                ok = tick(Clock::now());
                lock.lock();
                while (next <= Clock::now()) next += interval_;
            }
            sampling_ = false;
            done_cv_.notify_all();
        }
    }

    // Close the window and wait until the thread no longer touches the accumulators.
    void end_window() {
        std::unique_lock<std::mutex> lock(mutex_);
        window_active_ = false;
        cv_.notify_all();
        done_cv_.wait(lock, [this] { return !sampling_; });
        running_ = false;
    }

    [[noreturn]] void raise_failure() {
        Failure f = *failure_;
        failure_.reset();
        const Device* dev = nullptr;
        for (const auto& d : devices_) {
            if (d.index == f.device) dev = &d;
        }
        fail(lib_->api(), f.call, f.code, "while sampling " + (dev ? device_label(*dev) : std::string()));
    }

    std::shared_ptr<Library> lib_;
    bool initialised_ = false;
    std::vector<Device> devices_;
    std::vector<NvmlDeviceInfo> probed_;
    std::string driver_version_, selection_;
    std::string library_path_;
    pid_t owner_pid_ = getpid();
    std::chrono::nanoseconds interval_{};
    double interval_ms_ = 10;

    std::mutex api_mutex_;  // serialises start/stop/close from Python threads
    std::mutex mutex_;                 // guards the flags below
    std::condition_variable cv_;       // wakes the thread: window opened/closed, quit
    std::condition_variable done_cv_;  // the thread left a window
    bool window_active_ = false, sampling_ = false, quit_ = false;
    unsigned long long generation_ = 0;  // windows started
    std::unique_ptr<std::thread> thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> closed_{false};
    // GPUs NVML lists that this user may not query (index, why), left out of "all".
    std::vector<std::pair<unsigned int, std::string>> skipped_;
    Clock::time_point t0_{};
    long long ticks_ = 0;
    double peak_total_power_mw_ = 0;
    unsigned long long peak_total_mem_ = 0;
    std::optional<Failure> failure_;
};

// ---- the window's metrics ------------------------------------------------------

const char* const kSources[] = {"energy_counter", "power_integration", "window_too_short", "unavailable"};

std::optional<double> opt(bool have, double value) {
    return have ? std::optional<double>(value) : std::nullopt;
}

// Per-device summary; SOURCE receives the index into kSources.
NvmlDeviceWindow summarize_device(const Device& d, long long duration_ns, long long ticks, int& source) {
    const Window& w = d.w;
    double duration_ms = static_cast<double>(duration_ns) / 1e6;
    bool integrated = w.power_n >= 2 && duration_ns > 0;
    NvmlDeviceWindow out;
    std::optional<double>& counter = out.energy_counter_mj;
    std::optional<double>& energy = out.energy_mj;
    if (d.supported[kEnergy] && w.energy_end > w.energy_start) {
        counter = static_cast<double>(w.energy_end - w.energy_start);
        energy = counter;
        source = 0;
    } else if (d.supported[kEnergy] && w.energy_end == w.energy_start) {
        counter = 0.0;
        source = 2;  // a GPU never draws 0 W: the counter did not tick in this window
        if (integrated) energy = w.integral_mj;
    } else if (integrated) {  // no counter, or it went backwards (driver reload)
        source = 1;
        energy = w.integral_mj;
    } else {
        source = 3;
    }
    out.index = d.index;
    out.uuid = d.uuid;
    out.name = d.name;
    out.energy_source = kSources[source];
    out.power_integrated_mj = opt(integrated, w.integral_mj);
    // The average from the energy counter whenever it counted the window: the
    // power readings may lag (a 1 s average on Ampere+ without the instant field).
    if (source == 0 && duration_ms > 0) {
        out.avg_power_w = *counter / duration_ms;  // mJ / ms = W
    } else if (integrated) {
        out.avg_power_w = w.integral_mj / duration_ms;
    }
    if (w.power_n > 0) out.power_source = d.power_instant ? "instant" : "power_usage";
    out.peak_power_w = opt(w.power_n > 0, w.peak_power_mw / 1000.0);
    if (w.mem_n > 0) out.peak_mem_bytes = w.peak_mem;
    if (d.supported[kMemory] || w.mem_n > 0) out.mem_total_bytes = d.memory_total;
    out.mean_util_pct = opt(w.util_n > 0, w.util_n ? w.util_sum / static_cast<double>(w.util_n) : 0);
    out.mean_mem_util_pct = opt(w.util_n > 0, w.util_n ? w.mem_util_sum / static_cast<double>(w.util_n) : 0);
    out.sm_clock_mhz_mean = opt(w.clock_n > 0, w.clock_n ? w.clock_sum / static_cast<double>(w.clock_n) : 0);
    out.duration_ns = duration_ns;
    out.samples = ticks;
    for (int m = 0; m < kMetricCount; ++m) {
        if (!d.supported[m]) out.unsupported.emplace_back(kNvmlMetricNames[m], d.unsupported_why[m]);
    }
    return out;
}

// Mean of the devices' values of FIELD that are present, or none.
std::optional<double> mean_of(const std::vector<NvmlDeviceWindow>& devices,
                              std::optional<double> NvmlDeviceWindow::*field) {
    double sum = 0;
    int n = 0;
    for (const auto& d : devices) {
        if (const auto& v = d.*field) {
            sum += *v;
            ++n;
        }
    }
    return n ? std::optional<double>(sum / n) : std::nullopt;
}

// Sum of the devices' values of FIELD, or none when any device lacks it.
std::optional<double> sum_of(const std::vector<NvmlDeviceWindow>& devices,
                             std::optional<double> NvmlDeviceWindow::*field) {
    double sum = 0;
    for (const auto& d : devices) {
        const auto& v = d.*field;
        if (!v) return std::nullopt;
        sum += *v;
    }
    return sum;
}

}  // namespace

// ---- the public class ------------------------------------------------------------

class NvmlSampler::Impl : public Sampler {
public:
    using Sampler::Sampler;
};

NvmlSampler::NvmlSampler(std::optional<std::vector<std::string>> devices, double interval_ms,
                         std::optional<std::string> library)
    : impl_(std::make_unique<Impl>(std::move(devices), interval_ms, std::move(library))) {}

NvmlSampler::~NvmlSampler() = default;

void NvmlSampler::start() { impl_->start(); }

NvmlWindow NvmlSampler::stop() {
    const Sampler::Result r = impl_->stop();
    NvmlWindow out;
    int worst = 0;
    bool all_power = true, all_mem = true;
    for (const auto& d : r.devices) {
        int source = 0;
        out.devices.push_back(summarize_device(d, r.duration_ns, r.ticks, source));
        worst = std::max(worst, source);
        all_power = all_power && d.w.power_n > 0;
        all_mem = all_mem && d.w.mem_n > 0;
    }
    out.energy_mj = sum_of(out.devices, &NvmlDeviceWindow::energy_mj);
    out.energy_source = kSources[worst];  // the aggregate is as good as its weakest device
    out.avg_power_w = sum_of(out.devices, &NvmlDeviceWindow::avg_power_w);
    out.peak_power_w = opt(all_power, r.peak_total_power_mw / 1000.0);  // peak of the summed power
    if (all_mem) out.peak_mem_bytes = r.peak_total_mem;
    out.mean_util_pct = mean_of(out.devices, &NvmlDeviceWindow::mean_util_pct);
    out.mean_mem_util_pct = mean_of(out.devices, &NvmlDeviceWindow::mean_mem_util_pct);
    out.sm_clock_mhz_mean = mean_of(out.devices, &NvmlDeviceWindow::sm_clock_mhz_mean);
    out.duration_ns = r.duration_ns;
    out.samples = r.ticks;
    out.interval_ms = impl_->interval_ms();
    out.selection = impl_->selection();
    out.skipped = impl_->skipped();
    out.driver_version = impl_->driver_version();
    return out;
}

void NvmlSampler::close() { impl_->close(); }

const std::vector<NvmlDeviceInfo>& NvmlSampler::devices() const { return impl_->devices(); }
const std::string& NvmlSampler::driver_version() const { return impl_->driver_version(); }
const std::string& NvmlSampler::library_path() const { return impl_->library_path(); }
const std::string& NvmlSampler::selection() const { return impl_->selection(); }
const std::vector<std::pair<unsigned int, std::string>>& NvmlSampler::skipped() const {
    return impl_->skipped();
}
double NvmlSampler::interval_ms() const { return impl_->interval_ms(); }
bool NvmlSampler::running() const { return impl_->running(); }
bool NvmlSampler::closed() const { return impl_->closed(); }

}  // namespace perfcount
