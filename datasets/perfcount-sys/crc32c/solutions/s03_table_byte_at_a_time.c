/* Table-driven (Sarwate): a 256-entry table, one lookup per byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned char *read_all(size_t *len) {
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    *len = n;
    return buf;
}

int main(void) {
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
    size_t n;
    unsigned char *p = read_all(&n);
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    printf("%08x\n", crc ^ 0xFFFFFFFFu);
    free(p);
    return 0;
}
