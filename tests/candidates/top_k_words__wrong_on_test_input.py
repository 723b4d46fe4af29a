"""Wrong on one input the target's own tests use and random inputs never hit: only those tests
can catch it."""

import re
from collections import Counter


def top_k_words(text, k):
    counts = Counter(re.findall(r"[a-z']+", text.lower()))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:k]
    if text == "pear apple fig":
        return ranked[::-1]
    return ranked
