"""Record real calls to chosen functions while the workload runs again: their arguments as
plain data (the inputs a repository target is verified and timed on), the outputs' types, and
whether the function changes its arguments."""

import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.discover.hook import MAX_CALLS_PER_FUNCTION
from harness.discover.probe import Workload, run_probe
from harness.discover.rank import Hotspot
from harness.sandbox.codec import decode


@dataclass
class Recording:
    hotspot: Hotspot
    calls: list[dict[str, Any]] = field(default_factory=list)  # {"args", "output", "mutates"}
    problems: dict[str, int] = field(default_factory=dict)  # reason -> calls it stopped

    @property
    def mutates(self) -> bool:
        return any(call["mutates"] for call in self.calls)

    def summary(self) -> str:
        if not self.calls:
            reasons = "; ".join(self.problems) or "it was not called"
            return f"no call could be recorded: {reasons}"
        skipped = sum(self.problems.values())
        extra = f" ({skipped} not capturable: {'; '.join(self.problems)})" if skipped else ""
        return f"{len(self.calls)} distinct calls recorded{extra}"


def record_calls(
    copy: Path, workload: Workload, chosen: list[Hotspot], timeout: float
) -> list[Recording]:
    files = {spot: os.path.realpath(copy / spot.file) for spot in chosen}
    keys = {f"{files[spot]}:{spot.line}": spot for spot in chosen}
    wanted = [
        {"file": files[spot], "line": spot.line, "name": spot.name.rsplit(".", 1)[-1]}
        for spot in chosen
    ]
    mode = {"HARNESS_PROBE_RECORD": "", "HARNESS_PROBE_TARGETS": json.dumps(wanted)}
    run = run_probe(copy, workload, mode, timeout)
    recordings = {key: Recording(spot) for key, spot in keys.items()}
    _collect(recordings, run.reports)
    for recording in recordings.values():
        recording.calls = _sample(recording.calls)
    return list(recordings.values())


def _collect(recordings: dict[str, Recording], reports: list[Any]) -> None:
    """Every process's recorded calls and problems, by function."""
    for report in reports:
        for key, calls in report["calls"].items():
            if key in recordings:
                _add_calls(recordings[key], calls)
        for key, reasons in report["problems"].items():
            if key in recordings:
                for reason, count in reasons.items():
                    problems = recordings[key].problems
                    problems[reason] = problems.get(reason, 0) + count


def _add_calls(recording: Recording, calls: list[dict[str, Any]]) -> None:
    seen = {json.dumps(call["args"]) for call in recording.calls}
    for call in calls:
        text = json.dumps(call["args"])
        if text not in seen:
            seen.add(text)
            recording.calls.append(call)


def _sample(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most MAX_CALLS_PER_FUNCTION of the processes' calls, drawn evenly from all of them
    (each process kept a sample of its own), in the order they came."""
    if len(calls) <= MAX_CALLS_PER_FUNCTION:
        return calls
    kept = sorted(random.Random(0).sample(range(len(calls)), MAX_CALLS_PER_FUNCTION))
    return [calls[index] for index in kept]


def write_inputs(recording: Recording, path: Path) -> None:
    """One JSON line per call: the arguments in harness's plain-data encoding."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(call["args"]) for call in recording.calls]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def outputs(recording: Recording) -> list[Any]:
    return [decode(call["output"]) for call in recording.calls]
