// Words kept in a sorted vector; binary search per word, insertion shifts the tail.
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
        auto it = std::lower_bound(items.begin(), items.end(), word,
                                   [](const auto& p, const std::string& w) { return p.first < w; });
        if (it != items.end() && it->first == word)
            it->second++;
        else
            items.insert(it, {word, 1});
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
