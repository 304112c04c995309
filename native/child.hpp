// Counting a child process in any language, the way `perf stat` does it.
// Plain C++17, no Python here (bind_child.cpp binds it as run_counted).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "perf.hpp"

namespace perfcount {

// One resource limit the child sets on itself before exec (setrlimit).
struct ChildLimit {
    int resource = 0;
    uint64_t soft = 0, hard = 0;
};

// Privileges the child gives up after the go byte and before exec (all of it
// uncounted: the counters start at the exec). Used by perfcount's command
// jail (perfcount/execute/jail.py), which runs as root in fresh namespaces.
// In order: the capability bounding set (needs CAP_SETPCAP), supplementary
// groups, gid, uid, every remaining capability (effective, permitted,
// inheritable, ambient), PR_SET_NO_NEW_PRIVS, the rlimits, then the seccomp
// filter. A step that fails ends the child before exec (a Candidate error
// naming it), so a program never runs with less confinement than was asked.
struct ChildJail {
    std::optional<uint32_t> uid, gid;
    bool drop_capabilities = false;  // bounding set, then capset() to nothing
    int cap_last_cap = 40;           // /proc/sys/kernel/cap_last_cap
    bool no_new_privs = false;
    std::vector<ChildLimit> rlimits;
    std::string seccomp_filter;      // a BPF program: struct sock_filter[] bytes
    // the program is pid 2 of a pid namespace of its own, whose pid 1 is a
    // placeholder that reaps orphans (CAP_SYS_ADMIN); the caller ends it with
    // end_pid_namespace(ChildResult::namespace_init) once it has looked for
    // what the program left behind
    bool pid_namespace = false;
};

// What to run and how.
struct ChildOptions {
    std::vector<std::string> argv;
    std::vector<EventSpec> events;
    std::string stdin_data;                      // fed to the child with stdin_mode "pipe"
    std::string stdin_mode = "devnull";          // "pipe", "devnull" or "inherit"
    bool capture = true;                         // false: share this process's stdout/stderr
    std::optional<double> timeout;               // seconds (finite, <= 1e9); SIGTERM to the process group
    std::optional<std::string> cwd;
    std::optional<std::vector<std::string>> env; // "K=V"; nullopt: this environment
    size_t max_output = size_t{16} << 20;        // bytes kept of stdout and of stderr
    double kill_grace = 1.0;                     // seconds from SIGTERM to SIGKILL
    bool inherit = true;                         // count the whole process tree
    double linger = 1.0;                         // seconds descendants may hold the pipes open
    std::optional<ChildJail> jail;               // privileges dropped before exec
};

// What happened.
struct ChildResult {
    pid_t pid = 0;
    pid_t namespace_init = 0;        // the placeholder pid 1 (ChildJail::pid_namespace), else 0
    Snapshot counters;               // the counts from exec to exit (they start at zero)
    std::optional<int> returncode;   // exit status, or -N for signal N; nullopt when lost
    std::optional<int> signal;       // the signal that ended it
    int64_t wall_ns = 0;
    long long max_rss = 0;           // bytes
    long long user_ns = 0;
    long long system_ns = 0;
    std::string stdout_data, stderr_data;
    bool stdout_truncated = false, stderr_truncated = false;
    bool timed_out = false;
    bool killed_lingering = false;
    size_t stdin_written = 0;
    bool execed = true;              // false: the timeout ran out before exec (nothing counted)
    bool own_group = true;           // the child led its own process group (else it shared ours)
    bool reaped_elsewhere = false;   // someone else reaped it: exit status and rusage unknown
};

// How the caller waits. run_counted() brackets its blocking waits (exec
// handshake, the child's run) with release()/reacquire() and polls
// interrupted() every 100 ms from inside them. The Python binding releases
// the GIL and checks for signals (Ctrl-C) there.
class ChildWaiter {
public:
    virtual ~ChildWaiter() = default;
    virtual void release() {}
    virtual void reacquire() {}
    // Called between release() and reacquire(); true stops the run.
    virtual bool interrupted() { return false; }
};

// Thrown by run_counted() after interrupted() returned true; the child's
// process group was killed and the child reaped first.
class ChildInterrupted : public std::exception {
public:
    const char* what() const noexcept override { return "interrupted while the child ran"; }
};

// Throws InvalidArgument for an empty command, a bad stdin_mode, or a timeout,
// kill_grace or linger that is not a finite number of seconds in range.
// run_counted() checks this first; callers may check before building `events`.
void check_child_options(const ChildOptions& options);

// fork; the child puts itself in its own process group (unless it shares the
// terminal this process is in the foreground of: then it stays in ours) and
// blocks on a "go" pipe; the parent attaches the counters to it
// (enable_on_exec + inherit), sends the go byte, the child execs: the process
// tree is counted from exec to exit and none of the setup is. Exec/chdir
// failures, and a stop on SIGTTIN/SIGTTOU, throw Candidate errors. The child
// is reaped last, so its pid (and group id) are never signalled after reuse.
ChildResult run_counted(const ChildOptions& options, ChildWaiter& waiter);

// Kill the placeholder pid 1 ``init`` of a pid namespace (ChildResult::namespace_init),
// and so everything left in that namespace, and reap it. 0 does nothing.
void end_pid_namespace(pid_t init);

// For a fork server written in Python (no fork of its own to wrap): unshare a
// pid namespace and fork its placeholder pid 1 (C only: no Python code runs
// in it, and none of Python's fork handlers run), returning the placeholder's
// pid; the next fork of the caller is that namespace's pid 2. Right after
// that fork, leave_pid_namespace() in the parent puts its later children back
// in its own namespace; leave_pid_namespace(false) in the child only closes
// the descriptor of the way back. Errors throw (Backend).
pid_t enter_pid_namespace();
void leave_pid_namespace(bool back = true);

// The fork server's zygote loop (perfcount/execute/server.py), in C so that the
// interpreter's heap is the same at every fork: a loop in Python allocates and
// frees between two forks, and the order of the heap's free blocks then
// depends on the round (every child inherits it; counts started from it).
// For each 'g' read from `go`: three pipes (result, start, output), fork;
// the zygote sends the child's pid (8 bytes, big-endian) with the read end of
// the result pipe, the write end of the start pipe and the read end of the
// output pipe over the unix socket `sock` (SCM_RIGHTS), closes them, reaps the
// child with wait4 and sends its exit: pid, wait status, max RSS in KiB (all
// int64) and user and system seconds (doubles), big-endian. Returns, in the
// zygote, at EOF or another byte (nullopt); in each child, after
// `after_fork_child` ran there and every descriptor of the loop but its own
// pipe ends was closed, the child's ends (result write, start read, output
// write). Errors in the zygote throw (Backend).
struct ZygoteChild {
    int result, start, output;
};
std::optional<ZygoteChild> zygote_loop(int go, int sock, void (*after_fork_child)());

}  // namespace perfcount
