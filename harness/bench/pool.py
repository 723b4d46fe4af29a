"""Fresh, warmed processes for every block, prepared one block ahead on a helper thread.

A process's own luck (where its memory lands, its hash seed) shifts all its timings together, by
several percent on a VM. With a new pair of processes per block, that luck is independent from
block to block, so it widens the confidence interval honestly instead of biasing it. Processes
start and warm up on the cores the parent uses and move to the measuring core only when ready,
so preparing the next block does not run on the core being measured.
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from harness.sandbox.process import RoundInput, SandboxError, SandboxProcess

Spawn = Callable[[str, int], SandboxProcess]  # (label, block) -> a process not yet started
WarmupArguments = Callable[[int], list[Any]]  # block -> arguments for the untimed call


class Prepared:
    """One block's processes by label, or why one of them could not be made ready."""

    def __init__(self) -> None:
        self.processes: dict[str, SandboxProcess] = {}
        self.problems: dict[str, str] = {}

    def close(self) -> None:
        for process in self.processes.values():
            process.close()


class ProcessPairs:
    def __init__(
        self,
        labels: list[str],
        spawn: Spawn,
        warmup_arguments: WarmupArguments,
        warmup_calls: int,
        core: int | None,
        timeout: float,
    ) -> None:
        self._labels, self._spawn, self._warmup_arguments = labels, spawn, warmup_arguments
        self._warmup_calls, self._core, self._timeout = warmup_calls, core, timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harness-procs")
        self._pending: dict[int, Future[Prepared]] = {}

    def get(self, block: int) -> Prepared:
        """Block `block`'s processes, ready on the measuring core; starts preparing the next."""
        future = self._pending.pop(block, None) or self._executor.submit(self._prepare, block)
        self._pending[block + 1] = self._executor.submit(self._prepare, block + 1)
        prepared = future.result()
        for process in prepared.processes.values():
            if self._core is not None:
                process.pin({self._core})
        return prepared

    def close(self) -> None:
        """Stop preparing; processes still starting are closed when ready, without waiting."""
        for future in self._pending.values():
            future.add_done_callback(_close_prepared)
        self._pending.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _prepare(self, block: int) -> Prepared:
        prepared = Prepared()
        for label in self._labels:
            prepared.processes[label] = process = self._spawn(label, block)
            try:
                process.launch()
            except OSError as exc:
                prepared.problems[label] = f"could not start: {exc}"
        arguments = self._warmup_arguments(block) if self._warmup_calls else []
        for label, process in prepared.processes.items():
            problem = prepared.problems.get(label) or self._ready(process, arguments)
            if problem:
                prepared.problems[label] = problem
        return prepared

    def _ready(self, process: SandboxProcess, arguments: list[Any]) -> str | None:
        try:
            process.wait_ready()
        except SandboxError as exc:
            return f"could not start: {exc}"
        if not self._warmup_calls:
            return None
        rounds = [RoundInput.of(arguments)] * self._warmup_calls
        result = process.bench("warm-up", rounds, self._timeout * len(rounds)).result
        return None if result.ok else f"warm-up failed ({result.kind}): {result.error}"


def _close_prepared(future: "Future[Prepared]") -> None:
    if not future.cancelled() and future.exception() is None:
        future.result().close()
