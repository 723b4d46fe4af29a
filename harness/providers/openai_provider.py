"""`openai:MODEL` through the official SDK (any OpenAI-compatible server via the base URL)."""

import time
from typing import Any

from harness.providers.base import Completion, Message, ProviderError
from harness.providers.sdk import api_key, import_sdk, priced, resolve_base_url


class OpenAIProvider:
    kind = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 4,
        prices: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        openai = import_sdk("openai")
        url = resolve_base_url(base_url, "OPENAI_BASE_URL")
        # The SDK retries 429s, 5xx, timeouts and dropped connections with backoff.
        self.client = openai.OpenAI(
            api_key=api_key("OPENAI_API_KEY", url),
            base_url=url,
            timeout=timeout,
            max_retries=max_retries,
        )
        # SDK errors after its retries, and answers missing the expected fields
        self.errors: tuple[type[Exception], ...] = (
            openai.OpenAIError,
            ValueError,
            IndexError,
            AttributeError,
        )
        self.model, self.prices, self.name = model, prices, f"openai:{model}"

    def complete(self, messages: list[Message], temperature: float, max_tokens: int) -> Completion:
        started = time.perf_counter()
        try:
            response: Any = self.client.chat.completions.create(
                model=self.model,
                messages=[{"role": m.role, "content": m.content} for m in messages],
                temperature=temperature,
                max_tokens=max_tokens,
            )
            text = response.choices[0].message.content or ""
            usage = response.usage
        except self.errors as exc:
            raise ProviderError(f"{self.name}: {type(exc).__name__}: {exc}"[:500]) from None
        completion = Completion(
            text,
            self.model,
            getattr(usage, "prompt_tokens", 0) or 0,
            getattr(usage, "completion_tokens", 0) or 0,
            time.perf_counter() - started,
        )
        return priced(completion, self.kind, self.prices)
