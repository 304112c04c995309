#include <stdio.h>

int main(void) {
    long long p[64];  /* too small for real inputs: writes past the end of the stack frame */
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 1;
    p[0] = 0;
    for (int i = 0; i < n; i++) {
        long long v;
        scanf("%lld", &v);
        p[i + 1] = p[i] + v;
    }
    long long total = 0, x = 0;
    while (q--) {
        int l, r;
        scanf("%d %d", &l, &r);
        total += p[r + 1] - p[l];
        x ^= p[r + 1] - p[l];
    }
    printf("%lld %lld\n", total, x);
    return 0;
}
