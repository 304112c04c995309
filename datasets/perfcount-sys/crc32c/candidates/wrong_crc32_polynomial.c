#include <stdint.h>
#include <stdio.h>

int main(void) {
    uint32_t crc = 0xFFFFFFFFu;
    int ch;
    while ((ch = getchar()) != EOF) {
        crc ^= (uint32_t)ch;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    printf("%08x\n", crc ^ 0xFFFFFFFFu);
    return 0;
}
