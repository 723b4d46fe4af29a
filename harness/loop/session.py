"""A session: rounds of proposals, verdicts and reviews; accepted candidates compound.

Drive it from the CLI (`run()`), or one round at a time (`ask()` then `tell()`), as a notebook or
a tuner would. Every candidate is journaled the moment it is judged.
"""

import json
import random
import secrets
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.loop.base import Optimizer, Validator
from harness.loop.build import roles
from harness.loop.evaluate import evaluate
from harness.loop.journal import Journal
from harness.loop.optimizer import Proposal, hint_for
from harness.loop.prompts import compact_profile
from harness.loop.recording import StoreRecorder
from harness.loop.settings import SessionSettings
from harness.loop.stages import Relay, StageMark, plan
from harness.records import CandidateRecord
from harness.sandbox.process import SandboxError, SandboxProcess
from harness.store.base import Store
from harness.store.entries import priced_cost
from harness.targets.code import Code, baseline_code, load_code, save_code
from harness.targets.inputs import InputSource
from harness.targets.layout import place
from harness.targets.layout import spec as module_spec
from harness.targets.loader import Target, load_target
from harness.targets.repo import keep_reference
from harness.verify.base import Evaluator


@dataclass(frozen=True)
class RoundResult:
    round: int
    records: list[CandidateRecord]
    best: str
    improved: bool


def new_session_id(target: Target) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{target.name}-{stamp}-{secrets.token_hex(2)}"


class Session:
    """Rounds of one target, given its collaborators: the optimizers propose (`stages`: each
    stage's by name; `optimizer`: one for every stage), the evaluator judges, the validator
    (None: no review) reviews winners, the store (None: none) records. `from_settings` builds
    them from names; tests hand in their own."""

    def __init__(
        self,
        target: Target,
        settings: SessionSettings,
        folder: Path,
        *,
        optimizer: Optimizer | None = None,
        stages: Sequence[Mapping[str, Optimizer]] | None = None,
        validator: Validator | None,
        evaluator: Evaluator,
        store: Store | None = None,
        on_candidate: Callable[[CandidateRecord], None] | None = None,
    ) -> None:
        self.target = keep_reference(target, folder / "reference")
        self.settings, self.folder, self.id = settings, folder, folder.name
        self.validator, self.evaluator = validator, evaluator
        planned = plan(settings)
        if stages is None:
            assert optimizer is not None, "give an optimizer or one mapping per stage"
            stages = [dict.fromkeys(stage.optimizers, optimizer) for stage in planned]
        self.relay = Relay(planned, stages)
        self.journal = Journal(folder / "journal.jsonl")
        self.original: Code = baseline_code(target)
        self.best: Code = self.original
        self.best_id = "original"
        self.records: list[CandidateRecord] = []
        self.steps: list[CandidateRecord] = []  # the accepted chain, original -> best
        self.pending: list[CandidateRecord] = []  # judged in a round that did not finish
        self.round, self.stale_rounds = 0, 0
        self.started = time.monotonic()
        self.spent_before = 0.0  # seconds this session ran before a resume
        self.on_candidate = on_candidate
        self._save_start()
        self.recorder = StoreRecorder(store, self) if store is not None else None
        if self.recorder is not None:
            self.recorder.start()

    @classmethod
    def from_settings(
        cls, target: Target, settings: SessionSettings, folder: Path, store: Store | None = None
    ) -> "Session":
        """A session whose roles are named in `settings` (`PROVIDER:MODEL`, the bench)."""
        return cls(target, settings, folder, store=store, **roles(settings))

    def _save_start(self) -> None:
        start = self.folder / "session.json"
        if not start.exists():
            data = {"target": self.target.address, "settings": self.settings.model_dump()}
            start.write_text(json.dumps(data, indent=1))
            save_code(self.original, self.folder, "original")

    @classmethod
    def resume(cls, folder: Path, store: Store | None = None, **given: Any) -> "Session":
        """Continue a journaled session: judged candidates are kept, none is judged twice. Its
        roles come from its settings unless `given` (optimizer, validator, evaluator)."""
        try:
            start = json.loads((folder / "session.json").read_text())
            settings = SessionSettings.model_validate(start["settings"])
            target = load_target(start["target"])
            session = (
                cls(target, settings, folder, store=store, **given)
                if given
                else cls.from_settings(target, settings, folder, store)
            )
            session.original = load_code(folder, "original")
        except (OSError, ValueError) as exc:
            raise HarnessError(f"cannot resume {folder}: {exc}") from None
        session.best = session.original
        session._replay(session.journal.entries())
        return session

    def _replay(self, entries: list[dict[str, Any]]) -> None:
        by_id: dict[str, CandidateRecord] = {}
        for entry in entries:
            kind = entry.pop("type", None)
            self.spent_before = max(self.spent_before, float(entry.pop("elapsed", 0.0)))
            if kind == "candidate":
                record = CandidateRecord.from_json(entry)
                by_id[record.id] = record
                self.records.append(record)
                self.pending.append(record)
            elif kind == "stage":
                self.relay.advance(StageMark(**entry["mark"]), entry["reason"])
                self.stale_rounds = 0
            elif kind == "round":
                self.pending = []
                self.round = entry["round"]
                improved = entry["best"] != self.best_id
                if improved:
                    winner = by_id[entry["best"]]
                    self.best, self.best_id = winner.source or self.best, winner.id
                    self.steps.append(winner)
                self.stale_rounds = 0 if improved else self.stale_rounds + 1

    @property
    def elapsed(self) -> float:
        """Seconds this session has run, its runs before a resume included."""
        return self.spent_before + time.monotonic() - self.started

    @property
    def cost_usd(self) -> float:
        return priced_cost(call for record in self.records for call in record.calls)

    def stop_reason(self) -> str | None:
        """Why the session should stop now, or None to go on. A stage that is done hands over
        to the next, which starts from the current best."""
        settings = self.settings
        if settings.budget_usd is not None and self.cost_usd >= settings.budget_usd:
            return f"cost budget ${settings.budget_usd:g} reached"
        if settings.budget_minutes is not None and self.elapsed / 60 >= settings.budget_minutes:
            return f"time budget of {settings.budget_minutes:g} minutes reached"
        while (ended := self.relay.end_reason(self._mark(), self.stale_rounds)) is not None:
            if self.relay.is_last:
                return ended if len(self.relay.stages) == 1 else f"last stage: {ended}"
            self._next_stage(ended)
        return None

    def _mark(self) -> StageMark:
        stage = self.relay.current.number
        return StageMark(stage, self.round, self.best_id, self.cost_usd, self.elapsed / 60)

    def _next_stage(self, reason: str) -> None:
        self.relay.advance(self._mark(), reason)
        self.stale_rounds = 0
        self.journal.stage(self.relay.marks[-1], reason, self.elapsed)

    def ask(self) -> list[Proposal]:
        """The next round's proposals; model calls run concurrently."""
        profile = self.profile() if self.settings.use_profile else ""
        history = self.history() if self.settings.use_history else ""
        wanted = self.relay.current.candidates - len(self.pending)
        if wanted <= 0:
            return []
        failed = self._to_repair() if self.settings.repair and wanted > 1 else None
        first = len(self.records)
        fresh = wanted - (failed is not None)
        hints = [hint_for(first + i) if self.settings.use_hints else "" for i in range(fresh)]
        labels = self.relay.picks(self.records, fresh, f"{self.settings.seed}:{self.round}")
        with ThreadPoolExecutor(max_workers=wanted) as pool:
            futures = [
                pool.submit(self._propose, label, profile, history, hint)
                for label, hint in zip(labels, hints, strict=True)
            ]
            if failed is not None:
                futures.append(pool.submit(self._repair, failed))
            return [future.result() for future in futures]

    def _propose(self, label: str, profile: str, history: str, hint: str) -> Proposal:
        optimizer = self.relay.optimizer(label)
        proposal = optimizer.propose(self.target, self.best, profile, history, hint)
        return replace(proposal, optimizer=label)

    def _to_repair(self) -> CandidateRecord | None:
        """The last round's latest candidate that failed a correctness check, if any. A fix is
        not fixed again: one that fails twice is more likely a wrong idea than a slip."""
        last_round = [r for r in self.records if r.round == self.round]
        return next((r for r in reversed(last_round) if repairable(r)), None)

    def _repair(self, failed: CandidateRecord) -> Proposal:
        assert failed.source is not None
        problem = failed.reason + failing_example(failed)
        labels = self.relay.labels
        label = failed.optimizer if failed.optimizer in labels else labels[0]
        optimizer = self.relay.optimizer(label)
        proposal = optimizer.repair(self.target, failed.source, problem, self.best)
        proposal = replace(proposal, optimizer=label)
        if proposal.source == failed.source:  # judging it again would only repeat the failure
            proposal = replace(proposal, source=None, problem="the fix is the attempt unchanged")
        return replace(proposal, repair_of=failed.id)

    def tell(self, proposals: list[Proposal]) -> RoundResult:
        """Judge the proposals one by one (benchmarks never overlap); the fastest accepted
        candidate becomes the new best."""
        self.round += 1
        judged, self.pending = list(self.pending), []
        for index, proposal in enumerate(proposals, len(judged) + 1):
            record = self._judge(proposal, f"r{self.round}c{index}")
            judged.append(record)
            if self.on_candidate is not None:
                self.on_candidate(record)
        return self._advance(judged)

    def _judge(self, proposal: Proposal, candidate_id: str) -> CandidateRecord:
        blank = CandidateRecord(
            candidate_id,
            self.round,
            self.best_id,
            "invalid",
            "",
            self._seed(candidate_id),
            stage=self.relay.current.number,
            optimizer=proposal.optimizer,
        )
        started = time.monotonic()
        record = evaluate(
            self.target,
            proposal,
            self.best,
            self.evaluator,
            self.validator,
            self.settings.validator_veto == "any",
            blank,
        )
        record = replace(record, seconds=time.monotonic() - started)
        self.records.append(record)
        self.journal.candidate(record, self.elapsed)
        if self.recorder is not None:
            self.recorder.candidate(record)
        return record

    def _seed(self, candidate_id: str) -> int:
        if self.settings.seed is None:
            return secrets.randbelow(2**31)
        return random.Random(f"{self.settings.seed}:{candidate_id}").randrange(2**31)

    def run(self) -> str:
        """Rounds until a stop rule fires; returns why it stopped."""
        while (reason := self.stop_reason()) is None:
            self.step()
        return reason

    def step(self) -> RoundResult:
        return self.tell(self.ask())

    def _advance(self, judged: list[CandidateRecord]) -> RoundResult:
        accepted = [r for r in judged if r.status == "accepted" and r.source is not None]
        improved = bool(accepted)
        if accepted:
            winner = max(accepted, key=lambda r: r.speedup or 0.0)
            assert winner.source is not None
            self.best, self.best_id = winner.source, winner.id
            self.steps.append(winner)
        self.stale_rounds = 0 if improved else self.stale_rounds + 1
        self.journal.round(self.round, self.best_id, self.elapsed)
        return RoundResult(self.round, judged, self.best_id, improved)

    def history(self) -> str:
        lines = []
        for record in self.records[-8:]:
            speed = f", {record.speedup:.2f}x" if record.speedup else ""
            example = failing_example(record)
            fix = f", a fix of {record.repair_of}" if record.repair_of else ""
            status = f"{record.status}{fix}{speed}"
            lines.append(f"- {record.id} ({status}): {record.reason[:200]}{example}")
        return "\n".join(lines)

    def profile(self) -> str:
        """cProfile of the current best on one benchmark-size input, in a sandboxed process."""
        size = self.target.config.inputs.bench_sizes[0]
        args = InputSource(self.target).arguments(random.Random(f"profile:{self.round}"), size)
        with tempfile.TemporaryDirectory(prefix="harness-profile-") as tmp:
            module = place(self.target, self.best, Path(tmp) / "src")
            spec = module_spec(self.target, module, Path(tmp))
            try:
                with SandboxProcess(spec) as process:
                    timeout = self.target.config.limits.call_timeout_seconds * 3
                    result = process.profile(args, timeout)
            except SandboxError as exc:  # a profile is advice: the round goes on without it
                return f"(profile failed: {exc})"
        if not result.ok:
            return f"(profile failed: {result.error})"
        return compact_profile(str(result.output), Path(tmp) / "src")


def repairable(record: CandidateRecord) -> bool:
    """Rejected as wrong by a check past the static screen (whose findings are cheating
    patterns, not slips to coach away), and not itself a fix."""
    verdict = record.verdict
    if record.status != "rejected" or record.source is None or record.repair_of is not None:
        return False
    if verdict is None or verdict.correct:
        return False
    failed = [check for check in verdict.checks if not check.passed]
    return bool(failed) and failed[0].name != "static screen"


def failing_example(record: CandidateRecord, limit: int = 160) -> str:
    """The input a rejected candidate got wrong, what was expected and what it gave: a small
    model fixes a failure it can see far more often than one it is only told about."""
    checks = record.verdict.checks if record.verdict is not None else []
    for check in checks:
        example = check.counterexample
        if not check.passed and example is not None:
            parts = [f"input {example.args}", f"expected {example.expected}"]
            parts.append(f"got {example.actual}")
            return " (" + ", ".join(part[:limit] for part in parts) + ")"
    return ""
