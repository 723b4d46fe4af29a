"""Checks of every timed round's output against the reference's, run on a helper thread.

Comparing a large output with the reference's takes as long as a few timed rounds; done inline it
would leave the measuring core idle. Here it overlaps the next measurements, and every check is
finished before the benchmark's outcome is reported.
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

OutputCheck = Callable[[list[Any], Any], str | None]  # (arguments, output) -> problem or None


class OutputChecks:
    def __init__(self, check: OutputCheck) -> None:
        self._check = check
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harness-checks")
        self._pending: list[tuple[str, Future[str | None]]] = []

    def submit(self, label: str, arguments: list[Any], output: Any) -> None:
        self._pending.append((label, self._executor.submit(self._check, arguments, output)))

    def problems(self, wait: bool = False) -> list[tuple[str, str]]:
        """(label, problem) for the checks finished so far, or for all of them with `wait`."""
        done = [(label, f) for label, f in self._pending if wait or f.done()]
        self._pending = [(label, f) for label, f in self._pending if (label, f) not in done]
        found = [(label, future.result()) for label, future in done]
        return [(label, f"output of a timed call is wrong: {p}") for label, p in found if p]

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
