"""What every provider takes and gives back."""

from dataclasses import dataclass

from harness.errors import HarnessError


@dataclass(frozen=True)
class Message:
    role: str  # system, user or assistant
    content: str


@dataclass(frozen=True)
class Completion:
    """One model answer with its usage. `cost_usd` comes from the price table."""

    text: str
    model: str
    input_tokens: int
    output_tokens: int
    seconds: float
    cost_usd: float = 0.0


class ProviderError(HarnessError):
    """A call failed for good (after the SDK's own retries); the loop records it and goes on."""
