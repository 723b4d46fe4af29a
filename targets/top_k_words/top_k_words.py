"""The k most frequent words of a text, scanning it one character at a time."""

LETTERS = "abcdefghijklmnopqrstuvwxyz'"


def top_k_words(text: str, k: int) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    word = ""
    for char in text.lower() + " ":
        if char in LETTERS:
            word += char
        elif word:
            counts[word] = counts.get(word, 0) + 1
            word = ""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:k]
