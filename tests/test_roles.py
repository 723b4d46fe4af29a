"""The optimizer and validator roles, driven by the scripted fake model."""

import json
from pathlib import Path

from harness.loop.optimizer import LLMOptimizer
from harness.loop.validator import LLMValidator, parse_review
from harness.providers import make_provider
from harness.targets.loader import Target


def _fake(tmp_path: Path, responses: list[object]) -> object:
    path = tmp_path / "script.json"
    path.write_text(json.dumps({"responses": responses}))
    return make_provider(f"fake:{path}")


def test_optimizer_prompt_carries_target_facts_and_parses_the_answer(
    squares: Target, tmp_path: Path
) -> None:
    provider = _fake(
        tmp_path, ["Here:\n```python\ndef squares(xs):\n    return [x * x for x in xs]\n```"]
    )
    proposal = LLMOptimizer(provider, 0.7, 512).propose(
        squares, squares.baseline_source(), "profile text", ""
    )  # type: ignore[arg-type]
    assert proposal.source == "def squares(xs):\n    return [x * x for x in xs]\n"
    prompt = proposal.call.prompt
    assert (
        squares.config.signature in prompt and "profile text" in prompt and "def squares" in prompt
    )
    assert proposal.call.prompt_version == "optimizer-6" and proposal.call.output_tokens > 0
    assert "single ```python code block" in prompt


def test_diff_answers_are_asked_for_and_applied(squares: Target, tmp_path: Path) -> None:
    diff = (
        "```diff\n--- a/squares.py\n+++ b/squares.py\n@@ -1,3 +1,3 @@\n"
        '-"""A tiny target for the harness\'s own tests: squares by repeated addition (slow on purpose)."""\n'
        '+"""Squares."""\n \n \n```'
    )
    optimizer = LLMOptimizer(_fake(tmp_path, [diff]), 0.7, 512, answer_format="diff")  # type: ignore[arg-type]
    proposal = optimizer.propose(squares, squares.baseline_source(), "", "")
    assert "unified diff" in proposal.call.prompt
    assert proposal.source is not None and proposal.source.startswith('"""Squares."""')


def test_optimizer_failures_are_proposals_with_a_problem(squares: Target, tmp_path: Path) -> None:
    provider = _fake(tmp_path, [{"error": "HTTP 500"}, "no code here"])
    optimizer = LLMOptimizer(provider, 0.7, 512)  # type: ignore[arg-type]
    failed = optimizer.propose(squares, squares.baseline_source(), "", "")
    assert failed.source is None and "HTTP 500" in str(failed.problem) and failed.call.error
    codeless = optimizer.propose(squares, squares.baseline_source(), "", "")
    assert codeless.source is None and codeless.problem == "no code block defines `squares`"


def test_validator_review_with_inputs(squares: Target, tmp_path: Path) -> None:
    answer = '```json\n{"inputs": [[[1, -2]], [[0]], "junk", [[1], [2]]], "approve": false, "reasons": ["special-cases empty lists"]}\n```'
    review = LLMValidator(_fake(tmp_path, [answer]), 0.2, 512).review(
        squares, "-a\n+b", "2.0x", "b"
    )  # type: ignore[arg-type]
    assert not review.approve and review.reasons == ["special-cases empty lists"]
    assert review.inputs == [[[1, -2]], [[0]]]  # only argument lists of the right arity
    assert review.call is not None and review.call.role == "validator"


def test_unreadable_review_is_no_objection() -> None:
    review = parse_review("Looks fine to me!", 1)
    assert review.approve and "no review" in review.reasons[0]
    assert parse_review('{"approve": true}', 1).approve


def test_a_single_reason_string_stays_one_reason() -> None:
    review = parse_review('{"approve": false, "reasons": "it mishandles empty lists"}', 1)
    assert not review.approve and review.reasons == ["it mishandles empty lists"]
