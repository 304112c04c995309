// perf_event counter groups: opened once, read many times.
//
// A measured region is a snapshot before and a snapshot after, subtracted
// (PERF_EVENT_IOC_RESET does not reset time_enabled/time_running, and one read
// is cheaper than RESET+ENABLE+DISABLE). RegionStack keeps a stack of
// preallocated snapshots so that begin()/end() allocate nothing.
#include "perf.hpp"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <utility>

#include "errors.hpp"

namespace perfcount {

namespace {

long sys_perf_event_open(perf_event_attr* attr, pid_t pid, int cpu, int group_fd,
                         unsigned long flags) {
    return syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

// Set once a kernel refused PERF_FLAG_FD_CLOEXEC (before 3.14: EINVAL for an
// unknown flag) and accepted the same event without it.
std::atomic<bool> no_cloexec_flag{false};

// perf_event_open with close-on-exec: PERF_FLAG_FD_CLOEXEC, else (kernels
// before 3.14) without the flag and FD_CLOEXEC set right after. The second
// form leaves a window in which a fork+exec in another thread inherits the
// fd; it is only taken on such old kernels.
long open_event(perf_event_attr* attr, pid_t pid, int cpu, int group_fd) {
    if (!no_cloexec_flag.load(std::memory_order_relaxed)) {
        const long fd = sys_perf_event_open(attr, pid, cpu, group_fd, PERF_FLAG_FD_CLOEXEC);
        if (fd >= 0 || errno != EINVAL) return fd;
        const long retry = sys_perf_event_open(attr, pid, cpu, group_fd, 0);
        if (retry < 0) {
            errno = EINVAL;  // the same attributes: the EINVAL was not about the flag
            return -1;
        }
        no_cloexec_flag.store(true, std::memory_order_relaxed);
        fcntl(static_cast<int>(retry), F_SETFD, FD_CLOEXEC);
        return retry;
    }
    const long fd = sys_perf_event_open(attr, pid, cpu, group_fd, 0);
    if (fd >= 0) fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    return fd;
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

// Bumped in a forked child (pthread_atfork), so that tokens taken before the
// fork never match in the child.
std::atomic<uint64_t> fork_generation{0};
std::atomic<uint64_t> next_thread_token{0};
void on_fork_child() { fork_generation.fetch_add(1, std::memory_order_relaxed); }
const int kAtForkRegistered = pthread_atfork(nullptr, nullptr, on_fork_child);

int read_int_file(const char* path, int fallback) {
    std::ifstream in(path);
    int v;
    if (in >> v) return v;
    return fallback;
}

}  // namespace

uint64_t this_thread_token() noexcept {
    thread_local uint64_t token = 0;
    thread_local uint64_t generation = 0;
    const uint64_t now = fork_generation.load(std::memory_order_relaxed);
    if (token == 0 || generation != now) {
        (void)kAtForkRegistered;
        token = next_thread_token.fetch_add(1, std::memory_order_relaxed) + 1;
        generation = now;
    }
    return token;
}

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
    // The owner: the opening thread (pid 0 counts it) and process. The rdpmc
    // path is only valid there (safe by construction: read(2) elsewhere).
    owner_token_ = this_thread_token();
    owner_pid_ = getpid();
    try {
        // Kernels before 4.13 reject inherit together with PERF_FORMAT_GROUP
        // for every event, so the leader fails first: one fd per event then,
        // whatever the number of events. Any other refusal (a member the PMU
        // cannot schedule with the group: x86 validate_group) is an error,
        // never a silent split into independently multiplexed events.
        if (!open_all(options_.group)) open_all(false);
        if (options_.start_enabled && !options_.enable_on_exec) enable();
        map_pages();
    } catch (...) {
        close();  // the destructor does not run for a constructor that throws
        throw;
    }
}

CounterGroup::~CounterGroup() { close(); }

bool CounterGroup::open_all(bool as_group) {
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
        const long fd = open_event(&attr, options_.pid, options_.cpu, group_fd);
        if (fd < 0) {
            const int err = errno;
            close();
            if (err == EINVAL && as_group && i == 0 && options_.inherit) return false;
            if (err == EINVAL && as_group && i > 0) {
                throw Error(ErrorKind::InvalidArgument, err,
                            "cannot add perf event '" + e.name + "' to the group of " +
                                std::to_string(events_.size()) +
                                " events: the kernel rejected it (EINVAL)",
                            is_pmu_event(e)
                                ? "a group must fit on the PMU at once (the events of a group "
                                  "are counted together, so ratios such as IPC hold); measure "
                                  "fewer hardware events per region, or check the raw code "
                                  "with `perf list`"
                                : "check the event's modifiers; the kernel refused it as a "
                                  "member of this group");
            }
            throw_open_error(e, err, options_.pid);
        }
        fds_.push_back(static_cast<int>(fd));
    }
    buffer_.assign(as_group ? 3 + events_.size() : 3, 0);
    return true;
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

bool CounterGroup::owner() const noexcept { return this_thread_token() == owner_token_; }

bool CounterGroup::rdpmc_available() const noexcept {
    // Another thread would read the counter of the CPU it runs on (the event
    // counts the owner only); a forked child has no page (VM_DONTCOPY).
    if (pages_.empty() || !owner()) return false;
    for (void* p : pages_) {
        const auto* pc = static_cast<const perf_event_mmap_page*>(p);
        if (!pc->cap_user_rdpmc || pc->index == 0 || !pc->cap_user_time) return false;
    }
    return true;
}

void CounterGroup::close() noexcept {
    if (!pages_.empty()) {
        // In a forked child the pages were never copied (VM_DONTCOPY): their
        // addresses may hold the child's own mappings by now.
        if (getpid() == owner_pid_) {
            const long page = sysconf(_SC_PAGESIZE);
            for (void* p : pages_) munmap(p, static_cast<size_t>(page));
        }
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
    if (pages_.empty() || !owner()) return false;
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
        if (buffer_[0] != n) {
            throw Error(ErrorKind::Backend, EIO,
                        "reading the counter group failed: the kernel reported " +
                            std::to_string(buffer_[0]) + " events for a group of " +
                            std::to_string(n));
        }
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

RegionStack::RegionStack(std::vector<EventSpec> events, const GroupOptions& options)
    : group_(std::move(events), options) {
    stack_.resize(8);
}

size_t RegionStack::begin() {
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

RegionStack::Interval RegionStack::end(size_t token) {
    group_.read(after_);  // first thing: the region ends here
    if (token == 0 || token != depth_) {
        throw Error(ErrorKind::InvalidArgument, 0,
                    "regions must nest: ended region " + std::to_string(token) +
                        " while region " + std::to_string(depth_) + " is innermost",
                    "exit regions in the reverse order of entering them");
    }
    --depth_;
    return Interval{stack_[depth_], after_};
}

}  // namespace perfcount
