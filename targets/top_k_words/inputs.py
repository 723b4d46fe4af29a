"""Inputs for top_k_words: texts drawn from a small vocabulary so counts tie often, and k;
structured texts of one word, all distinct words, exact ties, case variants and apostrophes."""

import random

import numpy as np
from hypothesis import strategies as st

SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "-", "!? ", " 42 ", "\t", "_", " \u00e9 "]
EXTRA_WORDS = ["don't", "it's", "'quoted'", "caf\u00e9", "na\u00efve", "\u4e2d\u6587", "STRASSE"]


def _words(rng: np.random.Generator, count: int) -> list[str]:
    """`count` words of 1 to 9 letters from a 7-letter alphabet."""
    lengths = rng.integers(1, 10, size=count)
    alphabet = np.frombuffer(b"abcdefg", dtype=np.uint8)
    letters = alphabet[rng.integers(0, 7, size=int(lengths.sum()))].tobytes().decode()
    ends = np.cumsum(lengths).tolist()
    return [letters[end - length : end] for end, length in zip(ends, lengths.tolist(), strict=True)]


def generate(rng: random.Random, size: int) -> list[object]:
    # numpy draws the many random choices and picks the words: at benchmark size this runs once
    # per timed round, on the core the harness itself uses, and must cost much less than the
    # round it feeds.
    fast = np.random.default_rng(rng.getrandbits(64))
    vocabulary = _words(fast, max(1, size // 8)) + EXTRA_WORDS[: rng.randint(0, 7)]
    count = len(vocabulary)
    upper, capitalized = [w.upper() for w in vocabulary], [w.capitalize() for w in vocabulary]
    forms = np.array(vocabulary + upper + capitalized, dtype=object)
    # Each word appears lower-case 8 times in 10, else upper-case or capitalized.
    picks = fast.integers(0, 10 * count, size=size)
    picks = np.where(picks < 8 * count, picks % count, picks - 7 * count)
    parts = np.empty(2 * size, dtype=object)
    parts[0::2] = forms[picks]
    parts[1::2] = np.array(SEPARATORS, dtype=object)[fast.integers(0, len(SEPARATORS), size=size)]
    return ["".join(parts.tolist()), rng.randint(0, 20)]


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


# Words whose upper-case forms hold the two non-ASCII letters that lowercase to ASCII (the Kelvin
# sign to k; a dotted capital I to i and a combining dot, which splits the word).
KI_WORDS = ["kiki", "skip", "ink", "kelvin", "bike"]


def _join(fast: np.random.Generator, words: list[str]) -> str:
    """The words, each followed by a separator drawn from SEPARATORS."""
    parts = np.empty(2 * len(words), dtype=object)
    parts[0::2] = words
    parts[1::2] = np.array(SEPARATORS, dtype=object)[fast.integers(0, len(SEPARATORS), len(words))]
    return "".join(parts.tolist())


def _picked(fast: np.random.Generator, forms: list[str], count: int) -> list[str]:
    picks: list[str] = np.array(forms, dtype=object)[fast.integers(0, len(forms), count)].tolist()
    return picks


def _distinct(fast: np.random.Generator, count: int) -> list[str]:
    """`count` different six-letter words: distinct numbers spelled in base 26."""
    numbers = fast.choice(26**6, size=count, replace=False)
    digits = (numbers[:, None] // 26 ** np.arange(6)) % 26 + ord("a")
    letters = digits.astype(np.uint8).tobytes().decode()
    return [letters[6 * i : 6 * i + 6] for i in range(count)]


def _tied(fast: np.random.Generator, size: int, kinds: int) -> list[str]:
    """`kinds` different words, each `size // kinds` times, shuffled: every count ties."""
    words = _distinct(fast, kinds) * (size // kinds)
    fast.shuffle(words)
    return words


def _case_forms(words: list[str]) -> list[str]:
    """Each word lower, upper, capitalized, alternating and with the Kelvin sign or dotted I."""
    return [
        form
        for w in words
        for form in (
            w,
            w.upper(),
            w.capitalize(),
            "".join(c.upper() if i % 2 else c for i, c in enumerate(w)),
            w.upper().replace("K", "\u212a"),
            w.upper().replace("I", "\u0130"),
        )
    ]


def _apostrophes(fast: np.random.Generator, count: int) -> list[str]:
    """Words with an apostrophe in front, inside or at the end, and bare apostrophes."""
    return ["'", "''", "o'clock", "rock'n'roll"] + [
        w[:cut] + "'" + w[cut:] for w in _words(fast, count) for cut in (0, len(w) // 2, len(w))
    ]


def structured(rng: random.Random, size: int) -> list[list[object]]:
    """Texts of `size` words: one word repeated; all words distinct (ties everywhere at 1); a
    small vocabulary and k beyond it; every word the same number of times, k cutting the tie;
    case variants, the Kelvin sign and a dotted capital I among them; apostrophes everywhere."""
    fast = np.random.default_rng(rng.getrandbits(64))
    vocabulary = _words(fast, rng.randint(1, 30))
    kinds = rng.randint(1, max(1, min(size, 200)))
    cases = _case_forms(KI_WORDS + _words(fast, max(1, size // 50)))
    return [
        [_join(fast, _words(fast, 1) * size), rng.randint(1, 20)],
        [_join(fast, _distinct(fast, size)), rng.randint(1, 20)],
        [_join(fast, _picked(fast, vocabulary, size)), len(vocabulary) + rng.randint(1, 50)],
        [_join(fast, _tied(fast, size, kinds)), rng.randint(1, kinds)],
        [_join(fast, _picked(fast, cases, size)), rng.randint(1, 20)],
        [
            _join(fast, _picked(fast, _apostrophes(fast, max(1, size // 50)), size)),
            rng.randint(1, 20),
        ],
    ]


def strategy() -> st.SearchStrategy[list[object]]:
    chars = st.sampled_from("abc' ,.-AB\u00e9\u0130\n") | st.characters(exclude_categories=["Cs"])
    text = st.text(chars, max_size=40)
    return st.tuples(text, st.integers(0, 12)).map(lambda pair: [pair[0], pair[1]])
