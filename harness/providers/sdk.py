"""Shared set-up for the SDK providers: keys, base URLs, the SDK import, costs."""

import importlib
import os
from types import ModuleType

from harness.errors import ConfigError
from harness.providers.base import Completion
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


def resolve_base_url(given: str | None, variable: str) -> str | None:
    return given or os.environ.get(variable) or None


def priced(
    completion: Completion, provider: str, prices: dict[str, tuple[float, float]] | None
) -> Completion:
    cost = cost_usd(
        provider, completion.model, completion.input_tokens, completion.output_tokens, prices
    )
    return Completion(
        completion.text,
        completion.model,
        completion.input_tokens,
        completion.output_tokens,
        completion.seconds,
        cost or 0.0,
    )
