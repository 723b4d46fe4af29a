"""Reference k most frequent words, built on collections.Counter."""

import re
from collections import Counter


def top_k_words(text: str, k: int) -> list[tuple[str, int]]:
    if k <= 0:
        return []
    counts = Counter(re.findall(r"[a-z']+", text.lower()))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(str(word), int(count)) for word, count in ranked[:k]]
