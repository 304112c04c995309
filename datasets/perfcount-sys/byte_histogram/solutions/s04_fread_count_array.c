/* Read in 64 KiB blocks with fread, count each byte into a 256-entry table. */
#include <stdio.h>

int main(void) {
    static unsigned char buf[1 << 16];
    size_t counts[256] = {0}, n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        for (size_t i = 0; i < n; i++) counts[buf[i]]++;
    for (int v = 0; v < 256; v++)
        if (counts[v]) printf("%d %zu\n", v, counts[v]);
    return 0;
}
