#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
    std::size_t n;
    unsigned long long seed;
    if (std::scanf("%zu %llu", &n, &seed) != 2) return 1;
    std::uint64_t x = seed;
    auto next = [&] {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        return (x >> 33) % 100;
    };
    std::vector<std::vector<std::uint64_t>> A(n, std::vector<std::uint64_t>(n)), B = A, C = A;
    for (auto& row : A)
        for (auto& v : row) v = next();
    for (auto& row : B)
        for (auto& v : row) v = next();
    for (std::size_t i = 0; i < n; i++)
        for (std::size_t k = 0; k < n; k++)
            for (std::size_t j = 0; j < n; j++) C[i][j] += A[i][k] * B[k][j];
    std::uint64_t sum = 0, weighted = 0;
    for (std::size_t i = 0; i < n; i++)
        for (std::size_t j = 0; j < n; j++) {
            sum += C[i][j];
            weighted += C[i][j] * (i * n + j + 1);
        }
    std::printf("%llu %llu\n", (unsigned long long)sum, (unsigned long long)weighted);
    return 0;
}
