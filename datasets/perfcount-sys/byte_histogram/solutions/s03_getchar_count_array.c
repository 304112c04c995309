/* One pass with getchar (a locked stdio call per byte) into a 256-entry table. */
#include <stdio.h>

int main(void) {
    size_t counts[256] = {0};
    int c;
    while ((c = getchar()) != EOF) counts[c]++;
    for (int v = 0; v < 256; v++)
        if (counts[v]) printf("%d %zu\n", v, counts[v]);
    return 0;
}
