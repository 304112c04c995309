def most_frequent_substring(s, k):
    answer, answer_count = "", 0
    last = len(s) - k + 1
    for i in range(last):
        w = s[i : i + k]
        c = sum(1 for j in range(last) if s[j : j + k] == w)
        if c > answer_count or (c == answer_count and w < answer):
            answer, answer_count = w, c
    return answer
