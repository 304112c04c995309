#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    size_t cap = 1 << 16, n = 0, got;
    char *all = malloc(cap);
    while ((got = fread(all + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap) all = realloc(all, cap *= 2);
    }
    char *nl = memchr(all, '\n', n);
    long count = 0;
    if (nl && nl > all) {
        size_t m = (size_t)(nl - all);
        const char *text = nl + 1, *end = all + n, *p = text;
        while ((p = memmem(p, (size_t)(end - p), all, m)) != NULL) {
            count++;
            p++;
        }
    }
    printf("%ld\n", count);
    free(all);
    return 0;
}
