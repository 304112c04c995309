#include <stdio.h>
#include <stdlib.h>

static char buf[1 << 16];
static size_t pos, len;

static int next_char(void) {
    if (pos == len) {
        len = fread(buf, 1, sizeof buf, stdin);
        pos = 0;
        if (len == 0) return -1;
    }
    return buf[pos++];
}

static long long next_int(void) {
    int c = next_char();
    while (c == ' ' || c == '\n' || c == '\r') c = next_char();
    int neg = c == '-';
    if (neg) c = next_char();
    long long v = 0;
    for (; c >= '0' && c <= '9'; c = next_char()) v = v * 10 + (c - '0');
    return neg ? -v : v;
}

int main(void) {
    int n = (int)next_int(), q = (int)next_int();
    long long *p = malloc(sizeof *p * ((size_t)n + 1));
    p[0] = 0;
    for (int i = 0; i < n; i++) p[i + 1] = p[i] + next_int();
    long long total = 0, x = 0;
    while (q--) {
        int l = (int)next_int(), r = (int)next_int();
        long long s = p[r + 1] - p[l];
        total += s;
        x ^= s;
    }
    printf("%lld %lld\n", total, x);
    free(p);
    return 0;
}
