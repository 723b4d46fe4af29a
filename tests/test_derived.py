"""Inputs derived from recorded calls, and the holdout kept apart from them."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, find, settings
from hypothesis.errors import NoSuchExample
from repos import harness_init, make_repo

from harness.sandbox.codec import Keywords
from harness.targets.derived import call_strategy, unusual_calls
from harness.targets.inputs import InputSource
from harness.targets.loader import load_target
from harness.verify.gate import Verifier

QUICK = settings(max_examples=2000, database=None, suppress_health_check=list(HealthCheck))


def _finds(calls: list[list[Any]], wanted: Any) -> list[Any]:
    strategy = call_strategy(calls)
    assert strategy is not None
    found: list[Any] = find(strategy, wanted, settings=QUICK)
    return found


def _ever(strategy: Any, wanted: Any) -> bool:
    """Whether some drawn example satisfies `wanted` (False: none in 2000 tries)."""
    try:
        find(strategy, wanted, settings=QUICK)
    except NoSuchExample:
        return False
    return True


def test_single_characters_recorded_give_longer_and_harder_strings() -> None:
    calls = [[chr(point)] for point in range(97, 123)]
    assert len(_finds(calls, lambda args: len(args[0]) >= 5)[0]) >= 5
    assert _finds(calls, lambda args: "\u0301" in args[0])  # a combining accent
    assert _finds(calls, lambda args: args[0] == "")


def test_numbers_arrays_and_keywords_vary_like_the_recorded_ones() -> None:
    calls = [[n, np.arange(n, dtype=np.float32), Keywords(mode="fast")] for n in range(2, 9)]
    found = _finds(calls, lambda args: args[0] == 5 and args[1].shape != (5,))
    assert type(found[0]) is int and found[1].dtype == np.float32 and found[1].ndim == 1
    assert found[2] == Keywords(mode="fast")
    assert _finds(calls, lambda args: args[1].shape[0] > 8)  # longer than any recorded
    strategy = call_strategy(calls)
    assert strategy is not None
    assert not _ever(strategy, lambda args: not 2 <= args[0] <= 8)  # numbers stay in range


def test_values_harness_cannot_vary_are_drawn_from_the_recorded_ones() -> None:
    receivers = [object(), object()]
    found = _finds([[receivers[0], 1], [receivers[1], 2]], lambda args: args[1] == 2)
    assert any(found[0] is receiver for receiver in receivers)
    strategy = call_strategy([[receivers[0], 1], [receivers[1], 2]])
    assert not _ever(strategy, lambda args: all(args[0] is not r for r in receivers))


def test_every_odd_piece_of_text_goes_into_a_few_recorded_strings_once() -> None:
    calls = [["hello", 3, Keywords(strict=True)], ["", 1], [5, 2], ["World", 4], ["x", 5], ["y", 6]]
    made = unusual_calls(calls)
    assert {call[1] for call in made} == {3, 4, 5}  # the first three calls with text
    assert all(call[2] == Keywords(strict=True) for call in made if call[1] == 3)
    texts = [call[0] for call in made]
    assert "he" + "e\u0301" + "llo" in texts  # decomposed: NFC would change it
    assert "Wo\u00dfrld" in texts  # casefold gives "ss", lower keeps it
    assert len(texts) == len(set(texts)) == 3 * 15
    assert all(call[1] != 2 for call in made)  # no text at that position in that call
    assert unusual_calls([[1.5, [2]]]) == []


TEXT = '''def shout(text):
    """Upper-case letters, keep the rest."""
    out = []
    for char in text:
        out.append(char.upper() if char.isalpha() else char)
    return "".join(out)
'''
TESTS = """from demo.text import shout


def test_every_code_point():
    for point in range(32, 900):
        char = chr(point)
        assert shout(char) == (char.upper() if char.isalpha() else char)
"""
# Right on every single character, which is all the workload ever passes; wrong on longer text.
FIRST_ONLY = """def shout(text):
    return (text[:1].upper() if text[:1].isalpha() else text[:1]) + text[1:]
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"demo/__init__.py": "", "demo/text.py": TEXT, "test_text.py": TESTS}
    root = make_repo(tmp_path_factory.mktemp("derived") / "demo", files)
    done = harness_init(str(root), timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_a_candidate_right_only_on_the_recorded_shapes_is_rejected(repo: Path) -> None:
    target = load_target(f"{repo}::shout")
    source = InputSource(target)
    recorded = [case.args for case in source.recorded_cases()]
    held_out = [case.args for case in source.recorded_holdout()]
    assert recorded and held_out and not any(call in recorded for call in held_out)
    assert {len(args[0]) for args in recorded} == {1}  # the workload only passed characters
    verdict = Verifier(bench=None).evaluate(target, FIRST_ONLY, seed=3)
    failed = [check.name for check in verdict.checks if not check.passed]
    derived = {"recorded calls with odd text", "property-based inputs (hypothesis)"}
    assert not verdict.correct and derived & set(failed), failed
    same = TEXT.replace("out = []", "out: list[str] = []")
    assert Verifier(bench=None).evaluate(target, same, seed=3).correct


def test_the_holdout_is_decided_by_content_and_is_about_a_fifth(repo: Path) -> None:
    target = load_target(f"{repo}::shout")
    first, second = InputSource(target), InputSource(target)
    assert first.holdout_cases() == second.holdout_cases()
    total = len(first.recorded_cases()) + len(first.recorded_holdout())
    assert 0.05 < len(first.recorded_holdout()) / total < 0.4
