"""Inputs for word_frequency: Zipf-distributed words with punctuation and mixed case."""

from __future__ import annotations

import random
import string


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))))
    return sorted(words)


def _text(rng: random.Random, n_words: int, vocab_size: int) -> str:
    vocab = _vocabulary(rng, vocab_size)
    rng.shuffle(vocab)
    weights = [1.0 / (i + 1) ** 0.5 for i in range(len(vocab))]
    out = []
    for w in rng.choices(vocab, weights, k=n_words):
        if rng.random() < 0.1:
            w = w.capitalize()
        out.append(w + rng.choice([" ", " ", " ", ", ", ". ", "\n", "-", "'s "]))
    return "".join(out)


def test_inputs() -> list:
    rng = random.Random(9)
    return [
        "",
        "...",
        "a",
        "The the THE tHe",
        "don't stop-believing 42times",
        "b a c b a b",
        _text(rng, 200, 30),
        _text(rng, 3000, 500),
    ]


def perf_input_gen(scale: int) -> list:
    rng = random.Random(6000 + scale)
    return [_text(rng, 8_000 * scale, 400 * scale)]
