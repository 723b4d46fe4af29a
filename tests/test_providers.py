"""One contract for every provider, run against the real SDKs over HTTP on 127.0.0.1 and against
the scripted fake; faults injected by the servers are retried or reported, never fatal."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import Script, serve

from harness.errors import ConfigError
from harness.providers import Message, ProviderError, make_provider

MESSAGES = [Message("system", "You optimize code."), Message("user", "Make it faster.")]
Backend = Callable[[list[str]], tuple[Any, Script]]
EMPTY = {"openai": "empty", "anthropic": "empty", "fake": ""}  # how each backend scripts ""


@pytest.fixture(params=["openai", "anthropic", "fake"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    kind = request.param
    servers: list[Any] = []

    def make(steps: list[str]) -> tuple[Any, Script]:
        script = Script(steps=list(steps), timeout_seconds=1.0)
        if kind == "fake":
            path = tmp_path / "script.json"
            path.write_text(json.dumps({"responses": steps}))
            return make_provider(f"fake:{path}"), script
        server = serve(kind, script)
        url = server.__enter__()
        servers.append(server)
        return make_provider(f"{kind}:test-model", base_url=url, timeout=1.0, max_retries=3), script

    make.kind = kind  # type: ignore[attr-defined]
    yield make
    for server in servers:
        server.__exit__(None, None, None)


def test_answer_text_and_usage(backend: Backend) -> None:
    provider, _ = backend(["def f(): pass"])
    completion = provider.complete(MESSAGES, temperature=0.2, max_tokens=100)
    assert completion.text == "def f(): pass"
    assert completion.input_tokens > 0 and completion.output_tokens > 0
    assert completion.cost_usd >= 0 and completion.seconds >= 0


def test_answers_come_in_order(backend: Backend) -> None:
    provider, _ = backend(["one", "two"])
    assert [provider.complete(MESSAGES, 0.2, 50).text for _ in range(2)] == ["one", "two"]


def test_an_empty_answer_is_returned_as_empty_text(backend: Backend) -> None:
    provider, _ = backend([EMPTY[backend.kind]])  # type: ignore[attr-defined]
    assert provider.complete(MESSAGES, 0.2, 50).text == ""


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
def test_the_wire_request_carries_model_messages_and_settings(protocol: str) -> None:
    script = Script(steps=["ok"])
    with serve(protocol, script) as url:
        provider = make_provider(f"{protocol}:m1", base_url=url, timeout=2.0, max_retries=0)
        provider.complete(MESSAGES, temperature=0.3, max_tokens=77)
    request = script.requests[0]
    assert request["model"] == "m1" and request["temperature"] == 0.3
    assert request["max_tokens"] == 77
    if protocol == "anthropic":
        assert request["system"] == "You optimize code."
        assert request["messages"] == [{"role": "user", "content": "Make it faster."}]
    else:
        assert [m["role"] for m in request["messages"]] == ["system", "user"]


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
@pytest.mark.parametrize("fault", ["429", "500", "503", "drop", "timeout"])
def test_transient_faults_are_retried(protocol: str, fault: str) -> None:
    script = Script(steps=[fault, "recovered"], timeout_seconds=1.0)
    with serve(protocol, script) as url:
        provider = make_provider(f"{protocol}:m", base_url=url, timeout=1.0, max_retries=3)
        assert provider.complete(MESSAGES, 0.2, 50).text == "recovered"
    assert len(script.requests) == 2


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
def test_persistent_failure_becomes_a_provider_error(protocol: str) -> None:
    script = Script(steps=["500"] * 5)
    with serve(protocol, script) as url:
        provider = make_provider(f"{protocol}:m", base_url=url, timeout=1.0, max_retries=2)
        with pytest.raises(ProviderError, match="500"):
            provider.complete(MESSAGES, 0.2, 50)
    assert len(script.requests) == 3  # the first try and two retries


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
def test_garbage_replies_become_a_provider_error(protocol: str) -> None:
    with serve(protocol, Script(steps=["garbage"] * 4)) as url:
        provider = make_provider(f"{protocol}:m", base_url=url, timeout=1.0, max_retries=0)
        with pytest.raises(ProviderError):
            provider.complete(MESSAGES, 0.2, 50)


@pytest.mark.parametrize(
    ("spec", "variable"),
    [("openai:gpt-4o-mini", "OPENAI_API_KEY"), ("anthropic:claude", "ANTHROPIC_API_KEY")],
)
def test_missing_key_names_the_variable(
    spec: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match=f"^{variable} is not set"):
        make_provider(spec)


def test_unknown_provider_lists_the_valid_ones() -> None:
    with pytest.raises(
        ConfigError, match="valid providers: anthropic, fake, fake-tuned, local, openai"
    ):
        make_provider("gemini:pro")


def test_fake_script_errors_and_exhaustion(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"responses": [{"error": "overloaded"}, "fine"]}))
    provider = make_provider(f"fake:{path}")
    with pytest.raises(ProviderError, match="overloaded"):
        provider.complete(MESSAGES, 0.2, 10)
    assert provider.complete(MESSAGES, 0.2, 10).text == "fine"
    with pytest.raises(ProviderError, match="no responses left"):
        provider.complete(MESSAGES, 0.2, 10)


def test_bad_fake_script_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="fake script"):
        make_provider(f"fake:{tmp_path / 'missing.json'}")


def test_prices_turn_tokens_into_cost() -> None:
    from harness.providers.pricing import cost_usd

    assert cost_usd("openai", "gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert cost_usd("openai", "custom", 10, 10, {"custom": (1.0, 2.0)}) == pytest.approx(3e-5)
    assert cost_usd("openai", "unknown-model", 10, 10) is None
    assert cost_usd("fake", "anything", 10**6, 10**6) == 0.0
