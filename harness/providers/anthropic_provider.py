"""`anthropic:MODEL` through the official SDK (Messages API)."""

import json
from types import ModuleType
from typing import Any

from harness.providers.base import ReplyFormat
from harness.providers.sdk import Answer, Ask, SDKProvider


class AnthropicProvider(SDKProvider):
    kind, key_variable, url_variable = "anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"

    def make_client(
        self, sdk: ModuleType, key: str, url: str | None, timeout: float, max_retries: int
    ) -> Any:
        return sdk.Anthropic(api_key=key, base_url=url, timeout=timeout, max_retries=max_retries)

    def sdk_error(self, sdk: ModuleType) -> type[Exception]:
        error: type[Exception] = sdk.AnthropicError
        return error

    def request(self, ask: Ask) -> Answer:
        turns = [{"role": m.role, "content": m.content} for m in ask.messages if m.role != "system"]
        response = self.client.messages.create(
            model=self.model, messages=turns, max_tokens=ask.max_tokens, **_options(ask)
        )
        usage = response.usage
        return _text(response.content), usage.input_tokens or 0, usage.output_tokens or 0


def _options(ask: Ask) -> dict[str, Any]:
    """The system prompt, the temperature and the reply format, each only when there is one."""
    options: dict[str, Any] = {}
    system = "\n\n".join(m.content for m in ask.messages if m.role == "system")
    if system:
        options["system"] = system
    if ask.temperature is not None:
        # This SDK version has no `temperature` argument; the wire API takes it.
        options["extra_body"] = {"temperature": ask.temperature}
    if ask.reply_format is not None:
        options.update(_forced_tool(ask.reply_format))
    return options


def _forced_tool(fmt: ReplyFormat) -> dict[str, Any]:
    """The Messages API enforces a schema on a tool's input: one tool, which the model must call."""
    tool = {"name": fmt.name, "input_schema": fmt.schema}
    if fmt.description:
        tool["description"] = fmt.description
    return {"tools": [tool], "tool_choice": {"type": "tool", "name": fmt.name}}


def _text(content: list[Any]) -> str:
    """The forced tool's input as JSON text, else the text blocks."""
    for block in content:
        if getattr(block, "type", "") == "tool_use":
            return json.dumps(block.input)
    return "".join(b.text for b in content if getattr(b, "type", "") == "text")
