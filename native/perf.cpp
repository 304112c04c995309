// perf_event counter groups: opened once, read many times.
//
// A measured region is a snapshot before and a snapshot after, subtracted
// (PERF_EVENT_IOC_RESET does not reset time_enabled/time_running, and one read
// is cheaper than RESET+ENABLE+DISABLE). The Python-facing `Group` keeps a
// stack of preallocated snapshots so that begin()/end() allocate nothing but
// the result tuple.
#include "perf.hpp"

#include <Python.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <memory>
#include <new>
#include <optional>
#include <tuple>
#include <utility>

#include "errors.hpp"

namespace py = pybind11;

namespace perfcount {

namespace {

long sys_perf_event_open(perf_event_attr* attr, pid_t pid, int cpu, int group_fd,
                         unsigned long flags) {
    return syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

bool is_software(const EventSpec& e) { return e.type == PERF_TYPE_SOFTWARE; }

bool is_pmu_event(const EventSpec& e) {
    return e.type == PERF_TYPE_HARDWARE || e.type == PERF_TYPE_HW_CACHE ||
           e.type == PERF_TYPE_RAW;
}

std::string strerror_string(int err) { return std::string(std::strerror(err)); }

#if defined(__x86_64__) || defined(__i386__)
inline uint64_t rdpmc(uint32_t counter) {
    uint32_t low, high;
    __asm__ volatile("rdpmc" : "=a"(low), "=d"(high) : "c"(counter));
    return static_cast<uint64_t>(low) | (static_cast<uint64_t>(high) << 32);
}
inline uint64_t rdtsc() {
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return static_cast<uint64_t>(low) | (static_cast<uint64_t>(high) << 32);
}
constexpr bool kHaveRdpmc = true;
#else
inline uint64_t rdpmc(uint32_t) { return 0; }
inline uint64_t rdtsc() { return 0; }
constexpr bool kHaveRdpmc = false;
#endif

#define PC_BARRIER() __asm__ volatile("" ::: "memory")

// One event's value and times through its mmap page, following the seqlock
// loop documented in linux/perf_event.h (struct perf_event_mmap_page).
// Returns false when the page does not offer rdpmc right now.
bool read_page(const perf_event_mmap_page* pc, uint64_t& value, uint64_t& enabled,
               uint64_t& running) {
    uint32_t seq, idx, time_mult = 0, time_shift = 0;
    uint64_t count, cyc = 0, time_offset = 0, time_cycles = 0, time_mask = ~0ULL;
    uint64_t en, run;
    bool user_time, user_time_short;
    int64_t pmc = 0;
    do {
        seq = pc->lock;
        PC_BARRIER();
        en = pc->time_enabled;
        run = pc->time_running;
        user_time = pc->cap_user_time;
        user_time_short = pc->cap_user_time_short;
        if (user_time) {
            cyc = rdtsc();
            time_offset = pc->time_offset;
            time_mult = pc->time_mult;
            time_shift = pc->time_shift;
            if (user_time_short) {
                time_cycles = pc->time_cycles;
                time_mask = pc->time_mask;
            }
        }
        idx = pc->index;
        count = static_cast<uint64_t>(pc->offset);
        if (pc->cap_user_rdpmc && idx && pc->pmc_width > 0 && pc->pmc_width <= 64) {
            const unsigned shift = 64u - pc->pmc_width;
            // sign-extend the pmc_width-bit counter value (shift unsigned, then
            // arithmetic right shift of the signed value)
            pmc = static_cast<int64_t>(rdpmc(idx - 1) << shift) >> shift;
        } else {
            idx = 0;
        }
        PC_BARRIER();
    } while (pc->lock != seq);
    if (idx == 0 || !user_time) return false;
    if (user_time_short) cyc = time_cycles + ((cyc - time_cycles) & time_mask);
    const uint64_t quot = cyc >> time_shift;
    const uint64_t rem = cyc & ((uint64_t{1} << time_shift) - 1);
    const uint64_t dt = time_offset + quot * time_mult + ((rem * time_mult) >> time_shift);
    value = count + static_cast<uint64_t>(pmc);
    enabled = en + dt;
    running = run + dt;  // idx != 0: the event is on the PMU now
    return true;
}

int read_int_file(const char* path, int fallback) {
    std::ifstream in(path);
    int v;
    if (in >> v) return v;
    return fallback;
}

}  // namespace

int perf_event_paranoid() {
    return read_int_file("/proc/sys/kernel/perf_event_paranoid", INT32_MIN);
}

bool hardware_pmu_present() {
    // "cpu" on most x86/arm, "cpu_core"/"cpu_atom" on hybrid Intel, "armv8_*" on arm.
    DIR* dir = opendir("/sys/bus/event_source/devices");
    if (dir == nullptr) return false;
    bool found = false;
    while (dirent* ent = readdir(dir)) {
        const std::string name = ent->d_name;
        if (name == "cpu" || name.rfind("cpu_", 0) == 0 || name.rfind("armv", 0) == 0) {
            found = true;
            break;
        }
    }
    closedir(dir);
    return found;
}

void throw_open_error(const EventSpec& event, int err, pid_t pid) {
    const std::string what = "cannot open perf event '" + event.name + "': " +
                             strerror_string(err) + " (errno " + std::to_string(err) + ")";
    switch (err) {
        case ENOENT:
        case EOPNOTSUPP:
        case ENODEV:
        case ENXIO:
            if (is_pmu_event(event) && !hardware_pmu_present()) {
                throw Error(ErrorKind::CounterUnavailable, err,
                            what + "; no hardware PMU is exposed to this machine",
                            "no hardware PMU is exposed (VM?); use backend='valgrind' for "
                            "deterministic instruction counts, or software events such as "
                            "task-clock (backend='software')");
            }
            if (is_pmu_event(event)) {
                throw Error(ErrorKind::CounterUnavailable, err,
                            what + "; this CPU's PMU does not support the event",
                            "list the events this CPU supports with `perf list`; use "
                            "backend='valgrind' for deterministic instruction counts");
            }
            throw Error(ErrorKind::CounterUnavailable, err,
                        what + "; the kernel does not provide this event",
                        "use one of task-clock, page-faults, context-switches, cpu-migrations");
        case ENOSYS:
            throw Error(ErrorKind::CounterUnavailable, err,
                        what + "; this kernel has no perf_event support",
                        "use a kernel built with CONFIG_PERF_EVENTS, or backend='valgrind'");
        case EACCES: {
            const int level = perf_event_paranoid();
            const std::string lvl = level == INT32_MIN ? "unknown" : std::to_string(level);
            std::string hint;
            if (!event.exclude_kernel && level >= 2) {
                hint = "counting kernel space (the :k modifier) needs perf_event_paranoid <= 1: "
                       "run `sysctl kernel.perf_event_paranoid=1`, or count user space only (:u)";
            } else if (level >= 3) {
                hint = "perf_event_paranoid is " + lvl +
                       " (Debian/Ubuntu: no perf for unprivileged users); run `sysctl "
                       "kernel.perf_event_paranoid=2` (or grant CAP_PERFMON), or use "
                       "backend='valgrind'";
            } else if (pid > 0) {
                hint = "counting another process needs ptrace permission on it "
                       "(same user, or CAP_PERFMON); perf_event_paranoid is " + lvl;
            } else {
                hint = "perf_event_paranoid is " + lvl +
                       "; run `sysctl kernel.perf_event_paranoid=1` or grant CAP_PERFMON, "
                       "or use backend='valgrind'";
            }
            throw Error(ErrorKind::PermissionDenied, err,
                        what + " (kernel.perf_event_paranoid = " + lvl + ")", hint);
        }
        case EPERM:
            throw Error(ErrorKind::PermissionDenied, err,
                        what + "; a seccomp filter (e.g. Docker's default profile) or a "
                               "missing capability blocks perf_event_open",
                        "run the container with --cap-add PERFMON (or --cap-add SYS_ADMIN, or "
                        "--security-opt seccomp=unconfined) and a host perf_event_paranoid that "
                        "allows it, or use backend='valgrind'");
        case EMFILE:
        case ENFILE:
            throw Error(ErrorKind::Backend, err, what + "; out of file descriptors",
                        "raise the limit (`ulimit -n`), or close unused counter groups");
        case ESRCH:
            throw Error(ErrorKind::Candidate, err,
                        what + "; process " + std::to_string(pid) + " does not exist",
                        "the process exited before its counters could be attached");
        case EBUSY:
            throw Error(ErrorKind::CounterUnavailable, err,
                        what + "; the PMU is in use (another profiler or the NMI watchdog)",
                        "stop the other profiler, or free a counter with `sysctl "
                        "kernel.nmi_watchdog=0`");
        case EINVAL:
            throw Error(ErrorKind::InvalidArgument, err,
                        what + "; the kernel rejected the event's attributes",
                        "check the raw event code with `perf list --details`, or drop "
                        "modifiers this PMU does not support");
        case E2BIG:
            throw Error(ErrorKind::Backend, err,
                        what + "; the kernel expects a different perf_event_attr size",
                        "rebuild perfcount against this kernel's headers");
        default:
            throw Error(ErrorKind::Generic, err, what, "");
    }
}

CounterGroup::CounterGroup(std::vector<EventSpec> events, const GroupOptions& options)
    : events_(std::move(events)), options_(options) {
    if (events_.empty()) {
        throw Error(ErrorKind::InvalidArgument, EINVAL, "a counter group needs at least one event",
                    "pass event names, e.g. ['task-clock']");
    }
    try {
        open_all(options_.group);
    } catch (const Error& e) {
        // Kernels before 4.13 reject inherit together with PERF_FORMAT_GROUP.
        if (e.error_number() == EINVAL && options_.group && options_.inherit &&
            events_.size() > 1) {
            open_all(false);
        } else {
            throw;
        }
    }
    if (options_.start_enabled && !options_.enable_on_exec) enable();
    map_pages();
}

CounterGroup::~CounterGroup() { close(); }

void CounterGroup::open_all(bool as_group) {
    close();
    grouped_ = as_group;
    fds_.reserve(events_.size());
    for (size_t i = 0; i < events_.size(); ++i) {
        const EventSpec& e = events_[i];
        perf_event_attr attr;
        std::memset(&attr, 0, sizeof(attr));
        attr.size = sizeof(attr);
        attr.type = e.type;
        attr.config = e.config;
        attr.exclude_user = e.exclude_user ? 1 : 0;
        attr.exclude_kernel = e.exclude_kernel ? 1 : 0;
        attr.exclude_hv = e.exclude_hv ? 1 : 0;
        attr.inherit = options_.inherit ? 1 : 0;
        const bool leader = !as_group || i == 0;
        attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
        if (as_group) attr.read_format |= PERF_FORMAT_GROUP;
        // Members follow their leader; the leader (or each lone event) starts
        // disabled and is enabled explicitly, or at exec for a child.
        attr.disabled = leader ? 1 : 0;
        attr.enable_on_exec = (leader && options_.enable_on_exec) ? 1 : 0;
        const int group_fd = (as_group && i > 0) ? fds_[0] : -1;
        const long fd =
            sys_perf_event_open(&attr, options_.pid, options_.cpu, group_fd, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            close();
            if (err == EINVAL && as_group && i > 0 && is_pmu_event(e)) {
                throw Error(ErrorKind::InvalidArgument, err,
                            "cannot add perf event '" + e.name + "' to the group of " +
                                std::to_string(events_.size()) +
                                " events: the kernel rejected it (EINVAL)",
                            "a group must fit on the PMU at once; measure fewer hardware "
                            "events per region (or check the raw code with `perf list`)");
            }
            throw_open_error(e, err, options_.pid);
        }
        fds_.push_back(static_cast<int>(fd));
    }
    buffer_.assign(as_group ? 3 + events_.size() : 3, 0);
}

void CounterGroup::map_pages() {
    use_rdpmc_ = false;
    if (!kHaveRdpmc || !options_.rdpmc || options_.pid != 0) return;
    // The kernel updates the page's offset only when the event is scheduled,
    // so counts folded in from exited inherited threads would be missed:
    // rdpmc is only exact without inherit.
    if (options_.inherit) return;
    for (const auto& e : events_) {
        if (is_software(e) || !is_pmu_event(e)) return;  // software events never offer rdpmc
    }
    const long page = sysconf(_SC_PAGESIZE);
    for (int fd : fds_) {
        void* p = mmap(nullptr, static_cast<size_t>(page), PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            for (void* q : pages_) munmap(q, static_cast<size_t>(page));
            pages_.clear();
            return;
        }
        pages_.push_back(p);
    }
    use_rdpmc_ = rdpmc_available();
}

bool CounterGroup::rdpmc_available() const noexcept {
    if (pages_.empty()) return false;
    for (void* p : pages_) {
        const auto* pc = static_cast<const perf_event_mmap_page*>(p);
        if (!pc->cap_user_rdpmc || pc->index == 0 || !pc->cap_user_time) return false;
    }
    return true;
}

void CounterGroup::close() noexcept {
    if (!pages_.empty()) {
        const long page = sysconf(_SC_PAGESIZE);
        for (void* p : pages_) munmap(p, static_cast<size_t>(page));
        pages_.clear();
    }
    for (int fd : fds_) ::close(fd);
    fds_.clear();
    use_rdpmc_ = false;
}

namespace {
void check_open(const CounterGroup& g) {
    if (g.closed()) {
        throw Error(ErrorKind::InvalidArgument, EBADF, "the counter group is closed",
                    "open a new group (perfcount.measure() does this for you)");
    }
}
}  // namespace

void CounterGroup::ioctl_all(unsigned long request, const char* name) {
    check_open(*this);
    if (grouped_) {
        if (ioctl(fds_[0], request, PERF_IOC_FLAG_GROUP) != 0) {
            const int err = errno;
            throw Error(ErrorKind::Backend, err, std::string(name) + " failed: " + strerror_string(err));
        }
        return;
    }
    for (int fd : fds_) {
        if (ioctl(fd, request, 0) != 0) {
            const int err = errno;
            throw Error(ErrorKind::Backend, err, std::string(name) + " failed: " + strerror_string(err));
        }
    }
}

void CounterGroup::enable() { ioctl_all(PERF_EVENT_IOC_ENABLE, "PERF_EVENT_IOC_ENABLE"); }
void CounterGroup::disable() { ioctl_all(PERF_EVENT_IOC_DISABLE, "PERF_EVENT_IOC_DISABLE"); }
void CounterGroup::reset() { ioctl_all(PERF_EVENT_IOC_RESET, "PERF_EVENT_IOC_RESET"); }

namespace {
// A counter attached to a child that is exiting (its inherited events being
// torn down, e.g. after its process group was killed) can answer ECHILD for a
// moment; the final values are readable once the exit completes.
ssize_t read_retrying(int fd, void* buf, size_t want) {
    for (int attempt = 0;; ++attempt) {
        const ssize_t got = ::read(fd, buf, want);
        if (got >= 0 || (errno != ECHILD && errno != EINTR) || attempt >= 200) return got;
        if (errno == ECHILD) ::usleep(1000);
    }
}
}  // namespace

void CounterGroup::read(Snapshot& out) {
    if (use_rdpmc_ && read_rdpmc(out)) return;
    read_syscall(out);
}

bool CounterGroup::read_rdpmc(Snapshot& out) {
    if (pages_.empty()) return false;
    const size_t n = events_.size();
    if (out.value.size() != n) {
        out.value.assign(n, 0);
        out.enabled.assign(n, 0);
        out.running.assign(n, 0);
    }
    for (size_t i = 0; i < n; ++i) {
        const auto* pc = static_cast<const perf_event_mmap_page*>(pages_[i]);
        if (!read_page(pc, out.value[i], out.enabled[i], out.running[i])) return false;
    }
    return true;
}

void CounterGroup::read_syscall(Snapshot& out) {
    check_open(*this);
    const size_t n = events_.size();
    if (out.value.size() != n) {
        out.value.assign(n, 0);
        out.enabled.assign(n, 0);
        out.running.assign(n, 0);
    }
    const size_t want = buffer_.size() * sizeof(uint64_t);
    if (grouped_) {
        const ssize_t got = read_retrying(fds_[0], buffer_.data(), want);
        if (got != static_cast<ssize_t>(want)) {
            const int err = got < 0 ? errno : EIO;
            throw Error(ErrorKind::Backend, err,
                        "reading the counter group failed: " +
                            (got < 0 ? strerror_string(err)
                                     : "short read of " + std::to_string(got) + " bytes"),
                        "a pinned group that cannot be scheduled reads as end-of-file; use "
                        "fewer events");
        }
        // {nr, time_enabled, time_running, values[nr]}
        for (size_t i = 0; i < n; ++i) {
            out.value[i] = buffer_[3 + i];
            out.enabled[i] = buffer_[1];
            out.running[i] = buffer_[2];
        }
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        const ssize_t got = read_retrying(fds_[i], buffer_.data(), want);
        if (got != static_cast<ssize_t>(want)) {
            const int err = got < 0 ? errno : EIO;
            throw Error(ErrorKind::Backend, err,
                        "reading counter '" + events_[i].name + "' failed: " +
                            (got < 0 ? strerror_string(err) : "short read"));
        }
        // {value, time_enabled, time_running}
        out.value[i] = buffer_[0];
        out.enabled[i] = buffer_[1];
        out.running[i] = buffer_[2];
    }
}

void delta(const Snapshot& before, const Snapshot& after, Delta& out) {
    const size_t n = after.value.size();
    out.value.assign(n, 0.0);
    out.scaled.assign(n, false);
    out.not_counted.assign(n, false);
    for (size_t i = 0; i < n; ++i) {
        const uint64_t dv = after.value[i] - before.value[i];
        const uint64_t de = after.enabled[i] - before.enabled[i];
        const uint64_t dr = after.running[i] - before.running[i];
        if (dr == 0 && de != 0) {
            out.not_counted[i] = true;
        } else if (dr < de) {
            out.value[i] = static_cast<double>(dv) * static_cast<double>(de) /
                           static_cast<double>(dr);
            out.scaled[i] = true;
        } else {
            out.value[i] = static_cast<double>(dv);
        }
    }
}

// ---------------------------------------------------------------------------
// Python bindings

namespace {

constexpr size_t kMaxDepth = 256;

class PyGroup {
public:
    PyGroup(std::vector<EventSpec> events, const GroupOptions& options)
        : group_(std::move(events), options) {
        stack_.resize(8);
    }

    CounterGroup& group() { return group_; }

    // Snapshot now and push it; returns the nesting depth (pass it to end()).
    size_t begin() {
        if (depth_ == stack_.size()) {
            if (depth_ >= kMaxDepth) {
                throw Error(ErrorKind::InvalidArgument, 0,
                            "more than " + std::to_string(kMaxDepth) + " nested regions",
                            "regions are probably entered without being exited");
            }
            stack_.resize(stack_.size() * 2);
        }
        group_.read(stack_[depth_]);
        return ++depth_;
    }

    // Snapshot now, pop the region's start and return
    // (values, scaled_mask, not_counted_mask); a not-counted value is None.
    py::tuple end(size_t token) {
        group_.read(after_);
        if (token == 0 || token != depth_) {
            throw Error(ErrorKind::InvalidArgument, 0,
                        "regions must nest: ended region " + std::to_string(token) +
                            " while region " + std::to_string(depth_) + " is innermost",
                        "exit regions in the reverse order of entering them");
        }
        --depth_;
        return make_delta(stack_[depth_], after_);
    }

    // Drop an open region (e.g. after an error) without reading.
    void abandon(size_t token) {
        if (token != 0 && token <= depth_) depth_ = token - 1;
    }

    size_t depth() const { return depth_; }

    static py::tuple make_delta(const Snapshot& before, const Snapshot& after) {
        const size_t n = after.value.size();
        PyObject* values = PyTuple_New(static_cast<Py_ssize_t>(n));
        if (values == nullptr) throw py::error_already_set();
        unsigned long long scaled = 0, not_counted = 0;
        for (size_t i = 0; i < n; ++i) {
            const uint64_t dv = after.value[i] - before.value[i];
            const uint64_t de = after.enabled[i] - before.enabled[i];
            const uint64_t dr = after.running[i] - before.running[i];
            PyObject* item;
            if (dr == 0 && de != 0) {
                not_counted |= 1ULL << i;
                Py_INCREF(Py_None);
                item = Py_None;
            } else if (dr < de) {
                scaled |= 1ULL << i;
                item = PyFloat_FromDouble(static_cast<double>(dv) * static_cast<double>(de) /
                                          static_cast<double>(dr));
            } else {
                item = PyLong_FromUnsignedLongLong(dv);
            }
            if (item == nullptr) {
                Py_DECREF(values);
                throw py::error_already_set();
            }
            PyTuple_SET_ITEM(values, static_cast<Py_ssize_t>(i), item);
        }
        return py::make_tuple(py::reinterpret_steal<py::object>(values), scaled, not_counted);
    }

    py::tuple snapshot_tuple(const Snapshot& s) {
        return py::make_tuple(py::tuple(py::cast(s.value)), py::tuple(py::cast(s.enabled)),
                              py::tuple(py::cast(s.running)));
    }

private:
    CounterGroup group_;
    std::vector<Snapshot> stack_;
    Snapshot after_;
    size_t depth_ = 0;
};

std::vector<EventSpec> specs_from_python(const py::sequence& events) {
    std::vector<EventSpec> out;
    for (const py::handle item : events) {
        auto t = item.cast<std::tuple<std::string, uint32_t, uint64_t, bool, bool, bool>>();
        EventSpec e;
        e.name = std::get<0>(t);
        e.type = std::get<1>(t);
        e.config = std::get<2>(t);
        e.exclude_user = std::get<3>(t);
        e.exclude_kernel = std::get<4>(t);
        e.exclude_hv = std::get<5>(t);
        out.push_back(std::move(e));
    }
    if (out.size() > 64) {
        throw Error(ErrorKind::InvalidArgument, 0, "at most 64 events per group",
                    "split the events over several groups");
    }
    return out;
}

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

struct RegionObject {
    PyObject_HEAD
    PyObject* group_obj;  // the bound Group (strong reference)
    PyGroup* group;       // its C++ object, valid while group_obj is held
    unsigned long tid;    // thread the group was bound in
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

void region_dealloc(PyObject* obj) {
    auto* self = reinterpret_cast<RegionObject*>(obj);
    Py_CLEAR(self->group_obj);
    Py_CLEAR(self->raw);
    Py_CLEAR(self->counts);
    delete self->tokens;
    self->tokens = nullptr;
    Py_TYPE(obj)->tp_free(obj);
}

bool region_bound(RegionObject* self) {
    return self->group != nullptr && self->tid == PyThread_get_thread_ident() &&
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
        py::tuple result = self->group->end(token);
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
    PyGroup* g;
    try {
        g = py::cast<PyGroup*>(py::handle(value));
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
    self->tid = PyThread_get_thread_ident();
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
    t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE;
    t.tp_doc = "Base of perfcount.measure: C-level __enter__/__exit__ over a bound Group.";
    t.tp_methods = region_methods;
    t.tp_getset = region_getset;
    t.tp_new = region_new;
    return t;
}();

}  // namespace

std::vector<EventSpec> event_specs(const py::sequence& events) { return specs_from_python(events); }

void register_perf(py::module_& m) {
    py::class_<PyGroup>(m, "Group",
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
                 return std::make_unique<PyGroup>(specs_from_python(events), o);
             }),
             py::arg("events"), py::kw_only(), py::arg("pid") = 0, py::arg("cpu") = -1,
             py::arg("inherit") = true, py::arg("enable_on_exec") = false,
             py::arg("start_enabled") = true, py::arg("rdpmc") = true, py::arg("group") = true)
        .def("begin", &PyGroup::begin)
        .def("end", &PyGroup::end, py::arg("token"))
        .def("abandon", &PyGroup::abandon, py::arg("token"))
        .def_property_readonly("depth", &PyGroup::depth)
        .def("read",
             [](PyGroup& g) {
                 Snapshot s;
                 g.group().read(s);
                 return g.snapshot_tuple(s);
             })
        .def("read_syscall",
             [](PyGroup& g) {
                 Snapshot s;
                 g.group().read_syscall(s);
                 return g.snapshot_tuple(s);
             })
        .def("read_rdpmc",
             [](PyGroup& g) -> py::object {
                 Snapshot s;
                 if (!g.group().read_rdpmc(s)) return py::none();
                 return g.snapshot_tuple(s);
             })
        .def("enable", [](PyGroup& g) { g.group().enable(); })
        .def("disable", [](PyGroup& g) { g.group().disable(); })
        .def("reset", [](PyGroup& g) { g.group().reset(); })
        .def("close", [](PyGroup& g) { g.group().close(); })
        .def_property_readonly("closed", [](PyGroup& g) { return g.group().closed(); })
        .def_property_readonly("names",
                               [](PyGroup& g) {
                                   py::list names;
                                   for (const auto& e : g.group().events()) names.append(e.name);
                                   return py::tuple(names);
                               })
        .def_property_readonly("fds", [](PyGroup& g) { return py::tuple(py::cast(g.group().fds())); })
        .def_property_readonly("grouped", [](PyGroup& g) { return g.group().grouped(); })
        .def_property_readonly("rdpmc", [](PyGroup& g) { return g.group().rdpmc_enabled(); })
        .def("rdpmc_available", [](PyGroup& g) { return g.group().rdpmc_available(); })
        .def("__len__", [](PyGroup& g) { return g.group().size(); })
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__", [](PyGroup& g, const py::args&) { g.group().close(); });

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
