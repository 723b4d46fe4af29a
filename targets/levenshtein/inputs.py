"""Inputs for levenshtein: pairs of strings over a small alphabet, with some unicode; structured
pairs over a wide one (shifted, rotated, reversed, disjoint, runs)."""

import random
import string

from hypothesis import strategies as st

ALPHABET = "abcd"
UNICODE = "\u00e9\u00df\u4e2d\u6587\U0001f600e\u0301"
# Structured pairs draw from many characters, so unrelated stretches are far apart and only the
# intended alignment is cheap.
WIDE = string.ascii_letters + string.digits + UNICODE


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


def _text(rng: random.Random, length: int, alphabet: str = WIDE) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _shifted(rng: random.Random, text: str) -> list[str]:
    """`text` against itself shifted by a quarter to a third of its length (fresh characters in
    front, its tail dropped): the cheap alignment runs that far off the diagonal."""
    shift = rng.randint(len(text) // 4, len(text) // 3)
    return [text, _text(rng, shift) + text[: len(text) - shift]]


def _rotated(rng: random.Random, text: str) -> list[str]:
    """`text` against itself rotated by one to three characters: distance at most 6, while
    position by position nearly every character differs."""
    turn = min(len(text), rng.randint(1, 3))
    return [text, text[turn:] + text[:turn]]


def _runs(rng: random.Random, size: int) -> list[str]:
    """A run of one character against a shorter run of it with one stranger inside."""
    char, shorter = rng.choice(ALPHABET), rng.randint(size // 2, size)
    cut = rng.randint(0, shorter)
    return [char * size, char * cut + rng.choice(UNICODE) + char * (shorter - cut)]


def structured(rng: random.Random, size: int) -> list[list[object]]:
    """Pairs random draws (near-copies or unrelated strings of the small alphabet) rarely make:
    one string empty, identical strings, runs, disjoint alphabets, a string against its reverse,
    rotated by a few characters, and shifted by a quarter to a third of its length (beyond the
    band of a banded or diagonal heuristic)."""
    text = _text(rng, size)
    disjoint = [
        _text(rng, size, "abcdefgh"),
        _text(rng, rng.randint(size // 2, size), "stuvxyz\u4e2d"),
    ]
    pairs = [
        ["", _text(rng, size)],
        [text, text],
        _runs(rng, size),
        disjoint,
        [text, text[::-1]],
        _rotated(rng, text),
        _shifted(rng, text),
    ]
    return [pair if rng.random() < 0.5 else pair[::-1] for pair in pairs]


def strategy() -> st.SearchStrategy[list[object]]:
    chars = st.sampled_from(ALPHABET + UNICODE) | st.characters(exclude_categories=["Cs"])
    text = st.text(chars, max_size=12)
    return st.lists(text, min_size=2, max_size=2).map(lambda pair: list(pair))
