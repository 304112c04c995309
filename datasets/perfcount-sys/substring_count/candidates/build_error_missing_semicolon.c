#include <stdio.h>

int main(void) {
    long count = 0
    printf("%ld\n", count);
    return 0;
}
