"""What the SDK providers share: keys, base URLs, the lazy SDK import, errors, costs, and sending a
call again without a setting the API refuses."""

import importlib
import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any, ClassVar

from harness.errors import ConfigError, missing
from harness.providers.base import Completion, Message, ProviderError, ReplyFormat
from harness.providers.pricing import cost_usd

SDK_VERSIONS = {"openai": "openai==3.54.0", "anthropic": "anthropic==2.12.0"}
Answer = tuple[str, int, int]  # (answer text, input tokens, output tokens)


def import_sdk(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise missing(f"the {name} provider", SDK_VERSIONS[name]) from None


def api_key(variable: str, base_url: str | None) -> str:
    """The key from the environment. A custom server (base URL given) may need none."""
    key = os.environ.get(variable)
    if key:
        return key
    if base_url:
        return "not-needed"
    raise ConfigError(f"{variable} is not set; export it, or pass --base-url for a local server")


@dataclass(frozen=True)
class Ask:
    """One call as asked; a setting left None is not sent."""

    messages: list[Message]
    max_tokens: int
    temperature: float | None = None
    reply_format: ReplyFormat | None = None


class SDKProvider(ABC):
    """A provider over an official SDK, which retries 429s, 5xx, timeouts and dropped
    connections itself; what still fails becomes a ProviderError."""

    kind = ""
    key_variable = ""
    url_variable = ""
    # Settings a model may refuse, with the words that name them in the API's error: the call is
    # sent again without them (newer models refuse `temperature`).
    refusable: ClassVar[dict[str, tuple[str, ...]]] = {"temperature": ("temperature",)}

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 4,
        prices: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        sdk = import_sdk(self.kind)
        url = base_url or os.environ.get(self.url_variable) or None
        key = api_key(self.key_variable, url)
        self.client = self.make_client(sdk, key, url, timeout, max_retries)
        # the SDK's errors, and answers that are not JSON or lack the expected fields
        self.errors = (self.sdk_error(sdk), ValueError, AttributeError, TypeError, IndexError)
        self.model, self.prices, self.name = model, prices, f"{self.kind}:{model}"
        self.refused: set[str] = set()  # settings this model refused: not sent again

    @abstractmethod
    def make_client(
        self, sdk: ModuleType, key: str, url: str | None, timeout: float, max_retries: int
    ) -> Any:
        """The SDK's client, with the SDK's own retry and timeout settings."""

    @abstractmethod
    def sdk_error(self, sdk: ModuleType) -> type[Exception]:
        """The SDK's base exception."""

    @abstractmethod
    def request(self, ask: Ask) -> Answer:
        """One call through the SDK."""

    def complete(
        self,
        messages: list[Message],
        temperature: float | None,
        max_tokens: int,
        reply_format: ReplyFormat | None = None,
    ) -> Completion:
        started = time.perf_counter()
        try:
            answer, skipped = self.send(Ask(messages, max_tokens, temperature, reply_format))
        except self.errors as exc:
            raise ProviderError(f"{self.name}: {type(exc).__name__}: {exc}"[:500]) from None
        text, input_tokens, output_tokens = answer
        seconds = time.perf_counter() - started
        cost = cost_usd(self.kind, self.model, input_tokens, output_tokens, self.prices)
        note = f"sent without {', '.join(skipped)}: the API refused it" if skipped else None
        return Completion(text, self.model, input_tokens, output_tokens, seconds, cost, note)

    def send(self, ask: Ask) -> tuple[Answer, list[str]]:
        """The answer, and the settings asked for that it went without: those the API refused,
        on this call or an earlier one (the model will not change its mind)."""
        skipped = sorted(s for s in self.refused if getattr(ask, s) is not None)
        without: dict[str, Any] = dict.fromkeys(skipped)
        sent = replace(ask, **without)
        try:
            return self.request(sent), skipped
        except self.errors as exc:
            setting = self.refusal(sent, exc)
            if setting is None:
                raise
        self.refused.add(setting)
        return self.send(ask)

    def refusal(self, sent: Ask, error: Exception) -> str | None:
        """A setting the call as sent carried that the API's error names (calls in flight on
        other threads may have learnt it already). Any HTTP status: servers differ (llama.cpp's
        answers an unknown reply format with a 500)."""
        if getattr(error, "status_code", None) is None:
            return None
        message = str(error).lower()
        for setting, words in self.refusable.items():
            carried = getattr(sent, setting) is not None
            if carried and any(word in message for word in words):
                return setting
        return None
