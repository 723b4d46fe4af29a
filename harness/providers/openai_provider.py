"""`openai:MODEL` through the official SDK (any OpenAI-compatible server via the base URL)."""

from types import ModuleType
from typing import Any

from harness.providers.base import Message
from harness.providers.sdk import SDKProvider


class OpenAIProvider(SDKProvider):
    kind, key_variable, url_variable = "openai", "OPENAI_API_KEY", "OPENAI_BASE_URL"

    def make_client(
        self, sdk: ModuleType, key: str, url: str | None, timeout: float, max_retries: int
    ) -> Any:
        return sdk.OpenAI(api_key=key, base_url=url, timeout=timeout, max_retries=max_retries)

    def sdk_error(self, sdk: ModuleType) -> type[Exception]:
        error: type[Exception] = sdk.OpenAIError
        return error

    def request(
        self, messages: list[Message], temperature: float, max_tokens: int
    ) -> tuple[str, int, int]:
        response = self.client.chat.completions.create(
            model=self.model,
            messages=[{"role": m.role, "content": m.content} for m in messages],
            temperature=temperature,
            max_tokens=max_tokens,
        )
        usage = response.usage
        return (
            response.choices[0].message.content or "",
            usage.prompt_tokens or 0,
            usage.completion_tokens or 0,
        )
