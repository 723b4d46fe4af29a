"""The k most frequent words: split bytes with one translate table, then Counter and heapq."""

import heapq
from collections import Counter

# One table lowercases A-Z and turns every other byte that is not a-z or an apostrophe into a
# space. Non-ASCII characters encode to bytes >= 0x80 in UTF-8, so they separate words, as in
# the [a-z']+ rule. Only two non-ASCII characters lowercase into ASCII letters (U+0130 and the
# Kelvin sign U+212A); when either occurs, str.lower() runs first.
_LOWER = b"abcdefghijklmnopqrstuvwxyz'"
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TABLE = bytes(b if b in _LOWER else b + 32 if b in _UPPER else 0x20 for b in range(256))


def top_k_words(text: str, k: int) -> list[tuple[str, int]]:
    if k <= 0:
        return []
    if "\u0130" in text or "\u212a" in text:
        text = text.lower()
    data = text.encode("utf-8", "surrogatepass").translate(_TABLE)
    counts = Counter(data.split())
    best = heapq.nsmallest(k, counts.items(), key=lambda item: (-item[1], item[0]))
    return [(word.decode("ascii"), count) for word, count in best]
