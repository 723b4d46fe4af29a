"""The aider, Codex CLI and Claude Code recipes end to end: each real agent (installed by
`make agents`), boxed as a session runs it, driven by a scripted model over its own wire protocol
on 127.0.0.1 (OpenAI chat completions, OpenAI responses, Anthropic messages, streamed where the
agent asks). Each edits the file, runs ./check, sees the verdict and finishes; its edit is then
judged like any candidate. The first edit is wrong on purpose, so that the verdict the agent is
shown is one it must act on."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from servers import Script, serve, tool_names
from test_agents import NEW_SQUARES, WRITE, agent_session, installed

from harness.agents.recipes import AIDER, CLAUDE_CODE, CODEX, Recipe
from harness.loop.session import Session
from harness.records import CandidateRecord
from harness.targets.loader import Target

WRONG_SQUARES = "def squares(xs):\n    return [x + x for x in xs]\n"
WRITE_WRONG = f"cat > squares.py <<'EOF'\n{WRONG_SQUARES}EOF"
VERDICT = "harness verify squares"  # the head of what ./check prints


def _run(target: Target, folder: Path, optimizer: str, url: str) -> tuple[Session, CandidateRecord]:
    session = agent_session(target, folder, optimizer, base_url=url, time_limit_seconds=600)
    session.run()
    [record] = session.records
    return session, record


def _judged(record: CandidateRecord, optimizer: str) -> None:
    assert record.status == "accepted", (record.reason, record.calls[0].answer[-3000:])
    assert record.source == NEW_SQUARES and record.optimizer == optimizer
    [call] = record.calls
    assert call.provider == optimizer and call.error is None, call.error
    assert call.input_tokens > 0 and call.output_tokens > 0, call.answer[-2000:]


def _said(request: dict[str, Any]) -> str:
    """Everything the agent sent its model in one request, as text."""
    return json.dumps(request.get("messages") or request.get("input"))


def _aider_side(request: dict[str, Any]) -> str | None:
    """aider summarizes its chat history on the side, with a prompt of its own."""
    system = str(request["messages"][0].get("content"))
    return "We fixed squares.py." if system.startswith("*Briefly* summarize") else None


@pytest.mark.slow
@pytest.mark.skipif(not installed(AIDER), reason="aider missing: make agents")
def test_aider_edits_the_file_is_shown_the_failing_check_fixes_it_and_is_judged(
    squares: Target, tmp_path: Path
) -> None:
    """aider's whole-file edit format: the file's name, then its new text fenced."""
    wrong, right = (f"squares.py\n```python\n{text}```\n" for text in (WRONG_SQUARES, NEW_SQUARES))
    script = Script(steps=[wrong, right], side=_aider_side)
    with serve("openai", script) as url:
        _, record = _run(squares, tmp_path / "s", "agent:aider:openai/scripted", url)
    _judged(record, "agent:aider:openai/scripted")
    assert record.calls[0].note is None  # ./check wrote nothing there, aider's own files aside
    first, second = script.requests
    assert "squares.py" in _said(first) and "Run ./check" in _said(first)  # the task and file
    assert VERDICT in _said(second) and "wrong result" in _said(second)  # ./check failed


def _claude_side(request: dict[str, Any]) -> str | None:
    """Claude Code's requests without its tools (a title, a quota check) are no steps."""
    return None if "Bash" in tool_names(request) else "ok"


def _no_side(request: dict[str, Any]) -> str | None:
    return None


def _needs(recipe: Recipe) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not installed(recipe), reason=f"{recipe.name} missing: make agents")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("optimizer", "protocol", "side"),
    [
        pytest.param("agent:codex:scripted", "responses", _no_side, marks=_needs(CODEX)),
        pytest.param("agent:claude-code:scripted", "anthropic", _claude_side, marks=_needs(CLAUDE_CODE)),
    ],
    ids=["codex", "claude-code"],
)  # fmt: skip
def test_a_tool_calling_agent_edits_runs_the_check_fixes_the_file_and_is_judged(
    optimizer: str,
    protocol: str,
    side: Callable[[dict[str, Any]], str | None],
    squares: Target,
    tmp_path: Path,
) -> None:
    """Codex CLI over the responses API (its `exec_command` tool), Claude Code over Anthropic
    messages (its `Bash` tool), both streamed."""
    steps = [f"bash:{WRITE_WRONG}", "bash:./check", f"bash:{WRITE}", "bash:./check", "Done."]
    script = Script(steps=steps, side=side)
    with serve(protocol, script) as url:
        _, record = _run(squares, tmp_path / "s", optimizer, url)
    _judged(record, optimizer)
    assert len(script.requests) == 5 and all(r["stream"] for r in script.requests)
    failed, passed = _said(script.requests[2]), _said(script.requests[4])
    assert VERDICT in failed and "wrong result" in failed and "ACCEPTED" in passed
