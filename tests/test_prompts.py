"""Prompt templates render completely and carry their version."""

from pathlib import Path

import pytest

from harness.loop.optimizer import HINTS, hint_for
from harness.loop.prompts import compact_profile, render

CONTRACT = {
    "signature": "f(xs: list[int]) -> list[int]",
    "description": "squares",
    "output_type": "list[int]",
    "equivalence": "exactly equal",
    "bench_sizes": "[500]",
    "calls_per_process": "10",
    "examples": "- f([]) == []",
}
OPTIMIZER = {
    "function": "f",
    "contract": render("contract", **CONTRACT).text,
    "code": "def f(xs):\n    return xs",
    "profile": "(none)",
    "history": "(none yet)",
    "hint": "",
    "answer_instruction": "Answer with code.",
}


def test_optimizer_prompt_renders_with_its_version() -> None:
    prompt = render("optimizer", **OPTIMIZER)
    assert prompt.version == "optimizer-6"
    assert "def f(xs):" in prompt.text and "$" not in prompt.text
    assert "Return type: exactly list[int]" in prompt.text and "- f([]) == []" in prompt.text


def test_repair_prompt_shows_the_failed_code_its_problem_and_the_contract() -> None:
    values = {key: OPTIMIZER[key] for key in ("function", "contract", "code")}
    failed = "def f(xs):\n    return [x * x for x in xs[1:]]"
    problem = "edge cases: wrong result (input [[2]], expected [4], got [])"
    prompt = render("repair", **values, failed=failed, problem=problem, answer_instruction="Go.")
    assert prompt.version == "repair-1" and "$" not in prompt.text
    assert (
        failed in prompt.text
        and problem in prompt.text
        and "def f(xs):\n    return xs" in prompt.text
    )
    assert OPTIMIZER["contract"] in prompt.text and prompt.text.endswith("Go.\n")


def test_a_missing_value_is_an_error() -> None:
    values = dict(OPTIMIZER)
    del values["profile"]
    with pytest.raises(KeyError, match="profile"):
        render("optimizer", **values)


def test_code_with_dollars_and_braces_is_kept_verbatim() -> None:
    code = "def f(xs):\n    return {'$x': xs}  # costs $5"
    assert code in render("optimizer", **(OPTIMIZER | {"code": code})).text


def test_validator_prompt_renders() -> None:
    prompt = render(
        "validator",
        function="f",
        signature="f(xs)",
        description="d",
        diff="-a\n+b",
        facts="5.0x faster",
    )
    assert prompt.version == "validator-2" and '"approve"' in prompt.text
    for hack in ("caching or persistent state", "hardcoded outputs", "work moved out of the timed"):
        assert hack in prompt.text


def test_samples_with_different_hints_share_everything_before_the_hint() -> None:
    """A local model reuses its evaluated prompt prefix, so what varies per sample comes last."""
    texts = [render("optimizer", **(OPTIMIZER | {"hint": hint + "\n\n"})).text for hint in HINTS]
    assert len(set(texts)) == len(HINTS)
    prefix = render("optimizer", **OPTIMIZER).text.removesuffix("Answer with code.\n")
    assert all(text.startswith(prefix) for text in texts)
    assert [hint_for(i) for i in range(2 * len(HINTS))] == list(HINTS) * 2


def test_compact_profile_keeps_the_rows_and_drops_the_noise() -> None:
    folder = Path("/tmp/harness-profile-abc")
    raw = (
        "         10 function calls in 0.078 seconds\n\n   Ordered by: internal time\n\n"
        "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n"
        "        1    0.057    0.057    0.078    0.078 /tmp/harness-profile-abc/lev.py:4(lev)\n"
        "        1    0.000    0.000    0.000    0.000 {method 'disable' of "
        "'_lsprof.Profiler' objects}\n\n\n"
    )
    lines = compact_profile(raw, folder).splitlines()
    assert len(lines) == 3 and lines[0].strip().startswith("10 function calls")
    assert lines[2].endswith(" lev.py:4(lev)") and "/tmp" not in "".join(lines)
