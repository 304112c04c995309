/* The candidates' seccomp filter, installed by the plugin in the qemu process.
 *
 * qemu-user refuses seccomp filters from its guest (they would filter qemu's
 * own calls), so the fork server's child cannot install perfcount's filter
 * (perfcount/execute/seccomp.py) under qemu. The plugin installs the same deny
 * list itself, on the host side, when a process is armed: from then on every
 * call qemu makes for the guest goes through it. Nothing on the list is a call
 * qemu needs for its own work. A small classic-BPF program, no libseccomp:
 * x86-64 only (other ABIs, e.g. x32 numbers, are denied too). Like the
 * libseccomp filter it also denies socket(AF_UNIX, ...) (a filesystem socket
 * in /tmp is reachable from an empty network namespace); socketpair stays.
 */
#define _GNU_SOURCE
#include "filter.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

/* the calls perfcount/execute/seccomp.py DENIED names, plus perf_event_open
 * (counts are taken from outside the candidate), as x86-64 numbers */
static const unsigned int denied[] = {
    272, /* unshare */          308, /* setns */
    248, /* add_key */          249, /* request_key */      250, /* keyctl */
    425, /* io_uring_setup */   426, /* io_uring_enter */   427, /* io_uring_register */
    323, /* userfaultfd */      321, /* bpf */              101, /* ptrace */
    310, /* process_vm_readv */ 311, /* process_vm_writev */
    434, /* pidfd_open */       438, /* pidfd_getfd */
    165, /* mount */            166, /* umount2 */          155, /* pivot_root */
    429, /* move_mount */       428, /* open_tree */        430, /* fsopen */
    431, /* fsconfig */         432, /* fsmount */          433, /* fspick */
    442, /* mount_setattr */    304, /* open_by_handle_at */ 303, /* name_to_handle_at */
    175, /* init_module */      313, /* finit_module */     176, /* delete_module */
    246, /* kexec_load */       320, /* kexec_file_load */  169, /* reboot */
    167, /* swapon */           168, /* swapoff */          163, /* acct */
    298, /* perf_event_open */
};
#define N_DENIED (sizeof denied / sizeof denied[0])
#define NR_CLONE 56
#define NR_SOCKET 41
#define AF_UNIX_DOMAIN 1u
#define NR_CLONE3 435
/* CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET */
#define NAMESPACE_FLAGS 0x7E020000u
#define X32_BIT 0x40000000u

#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define EPERM_RET (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

int pc_install_filter(void) {
    /* layout: [0] load arch, [1] arch check, [2] load nr, [3] x32 check,
     * [4 .. 4+N) one compare each, then clone3 (2), clone (4), socket (4), returns (2) */
    struct sock_filter prog[4 + N_DENIED + 12];
    unsigned int n = 0;
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, arch));
    /* not x86-64: deny (jump to the EPERM return at the very end) */
    const unsigned int total = 4 + N_DENIED + 12;
    const unsigned int eperm_at = total - 1;
    prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0,
                                           (unsigned char)(eperm_at - n - 1));
    n++;
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, nr));
    prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_BIT,
                                           (unsigned char)(eperm_at - n - 1), 0);
    n++;
    for (unsigned int i = 0; i < N_DENIED; i++) {
        prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied[i],
                                               (unsigned char)(eperm_at - n - 1), 0);
        n++;
    }
    /* clone3: its flags sit behind a pointer; ENOSYS makes the C library use clone */
    prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_CLONE3, 0, 1);
    n++;
    prog[n++] = (struct sock_filter)RET(SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
    /* clone: deny any namespace flag in its first argument (low 32 bits) */
    prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_CLONE, 0, 3);
    n++;
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, args[0]));
    prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NAMESPACE_FLAGS,
                                           (unsigned char)(eperm_at - n - 1), 0);
    n++;
    prog[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
    /* socket: deny the unix domain (first argument, low 32 bits); socketpair is 53 */
    prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_SOCKET, 0, 3);
    n++;
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, args[0]));
    prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX_DOMAIN,
                                           (unsigned char)(eperm_at - n - 1), 0);
    n++;
    prog[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
    prog[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
    prog[n++] = (struct sock_filter)RET(EPERM_RET);
    if (n != total) return -EINVAL;
    struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) return -errno;
    return 0;
}
