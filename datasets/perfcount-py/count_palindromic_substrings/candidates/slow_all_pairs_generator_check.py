def count_palindromic_substrings(s):
    count = 0
    for i in range(len(s)):
        for j in range(i, len(s)):
            if all(s[i + k] == s[j - k] for k in range((j - i + 1) // 2)):
                count += 1
    return count
