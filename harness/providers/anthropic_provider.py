"""`anthropic:MODEL` through the official SDK (Messages API)."""

import time
from typing import Any

from harness.providers.base import Completion, Message, ProviderError
from harness.providers.sdk import api_key, import_sdk, priced, resolve_base_url


class AnthropicProvider:
    kind = "anthropic"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 4,
        prices: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        anthropic = import_sdk("anthropic")
        url = resolve_base_url(base_url, "ANTHROPIC_BASE_URL")
        # The SDK retries 429s, 5xx (and 529 overloaded), timeouts and dropped connections.
        self.client = anthropic.Anthropic(
            api_key=api_key("ANTHROPIC_API_KEY", url),
            base_url=url,
            timeout=timeout,
            max_retries=max_retries,
        )
        self.errors: tuple[type[Exception], ...] = (
            anthropic.AnthropicError,
            ValueError,
            AttributeError,
            TypeError,
        )
        self.model, self.prices, self.name = model, prices, f"anthropic:{model}"

    def complete(self, messages: list[Message], temperature: float, max_tokens: int) -> Completion:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        turns = [{"role": m.role, "content": m.content} for m in messages if m.role != "system"]
        started = time.perf_counter()
        try:
            extra: dict[str, Any] = {"system": system} if system else {}
            response: Any = self.client.messages.create(
                model=self.model,
                messages=turns,
                max_tokens=max_tokens,
                # This SDK version has no `temperature` argument; the wire API takes it.
                extra_body={"temperature": temperature},
                **extra,
            )
            text = "".join(b.text for b in response.content if getattr(b, "type", "") == "text")
            usage = response.usage
        except self.errors as exc:
            raise ProviderError(f"{self.name}: {type(exc).__name__}: {exc}"[:500]) from None
        completion = Completion(
            text,
            self.model,
            getattr(usage, "input_tokens", 0) or 0,
            getattr(usage, "output_tokens", 0) or 0,
            time.perf_counter() - started,
        )
        return priced(completion, self.kind, self.prices)
