"""Freezing a child between its timed rounds, and reading its CPU time from the kernel.

A measured process runs only while the parent wants it to: it is stopped (SIGSTOP, which it
cannot catch or ignore) as soon as a round is answered, and continued only to take the next one.
So it can do no work while the other side is timed, nor between rounds, and all the work it does
falls inside windows the parent opened and closed. What a window cost it is read from the
kernel's CPU clock of the whole process (every thread, also those that have ended), never from
anything the process says.
"""

import os
import signal
import time

_STOP_WAIT_SECONDS = 2.0
_STOPPED_STATES = frozenset({"T", "t", "Z", "X"})


class FreezeError(RuntimeError):
    """The process did not stop when told to (it is gone, or stuck in the kernel)."""


def cpu_seconds(pid: int) -> float:
    """The CPU time of process `pid` so far, all of its threads: the kernel's process CPU clock
    (the id `clock_getcpuclockid(pid)` would give), in nanoseconds' resolution."""
    return time.clock_gettime_ns(((~pid) << 3) | 2) / 1e9


def freeze(pid: int) -> None:
    """Stop every thread of `pid`, and return once the kernel says they are stopped."""
    os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + _STOP_WAIT_SECONDS
    while not _all_stopped(pid):
        if time.monotonic() > deadline:
            raise FreezeError(f"process {pid} did not stop within {_STOP_WAIT_SECONDS:g} s")
        time.sleep(0)


def thaw(pid: int) -> None:
    os.kill(pid, signal.SIGCONT)


def _all_stopped(pid: int) -> bool:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError as exc:
        raise FreezeError(f"process {pid} is gone") from exc
    return all(_state(pid, task) in _STOPPED_STATES for task in tasks)


def _state(pid: int, task: str) -> str:
    try:
        with open(f"/proc/{pid}/task/{task}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return "X"  # the thread ended while we looked
    return text[text.rindex(b")") + 2 : text.rindex(b")") + 3].decode()
