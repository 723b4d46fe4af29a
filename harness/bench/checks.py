"""Checks of every timed round's output against the reference's, run on a helper thread.

Reading a round's reply (its output and arguments) and comparing a large output with the
reference's take as long as a few timed rounds; done inline they would leave the measuring core
idle. Here they overlap the next measurements, and every check is finished before the
benchmark's outcome is reported.
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from harness.sandbox.messages import TimedRound, round_answer

OutputCheck = Callable[[list[Any], Any], str | None]  # (arguments, output) -> problem or None


class OutputChecks:
    def __init__(self, check: OutputCheck, mutates_inputs: bool) -> None:
        """`mutates_inputs`: the target may change its arguments (else that is a problem)."""
        self._check, self._mutates_inputs = check, mutates_inputs
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harness-checks")
        self._pending: list[tuple[str, Future[str | None]]] = []

    def submit(self, label: str, arguments: list[Any], timed: TimedRound) -> None:
        self._pending.append((label, self._executor.submit(self._judge, arguments, timed)))

    def _judge(self, arguments: list[Any], timed: TimedRound) -> str | None:
        try:
            output, changed = round_answer(timed)
        except ValueError as exc:
            return str(exc)
        if changed and not self._mutates_inputs:
            return "changed its arguments in a timed round"
        problem = self._check(arguments, output)
        return f"output of a timed call is wrong: {problem}" if problem else None

    def problems(self, wait: bool = False) -> list[tuple[str, str]]:
        """(label, problem) for the checks finished so far, or for all of them with `wait`."""
        done = [(label, f) for label, f in self._pending if wait or f.done()]
        self._pending = [(label, f) for label, f in self._pending if (label, f) not in done]
        found = [(label, future.result()) for label, future in done]
        return [(label, problem) for label, problem in found if problem]

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
