// std::unordered_map (reserved) over words cut from a buffer read with fread.
#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
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

int main() {
    std::string data;
    char chunk[1 << 16];
    std::size_t got;
    while ((got = std::fread(chunk, 1, sizeof chunk, stdin)) > 0) data.append(chunk, got);
    std::unordered_map<std::string, long> counts;
    counts.reserve(1 << 14);
    long total = 0;
    std::string word;
    for (std::size_t i = 0; i <= data.size(); i++) {
        char c = i < data.size() ? data[i] : ' ';
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            word += (char)(c | 0x20);
        } else if (!word.empty()) {
            counts[word]++;
            total++;
            word.clear();
        }
    }
    report({counts.begin(), counts.end()}, total);
    return 0;
}
