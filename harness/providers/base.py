"""What every provider takes and gives back."""

from dataclasses import dataclass
from typing import Any, Protocol

from harness.errors import HarnessError


@dataclass(frozen=True)
class Message:
    role: str  # system, user or assistant
    content: str


@dataclass(frozen=True)
class ReplyFormat:
    """A JSON schema the answer must follow. Providers that can enforce one do (a grammar, a
    structured-output mode, a forced tool); the others leave it to the prompt, so callers still
    check the answer."""

    name: str  # the schema's name on the wire: letters, digits, `_` and `-`
    schema: dict[str, Any]
    description: str = ""


@dataclass(frozen=True)
class Completion:
    """One model answer with its usage. `cost_usd` comes from the price table (None: the model
    is not in it, so its cost is unknown, never silently $0)."""

    text: str
    model: str
    input_tokens: int
    output_tokens: int
    seconds: float
    cost_usd: float | None = 0.0
    # What the provider changed to get an answer, e.g. a setting the API refused and the call
    # was sent again without; None when the call went as asked.
    note: str | None = None


class Provider(Protocol):
    """A model behind `PROVIDER:MODEL`: messages in, one answer with its usage out.

    A `temperature` of None leaves it to the model's default (some models refuse any); a
    `reply_format` asks for JSON following its schema, where the backend can enforce one."""

    name: str

    def complete(
        self,
        messages: list[Message],
        temperature: float | None,
        max_tokens: int,
        reply_format: ReplyFormat | None = None,
    ) -> Completion: ...


class ProviderError(HarnessError):
    """A call failed for good (after the SDK's own retries); the loop records it and goes on."""
