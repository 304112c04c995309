/* Baseline: scanf everything, sum each query's range with a loop. */
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
        long long s = 0;
        for (int i = l; i <= r; i++) s += a[i];
        total += s;
        x ^= s;
    }
    printf("%lld %lld\n", total, x);
    free(a);
    return 0;
}
