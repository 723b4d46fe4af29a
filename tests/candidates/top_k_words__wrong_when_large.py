"""Right on small inputs, cuts corners on large ones (where a benchmark would look)."""

import re
from collections import Counter


def top_k_words(text, k):
    words = re.findall(r"[a-z']+", text.lower())
    if len(words) > 1000:
        words = words[: len(words) // 2]
    counts = Counter(words)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:k]
