"""The session journal: one JSON line per judged candidate and per finished round, flushed to
disk at once, so a crash or `kill -9` loses at most the candidate being judged."""

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.records import CandidateRecord

if TYPE_CHECKING:
    from harness.loop.stages import StageMark


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, entry: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def candidate(self, record: CandidateRecord, elapsed: float) -> None:
        """`elapsed`: the session's seconds so far, so a resumed session keeps its clock."""
        self.write({"type": "candidate", "elapsed": elapsed, **record.to_json()})

    def round(self, number: int, best: str, elapsed: float) -> None:
        self.write({"type": "round", "round": number, "best": best, "elapsed": elapsed})

    def stage(self, mark: "StageMark", reason: str, elapsed: float) -> None:
        """A stage ended for `reason`; the next began at `mark`."""
        self.write({"type": "stage", "mark": asdict(mark), "reason": reason, "elapsed": elapsed})

    def entries(self) -> list[dict[str, Any]]:
        """Every complete line; a line cut short by a crash is ignored."""
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
        return entries
