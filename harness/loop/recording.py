"""Writes a session into the experiment store as it happens: its start, every judged candidate
(with the trajectory of the cumulative speedup), and its end."""

import math

from harness.loop.finish import SessionResult
from harness.loop.records import CandidateRecord
from harness.loop.session import Session
from harness.sandbox.boundary import current
from harness.store.base import Store
from harness.store.entries import CandidateEntry, SessionEntry


def session_params(session: Session) -> dict[str, str]:
    settings = session.settings
    return {
        "optimizer": settings.optimizer,
        "validator": settings.validator or settings.optimizer,
        "temperature": str(settings.temperature),
        "validator_temperature": str(settings.validator_temperature),
        "candidates_per_round": str(settings.candidates),
        "rounds": str(settings.rounds),
        "seed": str(settings.seed),
        "answer_format": settings.answer_format,
        "sandbox": current().name,
    }


class StoreRecorder:
    def __init__(self, store: Store, session: Session) -> None:
        self.store, self.session = store, session
        self._step = len(session.records)
        self._round, self._round_best = session.round, 1.0

    def start(self) -> None:
        session = self.session
        self.store.start_session(SessionEntry(session.id, session.target.name, self.params))

    @property
    def params(self) -> dict[str, str]:
        return session_params(self.session)

    def candidate(self, record: CandidateRecord) -> None:
        """Called right after `record` is judged, before the round ends."""
        self._step += 1
        if record.round != self._round:
            self._round, self._round_best = record.round, 1.0
        if record.status == "accepted" and record.speedup:
            self._round_best = max(self._round_best, record.speedup)
        chain = math.prod(step.speedup or 1.0 for step in self.session.steps)
        params = {"optimizer": self.session.settings.optimizer}
        entry = CandidateEntry(
            record, self._step, chain * self._round_best, record.benchmark, params
        )
        self.store.log_candidate(self.session.id, entry)

    def finish(self, result: SessionResult) -> None:
        self.store.finish_session(self.session.id, result.to_json())
        self.store.close()
