/* One pass with getchar, counting in a list of (value, count) pairs found by linear search. */
#include <stdio.h>

int main(void) {
    int values[256];
    size_t counts[256];
    int distinct = 0, c;
    while ((c = getchar()) != EOF) {
        int k = 0;
        while (k < distinct && values[k] != c) k++;
        if (k == distinct) {
            values[distinct] = c;
            counts[distinct++] = 0;
        }
        counts[k]++;
    }
    for (int v = 0; v < 256; v++)
        for (int k = 0; k < distinct; k++)
            if (values[k] == v) printf("%d %zu\n", v, counts[k]);
    return 0;
}
