/* Expert: read all input with read(2) at once, parse integers in place from
   the buffer (no per-character call), prefix sums for O(1) queries. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *buf;
static size_t pos, len;

static long long next_int(void) {
    while (pos < len && (unsigned char)buf[pos] <= ' ') pos++;
    int neg = 0;
    if (pos < len && buf[pos] == '-') {
        neg = 1;
        pos++;
    }
    long long v = 0;
    unsigned d;
    while (pos < len && (d = (unsigned)(buf[pos] - '0')) < 10) {
        v = v * 10 + d;
        pos++;
    }
    return neg ? -v : v;
}

int main(void) {
    size_t cap = 1 << 20;
    buf = malloc(cap);
    ssize_t got;
    while ((got = read(0, buf + len, cap - len)) > 0) {
        len += (size_t)got;
        if (len == cap) buf = realloc(buf, cap *= 2);
    }
    int n = (int)next_int(), q = (int)next_int();
    long long *p = malloc(sizeof *p * ((size_t)n + 1));
    p[0] = 0;
    for (int i = 0; i < n; i++) p[i + 1] = p[i] + next_int();
    long long total = 0, x = 0;
    for (int k = 0; k < q; k++) {
        int l = (int)next_int(), r = (int)next_int();
        long long s = p[r + 1] - p[l];
        total += s;
        x ^= s;
    }
    printf("%lld %lld\n", total, x);
    free(p);
    free(buf);
    return 0;
}
