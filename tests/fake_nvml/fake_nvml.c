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
 *   FAKE_NVML_UNSUPPORTED=power,util,clock,memory_v2,energy,power_limit,power_instant
 *                                     these queries return NVML_ERROR_NOT_SUPPORTED
 *                                     (power_instant: the NVML_FI_DEV_POWER_INSTANT field)
 *   FAKE_NVML_LOST_AFTER_MS=200       device queries return NVML_ERROR_GPU_IS_LOST
 *                                     this long after init
 *   FAKE_NVML_LOST_FILE=/path         ... and while this file exists
 *   FAKE_NVML_LOST_AFTER_ENERGY_READS=2
 *                                     ... and once the energy counter was read this
 *                                     many times (a sampler's probe reads it once,
 *                                     each window's start and stop once more: 2 loses
 *                                     the GPU as the first window starts)
 *   FAKE_NVML_LOG=/path               appends "init", "shutdown", "unload" lines
 *
 * Behaviours of real drivers that callers must handle:
 *
 *   FAKE_NVML_NO_PERMISSION_DEVICES=1 these devices' handles (by index or UUID)
 *                                     return NVML_ERROR_NO_PERMISSION, as for a GPU
 *                                     whose /dev/nvidiaN this user may not open
 *   FAKE_NVML_MIG_DEVICES=0           these devices are in MIG mode, seen by a
 *                                     non-root user: memory info (v1 and v2) returns
 *                                     NVML_ERROR_NO_PERMISSION and utilisation
 *                                     NVML_ERROR_NOT_SUPPORTED (nvml.h); each has
 *                                     FAKE_NVML_MIG_INSTANCES (default 2) MIG devices
 *                                     with UUIDs MIG-<d><k>fa4e00-0000-4000-8000-...
 *   FAKE_NVML_POWER_AVERAGED=1        nvmlDeviceGetPowerUsage is the trailing 1 s
 *                                     average, as on Ampere (except GA100), Hopper
 *                                     and newer; the NVML_FI_DEV_POWER_INSTANT field
 *                                     is the instant value. Before init the GPU drew
 *                                     FAKE_NVML_IDLE_POWER_MW (default 20000).
 *   FAKE_NVML_POWER_FIELD_TYPE=uint   value type of the power fields: uint (default),
 *                                     sint, ull or double (drivers differ)
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
    NVML_ERROR_NO_PERMISSION = 4,
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

typedef union {
    double dVal;
    unsigned int uiVal;
    unsigned long ulVal;
    unsigned long long ullVal;
    signed long long sllVal;
    signed int siVal;
    unsigned short usVal;
} nvmlValue_t;

typedef struct {
    unsigned int fieldId;
    unsigned int scopeId;
    long long timestamp;
    long long latencyUsec;
    int valueType; /* nvmlValueType_t */
    nvmlReturn_t nvmlReturn;
    nvmlValue_t value;
} nvmlFieldValue_t;

enum {
    NVML_VALUE_TYPE_DOUBLE = 0,
    NVML_VALUE_TYPE_UNSIGNED_INT = 1,
    NVML_VALUE_TYPE_UNSIGNED_LONG_LONG = 3,
    NVML_VALUE_TYPE_SIGNED_INT = 5,
};
#define NVML_FI_DEV_POWER_AVERAGE 185
#define NVML_FI_DEV_POWER_INSTANT 186

#define NVML_MEMORY_V2_VERSION 0x02000028u
#define MAX_DEVICES 16
#define MAX_MIG 4
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
    int no_permission;
    int mig;
    struct fake_device* parent; /* a MIG device: its GPU */
};
typedef struct fake_device* nvmlDevice_t;

static struct fake_device devices[MAX_DEVICES];
static struct fake_device mig_devices[MAX_DEVICES][MAX_MIG];
static unsigned int device_count, mig_count;
static int power_averaged;
static unsigned long long idle_power_mw;
static int power_field_type;
static long long lost_after_energy_reads = -1;
static long long energy_reads;
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

/* Whether index I is in the comma list of NAME. */
static int in_list(const char* name, unsigned int i) {
    const char* s = getenv(name);
    if (!s) return 0;
    while (*s) {
        char* end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s) return 0;
        if (v == i) return 1;
        if (*end != ',') return 0;
        s = end + 1;
    }
    return 0;
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
    const char* reads = getenv("FAKE_NVML_LOST_AFTER_ENERGY_READS");
    lost_after_energy_reads = (reads && *reads) ? strtoll(reads, NULL, 10) : -1;
    energy_reads = 0;
    const char* averaged = getenv("FAKE_NVML_POWER_AVERAGED");
    power_averaged = averaged && *averaged && strcmp(averaged, "0") != 0;
    idle_power_mw = env_value("FAKE_NVML_IDLE_POWER_MW", 0, 20000);
    const char* ft = getenv("FAKE_NVML_POWER_FIELD_TYPE");
    power_field_type = NVML_VALUE_TYPE_UNSIGNED_INT;
    if (ft && strcmp(ft, "sint") == 0) power_field_type = NVML_VALUE_TYPE_SIGNED_INT;
    if (ft && strcmp(ft, "ull") == 0) power_field_type = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
    if (ft && strcmp(ft, "double") == 0) power_field_type = NVML_VALUE_TYPE_DOUBLE;
    mig_count = (unsigned int)env_value("FAKE_NVML_MIG_INSTANCES", 0, 2);
    if (mig_count > MAX_MIG) mig_count = MAX_MIG;
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
        d->no_permission = in_list("FAKE_NVML_NO_PERMISSION_DEVICES", i);
        d->mig = in_list("FAKE_NVML_MIG_DEVICES", i);
        d->parent = NULL;
        for (unsigned int k = 0; k < MAX_MIG; ++k) {
            struct fake_device* m = &mig_devices[i][k];
            *m = *d;
            m->mig = 0;
            m->parent = d;
            snprintf(m->uuid, sizeof m->uuid, "MIG-%x%x0fa4e00-0000-4000-8000-%012u", i, k, k);
            snprintf(m->name, sizeof m->name, "Fake NVIDIA GPU %u MIG %u", i, k);
        }
    }
    init_ns = now_ns();
}

/* Common checks of every device query: initialised, valid handle, not lost. */
static nvmlReturn_t check_device(nvmlDevice_t device) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    if (device < devices || device >= devices + device_count) return NVML_ERROR_INVALID_ARGUMENT;
    if (lost_after_ns >= 0 && now_ns() - init_ns >= lost_after_ns) return NVML_ERROR_GPU_IS_LOST;
    if (lost_file[0] && access(lost_file, F_OK) == 0) return NVML_ERROR_GPU_IS_LOST;
    if (lost_after_energy_reads >= 0 && energy_reads >= lost_after_energy_reads) {
        return NVML_ERROR_GPU_IS_LOST;
    }
    return NVML_SUCCESS;
}

/* A MIG device handle (they answer only the MIG queries here). */
static int is_mig_handle(nvmlDevice_t device) {
    return device >= &mig_devices[0][0] && device < &mig_devices[0][0] + MAX_DEVICES * MAX_MIG &&
           (unsigned int)((device - &mig_devices[0][0]) % MAX_MIG) < mig_count &&
           device->parent != NULL && device->parent->mig;
}

/* The power drawn at T ns after init: idle before, the device's power after. */
static double power_at(const struct fake_device* d, int64_t t) {
    return t < 0 ? (double)idle_power_mw : (double)d->power_mw;
}

/* The trailing 1 s average of the power at now (what Ampere+ report as power usage). */
static double power_average_1s(const struct fake_device* d) {
    const int64_t t = now_ns() - init_ns;
    const int64_t second = 1000000000;
    if (t >= second) return (double)d->power_mw;
    const double after = (double)t / (double)second;
    return power_at(d, -1) * (1.0 - after) + power_at(d, t) * after;
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
    if (devices[index].no_permission) return NVML_ERROR_NO_PERMISSION;
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
            if (devices[i].no_permission) return NVML_ERROR_NO_PERMISSION;
            *device = &devices[i];
            return NVML_SUCCESS;
        }
        for (unsigned int k = 0; devices[i].mig && k < mig_count; ++k) {
            if (strcmp(mig_devices[i][k].uuid, uuid) == 0) {
                *device = &mig_devices[i][k];
                return NVML_SUCCESS;
            }
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

EXPORT nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int* is_mig) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!is_mig) return NVML_ERROR_INVALID_ARGUMENT;
    *is_mig = (unsigned int)is_mig_handle(device);
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t mig,
                                                                 nvmlDevice_t* device) {
    if (init_refcount <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!device || !is_mig_handle(mig)) return NVML_ERROR_INVALID_ARGUMENT;
    *device = mig->parent;
    return NVML_SUCCESS;
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
    if (is_mig_handle(device)) return copy_string(uuid, length, device->uuid);
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
    ++energy_reads;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* power) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!power) return NVML_ERROR_INVALID_ARGUMENT;
    if (is_unsupported("power")) return NVML_ERROR_NOT_SUPPORTED;
    *power = power_averaged ? (unsigned int)power_average_1s(device) : (unsigned int)device->power_mw;
    return NVML_SUCCESS;
}

static void set_power_value(nvmlFieldValue_t* v, double mw) {
    v->valueType = power_field_type;
    switch (power_field_type) {
        case NVML_VALUE_TYPE_DOUBLE: v->value.dVal = mw; break;
        case NVML_VALUE_TYPE_SIGNED_INT: v->value.siVal = (int)mw; break;
        case NVML_VALUE_TYPE_UNSIGNED_LONG_LONG: v->value.ullVal = (unsigned long long)mw; break;
        default: v->value.uiVal = (unsigned int)mw; break;
    }
}

EXPORT nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, nvmlFieldValue_t* values) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!values || count < 0) return NVML_ERROR_INVALID_ARGUMENT;
    for (int i = 0; i < count; ++i) {
        nvmlFieldValue_t* v = &values[i];
        v->timestamp = now_ns() / 1000;
        v->latencyUsec = 0;
        v->nvmlReturn = NVML_SUCCESS;
        if (v->fieldId == NVML_FI_DEV_POWER_INSTANT && !is_unsupported("power_instant") &&
            !is_unsupported("power")) {
            set_power_value(v, (double)device->power_mw);
        } else if (v->fieldId == NVML_FI_DEV_POWER_AVERAGE && !is_unsupported("power")) {
            set_power_value(v, power_averaged ? power_average_1s(device) : (double)device->power_mw);
        } else {
            v->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
        }
    }
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
    if (is_unsupported("util") || device->mig) return NVML_ERROR_NOT_SUPPORTED;
    util->gpu = (unsigned int)device->util;
    util->memory = (unsigned int)device->mem_util;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
    nvmlReturn_t r = check_device(device);
    if (r != NVML_SUCCESS) return r;
    if (!memory) return NVML_ERROR_INVALID_ARGUMENT;
    if (is_unsupported("memory")) return NVML_ERROR_NOT_SUPPORTED;
    if (device->mig) return NVML_ERROR_NO_PERMISSION; /* MIG mode: root only */
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
    if (device->mig) return NVML_ERROR_NO_PERMISSION; /* MIG mode: root only */
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
