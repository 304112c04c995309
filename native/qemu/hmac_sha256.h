/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), small and dependency-free:
 * the plugin authenticates its records with them. Checked against Python's
 * hashlib/hmac by tests/integration/test_qemu.py (via the plugin's records). */
#ifndef PERFCOUNT_QEMU_HMAC_SHA256_H
#define PERFCOUNT_QEMU_HMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes in block */
} pc_sha256;

void pc_sha256_init(pc_sha256 *s);
void pc_sha256_update(pc_sha256 *s, const void *data, size_t n);
void pc_sha256_final(pc_sha256 *s, uint8_t out[32]);

void pc_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg, size_t msg_len,
                    uint8_t out[32]);

#endif
