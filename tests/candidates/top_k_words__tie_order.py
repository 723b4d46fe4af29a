"""Breaks ties by first appearance instead of alphabetically: subtly wrong."""

import re
from collections import Counter


def top_k_words(text, k):
    return Counter(re.findall(r"[a-z']+", text.lower())).most_common(k)
