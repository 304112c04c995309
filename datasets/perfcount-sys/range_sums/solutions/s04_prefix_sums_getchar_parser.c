/* Prefix sums with a hand-written integer parser over getchar_unlocked. */
#include <stdio.h>
#include <stdlib.h>

static long long next_int(void) {
    int c = getchar_unlocked();
    while (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = getchar_unlocked();
    int neg = 0;
    if (c == '-') {
        neg = 1;
        c = getchar_unlocked();
    }
    long long v = 0;
    while (c >= '0' && c <= '9') {
        v = v * 10 + (c - '0');
        c = getchar_unlocked();
    }
    return neg ? -v : v;
}

int main(void) {
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
    return 0;
}
