"""What the SDK providers share: keys, base URLs, the lazy SDK import, errors, costs."""

import importlib
import os
import time
from abc import ABC, abstractmethod
from types import ModuleType
from typing import Any

from harness.errors import ConfigError
from harness.providers.base import Completion, Message, ProviderError
from harness.providers.pricing import cost_usd

SDK_VERSIONS = {"openai": "openai==3.54.0", "anthropic": "anthropic==2.12.0"}


def import_sdk(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ConfigError(
            f"the {name} provider needs its SDK: pip install '{SDK_VERSIONS[name]}'"
        ) from None


def api_key(variable: str, base_url: str | None) -> str:
    """The key from the environment. A custom server (base URL given) may need none."""
    key = os.environ.get(variable)
    if key:
        return key
    if base_url:
        return "not-needed"
    raise ConfigError(f"{variable} is not set; export it, or pass --base-url for a local server")


class SDKProvider(ABC):
    """A provider over an official SDK, which retries 429s, 5xx, timeouts and dropped
    connections itself; what still fails becomes a ProviderError."""

    kind = ""
    key_variable = ""
    url_variable = ""

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

    @abstractmethod
    def make_client(
        self, sdk: ModuleType, key: str, url: str | None, timeout: float, max_retries: int
    ) -> Any:
        """The SDK's client, with the SDK's own retry and timeout settings."""

    @abstractmethod
    def sdk_error(self, sdk: ModuleType) -> type[Exception]:
        """The SDK's base exception."""

    @abstractmethod
    def request(
        self, messages: list[Message], temperature: float, max_tokens: int
    ) -> tuple[str, int, int]:
        """(answer text, input tokens, output tokens)"""

    def complete(self, messages: list[Message], temperature: float, max_tokens: int) -> Completion:
        started = time.perf_counter()
        try:
            text, input_tokens, output_tokens = self.request(messages, temperature, max_tokens)
        except self.errors as exc:
            raise ProviderError(f"{self.name}: {type(exc).__name__}: {exc}"[:500]) from None
        seconds = time.perf_counter() - started
        cost = cost_usd(self.kind, self.model, input_tokens, output_tokens, self.prices)
        return Completion(text, self.model, input_tokens, output_tokens, seconds, cost or 0.0)
