#include <stdio.h>

int main(void) {
    unsigned long counts[256] = {0};
    int c;
    while ((c = getchar()) != EOF) counts[c]++;
    for (int v = 0; v < 256; v++)
        if (counts[v]) printf("%x %lu\n", v, counts[v]);
    return 0;
}
