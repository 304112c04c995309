// A std::map from word to count (balanced tree), characters read with getchar.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>
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
    std::map<std::string, long> counts;
    std::string word;
    long total = 0;
    int c;
    while ((c = std::getchar()) != EOF) {
        if (std::isalpha(c) && c < 128) {
            word += (char)std::tolower(c);
        } else if (!word.empty()) {
            counts[word]++;
            total++;
            word.clear();
        }
    }
    if (!word.empty()) {
        counts[word]++;
        total++;
    }
    report({counts.begin(), counts.end()}, total);
    return 0;
}
