/* Baseline: read the input, then scan it once per byte value (256 passes). */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    int c;
    while ((c = getchar()) != EOF) {
        if (n == cap) buf = realloc(buf, cap *= 2);
        buf[n++] = (unsigned char)c;
    }
    for (int v = 0; v < 256; v++) {
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            if (buf[i] == v) count++;
        if (count) printf("%d %zu\n", v, count);
    }
    free(buf);
    return 0;
}
