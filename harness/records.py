"""What a session records, one type per concept along a candidate's path: its code, the model
calls that made and reviewed it, its verdict and review, and the one frozen record that holds
them. JSON only at the edges: `to_json` for the journal and the store's files, `from_json` for
resume."""

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from harness.verdict import Verdict

# A single-file target's code is the module's text; a multi-file target's is every editable
# file's text by its path in the repository.
Code = str | dict[str, str]
Status = Literal["accepted", "rejected", "invalid"]


@dataclass(frozen=True)
class ModelCall:
    role: str  # optimizer or validator
    provider: str
    prompt_version: str
    prompt: str
    answer: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0  # None: the model has no price, its cost is unknown
    seconds: float = 0.0
    error: str | None = None
    started_at: float = 0.0  # epoch seconds when the call began (0: not known)
    note: str | None = None  # what the provider changed to get an answer (a refused setting)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ModelCall":
        return cls(**{key: value for key, value in data.items() if key in _CALL_FIELDS})


_CALL_FIELDS = set(ModelCall.__dataclass_fields__)


@dataclass(frozen=True)
class Review:
    """The validator's review of a correct, faster candidate, and the inputs it chose to break
    it (run against the reference like any input)."""

    approve: bool
    reasons: list[str]
    inputs: list[list[Any]] = field(default_factory=list)
    call: ModelCall | None = None  # recorded with the candidate's calls, not here

    def to_json(self) -> dict[str, Any]:
        return {"approve": self.approve, "reasons": self.reasons, "inputs": self.inputs}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Review":
        return cls(bool(data["approve"]), list(data["reasons"]), list(data.get("inputs", [])))


@dataclass(frozen=True)
class CandidateRecord:
    id: str
    round: int
    parent: str
    status: Status
    reason: str
    seed: int
    source: Code | None = None
    diff: str = ""
    verdict: Verdict | None = None
    review: Review | None = None
    calls: tuple[ModelCall, ...] = ()
    seconds: float = 0.0  # time to judge it
    repair_of: str | None = None  # the failed candidate this one is a fix of
    stage: int = 1  # of the relay
    optimizer: str = ""  # which of the stage's optimizers proposed it

    @property
    def speedup(self) -> float | None:
        return self.verdict.speedup if self.verdict is not None else None

    @property
    def speedup_ci(self) -> tuple[float, float] | None:
        return self.verdict.speedup_ci if self.verdict is not None else None

    def decided(self, status: Status, reason: str) -> "CandidateRecord":
        return replace(self, status=status, reason=reason)

    def to_json(self) -> dict[str, Any]:
        data = {key: getattr(self, key) for key in _RECORD_FIELDS}
        data["verdict"] = self.verdict.to_json() if self.verdict is not None else None
        data["review"] = self.review.to_json() if self.review is not None else None
        data["calls"] = [asdict(call) for call in self.calls]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CandidateRecord":
        known = {key: value for key, value in data.items() if key in _RECORD_FIELDS}
        verdict, review = known.pop("verdict", None), known.pop("review", None)
        known.pop("calls", None)
        return cls(
            **known,
            verdict=Verdict.from_json(verdict) if verdict else None,
            review=Review.from_json(review) if review else None,
            calls=tuple(ModelCall.from_json(call) for call in data.get("calls", [])),
        )


_RECORD_FIELDS = list(CandidateRecord.__dataclass_fields__)
