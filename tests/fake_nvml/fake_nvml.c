/*
 * A fake libnvidia-ml.so.1 for tests on machines without an NVIDIA GPU.
 *
 * It implements the subset of the NVML C API that perfcount's native sampler
 * (native/nvml.cpp, through dlopen) and pynvml (perfcount.counters.gpu.inventory, through
 * ctypes) call, with the real signatures and return codes, for controllable
 * fake devices. Build:
 *
 *     cc -shared -fPIC -O2 -Wl,-soname,libnvidia-ml.so.1 -o DIR/libnvidia-ml.so.1 fake_nvml.c
 *
 * Behaviour comes from environment variables, read when NVML is initialised
 * (the 0 -> 1 transition of the init reference count). Per-device values accept
 * a comma list ("150000,60000"); the last entry repeats for further devices.
 *
 *   FAKE_NVML_DEVICES=2               number of devices (default 1)
 *   FAKE_NVML_INIT_ERROR=9            nvmlInit* returns this nvmlReturn_t
 *   FAKE_NVML_POWER_MW=150000         constant power draw in mW (default 150000)
 *   FAKE_NVML_ENERGY=counter|unsupported
 *   FAKE_NVML_ENERGY_PERIOD_MS=100    energy counter update period (0 = continuous)
 *   FAKE_NVML_UTIL=73                 GPU utilisation % (default 50)
 *   FAKE_NVML_MEM_UTIL=20             memory utilisation % (default 10)
 *   FAKE_NVML_MEM_USED=1073741824     memory used in bytes (default 1 GiB)
 *   FAKE_NVML_MEM_TOTAL=17179869184   memory total in bytes (default 16 GiB)
 *   FAKE_NVML_SM_CLOCK=1410           SM clock in MHz (default 1410)
 *   FAKE_NVML_POWER_LIMIT_MW=300000   power management limit (default 300000)
 *   FAKE_NVML_UNSUPPORTED=power,util,clock,memory_v2,energy,power_limit
 *                                     these queries return NVML_ERROR_NOT_SUPPORTED
 *   FAKE_NVML_LOST_AFTER_MS=200       device queries return NVML_ERROR_GPU_IS_LOST
 *                                     this long after init
 *   FAKE_NVML_LOST_FILE=/path         ... and while this file exists
 *   FAKE_NVML_LOG=/path               appends "init", "shutdown", "unload" lines
 *
 * The energy counter is base + power x (time since init, rounded down to the
 * update period), so the delta over a known window is predictable.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

typedef int nvmlReturn_t;
enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
};

typedef struct {
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

typedef struct {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;

typedef struct {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_v2_t;

#define NVML_MEMORY_V2_VERSION 0x02000028u
#define MAX_DEVICES 16
#define RESERVED_BYTES (256ull << 20)

struct fake_device {
    unsigned int index;
    char uuid[96];
    char name[96];
    unsigned long long power_mw;
    unsigned long long util;
    unsigned long long mem_util;
    unsigned long long mem_used;
    unsigned long long mem_total;
    unsigned long long sm_clock;
    unsigned long long power_limit_mw;
};
typedef struct fake_device* nvmlDevice_t;

static struct fake_device devices[MAX_DEVICES];
static unsigned int device_count;
static int init_refcount;
static int64_t init_ns;
static int64_t energy_period_ns;
static int energy_supported;
static int64_t lost_after_ns = -1;
static char unsupported[256];
static char lost_file[4096];

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void log_event(const char* what) {
    const char* path = getenv("FAKE_NVML_LOG");
    if (!path || !*path) return;
    FILE* f = fopen(path, "a");
    if (!f) return;
    fprintf(f, "%s\n", what);
    fclose(f);
}

__attribute__((destructor)) static void on_unload(void) { log_event("unload"); }

/* The i-th entry of a comma list in NAME (the last entry repeats), or fallback. */
static unsigned long long env_value(const char* name, unsigned int i, unsigned long long fallback) {
    const char* s = getenv(name);
    if (!s || !*s) return fallback;
    unsigned long long value = fallback;
    unsigned int k = 0;
    while (*s) {
        char* end;
        value = strtoull(s, &end, 10);
        if (k == i) return value;
        if (*end != ',') break;
        s = end + 1;
        ++k;
    }
    return value;
}

static int is_unsupported(const char* what) {
    size_t n = strlen(what);
    const char* p = unsupported;
    while ((p = strstr(p, what)) != NULL) {
        int starts = (p == unsupported || p[-1] == ',');
        int ends = (p[n] == '\0' || p[n] == ',');
        if (starts && ends) return 1;
        p += n;
    }
    return 0;
}

static void configure(void) {
    device_count = (unsigned int)env_value("FAKE_NVML_DEVICES", 0, 1);
    if (device_count > MAX_DEVICES) device_count = MAX_DEVICES;
    const char* energy = getenv("FAKE_NVML_ENERGY");
    energy_supported = !(energy && strcmp(energy, "unsupported") == 0);
    energy_period_ns = (int64_t)env_value("FAKE_NVML_ENERGY_PERIOD_MS", 0, 0) * 1000000;
    const char* lost = getenv("FAKE_NVML_LOST_AFTER_MS");
    lost_after_ns = (lost && *lost) ? (int64_t)strtoll(lost, NULL, 10) * 1000000 : -1;
    const char* lf = getenv("FAKE_NVML_LOST_FILE");
    snprintf(lost_file, sizeof lost_file, "%s", lf ? lf : "");
    const char* unsup = getenv("FAKE_NVML_UNSUPPORTED");
    snprintf(unsupported, sizeof unsupported, "%s", unsup ? unsup : "");
    for (unsigned int i = 0; i < device_count; ++i) {
        struct fake_device* d = &devices[i];
        d->index = i;
        snprintf(d->uuid, sizeof d->uuid, "GPU-%x0fa4e00-0000-4000-8000-%012u", i, i);
        snprintf(d->name, sizeof d->name, "Fake NVIDIA GPU %u", i);
        d->power_mw = env_value("FAKE_NVML_POWER_MW", i, 150000);
        d->util = env_value("FAKE_NVML_UTIL", i, 50);
        d->mem_util = env_value("FAKE_NVML_MEM_UTIL", i, 10);
        d->mem_used = env_value("FAKE_NVML_MEM_USED", i, 1ull << 30);
        d->mem_total = env_value("FAKE_NVML_MEM_TOTAL", i, 16ull << 30);
        d->sm_clock = env_value("FAKE_NVML_SM_CLOCK", i, 1410);
        d->power_limit_mw = env_value("FAKE_NVML_POWER_LIMIT_MW", i, 300000);
    }
    init_ns = now_ns();
}

/* Common checks of every device query: initialised, valid handle, not lost. */
static nvmlReturn_t check_device(nvmlDevice_t device) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    if (device < devices || device >= devices + device_count) return NVML_ERROR_INVALID_ARGUMENT;
    if (lost_after_ns >= 0 && now_ns() - init_ns >= lost_after_ns) return NVML_ERROR_GPU_IS_LOST;
    if (lost_file[0] && access(lost_file, F_OK) == 0) return NVML_ERROR_GPU_IS_LOST;
    return NVML_SUCCESS;
}

static nvmlReturn_t copy_string(char* out, unsigned int length, const char* value) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(out, value, strlen(value) + 1);
    return NVML_SUCCESS;
}

/* ---- initialisation ---------------------------------------------------- */

EXPORT nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
    (void)flags;
    const char* err = getenv("FAKE_NVML_INIT_ERROR");
    if (err && *err && atoi(err) != 0) return atoi(err);
    if (init_refcount++ == 0) configure();
    log_event("init");
    return NVML_SUCCESS;
}
EXPORT nvmlReturn_t nvmlInit_v2(void) { return nvmlInitWithFlags(0); }
EXPORT nvmlReturn_t nvmlInit(void) { return nvmlInitWithFlags(0); }

EXPORT nvmlReturn_t nvmlShutdown(void) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    --init_refcount;
    log_event("shutdown");
    return NVML_SUCCESS;
}

EXPORT const char* nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
        case 0: return "Success";
        case 1: return "Uninitialized";
        case 2: return "Invalid Argument";
        case 3: return "Not Supported";
        case 4: return "Insufficient Permissions";
        case 5: return "Already Initialized";
        case 6: return "Not Found";
        case 7: return "Insufficient Size";
        case 9: return "Driver Not Loaded";
        case 12: return "NVML Shared Library Not Found";
        case 13: return "Function Not Found";
        case 15: return "GPU is lost";
        case 18: return "RM has detected an NVML/RM version mismatch.";
        case 25: return "Argument version mismatch";
        default: return "Unknown Error";
    }
}

/* ---- system ------------------------------------------------------------- */

EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    return copy_string(version, length, "999.99.99-fake");
}

EXPORT nvmlReturn_t nvmlSystemGetNVMLVersion(char* version, unsigned int length) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    return copy_string(version, length, "12.999.99-fake");
}

EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion(int* version) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!version) return NVML_ERROR_INVALID_ARGUMENT;
    *version = 12040;
    return NVML_SUCCESS;
}
EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int* version) {
    return nvmlSystemGetCudaDriverVersion(version);
}

/* ---- devices ------------------------------------------------------------ */

EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    *count = device_count;
    return NVML_SUCCESS;
}
EXPORT nvmlReturn_t nvmlDeviceGetCount(unsigned int* count) { return nvmlDeviceGetCount_v2(count); }

EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!device || index >= device_count) return NVML_ERROR_INVALID_ARGUMENT;
    *device = &devices[index];
    return NVML_SUCCESS;
}
EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t* device) {
    return nvmlDeviceGetHandleByIndex_v2(index, device);
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByUUID(const char* uuid, nvmlDevice_t* device) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!uuid || !device) return NVML_ERROR_INVALID_ARGUMENT;
    for (unsigned int i = 0; i < device_count; ++i) {
        if (strcmp(devices[i].uuid, uuid) == 0) {
            *device = &devices[i];
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

EXPORT nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int* index) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!index) return NVML_ERROR_INVALID_ARGUMENT;
    *index = device->index;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length) {
    nvmlReturn_t r = check_device(device);
    return r != NVML_SUCCESS ? r : copy_string(name, length, device->name);
}

EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char* uuid, unsigned int length) {
    nvmlReturn_t r = check_device(device);
    return r != NVML_SUCCESS ? r : copy_string(uuid, length, device->uuid);
}

/* ---- metrics ------------------------------------------------------------ */

EXPORT nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device,
                                                        unsigned long long* energy) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!energy) return NVML_ERROR_INVALID_ARGUMENT;
    if (!energy_supported || is_unsupported("energy")) return NVML_ERROR_NOT_SUPPORTED;
    int64_t elapsed = now_ns() - init_ns;
    if (energy_period_ns > 0) elapsed -= elapsed % energy_period_ns;
    /* mW x ns / 1e9 = mJ; a large base, as the real counter counts since driver load */
    unsigned __int128 mj = (unsigned __int128)device->power_mw * (unsigned __int128)elapsed;
    *energy = 1000000000ull + (unsigned long long)(mj / 1000000000u);
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* power) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!power) return NVML_ERROR_INVALID_ARGUMENT;
    if (is_unsupported("power")) return NVML_ERROR_NOT_SUPPORTED;
    *power = (unsigned int)device->power_mw;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int* limit) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!limit) return NVML_ERROR_INVALID_ARGUMENT;
    if (is_unsupported("power_limit")) return NVML_ERROR_NOT_SUPPORTED;
    *limit = (unsigned int)device->power_limit_mw;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t* util) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!util) return NVML_ERROR_INVALID_ARGUMENT;
    if (is_unsupported("util")) return NVML_ERROR_NOT_SUPPORTED;
    util->gpu = (unsigned int)device->util;
    util->memory = (unsigned int)device->mem_util;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!memory) return NVML_ERROR_INVALID_ARGUMENT;
    if (is_unsupported("memory")) return NVML_ERROR_NOT_SUPPORTED;
    /* v1 counts the driver's reserved memory as used, like the real library */
    memory->total = device->mem_total;
    memory->used = device->mem_used + RESERVED_BYTES;
    memory->free = device->mem_total - memory->used;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t* memory) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!memory) return NVML_ERROR_INVALID_ARGUMENT;
    if (memory->version != NVML_MEMORY_V2_VERSION) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    if (is_unsupported("memory") || is_unsupported("memory_v2")) return NVML_ERROR_NOT_SUPPORTED;
    memory->total = device->mem_total;
    memory->reserved = RESERVED_BYTES;
    memory->used = device->mem_used;
    memory->free = device->mem_total - RESERVED_BYTES - device->mem_used;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int* clock) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!clock || type < 0 || type > 3) return NVML_ERROR_INVALID_ARGUMENT;
    if (is_unsupported("clock")) return NVML_ERROR_NOT_SUPPORTED;
    /* 0 graphics and 1 SM share the SM clock; 2 memory; 3 video */
    static const unsigned int other[] = {0, 0, 9501, 1275};
    *clock = type <= 1 ? (unsigned int)device->sm_clock : other[type];
    return NVML_SUCCESS;
}
