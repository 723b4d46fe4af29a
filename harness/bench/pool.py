"""Fresh, warmed processes for every block, prepared one block ahead on a helper thread.

A process's own luck (where its memory lands, its hash seed) shifts all its timings together, by
several percent on a VM. With a new pair of processes per block, that luck is independent from
block to block, so it widens the confidence interval honestly instead of biasing it. Processes
start and warm up on the cores the parent uses and move to the measuring core only when ready,
so preparing the next block does not run on the core being measured.
"""

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from harness.sandbox.limits import spare_cores
from harness.sandbox.messages import RoundInput
from harness.sandbox.process import SandboxError, SandboxProcess

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
        self._starting: set[SandboxProcess] = set()  # launched, not yet handed out
        self._spare = spare_cores(core)
        self._lock = threading.Lock()
        self._closed = False

    def prefetch(self, block: int) -> None:
        """Start preparing block `block` on the helper thread, if not already under way."""
        if block not in self._pending:
            self._pending[block] = self._executor.submit(self._prepare, block)

    def get(self, block: int) -> Prepared:
        """Block `block`'s processes, ready on the measuring core; starts preparing the next."""
        self.prefetch(block)
        future = self._pending.pop(block)
        self.prefetch(block + 1)
        prepared = future.result()
        for process in prepared.processes.values():
            if self._core is not None:
                process.pin({self._core})
        return prepared

    def close(self) -> None:
        """Stop preparing: processes still starting (a candidate may hang in its warm-up) are
        killed at once, so waiting for the helper thread is short, and once it returns nothing
        of ours still writes into the working directory the caller is about to delete."""
        with self._lock:
            self._closed = True
            for process in self._starting:
                process.interrupt()
        for future in self._pending.values():
            future.add_done_callback(_close_prepared)
        self._pending.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _prepare(self, block: int) -> Prepared:
        # This thread may have been started before the parent moved off the measuring core, and
        # affinity is per thread: keep it (and the processes it starts) on the spare cores.
        if self._spare:
            os.sched_setaffinity(0, self._spare)
        prepared = Prepared()
        for label in self._labels:
            prepared.processes[label] = process = self._spawn(label, block)
            try:
                process.launch()
            except OSError as exc:
                prepared.problems[label] = f"could not start: {exc}"
            self._track(process, starting=True)
        arguments = self._warmup_arguments(block) if self._warmup_calls else []
        for label, process in prepared.processes.items():
            problem = prepared.problems.get(label) or self._ready(process, arguments)
            if problem:
                prepared.problems[label] = problem
        for process in prepared.processes.values():
            self._track(process, starting=False)
        return prepared

    def _track(self, process: SandboxProcess, starting: bool) -> None:
        with self._lock:
            if not starting:
                self._starting.discard(process)
            elif self._closed:
                process.interrupt()
            else:
                self._starting.add(process)

    def _ready(self, process: SandboxProcess, arguments: list[Any]) -> str | None:
        try:
            process.wait_ready()
        except SandboxError as exc:
            return f"could not start: {exc}"
        if not self._warmup_calls:
            process.freeze()  # until its block: it may not run while another is timed
            return None
        rounds = [RoundInput.of(arguments)] * self._warmup_calls
        result = process.bench("warm-up", rounds, self._timeout * len(rounds)).result
        return None if result.ok else f"warm-up failed ({result.kind}): {result.error}"


def _close_prepared(future: "Future[Prepared]") -> None:
    if not future.cancelled() and future.exception() is None:
        future.result().close()
