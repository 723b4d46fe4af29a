"""One contract for every provider, run against the real SDKs over HTTP on 127.0.0.1 and against
the scripted fake; faults injected by the servers are retried or reported, never fatal."""

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import Script, serve

from harness.errors import ConfigError, missing
from harness.loop.validator import REPLY_FORMAT, LLMValidator
from harness.providers import Message, ProviderError, ReplyFormat, make_provider
from harness.targets.loader import Target

MESSAGES = [Message("system", "You optimize code."), Message("user", "Make it faster.")]
VERDICT = ReplyFormat(
    "verdict",
    {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]},
    "Whether it is ok.",
)
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
    assert completion.seconds >= 0
    # a scripted model is free; these test models have no price: unknown, not $0
    assert completion.cost_usd == (0.0 if backend.kind == "fake" else None)  # type: ignore[attr-defined]


def test_answers_come_in_order(backend: Backend) -> None:
    provider, _ = backend(["one", "two"])
    assert [provider.complete(MESSAGES, 0.2, 50).text for _ in range(2)] == ["one", "two"]


def test_an_empty_answer_is_returned_as_empty_text(backend: Backend) -> None:
    provider, _ = backend([EMPTY[backend.kind]])  # type: ignore[attr-defined]
    assert provider.complete(MESSAGES, 0.2, 50).text == ""


def test_a_reply_format_gives_the_json_answer_as_text(backend: Backend) -> None:
    provider, _ = backend(['{"ok": false}'])
    assert json.loads(provider.complete(MESSAGES, 0.2, 50, VERDICT).text) == {"ok": False}


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
def test_temperature_is_sent_only_when_set(protocol: str) -> None:
    script = Script(steps=["ok", "ok"])
    with serve(protocol, script) as url:
        provider = make_provider(f"{protocol}:m", base_url=url, timeout=2.0, max_retries=0)
        unset = provider.complete(MESSAGES, None, 50)
        provider.complete(MESSAGES, 0.4, 50)
    assert "temperature" not in script.requests[0] and unset.note is None
    assert script.requests[1]["temperature"] == 0.4


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
def test_a_refused_temperature_is_dropped_and_noted(protocol: str) -> None:
    script = Script(steps=["answered", "again"], refuse={"temperature"})
    with serve(protocol, script) as url:
        provider = make_provider(f"{protocol}:m", base_url=url, timeout=2.0, max_retries=0)
        done = [provider.complete(MESSAGES, 0.7, 50) for _ in range(2)]
    assert [d.text for d in done] == ["answered", "again"]
    assert all(d.note is not None and "temperature" in d.note for d in done)
    # refused once, then not sent again to the same model
    assert [r.get("temperature") for r in script.requests] == [0.7, None, None]


def test_a_session_sends_no_temperature_to_a_hosted_api_unless_set_and_records_a_refusal(
    squares: Target, tmp_path: Path
) -> None:
    from harness.loop.session import Session
    from harness.loop.settings import SessionSettings

    answer = "```python\ndef squares(xs):\n    return xs\n```"
    script = Script(steps=[answer] * 4, refuse={"temperature"})
    with serve("anthropic", script) as url:
        for chosen, folder in [(None, "unset"), (0.3, "set")]:
            settings = SessionSettings(
                optimizer="anthropic:m", base_url=url, temperature=chosen, use_profile=False
            )
            session = Session.from_settings(squares, settings, tmp_path / folder)
            notes = [proposal.call.note for proposal in session.ask()]  # two calls at once
            assert notes == [None, None] if chosen is None else all(notes), notes
    sent = [request.get("temperature", "left out") for request in script.requests]
    assert sent[:2] == ["left out", "left out"] and sent[2] == 0.3
    # Each call ends answered without it: sent again after its refusal, or, started after the
    # other call's refusal, without it at once.
    assert sent.count("left out") == 4 and sent.count(0.3) in (1, 2)


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
def test_other_bad_requests_are_not_sent_again(protocol: str) -> None:
    script = Script(steps=["400", "never"], refuse={"max_tokens"})
    with serve(protocol, script) as url:
        provider = make_provider(f"{protocol}:m", base_url=url, timeout=2.0, max_retries=2)
        with pytest.raises(ProviderError, match="max_tokens"):
            provider.complete(MESSAGES, 0.7, 50)
        script.refuse.clear()
        with pytest.raises(ProviderError, match="400"):
            provider.complete(MESSAGES, 0.7, 50)
    assert len(script.requests) == 2


def test_the_reply_format_reaches_the_wire() -> None:
    openai, anthropic = Script(steps=['{"ok": true}']), Script(steps=['{"ok": true}'])
    with serve("openai", openai) as url:
        make_provider("openai:m", base_url=url).complete(MESSAGES, None, 50, VERDICT)
    with serve("anthropic", anthropic) as url:
        make_provider("anthropic:m", base_url=url).complete(MESSAGES, None, 50, VERDICT)
    schema = {"name": "verdict", "schema": VERDICT.schema, "description": "Whether it is ok."}
    assert openai.requests[0]["response_format"] == {
        "type": "json_schema",
        "json_schema": {**schema, "strict": False},
    }
    tool = {"name": "verdict", "input_schema": VERDICT.schema, "description": "Whether it is ok."}
    assert anthropic.requests[0]["tools"] == [tool]
    assert anthropic.requests[0]["tool_choice"] == {"type": "tool", "name": "verdict"}


@pytest.mark.parametrize("status", [400, 500])  # llama.cpp's server answers 500
def test_a_server_refusing_the_reply_format_gets_the_call_without_it(status: int) -> None:
    script = Script(steps=["prose"], refuse={"response_format"}, refuse_status=status)
    with serve("openai", script) as url:
        provider = make_provider("openai:m", base_url=url, max_retries=1)
        done = provider.complete(MESSAGES, None, 50, VERDICT)
    assert done.text == "prose" and done.note is not None and "reply_format" in done.note
    assert "response_format" not in script.requests[-1]


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
def test_the_validator_asks_for_its_schema_and_reads_the_reply(
    protocol: str, squares: Target
) -> None:
    reply = {"inputs": [[[2, -3]]], "approve": False, "reasons": ["caches results"]}
    script = Script(steps=[json.dumps(reply)])
    with serve(protocol, script) as url:
        validator = LLMValidator(make_provider(f"{protocol}:m", base_url=url), 0.2, 200)
        review = validator.review(squares, "-a\n+b", "2.0x", "b")
    assert not review.approve and review.reasons == ["caches results"]
    assert review.inputs == [[[2, -3]]]
    request = script.requests[0]
    if protocol == "anthropic":
        assert request["tools"][0]["input_schema"] == REPLY_FORMAT.schema
    else:
        assert request["response_format"]["json_schema"]["schema"] == REPLY_FORMAT.schema


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
@pytest.mark.parametrize("answer", ["It looks fine to me.", '{"verdict": "fine"}'])
def test_a_validator_reply_off_the_schema_is_no_objection(
    protocol: str, answer: str, squares: Target
) -> None:
    with serve(protocol, Script(steps=[answer])) as url:
        validator = LLMValidator(make_provider(f"{protocol}:m", base_url=url), 0.2, 200)
        review = validator.review(squares, "-a\n+b", "2.0x", "b")
    assert review.approve and review.inputs == []
    if answer.startswith("It"):
        assert review.reasons == ["no review (the answer held no JSON object)"]


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


def test_providers_load_their_modules_only_when_made() -> None:
    probe = "import sys, harness.providers; print(sorted({'openai', 'anthropic', 'llama_cpp', 'harness.providers.openai_provider'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_missing_sdk_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # import fails as if not installed
    with pytest.raises(ConfigError) as raised:
        make_provider("anthropic:m", base_url="http://127.0.0.1:9")
    expected = "the anthropic provider needs anthropic: pip install 'anthropic==2.12.0'"
    assert str(raised.value) == expected


def test_install_hints_name_the_exact_line() -> None:
    assert str(missing("the MLflow store", "mlflow==3.17.2")) == (
        "the MLflow store needs mlflow: pip install 'mlflow==3.17.2'"
    )
    local = missing("x", "llama-cpp-python[server]==0.3.36", env="CMAKE_ARGS=-DA", instead="make")
    assert str(local) == (
        "x needs llama-cpp-python[server]: make (or: CMAKE_ARGS=-DA pip install "
        "'llama-cpp-python[server]==0.3.36')"
    )


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
