"""`openai:MODEL` through the official SDK (any OpenAI-compatible server via the base URL)."""

from types import ModuleType
from typing import Any, ClassVar

from harness.providers.base import ReplyFormat
from harness.providers.sdk import Answer, Ask, SDKProvider


class OpenAIProvider(SDKProvider):
    kind, key_variable, url_variable = "openai", "OPENAI_API_KEY", "OPENAI_BASE_URL"
    # Reasoning models refuse `temperature`; compatible servers (llama.cpp's among them) may
    # refuse a `json_schema` reply format.
    refusable: ClassVar[dict[str, tuple[str, ...]]] = {
        "temperature": ("temperature",),
        "reply_format": ("response_format", "json_schema"),
    }

    def make_client(
        self, sdk: ModuleType, key: str, url: str | None, timeout: float, max_retries: int
    ) -> Any:
        return sdk.OpenAI(api_key=key, base_url=url, timeout=timeout, max_retries=max_retries)

    def sdk_error(self, sdk: ModuleType) -> type[Exception]:
        error: type[Exception] = sdk.OpenAIError
        return error

    def request(self, ask: Ask) -> Answer:
        response = self.client.chat.completions.create(
            model=self.model,
            messages=[{"role": m.role, "content": m.content} for m in ask.messages],
            max_tokens=ask.max_tokens,
            **_options(ask),
        )
        usage = response.usage
        return (
            response.choices[0].message.content or "",
            usage.prompt_tokens or 0,
            usage.completion_tokens or 0,
        )


def _options(ask: Ask) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if ask.temperature is not None:
        options["temperature"] = ask.temperature
    if ask.reply_format is not None:
        options["response_format"] = _response_format(ask.reply_format)
    return options


def _response_format(fmt: ReplyFormat) -> dict[str, Any]:
    # Not strict: strict mode refuses schemas with untyped parts, such as a list of any values.
    schema = {"name": fmt.name, "schema": fmt.schema, "strict": False}
    if fmt.description:
        schema["description"] = fmt.description
    return {"type": "json_schema", "json_schema": schema}
