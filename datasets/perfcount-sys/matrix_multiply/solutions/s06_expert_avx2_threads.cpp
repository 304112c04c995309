// Expert: rows of C split across hardware threads. Every element is below 100,
// so for n < 429,496 each C[i][j] fits in 32 bits: the threads run an AVX2
// i-k-j kernel on 32-bit lanes (8 products per instruction) and widen at the end.
// Without AVX2 (or for huge n) they use a 2x4 register-blocked 64-bit kernel. (Valgrind runs threads one at a time,
// so under callgrind this costs the single-threaded kernel's instructions plus
// thread start-up: instructions measure work, not wall time.)
#include <algorithm>
#include <functional>
#include <immintrin.h>
#include <cstdint>
#include <cstdio>
#include <thread>
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

static void kernel(const std::vector<std::uint64_t>& A, const std::vector<std::uint64_t>& B,
                   std::vector<std::uint64_t>& Cm, std::size_t n, std::size_t r0, std::size_t r1) {
    // 2x4 blocks of C held in registers across the whole k loop; the block's four
    // columns of B are first packed into a contiguous panel (sequential reads).
    std::vector<std::uint64_t> panel(4 * n);
    std::size_t j0 = 0;
    for (; j0 + 4 <= n; j0 += 4) {
        for (std::size_t k = 0; k < n; k++)
            for (std::size_t c = 0; c < 4; c++) panel[4 * k + c] = B[k * n + j0 + c];
        std::size_t i = r0;
        for (; i + 2 <= r1; i += 2) {
            std::uint64_t c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            const std::uint64_t *a0 = &A[i * n], *a1 = a0 + n;
            for (std::size_t k = 0; k < n; k++) {
                const std::uint64_t* b = &panel[4 * k];
                const std::uint64_t x0 = a0[k], x1 = a1[k];
                c00 += x0 * b[0], c01 += x0 * b[1], c02 += x0 * b[2], c03 += x0 * b[3];
                c10 += x1 * b[0], c11 += x1 * b[1], c12 += x1 * b[2], c13 += x1 * b[3];
            }
            std::uint64_t* c = &Cm[i * n + j0];
            c[0] = c00, c[1] = c01, c[2] = c02, c[3] = c03;
            c += n;
            c[0] = c10, c[1] = c11, c[2] = c12, c[3] = c13;
        }
        for (; i < r1; i++)
            for (std::size_t c = 0; c < 4; c++) {
                std::uint64_t s = 0;
                for (std::size_t k = 0; k < n; k++) s += A[i * n + k] * panel[4 * k + c];
                Cm[i * n + j0 + c] = s;
            }
    }
    for (; j0 < n; j0++)  // the last n % 4 columns
        for (std::size_t i = r0; i < r1; i++) {
            std::uint64_t s = 0;
            for (std::size_t k = 0; k < n; k++) s += A[i * n + k] * B[k * n + j0];
            Cm[i * n + j0] = s;
        }
}

__attribute__((target("avx2"))) static void kernel_avx2(const std::vector<std::uint32_t>& A,
                                                        const std::vector<std::uint32_t>& B,
                                                        std::vector<std::uint32_t>& C32, std::size_t n,
                                                        std::size_t r0, std::size_t r1) {
    for (std::size_t i = r0; i < r1; i++) {
        std::uint32_t* c = &C32[i * n];
        for (std::size_t k = 0; k < n; k++) {
            const std::uint32_t a = A[i * n + k];
            const __m256i va = _mm256_set1_epi32((int)a);
            const std::uint32_t* b = &B[k * n];
            std::size_t j = 0;
            for (; j + 8 <= n; j += 8) {
                __m256i vc = _mm256_loadu_si256((const __m256i*)(c + j));
                __m256i vb = _mm256_loadu_si256((const __m256i*)(b + j));
                vc = _mm256_add_epi32(vc, _mm256_mullo_epi32(va, vb));
                _mm256_storeu_si256((__m256i*)(c + j), vc);
            }
            for (; j < n; j++) c[j] += a * b[j];
        }
    }
}

int main() {
    std::size_t n;
    unsigned long long seed;
    if (std::scanf("%zu %llu", &n, &seed) != 2) return 1;
    std::vector<std::uint64_t> A, B;
    generate(n, seed, A, B);
    std::vector<std::uint64_t> Cm(n * n, 0);
    std::size_t workers = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    std::size_t rows = (n + workers - 1) / workers;
    rows = (rows + 1) / 2 * 2;
    __builtin_cpu_init();
    const bool simd = __builtin_cpu_supports("avx2") && n < 429496;
    std::vector<std::uint32_t> A32, B32, C32;
    if (simd) {
        A32.assign(A.begin(), A.end());
        B32.assign(B.begin(), B.end());
        C32.assign(n * n, 0);
    }
    auto work = [&](std::size_t r0, std::size_t r1) {
        if (simd)
            kernel_avx2(A32, B32, C32, n, r0, r1);
        else
            kernel(A, B, Cm, n, r0, r1);
    };
    std::vector<std::thread> pool;
    for (std::size_t r0 = rows; r0 < n; r0 += rows) pool.emplace_back(work, r0, std::min(n, r0 + rows));
    work(0, std::min(n, rows));
    for (auto& t : pool) t.join();
    if (simd) std::copy(C32.begin(), C32.end(), Cm.begin());
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
