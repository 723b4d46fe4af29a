"""What a session records: model calls and candidates, as plain data for the journal."""

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from harness.providers.base import Completion
from harness.targets.code import Code

Status = Literal["accepted", "rejected", "invalid"]


@dataclass
class ModelCall:
    role: str  # optimizer or validator
    provider: str
    prompt_version: str
    prompt: str
    answer: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    error: str | None = None
    started_at: float = 0.0  # epoch seconds when the call began (0: not known)

    @classmethod
    def of(
        cls, role: str, provider: str, version: str, prompt: str, done: Completion
    ) -> "ModelCall":
        return cls(
            role,
            provider,
            version,
            prompt,
            done.text,
            done.input_tokens,
            done.output_tokens,
            done.cost_usd,
            done.seconds,
            started_at=time.time() - done.seconds,  # made the moment the answer arrives
        )


@dataclass
class CandidateRecord:
    id: str
    round: int
    parent: str
    status: Status
    reason: str
    seed: int
    source: Code | None = None
    diff: str = ""
    speedup: float | None = None
    speedup_ci: list[float] | None = None
    verdict: dict[str, Any] | None = None
    review: dict[str, Any] | None = None
    calls: list[ModelCall] = field(default_factory=list)
    seconds: float = 0.0  # time to judge it
    repair_of: str | None = None  # the failed candidate this one is a fix of
    # Its own verdict's timings in pytest-benchmark's format, for the store; large, so kept out
    # of the journal.
    benchmark: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if key != "benchmark"}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CandidateRecord":
        calls = [ModelCall(**call) for call in data.pop("calls", [])]
        return cls(**data, calls=calls)
