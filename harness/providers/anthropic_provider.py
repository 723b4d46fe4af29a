"""`anthropic:MODEL` through the official SDK (Messages API)."""

from types import ModuleType
from typing import Any

from harness.providers.base import Message
from harness.providers.sdk import SDKProvider


class AnthropicProvider(SDKProvider):
    kind, key_variable, url_variable = "anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"

    def make_client(
        self, sdk: ModuleType, key: str, url: str | None, timeout: float, max_retries: int
    ) -> Any:
        return sdk.Anthropic(api_key=key, base_url=url, timeout=timeout, max_retries=max_retries)

    def sdk_error(self, sdk: ModuleType) -> type[Exception]:
        error: type[Exception] = sdk.AnthropicError
        return error

    def request(
        self, messages: list[Message], temperature: float, max_tokens: int
    ) -> tuple[str, int, int]:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        turns = [{"role": m.role, "content": m.content} for m in messages if m.role != "system"]
        response = self.client.messages.create(
            model=self.model,
            messages=turns,
            max_tokens=max_tokens,
            **({"system": system} if system else {}),
            # This SDK version has no `temperature` argument; the wire API takes it.
            extra_body={"temperature": temperature},
        )
        text = "".join(b.text for b in response.content if getattr(b, "type", "") == "text")
        return text, response.usage.input_tokens or 0, response.usage.output_tokens or 0
