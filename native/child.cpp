// Counting a child process in any language, the way `perf stat` does it.
//
// fork; the child puts itself in its own process group (unless it shares the
// terminal perfcount runs in the foreground of) and blocks on a "go" pipe;
// the parent attaches a counter group to the child's pid with enable_on_exec
// + inherit, then sends the go byte. The child execs and the counters start
// at the exec, so the whole process tree from exec to exit is counted and
// none of the setup is. Exec failures come back through a CLOEXEC pipe. While
// the child runs, the parent (inside the ChildWaiter's release(): the binding
// releases the GIL) feeds stdin, drains bounded stdout/stderr, enforces the
// timeout (SIGTERM, then SIGKILL after a grace), notices stops (a stop on
// SIGTTIN/SIGTTOU ends the run with an error instead of a hang) and watches
// for the exit without reaping (waitid WNOWAIT): the child's pid, and the id
// of the group it leads, stay reserved until the very end, so no signal can
// reach an unrelated process that got the pid again. It is reaped last.
#include "child.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "errors.hpp"
#include "perf.hpp"

namespace perfcount {

namespace {

// Longest accepted timeout, kill grace and linger: 10^9 s (~31 years) keeps
// every deadline in int64 nanoseconds.
constexpr double kMaxSeconds = 1e9;

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int64_t seconds_ns(double seconds) {  // SECONDS checked: finite, in [0, kMaxSeconds]
    return static_cast<int64_t>(seconds * 1e9);
}

// A file descriptor closed on scope exit.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_ = -1;
};

struct Pipe {
    Fd read, write;
};

// FD, moved to 3 or above (close-on-exec) when it is 0, 1 or 2: with this
// process's stdio closed, pipe2/open hand those out, and the child's dup2
// onto 0-2 would clobber one of our fds (or dup2(fd, fd) would keep its
// close-on-exec flag and the program would start without that stdio).
// -1 with errno set when no descriptor is left.
int above_stdio(int fd) {
    if (fd < 0 || fd > 2) return fd;
    const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    const int err = errno;
    ::close(fd);
    errno = err;
    return moved;
}

[[noreturn]] void throw_fd_error(const char* what, int err) {
    throw Error(ErrorKind::Backend, err, std::string(what) + " failed: " + std::strerror(err),
                err == EMFILE || err == ENFILE ? "raise the limit of open files (`ulimit -n`)"
                                               : "");
}

void make_pipe(Pipe& p) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw_fd_error("pipe2", errno);
    const int r = above_stdio(fds[0]);
    const int read_err = errno;
    const int w = above_stdio(fds[1]);
    const int write_err = errno;
    p.read.reset(r);
    p.write.reset(w);
    if (r < 0 || w < 0) {
        p.read.reset();
        p.write.reset();
        throw_fd_error("pipe2", r < 0 ? read_err : write_err);
    }
}

void set_nonblocking(int fd) {
    const int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Whether this process is in the foreground process group of its controlling
// terminal (then a child sharing the terminal must share that group too, or
// reading the terminal stops it with SIGTTIN).
bool in_terminal_foreground() {
    const int tty = ::open("/dev/tty", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (tty < 0) return false;  // no controlling terminal
    const pid_t fg = tcgetpgrp(tty);
    ::close(tty);
    return fg >= 0 && fg == getpgrp();
}

// What the child writes into the error pipe when it cannot exec.
struct ExecFailure {
    int stage;  // 1: chdir, 2: exec, 3: dup2, 4..: a ChildJail step (kJailStages)
    int err;
};

// The ChildJail steps in the order apply_jail() takes them (stage 4 + index).
constexpr const char* kJailStages[] = {
    "dropping the capability bounding set", "setgroups", "setresgid", "setresuid",
    "capset", "clearing ambient capabilities", "PR_SET_NO_NEW_PRIVS", "setrlimit",
    "installing the seccomp filter"};
constexpr int kJailStage = 4;

// In the forked child (async-signal-safe calls only): give up what JAIL says;
// on failure returns the stage (kJailStage + index) with errno set, else 0.
int apply_jail(const ChildJail& jail, const sock_fprog* filter) {
    if (jail.drop_capabilities) {
        for (int cap = 0; cap <= jail.cap_last_cap; ++cap) {
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return kJailStage;
        }
    }
    if (jail.gid) {
        if (setgroups(0, nullptr) != 0) return kJailStage + 1;
        if (setresgid(*jail.gid, *jail.gid, *jail.gid) != 0) return kJailStage + 2;
    }
    if (jail.uid && setresuid(*jail.uid, *jail.uid, *jail.uid) != 0) return kJailStage + 3;
    if (jail.drop_capabilities) {
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
        if (syscall(SYS_capset, &header, data) != 0) return kJailStage + 4;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
            return kJailStage + 5;
        }
    }
    if (jail.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return kJailStage + 6;
    for (const ChildLimit& l : jail.rlimits) {
        const rlimit value{static_cast<rlim_t>(l.soft), static_cast<rlim_t>(l.hard)};
        if (setrlimit(static_cast<__rlimit_resource_t>(l.resource), &value) != 0) {
            return kJailStage + 7;
        }
    }
    if (filter != nullptr &&
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, const_cast<sock_fprog*>(filter), 0, 0) != 0) {
        return kJailStage + 8;
    }
    return 0;
}

[[noreturn]] void child_fail(int fd, int stage) {
    ExecFailure f{stage, errno};
    ssize_t unused = ::write(fd, &f, sizeof(f));
    (void)unused;
    _exit(127);
}

struct Capture {
    Fd fd;
    std::string data;
    bool truncated = false;
    size_t limit = 0;

    // Reads what is available; returns false at EOF/error (the fd is closed).
    bool drain() {
        char buf[65536];
        for (;;) {
            const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
            if (n > 0) {
                const size_t room = limit > data.size() ? limit - data.size() : 0;
                const size_t take = std::min(room, static_cast<size_t>(n));
                data.append(buf, take);
                if (take < static_cast<size_t>(n)) truncated = true;
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
            fd.reset();
            return false;
        }
    }
};

std::string describe_command(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out += ' ';
        out += a;
    }
    if (out.size() > 200) out = out.substr(0, 197) + "...";
    return out;
}

// The forked child as the parent sees it.
//
// It is only *observed* exiting (waitid WNOWAIT) and reaped at the very end:
// until then its pid, and the id of the group it leads, belong to it, so
// signalling them never reaches another process. Its pidfd (Linux 5.3+)
// signals the child itself safely in any state. When it was reaped elsewhere
// (SIGCHLD ignored: the kernel reaps at exit; a waitpid(-1) in another
// thread), its exit status is lost and its numbers are free for reuse: only
// the pidfd is used then.
class Child {
public:
    Child(pid_t pid, bool own_group) : pid_(pid), own_group_(own_group) {}

    pid_t pid() const { return pid_; }
    bool own_group() const { return own_group_; }
    bool exited() const { return exited_; }
    bool lost() const { return lost_; }
    void open_pidfd() { pidfd_.reset(static_cast<int>(syscall(SYS_pidfd_open, pid_, 0))); }
    int pidfd() const { return pidfd_.get(); }

    // True once the child has exited (it stays a zombie) or was reaped elsewhere.
    bool poll_exit() {
        if (exited_) return true;
        siginfo_t si;
        std::memset(&si, 0, sizeof(si));
        int r;
        do {
            r = waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOHANG | WNOWAIT);
        } while (r < 0 && errno == EINTR);
        if (r == 0 && si.si_pid == pid_) {
            exited_ = true;
            remember(si.si_code, si.si_status);
        } else if (r < 0 && errno == ECHILD) {
            exited_ = true;
            lost_ = true;
        }
        return exited_;
    }

    // The signal that stopped the child since the last call, or 0.
    int poll_stop() {
        if (exited_) return 0;
        siginfo_t si;
        std::memset(&si, 0, sizeof(si));
        if (waitid(P_PID, static_cast<id_t>(pid_), &si, WSTOPPED | WNOHANG) == 0 &&
            si.si_pid == pid_ && si.si_code == CLD_STOPPED) {
            return si.si_status;
        }
        return 0;
    }

    // SIG to the child's process group (when it leads one) and to the child.
    void signal(int sig) {
        bool reached_child = false;
        if (own_group_ && !lost_) {
            // the unreaped leader reserves the group id: this group, no other
            if (::kill(-pid_, sig) == 0) reached_child = getpgid(pid_) == pid_;
        }
        if (reached_child) return;
#ifdef SYS_pidfd_send_signal
        if (pidfd_.valid()) {
            syscall(SYS_pidfd_send_signal, pidfd_.get(), sig, nullptr, 0);
            return;
        }
#endif
        if (!lost_) ::kill(pid_, sig);  // unreaped: the pid is still this child's
    }

    // SIGTERM, and SIGCONT so that a stopped child acts on it.
    void terminate() {
        signal(SIGTERM);
        signal(SIGCONT);
    }

    // Wait (blocking) until the child has exited.
    void wait_exit() {
        while (!poll_exit()) {
            siginfo_t si;
            std::memset(&si, 0, sizeof(si));
            if (waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOWAIT) < 0 &&
                errno != EINTR && errno != ECHILD) {
                return;
            }
        }
    }

    // Reap the child: its rusage, and its status unless it was lost.
    void reap(rusage& ru) {
        wait_exit();
        if (lost_) return;
        int status = 0;
        pid_t w;
        do {
            w = wait4(pid_, &status, 0, &ru);
        } while (w < 0 && errno == EINTR);
        if (w == pid_) {
            if (WIFEXITED(status)) remember(CLD_EXITED, WEXITSTATUS(status));
            if (WIFSIGNALED(status)) remember(CLD_KILLED, WTERMSIG(status));
        }
        // ECHILD: reaped elsewhere after we saw it exit; the status waitid
        // reported stands, the rusage is unknown
    }

    std::optional<int> returncode;  // exit status, or -N for signal N
    std::optional<int> killed_by;   // N

private:
    void remember(int code, int status) {
        if (code == CLD_EXITED) {
            returncode = status;
            killed_by.reset();
        } else if (code == CLD_KILLED || code == CLD_DUMPED) {
            returncode = -status;
            killed_by = status;
        }
    }

    pid_t pid_;
    bool own_group_;
    bool exited_ = false, lost_ = false;
    Fd pidfd_;
};

// A pid namespace of its own for the next child forked (ChildJail::pid_namespace).
//
// enter() unshares a namespace and forks its pid 1, a placeholder that only
// reaps orphans, so that the program forked next is pid 2, not an init
// (which ignores every signal it has no handler for: its own kill(getpid(),
// SIGTERM), RLIMIT_CPU's SIGXCPU). leave(), right after that fork, puts this
// process back: its later children and threads are created where it lives
// (a thread cannot be created while they would not be). The placeholder is
// killed (and with it everything left in the namespace) by the destructor,
// unless release() handed it to the caller.
class PidNamespace {
public:
    PidNamespace() = default;
    ~PidNamespace() {
        leave();
        if (init_ > 0) end_pid_namespace(init_);
    }
    PidNamespace(const PidNamespace&) = delete;
    PidNamespace& operator=(const PidNamespace&) = delete;

    void enter() {
        own_.reset(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
        if (!own_.valid()) {
            const int e = errno;
            throw Error(ErrorKind::Backend, e,
                        std::string("cannot open /proc/self/ns/pid: ") + std::strerror(e));
        }
        if (unshare(CLONE_NEWPID) != 0) {
            const int e = errno;
            own_.reset();
            throw Error(ErrorKind::Backend, e,
                        std::string("unshare(CLONE_NEWPID) failed: ") + std::strerror(e),
                        "a pid namespace needs CAP_SYS_ADMIN (run as root), or leave "
                        "pid_namespace out of the jail");
        }
        entered_ = true;
        init_ = fork();
        if (init_ < 0) {
            const int e = errno;
            init_ = 0;
            leave();
            throw Error(ErrorKind::Backend, e, std::string("fork failed: ") + std::strerror(e),
                        "the process or memory limit is reached");
        }
        if (init_ == 0) reap_forever();
    }
    // back: setns to this process's own namespace; else only close the way back
    // (in the child forked into the namespace, which must stay there)
    void leave(bool back = true) {
        if (entered_ && back) setns(own_.get(), CLONE_NEWPID);
        entered_ = false;
        own_.reset();
    }
    pid_t release() {
        const pid_t init = init_;
        init_ = 0;
        return init;
    }

private:
    // The placeholder (async-signal-safe calls only: the caller may have threads).
    [[noreturn]] static void reap_forever() {
        // nothing of the caller stays open in it (a pipe end held here would keep a
        // reader waiting for EOF)
        if (syscall(SYS_close_range, 0U, ~0U, 0U) != 0) {  // before Linux 5.9, or emulated
            rlimit nofile{};
            const long limit = getrlimit(RLIMIT_NOFILE, &nofile) == 0 &&
                                       nofile.rlim_cur != RLIM_INFINITY
                                   ? static_cast<long>(std::min<rlim_t>(nofile.rlim_cur, 1 << 20))
                                   : 65536;
            for (long fd = 0; fd < limit; ++fd) ::close(static_cast<int>(fd));
        }
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);  // no namespace outlives its maker
        sigset_t chld;
        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        sigprocmask(SIG_SETMASK, &chld, nullptr);
        for (;;) {
            while (waitpid(-1, nullptr, WNOHANG) > 0) {
            }
            siginfo_t si;
            sigwaitinfo(&chld, &si);
        }
    }

    Fd own_;
    bool entered_ = false;
    pid_t init_ = 0;
};

// The waiter's release() .. reacquire() as a scope.
class Released {
public:
    explicit Released(ChildWaiter& waiter) : waiter_(waiter) { waiter_.release(); }
    ~Released() { waiter_.reacquire(); }
    Released(const Released&) = delete;
    Released& operator=(const Released&) = delete;

private:
    ChildWaiter& waiter_;
};

void check_seconds(const char* name, double value, bool zero_ok) {
    if (!std::isfinite(value) || value < 0 || (!zero_ok && value == 0) || value > kMaxSeconds) {
        throw Error(ErrorKind::InvalidArgument, EINVAL,
                    std::string(name) + " must be a finite number of seconds in " +
                        (zero_ok ? "[0, " : "(0, ") + "1e9], got " + std::to_string(value));
    }
}

}  // namespace

void check_child_options(const ChildOptions& options) {
    if (options.argv.empty() || options.argv[0].empty()) {
        throw Error(ErrorKind::InvalidArgument, EINVAL, "the command is empty",
                    "pass the program and its arguments, e.g. ['python', '-c', 'pass']");
    }
    const std::string& stdin_mode = options.stdin_mode;
    if (stdin_mode != "pipe" && stdin_mode != "devnull" && stdin_mode != "inherit") {
        throw Error(ErrorKind::InvalidArgument, EINVAL, "stdin_mode must be pipe, devnull or inherit");
    }
    if (options.timeout) check_seconds("timeout", *options.timeout, false);
    check_seconds("kill_grace", options.kill_grace, true);
    check_seconds("linger", options.linger, true);
}

ChildResult run_counted(const ChildOptions& options, ChildWaiter& waiter) {
    check_child_options(options);
    const std::vector<std::string>& argv = options.argv;
    const std::string& stdin_mode = options.stdin_mode;
    const bool capture = options.capture;
    const std::optional<double>& timeout = options.timeout;
    const std::optional<std::string>& cwd = options.cwd;
    const std::optional<std::vector<std::string>>& env = options.env;
    const int64_t kill_grace_ns = seconds_ns(options.kill_grace);
    const int64_t linger_ns = seconds_ns(options.linger);
    std::vector<EventSpec> specs = options.events;

    // Everything the child needs is prepared before fork: the child only
    // calls async-signal-safe functions.
    std::vector<char*> argvp;
    for (const auto& a : argv) argvp.push_back(const_cast<char*>(a.c_str()));
    argvp.push_back(nullptr);
    std::vector<char*> envp;
    if (env) {
        for (const auto& e : *env) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
    }
    // With an explicit environment the program is looked up on *its* PATH (as
    // subprocess does), not on ours: the candidates are built before fork.
    std::vector<std::string> candidates;
    if (env && argv[0].find('/') == std::string::npos) {
        std::string path = "/usr/local/bin:/usr/bin:/bin";
        for (const auto& e : *env) {
            if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
        }
        size_t start = 0;
        for (;;) {
            const size_t end = path.find(':', start);
            std::string dir = path.substr(start, end == std::string::npos ? end : end - start);
            if (dir.empty()) dir = ".";
            candidates.push_back(dir + "/" + argv[0]);
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    const std::string& input = options.stdin_data;
    sock_fprog filter{0, nullptr};
    const sock_fprog* filter_ptr = nullptr;
    if (options.jail && !options.jail->seccomp_filter.empty()) {
        const std::string& bpf = options.jail->seccomp_filter;
        if (bpf.size() % sizeof(sock_filter) != 0 || bpf.size() / sizeof(sock_filter) > 0xffff) {
            throw Error(ErrorKind::InvalidArgument, EINVAL,
                        "the seccomp filter must be a BPF program (whole 8-byte instructions, "
                        "at most 65535 of them), got " + std::to_string(bpf.size()) + " bytes");
        }
        filter.len = static_cast<unsigned short>(bpf.size() / sizeof(sock_filter));
        filter.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(bpf.data()));
        filter_ptr = &filter;
    }

    // A child that shares the terminal we run in the foreground of stays in
    // our process group, as with `perf stat`: reading the terminal from its
    // own (background) group would stop it with SIGTTIN. Otherwise it leads
    // its own group, so a timeout reaches the whole tree.
    const bool shares_terminal = stdin_mode == "inherit" || !capture;
    const bool own_group = !(shares_terminal && in_terminal_foreground());

    // Every fd created here is close-on-exec and above 2 (above_stdio).
    Pipe go, err, in, out, errout;
    make_pipe(go);
    make_pipe(err);
    if (stdin_mode == "pipe") make_pipe(in);
    Fd devnull;
    if (stdin_mode == "devnull") {
        devnull.reset(above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC)));
        if (!devnull.valid()) {
            const int e = errno;
            throw Error(ErrorKind::Backend, e,
                        std::string("cannot open /dev/null for the command's stdin: ") +
                            std::strerror(e),
                        e == EMFILE || e == ENFILE
                            ? "raise the limit of open files (`ulimit -n`)"
                            : "check /dev/null (a container without /dev?), or pass stdin=b''");
        }
    }
    if (capture) {
        make_pipe(out);
        make_pipe(errout);
    }

    PidNamespace pid_namespace;
    if (options.jail && options.jail->pid_namespace) pid_namespace.enter();
    const pid_t pid = fork();
    if (pid > 0) pid_namespace.leave();
    if (pid < 0) {
        const int e = errno;
        throw Error(ErrorKind::Backend, e, std::string("fork failed: ") + std::strerror(e),
                    "the process or memory limit is reached");
    }
    if (pid == 0) {
        // --- child ---
        if (own_group) setpgid(0, 0);
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, nullptr);
        // Python ignores SIGPIPE and SIGXFSZ; an exec'ed program expects defaults.
        signal(SIGPIPE, SIG_DFL);
        signal(SIGXFSZ, SIG_DFL);
        const int efd = err.write.get();
        // every source fd is >= 3: these never clobber each other or efd
        if (in.read.valid() && dup2(in.read.get(), 0) < 0) child_fail(efd, 3);
        if (devnull.valid() && dup2(devnull.get(), 0) < 0) child_fail(efd, 3);
        if (out.write.valid() && dup2(out.write.get(), 1) < 0) child_fail(efd, 3);
        if (errout.write.valid() && dup2(errout.write.get(), 2) < 0) child_fail(efd, 3);
        ::close(go.write.get());
        char c;
        ssize_t n;
        do {
            n = ::read(go.read.get(), &c, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 1) _exit(127);  // the parent gave up (counters failed to open)
        // privileges go before the chdir (the program's uid must reach its folder itself)
        if (options.jail) {
            if (const int stage = apply_jail(*options.jail, filter_ptr); stage != 0) {
                child_fail(efd, stage);
            }
        }
        if (cwd && chdir(cwd->c_str()) != 0) child_fail(efd, 1);
        if (!candidates.empty()) {
            bool denied = false;
            for (const auto& cand : candidates) {
                execve(cand.c_str(), argvp.data(), envp.data());
                if (errno == EACCES) denied = true;
                if (errno != ENOENT && errno != EACCES && errno != ENOTDIR) break;
            }
            if (errno == ENOENT || errno == ENOTDIR) errno = denied ? EACCES : ENOENT;
        } else if (env) {
            execve(argvp[0], argvp.data(), envp.data());
        } else {
            execvp(argvp[0], argvp.data());
        }
        child_fail(efd, 2);
    }

    // --- parent ---
    Child child(pid, own_group);
    if (own_group) setpgid(pid, pid);  // also here, so the group exists before we might signal it
    go.read.reset();
    err.write.reset();
    in.read.reset();
    out.write.reset();
    errout.write.reset();
    devnull.reset();
    child.open_pidfd();

    // Kill and reap the child (setup failed or was interrupted).
    auto abort_child = [&child]() {
        child.signal(SIGKILL);
        rusage ignored;
        child.reap(ignored);
    };

    GroupOptions opts;
    opts.pid = pid;
    opts.inherit = options.inherit;
    opts.enable_on_exec = true;
    opts.start_enabled = false;
    opts.rdpmc = false;
    std::optional<CounterGroup> group;
    try {
        group.emplace(std::move(specs), opts);
    } catch (...) {
        go.write.reset();  // the child sees EOF and exits
        abort_child();
        throw;
    }

    const int64_t t0 = now_ns();
    {
        const char c = 'g';
        ssize_t n;
        do {
            n = ::write(go.write.get(), &c, 1);
        } while (n < 0 && errno == EINTR);
        go.write.reset();
    }
    const int64_t deadline = timeout ? t0 + seconds_ns(*timeout) : INT64_MAX;

    // Exec succeeded when the CLOEXEC error pipe reaches EOF without data.
    // Waited for like the run itself: the timeout and Ctrl-C apply (a child
    // can hang before exec, e.g. in execve on a hung file system).
    ExecFailure failure{0, 0};
    size_t got = 0;
    int read_error = 0;
    bool exec_timed_out = false, interrupted = false;
    {
        Released released(waiter);
        int64_t next_signal_check = now_ns() + 100'000'000;
        for (;;) {
            const int64_t now = now_ns();
            if (now >= deadline) {
                exec_timed_out = true;
                break;
            }
            if (now >= next_signal_check) {
                next_signal_check = now + 100'000'000;
                if (waiter.interrupted()) {
                    interrupted = true;
                    break;
                }
            }
            const int64_t wake = std::min(deadline, next_signal_check);
            pollfd pfd{err.read.get(), POLLIN, 0};
            const int wait_ms =
                static_cast<int>(std::min<int64_t>(100, (wake - now + 999'999) / 1'000'000));
            const int r = poll(&pfd, 1, wait_ms);
            if (r < 0 && errno != EINTR) {
                read_error = errno;
                break;
            }
            if (r <= 0) continue;
            const ssize_t n = ::read(err.read.get(), reinterpret_cast<char*>(&failure) + got,
                                     sizeof(failure) - got);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n < 0) {
                read_error = errno;
                break;
            }
            if (n == 0) break;  // EOF: exec'ed (or died before writing)
            got += static_cast<size_t>(n);
            if (got == sizeof(failure)) break;
        }
    }
    err.read.reset();
    if (interrupted) {
        abort_child();
        throw ChildInterrupted();
    }
    if (read_error != 0) {
        abort_child();
        throw Error(ErrorKind::Backend, read_error,
                    std::string("waiting for the command to start failed: ") +
                        std::strerror(read_error));
    }
    if (got > 0) {
        abort_child();
        const std::string cmd = describe_command(argv);
        if (got != sizeof(failure)) {
            throw Error(ErrorKind::Candidate, EIO,
                        "cannot run '" + cmd + "': the child failed before exec (a partial "
                        "report of " + std::to_string(got) + " bytes)");
        }
        const std::string why = std::strerror(failure.err);
        if (failure.stage == 1) {
            throw Error(ErrorKind::Candidate, failure.err,
                        "cannot run '" + cmd + "': cannot change directory to '" +
                            cwd.value_or("") + "': " + why,
                        "pass an existing directory as cwd");
        }
        if (failure.stage == 3) {
            throw Error(ErrorKind::Candidate, failure.err,
                        "cannot run '" + cmd + "': redirecting stdio failed: " + why);
        }
        constexpr int n_jail = static_cast<int>(sizeof(kJailStages) / sizeof(kJailStages[0]));
        if (failure.stage >= kJailStage && failure.stage < kJailStage + n_jail) {
            throw Error(ErrorKind::Candidate, failure.err,
                        "cannot run '" + cmd + "': " + kJailStages[failure.stage - kJailStage] +
                            " failed in the child: " + why,
                        "the sandbox step was refused; run as root, or without the jail");
        }
        std::string hint = "check the program name and PATH";
        if (failure.err == EACCES) hint = "make the file executable (chmod +x) or run it through its interpreter";
        if (failure.err == ENOEXEC) hint = "add a #! line or run the file through its interpreter";
        throw Error(ErrorKind::Candidate, failure.err,
                    "cannot run '" + cmd + "': " + argv[0] + ": " + why, hint);
    }

    // Run: feed stdin, drain stdout/stderr, watch the timeout, stops and the exit.
    Capture cap_out, cap_err;
    cap_out.limit = cap_err.limit = options.max_output;
    if (capture) {
        // moved, not dup()ed: a dup would drop close-on-exec, and a concurrent
        // run() in another thread would leak these into its child
        cap_out.fd.reset(out.read.release());
        cap_err.fd.reset(errout.read.release());
        set_nonblocking(cap_out.fd.get());
        set_nonblocking(cap_err.fd.get());
    }
    size_t input_pos = 0;
    if (in.write.valid()) {
        if (input.empty()) {
            in.write.reset();
        } else {
            set_nonblocking(in.write.get());
        }
    }

    int64_t kill_at = INT64_MAX, linger_until = INT64_MAX, t_end = 0;
    bool timed_out = exec_timed_out, term_sent = false, killed_lingering = false;
    int stopped_on_tty = 0;
    rusage ru;
    std::memset(&ru, 0, sizeof(ru));

    if (exec_timed_out) {
        // the timeout ran out before the command even started
        child.signal(SIGKILL);
        child.wait_exit();
        t_end = now_ns();
        cap_out.fd.reset();
        cap_err.fd.reset();
    } else {
        Released released(waiter);
        int64_t next_signal_check = now_ns() + 100'000'000;
        for (;;) {
            const bool exited = child.exited();
            const bool out_open = cap_out.fd.valid(), err_open = cap_err.fd.valid();
            if (exited && !out_open && !err_open) break;
            pollfd pfds[4];
            int nfds = 0, i_in = -1, i_out = -1, i_err = -1, i_pid = -1;
            if (in.write.valid()) {
                pfds[nfds] = {in.write.get(), POLLOUT, 0};
                i_in = nfds++;
            }
            if (out_open) {
                pfds[nfds] = {cap_out.fd.get(), POLLIN, 0};
                i_out = nfds++;
            }
            if (err_open) {
                pfds[nfds] = {cap_err.fd.get(), POLLIN, 0};
                i_err = nfds++;
            }
            if (!exited && child.pidfd() >= 0) {
                pfds[nfds] = {child.pidfd(), POLLIN, 0};
                i_pid = nfds++;
            }
            int64_t now = now_ns();
            int64_t wake = next_signal_check;
            if (!exited) wake = std::min(wake, term_sent ? kill_at : deadline);
            if (exited) wake = std::min(wake, linger_until);
            if (!exited && child.pidfd() < 0) wake = std::min(wake, now + 5'000'000);
            const int64_t wait_ms = std::max<int64_t>(0, (wake - now + 999'999) / 1'000'000);
            const int r = poll(pfds, static_cast<nfds_t>(nfds), static_cast<int>(std::min<int64_t>(wait_ms, 1000)));
            if (r < 0 && errno != EINTR) break;
            if (r > 0) {
                if (i_in >= 0 && pfds[i_in].revents) {
                    if (pfds[i_in].revents & (POLLERR | POLLHUP)) {
                        in.write.reset();  // the child closed its stdin
                    } else {
                        const ssize_t n = ::write(in.write.get(), input.data() + input_pos,
                                                  std::min<size_t>(input.size() - input_pos, 65536));
                        if (n > 0) input_pos += static_cast<size_t>(n);
                        if (n < 0 && errno != EAGAIN && errno != EINTR) in.write.reset();
                        if (input_pos >= input.size()) in.write.reset();
                    }
                }
                if (i_out >= 0 && pfds[i_out].revents) cap_out.drain();
                if (i_err >= 0 && pfds[i_err].revents) cap_err.drain();
            }
            if (!exited && (i_pid < 0 || (r > 0 && pfds[i_pid].revents)) && child.poll_exit()) {
                t_end = now_ns();
                in.write.reset();
                linger_until = t_end + linger_ns;
            }
            now = now_ns();
            if (!child.exited() && now >= deadline && !term_sent) {
                timed_out = true;
                term_sent = true;
                child.terminate();
                kill_at = now + kill_grace_ns;
            } else if (!child.exited() && term_sent && now >= kill_at) {
                child.signal(SIGKILL);
                kill_at = INT64_MAX;
            }
            if (child.exited() && now >= linger_until && (cap_out.fd.valid() || cap_err.fd.valid())) {
                // A background descendant keeps the output pipes open after the
                // command exited: stop it and finish.
                killed_lingering = true;
                child.signal(SIGKILL);
                if (cap_out.fd.valid()) cap_out.drain();
                if (cap_err.fd.valid()) cap_err.drain();
                cap_out.fd.reset();
                cap_err.fd.reset();
            }
            if (now >= next_signal_check) {
                next_signal_check = now + 100'000'000;
                if (const int sig = child.poll_stop(); sig == SIGTTIN || sig == SIGTTOU) {
                    // It touched the terminal from outside its foreground group:
                    // it would stay stopped (until the timeout, or forever).
                    stopped_on_tty = sig;
                    child.signal(SIGKILL);
                }
                if (waiter.interrupted()) {
                    interrupted = true;
                    break;
                }
            }
        }
        if (!child.exited()) {  // interrupted (or poll failed): never leave the child behind
            child.signal(SIGKILL);
            child.wait_exit();
            t_end = now_ns();
        }
    }
    child.reap(ru);  // last: the pid was reserved for every signal above
    if (interrupted) throw ChildInterrupted();
    if (stopped_on_tty != 0) {
        const bool in_ = stopped_on_tty == SIGTTIN;
        throw Error(ErrorKind::Candidate, EIO,
                    "cannot run '" + describe_command(argv) + "': it stopped on " +
                        (in_ ? "SIGTTIN (it read" : "SIGTTOU (it wrote to or configured") +
                        " the terminal from outside the terminal's foreground process group) "
                        "and was killed",
                    capture ? "the command uses the terminal: run it with capture=False from a "
                              "foreground shell, or give it its input with stdin="
                            : "run perfcount in the foreground of the terminal (not in the "
                              "background with &)");
    }

    ChildResult result;
    result.pid = pid;
    result.execed = !exec_timed_out;
    result.own_group = own_group;
    result.reaped_elsewhere = child.lost();
    group->read_syscall(result.counters);
    group->close();
    result.returncode = child.returncode;
    result.signal = child.killed_by;
    result.wall_ns = t_end - t0;
    result.max_rss = static_cast<long long>(ru.ru_maxrss) * 1024;
    result.user_ns = static_cast<long long>(ru.ru_utime.tv_sec) * 1'000'000'000LL +
                     static_cast<long long>(ru.ru_utime.tv_usec) * 1000LL;
    result.system_ns = static_cast<long long>(ru.ru_stime.tv_sec) * 1'000'000'000LL +
                       static_cast<long long>(ru.ru_stime.tv_usec) * 1000LL;
    result.stdout_data = std::move(cap_out.data);
    result.stderr_data = std::move(cap_err.data);
    result.stdout_truncated = cap_out.truncated;
    result.stderr_truncated = cap_err.truncated;
    result.timed_out = timed_out;
    result.killed_lingering = killed_lingering;
    result.stdin_written = input_pos;
    result.namespace_init = pid_namespace.release();  // last: nothing below can throw
    return result;
}

namespace {
PidNamespace& entered_namespace() {
    static PidNamespace entered;  // holds the way back to this process's own namespace
    return entered;
}
}  // namespace

pid_t enter_pid_namespace() {
    PidNamespace& ns = entered_namespace();
    ns.leave();
    ns.enter();
    return ns.release();
}

void leave_pid_namespace(bool back) { entered_namespace().leave(back); }

namespace {
void put_be64(unsigned char* out, uint64_t v) {
    for (int i = 7; i >= 0; --i) {
        out[i] = static_cast<unsigned char>(v & 0xff);
        v >>= 8;
    }
}

uint64_t bits_of(double d) {
    uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    return u;
}

[[noreturn]] void zygote_fail(const char* what) {
    const int e = errno;
    throw Error(ErrorKind::Backend, e, std::string("the zygote ") + what + ": " + std::strerror(e));
}

void send_all(int sock, const unsigned char* data, size_t size) {
    while (size > 0) {
        const ssize_t n = ::send(sock, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) zygote_fail("cannot write to the server");
        data += n;
        size -= static_cast<size_t>(n);
    }
}
}  // namespace

std::optional<ZygoteChild> zygote_loop(int go, int sock, void (*after_fork_child)()) {
    for (;;) {
        char c = 0;
        ssize_t n;
        do {
            n = ::read(go, &c, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 1 || c != 'g') return std::nullopt;
        int result[2], start[2], output[2];
        if (pipe2(result, O_CLOEXEC) != 0) zygote_fail("cannot make a pipe");
        if (pipe2(start, O_CLOEXEC) != 0) zygote_fail("cannot make a pipe");
        if (pipe2(output, O_CLOEXEC) != 0) zygote_fail("cannot make a pipe");
        const pid_t pid = fork();
        if (pid < 0) zygote_fail("cannot fork");
        if (pid == 0) {
            after_fork_child();
            entered_namespace().leave(false);  // no way back to the host's pid namespace
            for (const int fd : {result[0], start[1], output[0], go, sock}) ::close(fd);
            return ZygoteChild{result[1], start[0], output[1]};
        }
        ::close(result[1]);
        ::close(start[0]);
        ::close(output[1]);
        unsigned char started[8];
        put_be64(started, static_cast<uint64_t>(pid));
        iovec iov{started, sizeof started};
        const int fds[3] = {result[0], start[1], output[0]};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof fds);
        std::memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
        ssize_t sent;
        do {
            sent = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
        if (sent != static_cast<ssize_t>(sizeof started)) zygote_fail("cannot hand over a child");
        for (const int fd : fds) ::close(fd);
        int status = 0;
        rusage ru{};
        pid_t w;
        do {
            w = wait4(pid, &status, 0, &ru);
        } while (w < 0 && errno == EINTR);
        if (w != pid) zygote_fail("cannot reap its child");
        unsigned char exited[40];
        put_be64(exited, static_cast<uint64_t>(pid));
        put_be64(exited + 8, static_cast<uint64_t>(static_cast<int64_t>(status)));
        put_be64(exited + 16, static_cast<uint64_t>(static_cast<int64_t>(ru.ru_maxrss)));
        put_be64(exited + 24, bits_of(static_cast<double>(ru.ru_utime.tv_sec) +
                                      static_cast<double>(ru.ru_utime.tv_usec) * 0.000001));
        put_be64(exited + 32, bits_of(static_cast<double>(ru.ru_stime.tv_sec) +
                                      static_cast<double>(ru.ru_stime.tv_usec) * 0.000001));
        send_all(sock, exited, sizeof exited);
    }
}

void end_pid_namespace(pid_t init) {
    if (init <= 0) return;
    ::kill(init, SIGKILL);
    int status;
    while (waitpid(init, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace perfcount
