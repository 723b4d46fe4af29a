"""Plain tests of top_k_words, run with the target folder as the working directory."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from top_k_words import top_k_words


def test_counts_and_order() -> None:
    assert top_k_words("b a c a b a", 3) == [("a", 3), ("b", 2), ("c", 1)]


def test_ties_are_alphabetical() -> None:
    assert top_k_words("pear apple fig", 2) == [("apple", 1), ("fig", 1)]


def test_case_punctuation_and_apostrophes() -> None:
    text = "Don't stop -- DON'T stop! It's 42 times, don't."
    assert top_k_words(text, 3) == [("don't", 3), ("stop", 2), ("it's", 1)]


def test_k_zero_empty_text_and_short_results() -> None:
    assert top_k_words("some words here", 0) == []
    assert top_k_words("", 4) == []
    assert top_k_words("...!!! 123", 4) == []
    assert top_k_words("one", 5) == [("one", 1)]


def test_returns_tuples_of_str_and_int() -> None:
    result = top_k_words("x y x", 2)
    assert type(result) is list
    assert all(type(item) is tuple and len(item) == 2 for item in result)
    assert all(type(word) is str and type(count) is int for word, count in result)


def test_non_ascii_letters_split_words() -> None:
    assert top_k_words("caf\u00e9 cafe", 2) == [("caf", 1), ("cafe", 1)]
