/* perfcount's instruction counter for qemu-x86_64 (user mode): a TCG plugin.
 *
 * What it counts: guest instructions, added inline per translation block
 * (TB) on its execution (the TB's instruction count, no callback per
 * instruction). What it reports: one authenticated record per *measured*
 * process, written to a report fd inherited from the launcher.
 *
 * Which processes are measured:
 *  - `arm=start`: the first process, from its first instruction (perfcount.run);
 *  - otherwise a process becomes measured when it issues the "arm" marker, a
 *    syscall numbered PC_ARM_SYSCALL (far outside the x86-64 table, so qemu
 *    answers -ENOSYS and nothing else happens): its count restarts at 0. The
 *    fork server's child does this right before the candidate's code. A later
 *    arm in a measured process changes nothing and is counted in `rearm=`.
 *  - every process forked (fork, vfork, clone without CLONE_VM) by a measured
 *    process is measured from its fork, with its own count. Each measured
 *    process has an identity: id=0 for the armed one, and for the K-th child
 *    (nth=K) of process P, the first 8 bytes of SHA-256(P's id, K): unique in
 *    the tree even when pids are reused. A record names its parent's id, and
 *    the parent's record says how many children it forked, so a missing
 *    record (a child killed by SIGKILL, or one that closed the report fd) is
 *    detected rather than silently uncounted.
 * Threads: on API 1 (QEMU 7.2) the inline add goes to one shared counter and
 * is not atomic, so two vCPU threads would lose counts. The plugin therefore
 * counts inline while the process has one thread and, when a second vCPU
 * starts, resets itself (qemu_plugin_reset: callbacks dropped, code cache
 * flushed) and re-instruments every TB with a callback that adds to a
 * per-vCPU slot (exact; measured ~1.5x slower than inline on a Python run, so
 * only processes that started a thread pay it). On API >= 3 (QEMU >= 9.0) the
 * inline add goes to a per-vCPU scoreboard entry, exact for any number of
 * threads, and no switch is needed.
 *
 * Records (one line, < PIPE_BUF so one write(2) is atomic):
 *   PCQ1 seq=S tag=T id=I parent=J nth=K pid=P ppid=Q insns=N forks=F
 *        threads=H rearm=R budget=B end=E code=C mode=M
 *        mac=<hex HMAC-SHA256 of everything before " mac=">
 * (I and J are 16 hex digits; seq numbers the records of one process.)
 * end=exit (exit/exit_group), end=exec (see below), end=budget (stopped at its
 * instruction budget B, see below; B=0: none), end=signal (the exit
 * callback ran without an exit syscall). Measured on qemu 7.2: the exit
 * callbacks run for exit, exit_group, the last thread's exit and a forked
 * child's exit, but not on a fatal signal (SIGSEGV, SIGABRT, SIGTERM: qemu
 * re-raises it without them) nor SIGKILL. So no record means "killed" (or
 * the process lost its report fd); end=signal is for qemu versions that do
 * run them on that path.
 *
 * Regions (plugin argument regions=on; for the user's own trusted code, never
 * given by the fork server): a process that is not measured may issue the
 * region marker, syscall PC_REGION_SYSCALL with a1 = PC_REGION_READ and a2 =
 * the guest address of a uint64_t; the plugin writes the process's running
 * count there (every thread, monotonic; a region is two reads subtracted, so
 * regions nest). qemu then answers -ENOSYS as for any unknown number. The
 * write goes through process_vm_writev on this process, so a bad address
 * fails (EFAULT) instead of crashing qemu; the guest address is turned into
 * a host one with guest_base, learnt from the first translated instruction
 * (qemu_plugin_insn_haddr - qemu_plugin_insn_vaddr: g2h in user mode). The
 * marker only reads: it never changes a count (a2 may name any address of
 * qemu's, as any guest store may: this mode is for trusted code). Without regions=on (the
 * candidate path) and in a measured process (after an arm) it does nothing
 * at all, so a candidate learns nothing from it and its count is that of any
 * unknown syscall.
 *
 * Instruction budget: the arm marker's second argument a2 (or the plugin
 * argument budget=N with arm=start) is the most instructions each measured
 * process may run; a2 >= PC_NO_BUDGET means none. A watchdog thread started
 * at arm (and again in every measured child at its fork) reads the process's
 * count every PC_WATCH_NS; once it is over the budget, the thread writes the
 * process's record with end=budget (insns = the count then, > budget) and
 * SIGKILLs the process. The verdict does not depend on when the thread looks:
 * a process is stopped only when its count is over the budget, and a process
 * that ends between two looks with a count over it reports that count, which
 * the reader classes the same way. So "over budget" is a property of the
 * program and its input (its count), not of the machine's load, unlike a
 * wall-clock limit. The thread blocks every signal (qemu's host signal
 * handler expects a vCPU thread) and touches nothing of qemu's. On API >= 3
 * the scoreboard is read only by a vCPU thread (qemu may reallocate it when a
 * vCPU starts), so there the budget is checked at every syscall instead of
 * by a thread: a loop without syscalls then runs to the evaluator's
 * wall-clock limit, and the reader still classes its count.
 *
 * execve by a measured process would run the new program natively, uncounted
 * (qemu-user executes the host binary). So the plugin writes an end=exec
 * record from the syscall-entry callback and SIGKILLs the process before the
 * exec happens.
 *
 * Authentication: the guest shares qemu's fd table and could write its own
 * lines into the report fd. A 32-byte key is read at install from a pipe fd
 * named in the plugin arguments (then closed; the key is never in argv, which
 * /proc/<pid>/cmdline shows) and every record carries an HMAC-SHA256 under it
 * and a per-process sequence number, so forged, altered or replayed lines are
 * rejected by the reader (perfcount/counters/qemu.py).
 *
 * What this does NOT stop (qemu-user is not an isolation boundary): the guest
 * runs in qemu's own address space. qemu 7.2 filters /proc/self/maps (and
 * /proc/<own pid>/maps) to guest mappings, but does not intercept
 * /proc/self/mem nor /proc/<other pid>/maps, e.g. a forked sibling's, which
 * show qemu's real layout; and a guest load/store reaches any host address
 * (guest_base + address, unchecked in user mode). A candidate that locates
 * this plugin's memory can read the key or rewrite its own counter. Denying
 * the candidate /proc (mount namespace or seccomp in the sandbox) removes the
 * easy way to locate it; nothing inside qemu-user can.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "hmac_sha256.h"
#include "plugin_api.h"

/* The arm marker; perfcount/counters/qemu.py ARM_SYSCALL must be the same.
 * Below 2^30 (bit 30 selects the x32 ABI in a native kernel) and far above
 * the last x86-64 syscall (~460). qemu passes the number as an int. */
#define PC_ARM_SYSCALL 0x2F5C0001
/* The region marker (regions=on only); perfcount/counters/qemu.py REGION_SYSCALL. */
#define PC_REGION_SYSCALL 0x2F5C0002
#define PC_REGION_READ 1
/* an arm's a2 at or above this: no instruction budget (perfcount/counters/qemu.py
 * NO_BUDGET), more instructions than any run makes */
#define PC_NO_BUDGET ((1ull << 60) - 1)
/* how often the budget watchdog looks at the count: 2 ms */
#define PC_WATCH_NS 2000000L

/* x86-64 (guest) syscall numbers and clone flags */
enum {
    NR_CLONE = 56,
    NR_FORK = 57,
    NR_VFORK = 58,
    NR_EXECVE = 59,
    NR_EXIT = 60,
    NR_EXIT_GROUP = 231,
    NR_EXECVEAT = 322,
    NR_CLONE3 = 435,
};
#define PC_CLONE_VM 0x00000100u
#define PC_CLONE_VFORK 0x00004000u

#define KEY_LEN 32
#define SLOTS 512 /* per-vCPU counters of the API-1 multi-thread mode */

enum mode { MODE_INLINE, MODE_PERCPU, MODE_SCOREBOARD };
static const char *const mode_names[] = {"inline", "percpu", "scoreboard"};

/* Chosen when QEMU dlopens us, before it reads the symbol: the API version
 * whose functions we will find in this QEMU. 3 (QEMU >= 9.0) when the
 * scoreboard API exists, 2 (QEMU 8.2) when qemu_plugin_n_vcpus is gone, else 1. */
PC_EXPORT int qemu_plugin_version = 1;

__attribute__((constructor)) static void choose_api_version(void) {
    if (dlsym(RTLD_DEFAULT, "qemu_plugin_scoreboard_new") != NULL) {
        qemu_plugin_version = 3;
    } else if (dlsym(RTLD_DEFAULT, "qemu_plugin_register_vcpu_tb_exec_inline") != NULL &&
               dlsym(RTLD_DEFAULT, "qemu_plugin_n_vcpus") == NULL) {
        qemu_plugin_version = 2;
    }
}

struct slot {
    uint64_t n;
    char pad[56]; /* one cache line per vCPU */
};

static struct {
    qemu_plugin_id_t plugin;
    int report_fd;
    uint8_t key[KEY_LEN];
    enum mode mode;
    int switching; /* API 1: a reset to MODE_PERCPU is pending */
    int measured;
    int exit_seen;
    int exit_code;
    uint64_t tag;
    uint64_t id;     /* this process's identity in the measured tree */
    uint64_t parent; /* its parent's identity (0 for the root) */
    uint32_t nth;    /* which child of its parent it is */
    uint32_t started; /* fork-like syscalls entered (the next child's nth) */
    uint32_t seq;
    pid_t pid;
    pid_t ppid;
    uint32_t forks;
    uint32_t threads; /* vCPUs (threads) seen while measured, the first included */
    uint32_t live;    /* vCPUs alive now */
    uint32_t rearm;
    uint64_t base; /* MODE_SCOREBOARD: the sum at the last reset */
    int regions;   /* regions=on: the region marker answers (unmeasured processes only) */
    int have_guest_base;
    uintptr_t guest_base; /* host address of guest address 0 (user mode: g2h) */
    int region_warned;
    uint64_t budget; /* instructions this process may run (0: no budget) */
    int ended;       /* its last record is written (by the exit callback or the watchdog) */
} g;

static uint64_t inline_count; /* MODE_INLINE: TCG adds to it directly */
static struct slot slots[SLOTS] __attribute__((aligned(64)));
static uint64_t overflow; /* vCPU indices >= SLOTS (atomic adds) */
static qemu_plugin_u64 sb_entry;

/* this thread's pending clone(2): its flags, read at its return, and the
 * nth of the child it may create (the child inherits this thread's copy) */
static _Thread_local uint64_t clone_flags;
static _Thread_local uint32_t clone_nth;

static uint64_t child_id(uint64_t parent, uint32_t nth) {
    uint8_t in[12], out[32];
    for (unsigned i = 0; i < 8; i++) in[i] = (uint8_t)(parent >> (8 * i));
    for (unsigned i = 0; i < 4; i++) in[8 + i] = (uint8_t)(nth >> (8 * i));
    pc_sha256 s;
    pc_sha256_init(&s);
    pc_sha256_update(&s, in, sizeof in);
    pc_sha256_final(&s, out);
    uint64_t id = 0;
    for (unsigned i = 0; i < 8; i++) id = id << 8 | out[i];
    return id;
}

static void say(const char *msg) {
    /* qemu_plugin_outs only shows with -d plugin; install errors must be seen */
    char buf[512];
    const int n = snprintf(buf, sizeof buf, "perfcount qemu plugin: %s\n", msg);
    if (n > 0) {
        const ssize_t unused = write(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
        (void)unused;
    }
}

static uint64_t total(void) {
    if (g.mode == MODE_SCOREBOARD) return qemu_plugin_u64_sum(sb_entry) - g.base;
    uint64_t t = __atomic_load_n(&inline_count, __ATOMIC_RELAXED) +
                 __atomic_load_n(&overflow, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < SLOTS; i++) t += __atomic_load_n(&slots[i].n, __ATOMIC_RELAXED);
    return t;
}

static void reset_counts(void) {
    if (g.mode == MODE_SCOREBOARD) {
        g.base = qemu_plugin_u64_sum(sb_entry);
        return;
    }
    __atomic_store_n(&inline_count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&overflow, 0, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < SLOTS; i++) __atomic_store_n(&slots[i].n, 0, __ATOMIC_RELAXED);
}

static void write_record(const char *end, int code) {
    char line[600];
    int n = snprintf(line, 400,
                     "PCQ1 seq=%u tag=%llu id=%016llx parent=%016llx nth=%u pid=%d ppid=%d "
                     "insns=%llu forks=%u threads=%u rearm=%u budget=%llu end=%s code=%d mode=%s",
                     g.seq, (unsigned long long)g.tag, (unsigned long long)g.id,
                     (unsigned long long)g.parent, g.nth, (int)g.pid, (int)g.ppid,
                     (unsigned long long)total(), __atomic_load_n(&g.forks, __ATOMIC_RELAXED),
                     __atomic_load_n(&g.threads, __ATOMIC_RELAXED),
                     __atomic_load_n(&g.rearm, __ATOMIC_RELAXED), (unsigned long long)g.budget,
                     end, code, mode_names[g.mode]);
    if (n <= 0 || n >= 400) return;
    uint8_t mac[32];
    pc_hmac_sha256(g.key, KEY_LEN, line, (size_t)n, mac);
    static const char hex[] = "0123456789abcdef";
    memcpy(line + n, " mac=", 5);
    n += 5;
    for (unsigned i = 0; i < 32; i++) {
        line[n++] = hex[mac[i] >> 4];
        line[n++] = hex[mac[i] & 15];
    }
    line[n++] = '\n';
    g.seq++;
    const char *p = line;
    size_t left = (size_t)n;
    while (left > 0) {
        const ssize_t w = write(g.report_fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return; /* fd closed or replaced by the guest: the record is missing */
        p += w;
        left -= (size_t)w;
    }
}

/* This process's last record, once: the exit callback, the exec path and the budget
 * watchdog may race for it. Whether this call wrote it. */
static int final_record(const char *end, int code) {
    if (__atomic_exchange_n(&g.ended, 1, __ATOMIC_ACQ_REL)) return 0;
    write_record(end, code);
    return 1;
}

static void register_callbacks(void);

/* -- the instruction budget ---------------------------------------------- */

static int over_budget(void) {
    return g.budget != 0 && total() > g.budget;
}

/* Over its budget: the record says so, and the process ends (a process whose exit
 * record is already written is ending anyway). */
static void stop_over_budget(void) {
    if (final_record("budget", -1)) kill(getpid(), SIGKILL);
}

static void *watchdog(void *unused) {
    (void)unused;
    const struct timespec step = {0, PC_WATCH_NS};
    for (;;) {
        nanosleep(&step, NULL);
        if (__atomic_load_n(&g.ended, __ATOMIC_ACQUIRE)) return NULL;
        if (over_budget()) {
            stop_over_budget();
            return NULL;
        }
    }
}

/* The watchdog of this process (none without a budget; on API >= 3 the syscall
 * callback checks instead). If it cannot start (e.g. the candidate's pids cgroup is
 * full) the process runs without one: its count is still classed by the reader, and
 * the evaluator's wall-clock limit ends it. */
static void start_watchdog(void) {
    if (g.budget == 0 || g.mode == MODE_SCOREBOARD) return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread starts with every signal blocked */
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 64 * 1024);
        (void)pthread_create(&thread, &attr, watchdog, NULL);
        pthread_attr_destroy(&attr);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* -- execution ----------------------------------------------------------- */

static void tb_exec_percpu(unsigned int vcpu_index, void *udata) {
    const uint64_t n = (uint64_t)(uintptr_t)udata;
    if (vcpu_index < SLOTS) {
        /* one live thread per vCPU index: a plain add to its own slot */
        __atomic_store_n(&slots[vcpu_index].n,
                         __atomic_load_n(&slots[vcpu_index].n, __ATOMIC_RELAXED) + n,
                         __ATOMIC_RELAXED);
    } else {
        __atomic_fetch_add(&overflow, n, __ATOMIC_RELAXED);
    }
}

static void learn_guest_base(const struct qemu_plugin_tb *tb) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, 0);
    const void *host = insn ? qemu_plugin_insn_haddr(insn) : NULL;
    if (host == NULL) return; /* not backed by RAM: try the next TB */
    __atomic_store_n(&g.guest_base, (uintptr_t)host - (uintptr_t)qemu_plugin_insn_vaddr(insn),
                     __ATOMIC_RELAXED);
    __atomic_store_n(&g.have_guest_base, 1, __ATOMIC_RELEASE);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    const uint64_t n = qemu_plugin_tb_n_insns(tb);
    if (g.regions && n > 0 && !__atomic_load_n(&g.have_guest_base, __ATOMIC_ACQUIRE)) {
        learn_guest_base(tb);
    }
    switch (g.mode) {
    case MODE_SCOREBOARD:
        qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb, QEMU_PLUGIN_INLINE_ADD_U64, sb_entry,
                                                          n);
        break;
    case MODE_INLINE:
        qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &inline_count, n);
        break;
    case MODE_PERCPU:
        qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec_percpu, QEMU_PLUGIN_CB_NO_REGS,
                                             (void *)(uintptr_t)n);
        break;
    }
}

/* -- threads ------------------------------------------------------------- */

static void after_reset(qemu_plugin_id_t id) {
    (void)id;
    /* every TB with the shared inline add is gone (the code cache was flushed
     * with all vCPUs stopped): from now on each vCPU adds to its own slot */
    g.mode = MODE_PERCPU;
    register_callbacks();
}

static void on_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu_index) {
    (void)vcpu_index;
    __atomic_fetch_add(&g.threads, 1, __ATOMIC_RELAXED);
    const uint32_t live = __atomic_add_fetch(&g.live, 1, __ATOMIC_RELAXED);
    if (live >= 2 && g.mode == MODE_INLINE &&
        !__atomic_exchange_n(&g.switching, 1, __ATOMIC_RELAXED)) {
        qemu_plugin_reset(id, after_reset);
    }
}

static void on_vcpu_exit(qemu_plugin_id_t id, unsigned int vcpu_index) {
    (void)id;
    (void)vcpu_index;
    __atomic_fetch_sub(&g.live, 1, __ATOMIC_RELAXED);
}

/* -- syscalls ------------------------------------------------------------ */

/* The region marker: write this process's running count to the guest's uint64_t at addr. */
static void region_read(uint64_t addr) {
    if (!__atomic_load_n(&g.have_guest_base, __ATOMIC_ACQUIRE) || addr == 0 || addr % 8 != 0) {
        return; /* the guest sees its buffer unchanged and reports it */
    }
    uint64_t value = total();
    struct iovec local = {.iov_base = &value, .iov_len = sizeof value};
    struct iovec remote = {.iov_base = (void *)(g.guest_base + (uintptr_t)addr),
                           .iov_len = sizeof value};
    if (process_vm_writev(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)sizeof value &&
        !__atomic_exchange_n(&g.region_warned, 1, __ATOMIC_RELAXED)) {
        char msg[160];
        snprintf(msg, sizeof msg, "cannot write a region count to guest address 0x%llx: %s",
                 (unsigned long long)addr, strerror(errno));
        say(msg);
    }
}

/* qemu emulates vfork (CLONE_VFORK, with or without CLONE_VM) with fork;
 * CLONE_VM without CLONE_VFORK makes a thread (or fails) */
static int makes_thread(int64_t num, uint64_t flags) {
    return num == NR_CLONE && (flags & PC_CLONE_VM) && !(flags & PC_CLONE_VFORK);
}

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu_index, int64_t num, uint64_t a1,
                       uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6,
                       uint64_t a7, uint64_t a8) {
    (void)id, (void)vcpu_index, (void)a3, (void)a4;
    (void)a5, (void)a6, (void)a7, (void)a8;
    switch (num) {
    case PC_REGION_SYSCALL:
        /* only where asked for, and never in a measured process (a candidate) */
        if (g.regions && !g.measured && a1 == PC_REGION_READ) region_read(a2);
        break;
    case PC_ARM_SYSCALL:
        if (g.report_fd < 0) {
            /* regions-only run (no report channel): nothing to measure into */
            __atomic_fetch_add(&g.rearm, 1, __ATOMIC_RELAXED);
        } else if (!g.measured) {
            g.measured = 1;
            g.tag = a1;
            g.pid = getpid();
            g.ppid = getppid();
            g.id = g.parent = 0;
            g.nth = 0;
            g.started = g.forks = 0;
            g.threads = __atomic_load_n(&g.live, __ATOMIC_RELAXED);
            g.budget = a2 >= PC_NO_BUDGET ? 0 : a2;
            /* qemu refuses its guest's seccomp filters: install the candidates' here */
            int rc = pc_install_filter();
            if (rc != 0) {
                fprintf(stderr, "perfcount qemu plugin: cannot install the seccomp filter: %s\n",
                        strerror(-rc));
                _exit(126);
            }
            reset_counts();
            start_watchdog();
        } else {
            __atomic_fetch_add(&g.rearm, 1, __ATOMIC_RELAXED);
        }
        break;
    case NR_CLONE:
    case NR_FORK:
    case NR_VFORK:
    case NR_CLONE3: /* not implemented by qemu (-ENOSYS); if it ever is, counted as a fork */
        clone_flags = num == NR_CLONE ? a1 : 0;
        if (!makes_thread(num, clone_flags)) {
            clone_nth = __atomic_fetch_add(&g.started, 1, __ATOMIC_RELAXED);
        }
        break;
    case NR_EXIT_GROUP:
        g.exit_seen = 1;
        g.exit_code = (int)a1;
        break;
    case NR_EXIT:
        if (__atomic_load_n(&g.live, __ATOMIC_RELAXED) <= 1) {
            g.exit_seen = 1;
            g.exit_code = (int)a1;
        }
        break;
    case NR_EXECVE:
    case NR_EXECVEAT:
        if (g.measured) {
            /* the new program would run natively, uncounted: end the process */
            final_record("exec", -1);
            kill(getpid(), SIGKILL);
            _exit(137); /* not reached */
        }
        break;
    default:
        break;
    }
    /* API >= 3 has no watchdog (see the top of this file): a vCPU looks at syscalls */
    if (g.measured && g.mode == MODE_SCOREBOARD && over_budget()) stop_over_budget();
}

static void on_syscall_ret(qemu_plugin_id_t id, unsigned int vcpu_index, int64_t num, int64_t ret) {
    (void)id, (void)vcpu_index;
    if (num != NR_CLONE && num != NR_FORK && num != NR_VFORK && num != NR_CLONE3) return;
    /* a new thread starts in qemu's cpu loop and never returns through here */
    if (makes_thread(num, clone_flags)) return;
    if (ret == 0) {
        const pid_t parent = g.pid;
        g.pid = getpid();
        if (g.measured) {
            g.ppid = parent;
            g.parent = g.id;
            g.nth = clone_nth;
            g.id = child_id(g.parent, g.nth);
            g.seq = 0;
            g.started = g.forks = 0;
            g.rearm = 0;
            g.exit_seen = 0;
            g.live = 1;
            g.threads = 1;
            g.ended = 0;
            reset_counts();
            start_watchdog(); /* the parent's is not in this process */
        }
    } else if (ret > 0 && g.measured) {
        __atomic_fetch_add(&g.forks, 1, __ATOMIC_RELAXED);
    }
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata) {
    (void)id, (void)udata;
    if (g.measured) final_record(g.exit_seen ? "exit" : "signal", g.exit_seen ? g.exit_code : -1);
}

static void register_callbacks(void) {
    qemu_plugin_register_vcpu_init_cb(g.plugin, on_vcpu_init);
    qemu_plugin_register_vcpu_exit_cb(g.plugin, on_vcpu_exit);
    qemu_plugin_register_vcpu_tb_trans_cb(g.plugin, on_tb_trans);
    qemu_plugin_register_vcpu_syscall_cb(g.plugin, on_syscall);
    qemu_plugin_register_vcpu_syscall_ret_cb(g.plugin, on_syscall_ret);
    qemu_plugin_register_atexit_cb(g.plugin, on_exit_cb, NULL);
}

/* -- install ------------------------------------------------------------- */

static int parse_int(const char *s, long long lo, long long hi, long long *out) {
    char *end;
    errno = 0;
    const long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static int read_key(int fd) {
    size_t got = 0;
    while (got < KEY_LEN) {
        const ssize_t r = read(fd, g.key + got, KEY_LEN - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    return got == KEY_LEN ? 0 : -1;
}

PC_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                  char **argv) {
    if (info->system_emulation || strcmp(info->target_name, "x86_64") != 0) {
        say("only qemu-x86_64 (user mode) is supported");
        return -1;
    }
    /* One malloc arena for all of qemu's threads. From QEMU 8.1 on, qemu-user
     * places the guest's mmaps where the host's mmap puts them (with address-space
     * randomisation off, see perfcount/counters/qemu.py, the same place on every
     * run), and a second host thread's first malloc (qemu's RCU thread, our
     * watchdog) maps a 64 MiB arena at a moment that races with the main
     * thread's mmaps: measured on qemu 10.0, half of the runs then had the
     * guest's heap 128 MiB lower and Python counts that differed by up to 3 %.
     * qemu's own allocations only; the guest's libc is its own. */
    mallopt(M_ARENA_MAX, 1);
    long long report_fd = -1, key_fd = -1, tag = 0, budget = 0;
    int arm_start = 0, regions = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int bad = 0;
        if (strncmp(a, "fd=", 3) == 0) {
            bad = parse_int(a + 3, 0, 1 << 20, &report_fd);
        } else if (strncmp(a, "keyfd=", 6) == 0) {
            bad = parse_int(a + 6, 0, 1 << 20, &key_fd);
        } else if (strncmp(a, "tag=", 4) == 0) {
            bad = parse_int(a + 4, 0, (long long)(~0ull >> 1), &tag);
        } else if (strncmp(a, "budget=", 7) == 0) {
            bad = parse_int(a + 7, 0, (long long)(PC_NO_BUDGET - 1), &budget);
        } else if (strcmp(a, "arm=start") == 0) {
            arm_start = 1;
        } else if (strcmp(a, "arm=marker") == 0) {
            arm_start = 0;
        } else if (strcmp(a, "regions=on") == 0) {
            regions = 1;
        } else {
            bad = 1;
        }
        if (bad) {
            char msg[400];
            snprintf(msg, sizeof msg,
                     "bad argument %.200s (expected fd=N,keyfd=N[,arm=start|marker][,tag=N]"
                     "[,budget=N][,regions=on], or regions=on alone)",
                     a);
            say(msg);
            return -1;
        }
    }
    const int channel = report_fd >= 0 || key_fd >= 0 || arm_start;
    if (channel && (report_fd < 0 || key_fd < 0)) {
        say("the arguments fd=<report fd> and keyfd=<key pipe fd> are required "
            "(only regions=on alone runs without a report channel)");
        return -1;
    }
    if (!channel && !regions) {
        say("the arguments fd=<report fd> and keyfd=<key pipe fd> are required");
        return -1;
    }
    if (channel && read_key((int)key_fd) != 0) {
        say("could not read the 32-byte key from keyfd");
        return -1;
    }
    if (channel && fcntl((int)report_fd, F_GETFD) < 0) {
        say("the report fd is not open");
        return -1;
    }
    if (qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu && qemu_plugin_scoreboard_new &&
        qemu_plugin_u64_sum) {
        struct qemu_plugin_scoreboard *sb = qemu_plugin_scoreboard_new(sizeof(uint64_t));
        if (sb == NULL) {
            say("qemu_plugin_scoreboard_new failed");
            return -1;
        }
        sb_entry.score = sb;
        sb_entry.offset = 0;
        g.mode = MODE_SCOREBOARD;
    } else if (qemu_plugin_register_vcpu_tb_exec_inline) {
        g.mode = MODE_INLINE;
    } else {
        say("this QEMU has neither inline-counting API (tb_exec_inline or _per_vcpu)");
        return -1;
    }
    g.plugin = id;
    g.report_fd = (int)report_fd;
    g.regions = regions;
    g.pid = getpid();
    if (budget && !arm_start) {
        say("budget=N is for arm=start (with arm=marker, the arm marker carries the budget)");
        return -1;
    }
    if (arm_start) {
        g.measured = 1;
        g.tag = (uint64_t)tag;
        g.ppid = getppid();
        g.budget = (uint64_t)budget;
    }
    register_callbacks();
    if (arm_start) start_watchdog();
    return 0;
}
