"""Model providers, selected as `PROVIDER:MODEL`; SDKs are imported only when used."""

import importlib
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError
from harness.providers.base import Completion, Message, ProviderError

if TYPE_CHECKING:
    from harness.roles import Provider

_PROVIDERS = {
    "openai": "harness.providers.openai_provider:OpenAIProvider",
    "anthropic": "harness.providers.anthropic_provider:AnthropicProvider",
    "fake": "harness.providers.fake:FakeProvider",
    "fake-tuned": "harness.providers.fake_tuned:FakeTunedProvider",
    "local": "harness.providers.local_provider:LocalProvider",
}


def provider_names() -> list[str]:
    return sorted(_PROVIDERS)


def make_provider(spec: str, **options: Any) -> "Provider":
    """A provider for `PROVIDER:MODEL`; an unknown provider lists the valid ones."""
    kind, _, model = spec.partition(":")
    if kind not in _PROVIDERS:
        raise ConfigError(
            f"unknown provider {kind!r} in {spec!r}; valid providers: {', '.join(provider_names())}"
        )
    if not model:
        raise ConfigError(f"{spec!r} names no model; write {kind}:MODEL")
    module, _, name = _PROVIDERS[kind].partition(":")
    provider: Provider = getattr(importlib.import_module(module), name)(model, **options)
    return provider


__all__ = ["Completion", "Message", "ProviderError", "make_provider", "provider_names"]
