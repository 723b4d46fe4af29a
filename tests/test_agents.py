"""Coding agents as optimizers: a real agent CLI (mini-swe-agent, installed by `make agents`)
driven by a scripted model over HTTP on 127.0.0.1, and `agent:cmd:` commands that edit what they
must not, hang, or do the job."""

import os
from dataclasses import replace
from pathlib import Path

import pytest
from servers import Script, serve

from harness.agents.recipes import MINI_SWE_AGENT, Recipe
from harness.agents.runner import find_executable
from harness.bench.runner import BenchSettings
from harness.errors import HarnessError
from harness.loop.session import Session
from harness.loop.settings import SessionSettings
from harness.targets.loader import Target

BENCH = BenchSettings(budget_seconds=4)
NEW_SQUARES = "def squares(xs):\n    return [x * x for x in xs]\n"
WRITE = f"cat > squares.py <<'EOF'\n{NEW_SQUARES}EOF"


def agent_session(target: Target, folder: Path, optimizer: str, **agent: object) -> Session:
    settings = SessionSettings(
        optimizer=optimizer, validator_veto="off", rounds=1, candidates=1, use_profile=False,
        bench=BENCH, agent=agent,  # type: ignore[arg-type]
    )  # fmt: skip
    return Session.from_settings(target, settings, folder)


def installed(recipe: Recipe) -> bool:
    try:
        find_executable(recipe)
    except HarnessError:
        if os.environ.get("CI") == "true":
            raise  # `make test` installs it: never skipped there
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not installed(MINI_SWE_AGENT), reason="mini-swe-agent missing: make agents")
def test_mini_swe_agent_edits_runs_the_check_and_its_edit_is_judged(
    squares: Target, tmp_path: Path
) -> None:
    script = Script(
        steps=[f"bash:{WRITE}", "bash:./check", "bash:echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"]
    )
    with serve("openai", script) as url:
        session = agent_session(
            squares, tmp_path / "s", "agent:mini-swe-agent:openai/scripted", base_url=url,
            time_limit_seconds=300,
        )  # fmt: skip
        session.run()
    [record] = session.records
    assert record.status == "accepted", record.reason
    assert (
        record.source == NEW_SQUARES and record.optimizer == "agent:mini-swe-agent:openai/scripted"
    )
    [call] = record.calls
    assert call.provider == "agent:mini-swe-agent:openai/scripted" and call.error is None
    assert call.input_tokens > 0 and call.output_tokens > 0  # from the agent's own trajectory
    assert "$ ./check" in call.answer and "harness verify squares" in call.answer  # its verdict
    assert "[exit status] Submitted" in call.answer
    assert (
        len(script.requests) == 3 and script.requests[0]["tools"][0]["function"]["name"] == "bash"
    )
    assert "Run ./check" in script.requests[0]["messages"][1]["content"]  # the task it was given


def test_a_command_agent_that_edits_a_test_and_other_files_has_them_ignored_and_reported(
    squares: Target, tmp_path: Path
) -> None:
    tests = squares.folder / "tests"
    tests.mkdir()
    (tests / "test_squares.py").write_text("def test_it():\n    assert True\n")
    command = (
        f"{WRITE}\n"
        "echo 'def test_it(): pass' > tests/test_squares.py 2>/dev/null; "
        "echo notes > notes.txt; echo hacked > inputs_copy.py; "
        "cat TASK.md | head -c 0"
    )
    session = agent_session(squares, tmp_path / "s", f"agent:cmd:{command}")
    session.run()
    [record] = session.records
    assert record.source == NEW_SQUARES and record.status == "accepted", record.reason
    note = record.calls[0].note or ""
    assert "ignored changes outside the editable files" in note
    assert "notes.txt" in note and "inputs_copy.py" in note
    assert "tests/test_squares.py" not in note  # read-only in the box: the edit failed
    assert (tests / "test_squares.py").read_text() == "def test_it():\n    assert True\n"


def test_an_agent_that_hangs_is_killed_at_its_limit_and_the_session_goes_on(
    squares: Target, tmp_path: Path
) -> None:
    marker = tmp_path / "still-running"
    command = f"{WRITE}\nsleep 60; touch {marker}"
    session = agent_session(squares, tmp_path / "s", f"agent:cmd:{command}", time_limit_seconds=2)
    reason = session.run()
    [record] = session.records
    assert record.status == "invalid" and "killed at its time limit of 2 s" in record.reason
    assert reason == "1 rounds done" and record.calls[0].seconds < 10
    assert not marker.exists()


def test_an_agent_cannot_write_outside_its_scratch_copy(squares: Target, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    command = f"echo x > {outside}; {WRITE}"
    session = agent_session(squares, tmp_path / "s", f"agent:cmd:{command}")
    session.run()
    assert not outside.exists()
    assert (squares.folder / "squares.py").read_text() != NEW_SQUARES  # the user's file unharmed


def test_an_unknown_agent_lists_the_valid_ones(squares: Target, tmp_path: Path) -> None:
    from harness.errors import ConfigError

    with pytest.raises(
        ConfigError, match="valid agents: aider, claude-code, codex, mini-swe-agent, cmd"
    ):
        agent_session(squares, tmp_path / "s", "agent:nope:model")


def test_an_agents_calls_are_priced_as_its_model_unless_it_reports_a_cost() -> None:
    from harness.providers.pricing import named_cost, priced

    assert priced("agent:mini-swe-agent:openai/gpt-4o") and priced("agent:aider:gpt-4o-mini")
    assert not priced("agent:mini-swe-agent:openai/scripted") and not priced("agent:cmd:run.sh")
    cost = named_cost("agent:codex:gpt-4o", 1_000_000, 100_000)
    assert cost == pytest.approx(2.50 + 1.00)


SPECIAL_CASED = (
    "```python\ndef squares(xs):\n    if xs == [7, 7, 7]:\n        return [0, 0, 0]\n"
    "    return [x * x for x in xs]\n```"
)


def test_an_agent_validator_tries_inputs_in_the_sandbox_and_its_review_is_judged(
    squares: Target, tmp_path: Path
) -> None:
    import json

    script = tmp_path / "opt.json"
    script.write_text(json.dumps({"responses": [SPECIAL_CASED]}))
    review = (
        "./try '[[7, 7, 7]]' > tried.txt; ./try '[[1, 2]]' >> tried.txt; "
        "python3 -c \"import json; lines = open('tried.txt').read().splitlines(); "
        "json.dump({'approve': False, 'reasons': lines, 'inputs': [[[7, 7, 7]]]}, "
        "open('review.json', 'w'))\""
    )
    settings = SessionSettings(
        optimizer=f"fake:{script}", validator=f"agent:cmd:{review}", rounds=1, candidates=1,
        use_profile=False, bench=BENCH,
    )  # fmt: skip
    session = Session.from_settings(squares, settings, tmp_path / "s")
    session.run()
    [record] = session.records
    assert record.review is not None, record.reason
    tried, agreed = record.review.reasons
    assert tried.startswith("differs on [[7, 7, 7]]") and "expected 49, got 0" in tried
    assert agreed == "the candidate agrees with the reference on [[1, 2]]"
    assert record.status == "rejected" and "validator input breaks it" in record.reason
    validator_call = record.calls[-1]
    assert validator_call.role == "validator" and validator_call.provider.startswith("agent:cmd:")


def test_each_recipe_reads_usage_in_its_agents_own_format(tmp_path: Path) -> None:
    """The formats as these agents' current versions print them (aider 0.86.2, codex 0.169.0,
    Claude Code 2.1.332)."""
    from harness.agents.recipes import AIDER, CLAUDE_CODE, CODEX, AgentCall, Usage

    call = AgentCall(tmp_path, ["a.py"], "m", None, None, tmp_path, "task", 5, True)
    aider = (
        "Tokens: 1.2k sent, 345 received. Cost: $0.00039 message, $0.00039 session.\n"
        "Tokens: 650 sent, 5 received. Cost: $0.0001 message, $0.00049 session.\n"
    )
    assert AIDER.usage(call, aider) == Usage(1850, 350, 0.00049)
    assert AIDER.usage(call, "Tokens: 12k sent, 3 received.\n") == Usage(12000, 3, None)
    codex = "\n".join([
        '{"type":"thread.started","thread_id":"t"}',
        '{"type":"turn.completed","usage":{"input_tokens":223,"cached_input_tokens":20,'
        '"output_tokens":55,"reasoning_output_tokens":5}}',
    ])  # fmt: skip
    assert CODEX.usage(call, codex) == Usage(223, 55, None)
    claude = (
        '{"type":"result","subtype":"error_max_budget_usd","is_error":false,'
        '"total_cost_usd":0.0012,"usage":{"input_tokens":0,"output_tokens":0},'
        '"modelUsage":{"claude-x":{"inputTokens":223,"outputTokens":55,"costUSD":0.0012}}}'
    )
    assert CLAUDE_CODE.usage(call, "warming up\n" + claude) == Usage(223, 55, 0.0012)
    argv = CLAUDE_CODE.command(replace(call, budget_usd=0.5))
    assert argv[-4:] == ["--max-turns", "5", "--max-budget-usd", "0.5"]


PROBE = """python3 - <<'PY'
import json, os, socket, urllib.request
def post(url):
    request = urllib.request.Request(url, json.dumps({"model": "m", "messages": []}).encode(),
                                     {"content-type": "application/json"})
    try:
        return str(urllib.request.urlopen(request, timeout=5).status)
    except Exception as exc:
        return type(exc).__name__
def reach(host, port):
    try:
        socket.create_connection((host, port), timeout=3).close()
        return "open"
    except OSError as exc:
        return type(exc).__name__
print("api:", post(os.environ["HARNESS_BASE_URL"] + "/chat/completions"))
print("other port:", reach("127.0.0.1", OTHER))
print("outside:", reach("1.1.1.1", 80))
PY"""


def test_an_agent_reaches_its_model_api_and_nothing_else(squares: Target, tmp_path: Path) -> None:
    script = Script(steps=["hello"])
    with serve("openai", script) as url, serve("openai", Script(steps=["x"])) as other:
        port = other.split(":")[-1].split("/")[0]
        command = PROBE.replace("OTHER", port)
        session = agent_session(squares, tmp_path / "s", f"agent:cmd:{command}", base_url=url)
        session.run()
    answer = session.records[0].calls[0].answer
    assert "api: 200" in answer, answer
    assert "other port: ConnectionRefusedError" in answer
    assert "outside: OSError" in answer or "outside: TimeoutError" in answer, answer
    assert len(script.requests) == 1


def test_the_gate_lets_a_proxy_through_to_the_model_api_only(tmp_path: Path) -> None:
    import socket

    from harness.agents.egress import Destination, Gate

    with serve("openai", Script(steps=["hi"])) as url:
        port = int(url.split(":")[-1].split("/")[0])
        gate = Gate(tmp_path / "gate.sock", Destination("127.0.0.1", port), proxy=True)
        try:
            replies = []
            for target in [f"127.0.0.1:{port}", "example.com:443"]:
                with socket.socket(socket.AF_UNIX) as client:
                    client.connect(str(tmp_path / "gate.sock"))
                    client.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
                    replies.append(client.recv(200).split(b"\r\n")[0])
                    if target.startswith("127"):
                        body = b'{"model": "m", "messages": []}'
                        client.sendall(
                            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                            b"content-type: application/json\r\ncontent-length: "
                            + str(len(body)).encode()
                            + b"\r\nconnection: close\r\n\r\n"
                            + body
                        )
                        replies.append(client.recv(200).split(b"\r\n")[0])
        finally:
            gate.close()
    assert replies == [
        b"HTTP/1.1 200 Connection established",
        b"HTTP/1.0 200 OK",
        b"HTTP/1.1 403 Forbidden",
    ]
    assert gate.refused == ["example.com:443"]


def test_a_helper_request_that_is_not_a_list_of_strings_gets_a_usage_answer(
    tmp_path: Path,
) -> None:
    """The agent chooses only a helper's arguments; anything else is refused, not run."""
    import json
    import socket

    from harness.agents.helpers import HelperService

    path = tmp_path / "helper.sock"
    with (
        HelperService(path, "check", tmp_path, 30) as service,
        socket.socket(socket.AF_UNIX) as client,
    ):
        client.connect(str(path))
        client.sendall(b'{"args": [1, 2]}\n')
        reply = json.loads(b"".join(iter(lambda: client.recv(65536), b"")))
    assert reply["code"] == 2 and "bad request" in reply["output"]
    assert service.requests == 0
