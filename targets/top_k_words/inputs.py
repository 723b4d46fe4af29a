"""Inputs for top_k_words: texts drawn from a small vocabulary so counts tie often, and k."""

import itertools
import random

from hypothesis import strategies as st

SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "-", "!? ", " 42 ", "\t", "_", " \u00e9 "]
EXTRA_WORDS = ["don't", "it's", "'quoted'", "caf\u00e9", "na\u00efve", "\u4e2d\u6587", "STRASSE"]


def _words(rng: random.Random, count: int) -> list[str]:
    """`count` words of 1 to 9 letters from a 7-letter alphabet."""
    lengths = rng.choices(range(1, 10), k=count)
    letters = "".join(rng.choices("abcdefg", k=sum(lengths)))
    ends = list(itertools.accumulate(lengths))
    return [letters[end - length : end] for end, length in zip(ends, lengths, strict=True)]


def generate(rng: random.Random, size: int) -> list[object]:
    vocabulary = _words(rng, max(1, size // 8)) + EXTRA_WORDS[: rng.randint(0, 7)]
    # Each word appears lower-case, upper-case and capitalized, mostly lower-case.
    forms = vocabulary * 8 + [w.upper() for w in vocabulary] + [w.capitalize() for w in vocabulary]
    parts = [""] * (2 * size)
    parts[::2] = rng.choices(forms, k=size)
    parts[1::2] = rng.choices(SEPARATORS, k=size)
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
