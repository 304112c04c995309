/* Bit at a time without branches (mask from the low bit), reading with getchar. */
#include <stdint.h>
#include <stdio.h>

int main(void) {
    uint32_t crc = 0xFFFFFFFFu;
    int c;
    while ((c = getchar()) != EOF) {
        crc ^= (uint32_t)c;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    printf("%08x\n", crc ^ 0xFFFFFFFFu);
    return 0;
}
