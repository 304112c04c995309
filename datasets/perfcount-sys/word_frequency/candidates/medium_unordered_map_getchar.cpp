#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

int main() {
    std::unordered_map<std::string, long> counts;
    std::string word;
    long total = 0;
    for (int c = std::getchar();; c = std::getchar()) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            word += (char)(c | 0x20);
            continue;
        }
        if (!word.empty()) {
            counts[word]++;
            total++;
            word.clear();
        }
        if (c == EOF) break;
    }
    std::vector<std::pair<std::string, long>> items(counts.begin(), counts.end());
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    std::printf("%ld %zu\n", total, items.size());
    for (std::size_t i = 0; i < items.size() && i < 10; i++)
        std::printf("%s %ld\n", items[i].first.c_str(), items[i].second);
    return 0;
}
