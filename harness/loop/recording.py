"""Writes a session into the experiment store as it happens: its start, every judged candidate
(with the trajectory of the cumulative speedup), and its end."""

import math
from typing import TYPE_CHECKING

from harness.loop.stages import plan
from harness.records import CandidateRecord
from harness.sandbox.boundary import current
from harness.store.base import Store
from harness.store.entries import CandidateEntry, SessionEntry

if TYPE_CHECKING:
    from harness.loop.finish import SessionResult
    from harness.loop.session import Session


def session_params(session: "Session") -> dict[str, str]:
    settings = session.settings
    temperatures = {  # as sent; a hosted API's own default is left out, not written as "None"
        "temperature": settings.optimizer_temperature(),
        "validator_temperature": settings.reviewer_temperature(),
    }
    stages = plan(settings)
    relay = {f"stage{s.number}": " ".join(s.optimizers) for s in stages} if len(stages) > 1 else {}
    return {
        "optimizer": " ".join(settings.optimizer),
        "validator": settings.reviewer,
        "choose": settings.choose,
        **relay,
        **{key: str(value) for key, value in temperatures.items() if value is not None},
        "candidates_per_round": str(settings.candidates),
        "rounds": str(settings.rounds),
        "seed": str(settings.seed),
        "answer_format": settings.answer_format,
        "sandbox": current().name,
    }


class StoreRecorder:
    def __init__(self, store: Store, session: "Session") -> None:
        self.store, self.session = store, session
        self._round, self._round_best = session.round, 1.0

    def start(self) -> None:
        session = self.session
        self.store.start_session(SessionEntry(session.id, session.target.name, self.params))

    @property
    def params(self) -> dict[str, str]:
        return session_params(self.session)

    def candidate(self, record: CandidateRecord) -> None:
        """Called right after `record` is judged (and kept), before the round ends."""
        if record.round != self._round:
            self._round, self._round_best = record.round, 1.0
        if record.status == "accepted" and record.speedup:
            self._round_best = max(self._round_best, record.speedup)
        chain = math.prod(step.speedup or 1.0 for step in self.session.steps)
        params = {"optimizer": record.optimizer, "stage": str(record.stage)}
        step = len(self.session.records)  # a resumed session goes on counting
        entry = CandidateEntry(record, step, chain * self._round_best, params)
        self.store.log_candidate(self.session.id, entry)

    def finish(self, result: "SessionResult") -> None:
        self.store.finish_session(self.session.id, result.to_json())
        self.store.close()
