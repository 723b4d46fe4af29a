"""Model providers, selected as `PROVIDER:MODEL`; each loads its module (and SDK) only when used.

A new backend is one factory: `@PROVIDERS.register("name")` on a function `(model, **options)`
that imports its module inside and returns a `Provider`."""

from collections.abc import Callable
from typing import Any

from harness.errors import ConfigError
from harness.providers.base import Completion, Message, Provider, ProviderError, ReplyFormat
from harness.registry import Registry

ProviderFactory = Callable[..., Provider]  # (model, **options) -> Provider
PROVIDERS: Registry[ProviderFactory] = Registry("provider")


@PROVIDERS.register("openai")
def _openai(model: str, **options: Any) -> Provider:
    from harness.providers.openai_provider import OpenAIProvider

    return OpenAIProvider(model, **options)


@PROVIDERS.register("anthropic")
def _anthropic(model: str, **options: Any) -> Provider:
    from harness.providers.anthropic_provider import AnthropicProvider

    return AnthropicProvider(model, **options)


@PROVIDERS.register("local")
def _local(model: str, **options: Any) -> Provider:
    from harness.providers.local_provider import LocalProvider

    return LocalProvider(model, **options)


@PROVIDERS.register("fake")
def _fake(script: str, **options: Any) -> Provider:
    from harness.providers.fake import FakeProvider

    return FakeProvider(script, **options)


@PROVIDERS.register("fake-tuned")
def _fake_tuned(name: str, **options: Any) -> Provider:
    from harness.providers.fake_tuned import FakeTunedProvider

    return FakeTunedProvider(name, **options)


def provider_names() -> list[str]:
    return PROVIDERS.names()


def make_provider(spec: str, **options: Any) -> Provider:
    """A provider for `PROVIDER:MODEL`; an unknown provider lists the valid ones."""
    kind, _, model = spec.partition(":")
    if kind not in PROVIDERS.names():
        valid = ", ".join(PROVIDERS.names())
        raise ConfigError(f"unknown provider {kind!r} in {spec!r}; valid providers: {valid}")
    if not model:
        raise ConfigError(f"{spec!r} names no model; write {kind}:MODEL")
    return PROVIDERS.get(kind)(model, **options)


__all__ = [
    "PROVIDERS",
    "Completion",
    "Message",
    "Provider",
    "ProviderError",
    "ReplyFormat",
    "make_provider",
    "provider_names",
]
