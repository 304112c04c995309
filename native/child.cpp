// Counting a child process in any language, the way `perf stat` does it.
//
// fork; the child puts itself in its own process group and blocks on a "go"
// pipe; the parent attaches a counter group to the child's pid with
// enable_on_exec + inherit, then sends the go byte. The child execs and the
// counters start at the exec, so the whole process tree from exec to exit is
// counted and none of the setup is. Exec failures come back through a
// CLOEXEC pipe. While the child runs, the parent (inside the ChildWaiter's
// release(): the binding releases the GIL) feeds stdin, drains bounded
// stdout/stderr, enforces the timeout on the whole process group (SIGTERM,
// then SIGKILL after a grace) and reaps with wait4.
#include "child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
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

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
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

private:
    int fd_ = -1;
};

struct Pipe {
    Fd read, write;
};

void make_pipe(Pipe& p) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        const int err = errno;
        throw Error(ErrorKind::Backend, err, std::string("pipe2 failed: ") + std::strerror(err),
                    err == EMFILE ? "raise the limit of open files (`ulimit -n`)" : "");
    }
    p.read.reset(fds[0]);
    p.write.reset(fds[1]);
}

void set_nonblocking(int fd) {
    const int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// What the child writes into the error pipe when it cannot exec.
struct ExecFailure {
    int stage;  // 1: chdir, 2: exec, 3: dup2
    int err;
};

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

void kill_group(pid_t pgid, int sig) {
    if (::kill(-pgid, sig) != 0 && errno == ESRCH) ::kill(pgid, sig);
}

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
    if (options.timeout && !(*options.timeout > 0)) {
        throw Error(ErrorKind::InvalidArgument, EINVAL, "timeout must be a positive number of seconds");
    }
}

ChildResult run_counted(const ChildOptions& options, ChildWaiter& waiter) {
    check_child_options(options);
    const std::vector<std::string>& argv = options.argv;
    const std::string& stdin_mode = options.stdin_mode;
    const bool capture = options.capture;
    const std::optional<double>& timeout = options.timeout;
    const std::optional<std::string>& cwd = options.cwd;
    const std::optional<std::vector<std::string>>& env = options.env;
    const double kill_grace = options.kill_grace;
    const double linger = options.linger;
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

    Pipe go, err, in, out, errout;
    make_pipe(go);
    make_pipe(err);
    if (stdin_mode == "pipe") make_pipe(in);
    Fd devnull;
    if (stdin_mode == "devnull") {
        devnull.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    }
    if (capture) {
        make_pipe(out);
        make_pipe(errout);
    }

    const pid_t pid = fork();
    if (pid < 0) {
        const int e = errno;
        throw Error(ErrorKind::Backend, e, std::string("fork failed: ") + std::strerror(e),
                    "the process or memory limit is reached");
    }
    if (pid == 0) {
        // --- child ---
        setpgid(0, 0);
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, nullptr);
        // Python ignores SIGPIPE and SIGXFSZ; an exec'ed program expects defaults.
        signal(SIGPIPE, SIG_DFL);
        signal(SIGXFSZ, SIG_DFL);
        const int efd = err.write.get();
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
    setpgid(pid, pid);  // also here, so the group exists before we might signal it
    go.read.reset();
    err.write.reset();
    in.read.reset();
    out.write.reset();
    errout.write.reset();
    devnull.reset();

    auto abort_child = [pid]() {
        kill_group(pid, SIGKILL);
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
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

    // Exec succeeded when the CLOEXEC error pipe reaches EOF without data.
    ExecFailure failure{0, 0};
    ssize_t got;
    {
        Released released(waiter);
        do {
            got = ::read(err.read.get(), &failure, sizeof(failure));
        } while (got < 0 && errno == EINTR);
    }
    err.read.reset();
    if (got == static_cast<ssize_t>(sizeof(failure))) {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        const std::string cmd = describe_command(argv);
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
        std::string hint = "check the program name and PATH";
        if (failure.err == EACCES) hint = "make the file executable (chmod +x) or run it through its interpreter";
        if (failure.err == ENOEXEC) hint = "add a #! line or run the file through its interpreter";
        throw Error(ErrorKind::Candidate, failure.err,
                    "cannot run '" + cmd + "': " + argv[0] + ": " + why, hint);
    }

    // Run: feed stdin, drain stdout/stderr, watch the timeout and the exit.
    Capture cap_out, cap_err;
    cap_out.limit = cap_err.limit = options.max_output;
    if (capture) {
        cap_out.fd.reset(out.read.get() >= 0 ? dup(out.read.get()) : -1);
        cap_err.fd.reset(errout.read.get() >= 0 ? dup(errout.read.get()) : -1);
        out.read.reset();
        errout.read.reset();
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
    Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));

    const int64_t deadline = timeout ? t0 + static_cast<int64_t>(*timeout * 1e9) : INT64_MAX;
    int64_t kill_at = INT64_MAX, linger_until = INT64_MAX, t_end = 0;
    bool exited = false, timed_out = false, term_sent = false, killed_lingering = false;
    int status = 0;
    rusage ru;
    std::memset(&ru, 0, sizeof(ru));
    bool interrupted = false;

    {
        Released released(waiter);
        int64_t next_signal_check = now_ns() + 100'000'000;
        for (;;) {
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
            if (!exited && pidfd.valid()) {
                pfds[nfds] = {pidfd.get(), POLLIN, 0};
                i_pid = nfds++;
            }
            int64_t now = now_ns();
            int64_t wake = next_signal_check;
            if (!exited) wake = std::min(wake, term_sent ? kill_at : deadline);
            if (exited) wake = std::min(wake, linger_until);
            if (!exited && !pidfd.valid()) wake = std::min(wake, now + 5'000'000);
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
            if (!exited && (i_pid < 0 || (r > 0 && pfds[i_pid].revents))) {
                const pid_t w = wait4(pid, &status, WNOHANG, &ru);
                if (w == pid) {
                    exited = true;
                    t_end = now_ns();
                    in.write.reset();
                    linger_until = t_end + static_cast<int64_t>(linger * 1e9);
                }
            }
            now = now_ns();
            if (!exited && now >= deadline && !term_sent) {
                timed_out = true;
                term_sent = true;
                kill_group(pid, SIGTERM);
                kill_at = now + static_cast<int64_t>(kill_grace * 1e9);
            } else if (!exited && term_sent && now >= kill_at) {
                kill_group(pid, SIGKILL);
                kill_at = INT64_MAX;
            }
            if (exited && now >= linger_until && (cap_out.fd.valid() || cap_err.fd.valid())) {
                // A background descendant keeps the output pipes open after the
                // command exited: stop it and finish.
                killed_lingering = true;
                kill_group(pid, SIGKILL);
                if (cap_out.fd.valid()) cap_out.drain();
                if (cap_err.fd.valid()) cap_err.drain();
                cap_out.fd.reset();
                cap_err.fd.reset();
            }
            if (now >= next_signal_check) {
                next_signal_check = now + 100'000'000;
                if (waiter.interrupted()) {
                    interrupted = true;
                    break;
                }
            }
        }
        if (!exited) {  // interrupted (or poll failed): never leave the child behind
            kill_group(pid, SIGKILL);
            while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
            }
            t_end = now_ns();
        }
    }
    if (interrupted) throw ChildInterrupted();

    ChildResult result;
    result.pid = pid;
    group->read_syscall(result.counters);
    group->close();
    if (WIFEXITED(status)) {
        result.returncode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.returncode = -WTERMSIG(status);
        result.signal = WTERMSIG(status);
    }
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
    return result;
}

}  // namespace perfcount
