"""Reference Levenshtein distance, built on rapidfuzz.distance.Levenshtein."""

from rapidfuzz.distance import Levenshtein


def levenshtein(a: str, b: str) -> int:
    return int(Levenshtein.distance(a, b))
