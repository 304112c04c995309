#include <stdio.h>

int main(void) {
    unsigned long counts[256] = {0};
    int c;
    while ((c = getchar_unlocked()) != EOF) counts[c]++;
    for (int v = 0; v < 256; v++)
        if (counts[v]) printf("%d %lu\n", v, counts[v]);
    return 0;
}
