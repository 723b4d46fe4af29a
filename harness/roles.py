"""The role interfaces. Each role has a subpackage holding its implementations."""

from typing import TYPE_CHECKING, Any, Protocol

from harness.providers.base import Completion, Message
from harness.targets.code import Code
from harness.targets.loader import Target
from harness.verify.verdict import Verdict

if TYPE_CHECKING:
    from harness.bench.runner import BenchOutcome
    from harness.loop.optimizer import Proposal
    from harness.loop.validator import Review
    from harness.store.entries import CandidateEntry, SessionEntry


class Evaluator(Protocol):
    """Judges a candidate module for a target and returns a verdict with its reasons."""

    def evaluate(self, target: Target, source: Code, seed: int | None = None) -> Verdict: ...


class Provider(Protocol):
    """A model behind `PROVIDER:MODEL`: messages in, one answer with its usage out."""

    name: str

    def complete(
        self, messages: list[Message], temperature: float, max_tokens: int
    ) -> Completion: ...


class Optimizer(Protocol):
    """Proposes a new module for the target, given the current best and what went before."""

    def propose(
        self, target: Target, current: Code, profile: str, history: str, hint: str = ""
    ) -> "Proposal": ...

    def repair(self, target: Target, failed: Code, problem: str, current: Code) -> "Proposal":
        """A fix of `failed`, a candidate that gave wrong results for the reason `problem`."""
        ...


class Validator(Protocol):
    """Reviews a correct candidate: approve or reject, and inputs designed to break it."""

    def review(self, target: Target, diff: str, facts: str) -> "Review": ...


class Benchmark(Protocol):
    """Times contenders against each other until the chosen pair's interval is decisive."""

    def run(self, decide_pair: tuple[str, str] | None = None) -> "BenchOutcome": ...


class Store(Protocol):
    """The experiment store: sessions and their judged candidates, written as they happen and
    read back as rows (see `harness.store.entries` for the columns)."""

    def start_session(self, session: "SessionEntry") -> None: ...

    def log_candidate(self, session_id: str, entry: "CandidateEntry") -> None: ...

    def finish_session(self, session_id: str, result: dict[str, Any]) -> None: ...

    def sessions(self, target: str | None = None) -> list[dict[str, Any]]: ...

    def candidates(self, session_id: str) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...
