/* Loop per query, four partial sums per step (fewer loop overheads), scanf input. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 1;
    long long *a = malloc(sizeof *a * (size_t)n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    long long total = 0, x = 0;
    for (int k = 0; k < q; k++) {
        int l, r;
        scanf("%d %d", &l, &r);
        long long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = l;
        for (; i + 3 <= r; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i <= r; i++) s0 += a[i];
        long long s = s0 + s1 + s2 + s3;
        total += s;
        x ^= s;
    }
    printf("%lld %lld\n", total, x);
    free(a);
    return 0;
}
