// Flat arrays, i-k-j order: the inner loop streams a row of B and a row of C.
#include <cstdint>
#include <cstdio>
#include <vector>

static void generate(std::size_t n, std::uint64_t seed, std::vector<std::uint64_t>& a, std::vector<std::uint64_t>& b) {
    std::uint64_t x = seed;
    a.resize(n * n);
    b.resize(n * n);
    for (auto* m : {&a, &b})
        for (auto& v : *m) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            v = (x >> 33) % 100;
        }
}

int main() {
    std::size_t n;
    unsigned long long seed;
    if (std::scanf("%zu %llu", &n, &seed) != 2) return 1;
    std::vector<std::uint64_t> A, B;
    generate(n, seed, A, B);
    std::vector<std::uint64_t> Cm(n * n, 0);
    for (std::size_t i = 0; i < n; i++)
        for (std::size_t k = 0; k < n; k++) {
            const std::uint64_t a = A[i * n + k];
            const std::uint64_t* b = &B[k * n];
            std::uint64_t* c = &Cm[i * n];
            for (std::size_t j = 0; j < n; j++) c[j] += a * b[j];
        }
    auto C = [&](std::size_t i, std::size_t j) { return Cm[i * n + j]; };
    std::uint64_t sum = 0, weighted = 0;
    for (std::size_t i = 0; i < n; i++)
        for (std::size_t j = 0; j < n; j++) {
            sum += C(i, j);
            weighted += C(i, j) * (i * n + j + 1);
        }
    std::printf("%llu %llu\n", (unsigned long long)sum, (unsigned long long)weighted);
    return 0;
}
