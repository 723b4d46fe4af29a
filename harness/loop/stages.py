"""A relay's stages: each its optimizers and limits, started from the best of the stage before.

`plan` resolves the settings into stages; `StageMark` is where one began in a session, and
`stage_end` says why the current one is done."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from harness.loop.base import Optimizer
from harness.loop.choose import CHOOSERS
from harness.loop.settings import SessionSettings, StageSettings, temperature_for
from harness.records import CandidateRecord


@dataclass(frozen=True)
class Stage:
    number: int  # from 1
    optimizers: tuple[str, ...]
    choose: str
    rounds: int
    candidates: int
    patience: int
    temperature: float | None  # as chosen; None: each optimizer's default
    budget_usd: float | None  # this stage's own limits; the session's cap the whole relay
    budget_minutes: float | None

    def temperature_for(self, optimizer: str) -> float | None:
        return temperature_for(optimizer, self.temperature, 0.7)


@dataclass(frozen=True)
class StageMark:
    """Where a stage began in a session: its first round is `round + 1`."""

    number: int
    round: int
    best: str  # the candidate id it started from
    cost_usd: float
    minutes: float


def plan(settings: SessionSettings) -> list[Stage]:
    """The session's stages: its `[[stage]]` tables, or one stage of its own keys."""
    tables = settings.stage or [StageSettings()]
    return [_resolve(settings, table, number) for number, table in enumerate(tables, 1)]


def _resolve(settings: SessionSettings, table: StageSettings, number: int) -> Stage:
    # Counts are at least 1, so `or` only ever falls back for a key left out.
    temperature = table.temperature if table.temperature is not None else settings.temperature
    return Stage(
        number,
        tuple(table.optimizer or settings.optimizer),
        table.choose or settings.choose,
        table.rounds or settings.rounds,
        table.candidates or settings.candidates,
        table.patience or settings.patience,
        temperature,
        table.budget_usd,
        table.budget_minutes,
    )


def stage_end(stage: Stage, mark: StageMark, now: StageMark, stale_rounds: int) -> str | None:
    """Why `stage`, begun at `mark`, is done at `now` (None: it goes on)."""
    rounds = now.round - mark.round
    if rounds >= stage.rounds:
        return f"{stage.rounds} rounds done"
    spent = now.cost_usd - mark.cost_usd
    if stage.budget_usd is not None and spent >= stage.budget_usd:
        return f"stage cost budget ${stage.budget_usd:g} reached"
    minutes = now.minutes - mark.minutes
    if stage.budget_minutes is not None and minutes >= stage.budget_minutes:
        return f"stage time budget of {stage.budget_minutes:g} minutes reached"
    if stale_rounds >= stage.patience:
        return f"no improvement in {stale_rounds} rounds"
    return None


class Relay:
    """A session's stages as they run: the current one, its optimizers, where each began."""

    def __init__(self, stages: list[Stage], optimizers: Sequence[Mapping[str, Optimizer]]) -> None:
        missing = [s.number for s, named in zip(stages, optimizers, strict=True) if not named]
        assert not missing, f"stages {missing} have no optimizer"
        self.stages, self.optimizers = stages, list(optimizers)
        self.marks = [StageMark(1, 0, "original", 0.0, 0.0)]
        self.ends: list[str] = []  # why each finished stage ended

    @property
    def current(self) -> Stage:
        return self.stages[self.marks[-1].number - 1]

    @property
    def is_last(self) -> bool:
        return self.current.number == len(self.stages)

    @property
    def labels(self) -> list[str]:
        """The current stage's optimizers by name."""
        return list(self.optimizers[self.current.number - 1])

    def optimizer(self, label: str) -> Optimizer:
        return self.optimizers[self.current.number - 1][label]

    def picks(self, history: Sequence[CandidateRecord], count: int, seed: str) -> list[str]:
        """Which optimizer proposes each of the next `count` candidates."""
        stage = self.current
        mine = [record for record in history if record.stage == stage.number]
        return CHOOSERS.get(stage.choose).choose(self.labels, mine, count, seed)

    def end_reason(self, now: StageMark, stale_rounds: int) -> str | None:
        return stage_end(self.current, self.marks[-1], now, stale_rounds)

    def advance(self, now: StageMark, reason: str) -> None:
        """The current stage ended for `reason`; the next begins at `now`."""
        self.ends.append(reason)
        self.marks.append(replace(now, number=self.current.number + 1))
