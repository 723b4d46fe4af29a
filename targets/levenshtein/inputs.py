"""Inputs for levenshtein: pairs of strings over a small alphabet, with some unicode."""

import random

from hypothesis import strategies as st

ALPHABET = "abcd"
UNICODE = "\u00e9\u00df\u4e2d\u6587\U0001f600e\u0301"


def _char(rng: random.Random) -> str:
    return rng.choice(UNICODE) if rng.random() < 0.05 else rng.choice(ALPHABET)


def _mutate(rng: random.Random, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        kind = rng.randrange(3)
        position = rng.randint(0, len(chars))
        if kind == 0 or not chars:
            chars.insert(position, _char(rng))
        elif kind == 1:
            del chars[min(position, len(chars) - 1)]
        else:
            chars[min(position, len(chars) - 1)] = _char(rng)
    return "".join(chars)


def generate(rng: random.Random, size: int) -> list[object]:
    a = "".join(_char(rng) for _ in range(size))
    if rng.random() < 0.5:
        b = _mutate(rng, a, rng.randint(0, max(1, size // 4)))
    else:
        length = rng.randint(max(0, size - size // 5), size + size // 5)
        b = "".join(_char(rng) for _ in range(length))
    return [a, b] if rng.random() < 0.5 else [b, a]


def edge_cases() -> list[list[object]]:
    return [
        ["", ""],
        ["", "abc"],
        ["abc", ""],
        ["a", "a"],
        ["a", "b"],
        ["abc", "abc"],
        ["ab", "ba"],
        ["aaaa", "aa"],
        ["kitten", "sitting"],
        ["flaw", "lawn"],
        ["caf\u00e9", "cafe"],
        ["e\u0301", "\u00e9"],
        ["\U0001f600x", "x\U0001f600"],
        ["\u4e2d\u6587\u5b57", "\u4e2d\u5b57"],
        ["abcdefghij" * 7, "bcdefghija" * 7],
    ]


def strategy() -> st.SearchStrategy[list[object]]:
    chars = st.sampled_from(ALPHABET + UNICODE) | st.characters(exclude_categories=["Cs"])
    text = st.text(chars, max_size=12)
    return st.lists(text, min_size=2, max_size=2).map(lambda pair: list(pair))
