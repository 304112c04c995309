#include <stdint.h>
#include <stdio.h>

int main(void) {
    uint32_t t[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        t[i] = c;
    }
    uint32_t crc = 0xFFFFFFFFu;
    int ch;
    while ((ch = getchar_unlocked()) != EOF) crc = t[(crc ^ (uint32_t)ch) & 0xFF] ^ (crc >> 8);
    printf("%08x\n", crc ^ 0xFFFFFFFFu);
    return 0;
}
