/* Knuth-Morris-Pratt: failure function, each text character examined once (amortised). */
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
        size_t *fail = malloc(sizeof *fail * m);
        fail[0] = 0;
        for (size_t i = 1, k = 0; i < m; i++) {
            while (k && pat[i] != pat[k]) k = fail[k - 1];
            if (pat[i] == pat[k]) k++;
            fail[i] = k;
        }
        for (size_t i = 0, k = 0; i < n; i++) {
            while (k && text[i] != pat[k]) k = fail[k - 1];
            if (text[i] == pat[k]) k++;
            if (k == m) {
                count++;
                k = fail[k - 1];
            }
        }
        free(fail);
    }
    printf("%ld\n", count);
    free(all);
    return 0;
}
