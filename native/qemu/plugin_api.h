/* The subset of QEMU's TCG plugin C ABI that perfcount's instruction counter
 * uses, declared from the plugin documentation (docs/devel/tcg-plugins.rst and
 * the API reference). Debian does not package qemu-plugin.h, so these are our
 * own declarations of the documented types and functions, nothing more.
 *
 * Two generations of the inline-counting API exist:
 *  - API version 1 (QEMU <= 8.1, e.g. 7.2 on Debian 12):
 *    qemu_plugin_register_vcpu_tb_exec_inline(tb, op, void *ptr, imm), a plain
 *    (non-atomic) add to one memory location shared by every vCPU thread;
 *  - API version 3+ (QEMU >= 9.0, e.g. Debian 13): that function is removed and
 *    replaced by per-vCPU "scoreboards" and
 *    qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb, op, entry, imm).
 * Every function that is not in both generations is declared weak, so one
 * build loads on either: a missing one resolves to NULL and is checked before
 * use. (Version 2, QEMU 8.2, removed qemu_plugin_n_vcpus, which we never use.)
 */
#ifndef PERFCOUNT_QEMU_PLUGIN_API_H
#define PERFCOUNT_QEMU_PLUGIN_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PC_EXPORT __attribute__((visibility("default")))
#define PC_WEAK __attribute__((weak))

typedef uint64_t qemu_plugin_id_t;

/* Read by QEMU right after dlopen: the API version the plugin was written
 * for. QEMU refuses a plugin whose version is outside [min, cur] of its own. */
extern PC_EXPORT int qemu_plugin_version;

typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;

PC_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                  char **argv);

typedef void (*qemu_plugin_simple_cb_t)(qemu_plugin_id_t id);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_simple_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_index);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);

struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_scoreboard;

/* A uint64_t member of each per-vCPU entry of a scoreboard (API >= 3). */
typedef struct {
    struct qemu_plugin_scoreboard *score;
    size_t offset;
} qemu_plugin_u64;

enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,
    QEMU_PLUGIN_CB_RW_REGS,
};

enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64,
};

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_syscall_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_index,
                                              int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
                                              uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,
                                              uint64_t a8);
typedef void (*qemu_plugin_vcpu_syscall_ret_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_idx,
                                                  int64_t num, int64_t ret);

/* In every API version we support. */
void qemu_plugin_reset(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb);
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb);
void qemu_plugin_register_vcpu_exit_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void *qemu_plugin_insn_haddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_cb_t cb);
void qemu_plugin_register_vcpu_syscall_ret_cb(qemu_plugin_id_t id,
                                              qemu_plugin_vcpu_syscall_ret_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                    void *userdata);
void qemu_plugin_outs(const char *string);

/* API version 1 and 2 only (removed in QEMU 9.0). */
PC_WEAK void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
                                                      enum qemu_plugin_op op, void *ptr,
                                                      uint64_t imm);

/* API version 3 and later (QEMU >= 9.0). */
PC_WEAK struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t element_size);
PC_WEAK void qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(struct qemu_plugin_tb *tb,
                                                               enum qemu_plugin_op op,
                                                               qemu_plugin_u64 entry,
                                                               uint64_t imm);
PC_WEAK uint64_t qemu_plugin_u64_sum(qemu_plugin_u64 entry);

#endif
