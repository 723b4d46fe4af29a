"""An in-memory store: what unit tests and `--store memory` use; nothing survives the process."""

from typing import Any

from harness.store.entries import (
    CandidateEntry,
    SessionEntry,
    candidate_row,
    finished_fields,
    session_row,
)
from harness.targets.code import artifact_files


class MemoryStore:
    def __init__(self) -> None:
        self._sessions: dict[str, SessionEntry] = {}
        self._finished: dict[str, dict[str, Any]] = {}
        self._stages: dict[str, list[dict[str, Any]]] = {}
        self._candidates: dict[str, list[dict[str, Any]]] = {}
        self.artifacts: dict[tuple[str, str], str] = {}  # (candidate, name) -> text

    def start_session(self, session: SessionEntry) -> None:
        self._sessions.setdefault(session.id, session)
        self._candidates.setdefault(session.id, [])

    def log_candidate(self, session_id: str, entry: CandidateEntry) -> None:
        rows = self._candidates[session_id]
        rows[:] = [row for row in rows if row["candidate"] != entry.record.id]
        rows.append(candidate_row(session_id, entry))
        for name, text in artifact_files(entry.record.source).items():
            self.artifacts[(entry.record.id, name)] = text

    def finish_session(self, session_id: str, result: dict[str, Any]) -> None:
        self._finished[session_id] = finished_fields(result)
        self._stages[session_id] = list(result.get("stages", []))

    def sessions(self, target: str | None = None) -> list[dict[str, Any]]:
        return [
            session_row(session, self._finished.get(session.id))
            for session in self._sessions.values()
            if target is None or session.target == target
        ]

    def candidates(self, session_id: str) -> list[dict[str, Any]]:
        return sorted(self._candidates.get(session_id, []), key=lambda row: row["step"])

    def stages(self, session_id: str) -> list[dict[str, Any]]:
        return self._stages.get(session_id, [])

    def close(self) -> None:
        """Nothing to release."""
