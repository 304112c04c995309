// Cache blocking (64x64 tiles) with i-k-j order inside a tile and four rows of
// C updated per pass over a row of B (register tiling).
#include <algorithm>
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
    const std::size_t T = 64;
    for (std::size_t kk = 0; kk < n; kk += T)
        for (std::size_t jj = 0; jj < n; jj += T) {
            const std::size_t ke = std::min(n, kk + T), je = std::min(n, jj + T);
            std::size_t i = 0;
            for (; i + 4 <= n; i += 4)
                for (std::size_t k = kk; k < ke; k++) {
                    const std::uint64_t a0 = A[i * n + k], a1 = A[(i + 1) * n + k],
                                        a2 = A[(i + 2) * n + k], a3 = A[(i + 3) * n + k];
                    const std::uint64_t* b = &B[k * n];
                    std::uint64_t *c0 = &Cm[i * n], *c1 = c0 + n, *c2 = c1 + n, *c3 = c2 + n;
                    for (std::size_t j = jj; j < je; j++) {
                        const std::uint64_t bj = b[j];
                        c0[j] += a0 * bj;
                        c1[j] += a1 * bj;
                        c2[j] += a2 * bj;
                        c3[j] += a3 * bj;
                    }
                }
            for (; i < n; i++)
                for (std::size_t k = kk; k < ke; k++)
                    for (std::size_t j = jj; j < je; j++) Cm[i * n + j] += A[i * n + k] * B[k * n + j];
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
