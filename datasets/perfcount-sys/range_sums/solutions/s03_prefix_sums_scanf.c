/* Prefix sums: p[i+1] = p[i] + a[i]; each query is p[r+1] - p[l]. Input with scanf. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 1;
    long long *p = malloc(sizeof *p * ((size_t)n + 1));
    p[0] = 0;
    for (int i = 0; i < n; i++) {
        long long v;
        scanf("%lld", &v);
        p[i + 1] = p[i] + v;
    }
    long long total = 0, x = 0;
    for (int k = 0; k < q; k++) {
        int l, r;
        scanf("%d %d", &l, &r);
        long long s = p[r + 1] - p[l];
        total += s;
        x ^= s;
    }
    printf("%lld %lld\n", total, x);
    free(p);
    return 0;
}
