"""Prompt templates render completely and carry their version."""

import pytest

from harness.loop.prompts import render

OPTIMIZER = {
    "function": "f",
    "signature": "f(xs: list[int]) -> list[int]",
    "description": "squares",
    "output_type": "list[int]",
    "equivalence": "exactly equal",
    "bench_sizes": "[500]",
    "code": "def f(xs):\n    return xs",
    "profile": "(none)",
    "history": "(none yet)",
    "answer_instruction": "Answer with code.",
}


def test_optimizer_prompt_renders_with_its_version() -> None:
    prompt = render("optimizer", **OPTIMIZER)
    assert prompt.version == "optimizer-2"
    assert "def f(xs):" in prompt.text and "$" not in prompt.text


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
    assert prompt.version == "validator-1" and '"approve"' in prompt.text
