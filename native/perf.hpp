// perf_event counter groups shared by regions in the calling thread
// (RegionStack, bound in bind_perf.cpp) and child.cpp (a counted child
// process). Plain C++17, no Python here.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace perfcount {

// One event as parsed by perfcount/events.py.
struct EventSpec {
    std::string name;
    uint32_t type = 0;
    uint64_t config = 0;
    bool exclude_user = false;
    bool exclude_kernel = true;
    bool exclude_hv = true;
};

// A counter snapshot: raw value and the enabled/running times of each event
// (identical across events when they were read as one group).
struct Snapshot {
    std::vector<uint64_t> value;
    std::vector<uint64_t> enabled;
    std::vector<uint64_t> running;
};

// Options of a group.
struct GroupOptions {
    pid_t pid = 0;              // 0: the calling thread; >0: that process
    int cpu = -1;               // -1: any CPU
    bool inherit = true;        // count threads/processes created after opening
    bool enable_on_exec = false;// start counting at the next exec (child counting)
    bool start_enabled = true;  // enable right after opening
    bool rdpmc = true;          // use the mmap page + rdpmc when the kernel offers it
    bool group = true;          // one group read; false: one fd per event (also the fallback)
};

// A group of perf_event counters opened once and read many times.
//
// Opens all events as one group (leader + members, read with
// PERF_FORMAT_GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING). If the kernel
// rejects `inherit` together with a group read (EINVAL for the leader on
// kernels < 4.13), falls back to one independent fd per event, also for a
// single event; a member the kernel refuses (e.g. a group that cannot be
// scheduled on the PMU) is an InvalidArgument error, never a silent split.
// All fds are close-on-exec (PERF_FLAG_FD_CLOEXEC, or FD_CLOEXEC before 3.14).
//
// The rdpmc path is used only in the thread and process that opened the
// group (recorded at open); any other thread, or a forked child, reads
// through read(2).
class CounterGroup {
public:
    CounterGroup(std::vector<EventSpec> events, const GroupOptions& options);
    ~CounterGroup();
    CounterGroup(const CounterGroup&) = delete;
    CounterGroup& operator=(const CounterGroup&) = delete;

    void close() noexcept;
    bool closed() const noexcept { return fds_.empty(); }
    void enable();   // PERF_EVENT_IOC_ENABLE
    void disable();  // PERF_EVENT_IOC_DISABLE
    void reset();    // PERF_EVENT_IOC_RESET (counts only, not the enabled/running times)

    // Read all counters into `out` (sized on first use). Uses rdpmc when every
    // event offers it, else read(2). No allocation once `out` is sized.
    void read(Snapshot& out);
    // Always the read(2) syscall path (for checking rdpmc against it).
    void read_syscall(Snapshot& out);
    // Only the rdpmc path; false if any event does not offer rdpmc right now.
    bool read_rdpmc(Snapshot& out);

    size_t size() const noexcept { return events_.size(); }
    const std::vector<EventSpec>& events() const noexcept { return events_; }
    const std::vector<int>& fds() const noexcept { return fds_; }
    bool grouped() const noexcept { return grouped_; }
    // Whether reads from the calling thread go through rdpmc.
    bool rdpmc_enabled() const noexcept { return use_rdpmc_ && owner(); }
    // Whether every event's mmap page currently offers rdpmc (cap_user_rdpmc and index != 0).
    bool rdpmc_available() const noexcept;

private:
    // False when the kernel refused the leader's PERF_FORMAT_GROUP with inherit.
    bool open_all(bool as_group);
    // Whether the calling thread is the one that opened the group (in this process).
    bool owner() const noexcept;
    void map_pages();
    // ioctl REQUEST on the group leader (PERF_IOC_FLAG_GROUP) or on each fd;
    // NAME is the request's name for the error message.
    void ioctl_all(unsigned long request, const char* name);

    std::vector<EventSpec> events_;
    GroupOptions options_;
    std::vector<int> fds_;
    std::vector<void*> pages_;
    std::vector<uint64_t> buffer_;
    bool grouped_ = true;
    bool use_rdpmc_ = false;
    uint64_t owner_token_ = 0;  // this_thread_token() of the opening thread
    pid_t owner_pid_ = 0;
};

// One event's count over an interval (two snapshots), scaled for multiplexing.
struct EventDelta {
    enum Kind { Exact, Scaled, NotCounted };
    Kind kind = Exact;
    uint64_t exact = 0;   // Exact: the raw difference
    double scaled = 0.0;  // Scaled: difference x enabled / running (the event was multiplexed)
};                        // NotCounted: the event never ran (or was reset) in the interval

inline EventDelta event_delta(const Snapshot& before, const Snapshot& after, size_t i) noexcept {
    const uint64_t dv = after.value[i] - before.value[i];
    const uint64_t de = after.enabled[i] - before.enabled[i];
    const uint64_t dr = after.running[i] - before.running[i];
    EventDelta d;
    // a counter that went backwards was reset (PERF_EVENT_IOC_RESET) inside the
    // interval: its difference means nothing, so the event reads as not counted
    // rather than as an unsigned wrap to ~1.8e19
    if (after.value[i] < before.value[i] || (dr == 0 && de != 0)) {
        d.kind = EventDelta::NotCounted;
    } else if (dr < de) {
        d.kind = EventDelta::Scaled;
        d.scaled = static_cast<double>(dv) * static_cast<double>(de) / static_cast<double>(dr);
    } else {
        d.exact = dv;
    }
    return d;
}

// A CounterGroup with a stack of preallocated snapshots for nested regions:
// begin() and end() read the counters and allocate nothing once warmed up.
class RegionStack {
public:
    static constexpr size_t kMaxDepth = 256;

    RegionStack(std::vector<EventSpec> events, const GroupOptions& options);

    CounterGroup& group() noexcept { return group_; }
    const CounterGroup& group() const noexcept { return group_; }

    // Snapshot now and push it; returns the nesting depth (the token for end()).
    size_t begin();

    // The two snapshots of a region just ended (valid until the next begin/end).
    struct Interval {
        const Snapshot& before;
        const Snapshot& after;
    };
    // Snapshot now and pop region TOKEN, which must be the innermost.
    Interval end(size_t token);

    // Drop an open region (e.g. after an error) and those nested in it, without reading.
    void abandon(size_t token) noexcept {
        if (token != 0 && token <= depth_) depth_ = token - 1;
    }

    size_t depth() const noexcept { return depth_; }

private:
    CounterGroup group_;
    std::vector<Snapshot> stack_;
    Snapshot after_;
    size_t depth_ = 0;
};

// An identity of the calling thread that no other thread of this process
// shares, past or present, and that changes in a forked child. (Thread idents
// such as pthread_self() / PyThread_get_thread_ident() are recycled: glibc
// reuses an exited thread's descriptor for the next thread.) Cheap: a
// thread_local and an atomic load.
uint64_t this_thread_token() noexcept;

// Throws perfcount::Error with the cause and the fix for a failed
// perf_event_open of `event` (errno `err`).
[[noreturn]] void throw_open_error(const EventSpec& event, int err, pid_t pid);

// Current /proc/sys/kernel/perf_event_paranoid (or INT32_MIN when unreadable).
int perf_event_paranoid();
// Whether a hardware PMU is exposed in sysfs (/sys/bus/event_source/devices/cpu*).
bool hardware_pmu_present();

}  // namespace perfcount
