// Baseline: read character by character, keep (word, count) pairs in a vector
// and find each word by linear search.
#include <algorithm>
#include <cctype>
#include <cstdio>
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
    std::vector<std::pair<std::string, long>> items;
    std::string word;
    long total = 0;
    auto flush = [&] {
        if (word.empty()) return;
        total++;
        auto it = std::find_if(items.begin(), items.end(), [&](const auto& p) { return p.first == word; });
        if (it == items.end())
            items.emplace_back(word, 1);
        else
            it->second++;
        word.clear();
    };
    int c;
    while ((c = std::getchar()) != EOF) {
        if (std::isalpha(c) && c < 128)
            word += (char)std::tolower(c);
        else
            flush();
    }
    flush();
    report(items, total);
    return 0;
}
