/* Boyer-Moore-Horspool: compare from the end, skip by the bad-character shift. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(size_t *len) {
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while ((got = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

int main(void) {
    size_t len;
    char *all = read_all(&len);
    char *nl = memchr(all, '\n', len);
    size_t m = nl ? (size_t)(nl - all) : len;
    const char *pat = all, *text = nl ? nl + 1 : all + len;
    size_t n = nl ? len - m - 1 : 0;
    long count = 0;
    if (m > 0 && m <= n) {
        size_t shift[256];
        for (int c = 0; c < 256; c++) shift[c] = m;
        for (size_t k = 0; k + 1 < m; k++) shift[(unsigned char)pat[k]] = m - 1 - k;
        size_t i = 0;
        while (i + m <= n) {
            unsigned char last = (unsigned char)text[i + m - 1];
            if (last == (unsigned char)pat[m - 1] && memcmp(text + i, pat, m - 1) == 0) count++;
            i += shift[last];
        }
    }
    printf("%ld\n", count);
    free(all);
    return 0;
}
