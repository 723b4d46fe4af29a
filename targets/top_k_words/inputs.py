"""Inputs for top_k_words: texts drawn from a small vocabulary so counts tie often, and k."""

import random

from hypothesis import strategies as st

SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "-", "!? ", " 42 ", "\t", "_", " \u00e9 "]
EXTRA_WORDS = ["don't", "it's", "'quoted'", "caf\u00e9", "na\u00efve", "\u4e2d\u6587", "STRASSE"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefg") for _ in range(rng.randint(1, 9)))


def _cased(rng: random.Random, word: str) -> str:
    roll = rng.random()
    if roll < 0.1:
        return word.upper()
    if roll < 0.2:
        return word.capitalize()
    return word


def generate(rng: random.Random, size: int) -> list[object]:
    vocabulary = [_word(rng) for _ in range(max(1, size // 8))] + EXTRA_WORDS[: rng.randint(0, 7)]
    parts = []
    for _ in range(size):
        parts.append(_cased(rng, rng.choice(vocabulary)))
        parts.append(rng.choice(SEPARATORS))
    return ["".join(parts), rng.randint(0, 20)]


def edge_cases() -> list[list[object]]:
    return [
        ["", 0],
        ["", 5],
        ["word", 0],
        ["word", 1],
        ["word", 10],
        ["a b a b c", 2],
        ["b a c", 3],
        ["The the THE tHe", 1],
        ["don't stop, don't STOP 'til it's done", 10],
        ["''' ' a'b", 5],
        ["caf\u00e9 caf\u00e9 na\u00efve \u4e2d\u6587 \U0001f600 stra\u00dfe", 10],
        ["\u0130stanbul \u212aelvin", 5],
        ["123 456 ... !!!", 3],
        ["x-ray x_ray x.ray x1ray", 20],
    ]


def strategy() -> st.SearchStrategy[list[object]]:
    chars = st.sampled_from("abc' ,.-AB\u00e9\u0130\n") | st.characters(exclude_categories=["Cs"])
    text = st.text(chars, max_size=40)
    return st.tuples(text, st.integers(0, 12)).map(lambda pair: [pair[0], pair[1]])
