// Expert: read(2) the whole input, lower-case in place with a 256-entry class
// table, hash each word (FNV-1a) while scanning it, and count in an
// open-addressing table of (offset, length, count) that points into the
// buffer: no per-word allocation and one pass over the bytes.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

static void report(std::vector<std::pair<std::string, long>> items, long total) {
    std::sort(items.begin(), items.end(), [](const auto& x, const auto& y) {
        return x.second != y.second ? x.second > y.second : x.first < y.first;
    });
    std::printf("%ld %zu\n", total, items.size());
    for (std::size_t i = 0; i < items.size() && i < 10; i++)
        std::printf("%s %ld\n", items[i].first.c_str(), items[i].second);
}

struct Slot {
    std::uint32_t off = 0, len = 0;
    long count = 0;
    std::uint64_t hash = 0;
};

int main() {
    std::vector<char> buf(1 << 20);
    std::size_t len = 0;
    ssize_t got;
    while ((got = read(0, buf.data() + len, buf.size() - len)) > 0) {
        len += (std::size_t)got;
        if (len == buf.size()) buf.resize(buf.size() * 2);
    }
    unsigned char lower[256] = {};
    for (int c = 'a'; c <= 'z'; c++) lower[c] = (unsigned char)c;
    for (int c = 'A'; c <= 'Z'; c++) lower[c] = (unsigned char)(c | 0x20);
    std::vector<Slot> table(1 << 12);
    std::size_t used = 0;
    long total = 0;
    const char* s = buf.data();
    std::size_t i = 0;
    while (i < len) {
        while (i < len && !lower[(unsigned char)s[i]]) i++;
        if (i >= len) break;
        std::size_t start = i;
        std::uint64_t h = 1469598103934665603ULL;
        while (i < len && lower[(unsigned char)s[i]]) {
            const unsigned char lc = lower[(unsigned char)s[i]];
            buf[i] = (char)lc;
            h = (h ^ lc) * 1099511628211ULL;
            i++;
        }
        const std::uint32_t wl = (std::uint32_t)(i - start);
        total++;
        std::size_t mask = table.size() - 1, k = h & mask;
        while (table[k].count && !(table[k].hash == h && table[k].len == wl &&
                                   std::memcmp(s + table[k].off, s + start, wl) == 0))
            k = (k + 1) & mask;
        if (table[k].count) {
            table[k].count++;
            continue;
        }
        table[k] = Slot{(std::uint32_t)start, wl, 1, h};
        if (++used * 2 > table.size()) {  // grow and rehash
            std::vector<Slot> bigger(table.size() * 2);
            for (const Slot& e : table)
                if (e.count) {
                    std::size_t j = e.hash & (bigger.size() - 1);
                    while (bigger[j].count) j = (j + 1) & (bigger.size() - 1);
                    bigger[j] = e;
                }
            table.swap(bigger);
        }
    }
    std::vector<std::pair<std::string, long>> items;
    items.reserve(used);
    for (const Slot& e : table)
        if (e.count) items.emplace_back(std::string(s + e.off, e.len), e.count);
    report(std::move(items), total);
    return 0;
}
