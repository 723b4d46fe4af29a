"""The boundary the kernel enforces around every process that runs untrusted code.

A `Box` says what one process may see; a `Boundary` starts processes inside such boxes. The
kernel boundary is bubblewrap (`harness.sandbox.bubblewrap`); `Unboxed` keeps only the older
layers (audit hook, static screen, rlimits) and exists for `--unsafe-no-sandbox`. The CLI chooses
once (`use`); everything that starts untrusted code asks `current()`.
"""

import contextlib
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Protocol

from harness.errors import HarnessError

UNSAFE_FLAG = "--unsafe-no-sandbox"


class SandboxUnavailable(HarnessError):
    """The kernel boundary cannot be set up here; `str()` says what is missing and the fix."""


@dataclass(frozen=True)
class Box:
    """What one boxed process sees besides the Python installation and system libraries.

    `scratch` is its only writable place (empty unless `seed` names a host folder whose files
    it starts with; `scratch_mb` is the room left beyond the seed); it is also the working
    directory, HOME and TMPDIR. `read_only`
    host paths appear at the same place, read-only. `writable` host folders are for trusted
    workloads' reports only (the profile of the user's own code), never for candidate code.
    """

    scratch: Path
    read_only: tuple[Path, ...] = ()
    seed: Path | None = None
    writable: tuple[Path, ...] = ()
    scratch_mb: int = 256
    processes: int = 64


@dataclass(frozen=True)
class PopenOptions:
    """How the boxed command's standard streams, environment and limits are set up."""

    env: dict[str, str]
    stdin: int | IO[Any] | None = None
    stdout: int | IO[Any] | None = None
    stderr: int | IO[Any] | None = None
    preexec_fn: Callable[[], None] | None = None

    def popen(self, argv: list[str], **extra: Any) -> "subprocess.Popen[bytes]":
        """Start `argv` in a session of its own (so it can be killed as a group)."""
        return subprocess.Popen(
            argv,
            env=self.env,
            stdin=self.stdin,
            stdout=self.stdout,
            stderr=self.stderr,
            start_new_session=True,
            preexec_fn=self.preexec_fn,
            **extra,
        )


class Running(Protocol):
    """A started box: the process harness waits on, and what runs inside it."""

    popen: "subprocess.Popen[bytes]"

    def command_pid(self) -> int | None:
        """The host pid of the boxed command itself (for pinning it to a core)."""

    def others(self) -> int:
        """Processes still running in the box besides the command and the box's own init."""

    def kill(self) -> None:
        """Kill everything in the box; safe to call more than once and from any thread."""


class Boundary(Protocol):
    name: str  # as verdicts and MLflow record it

    def start(self, box: Box, argv: list[str], options: PopenOptions) -> Running: ...


class UnboxedProcess:
    """A process with no kernel boundary: its own process group stands in for the box."""

    def __init__(self, popen: "subprocess.Popen[bytes]") -> None:
        self.popen = popen

    def command_pid(self) -> int | None:
        return self.popen.pid

    def others(self) -> int:
        group = str(self.popen.pid).encode()
        return sum(
            state != b"Z" and pgid == group
            for pid, state, _, pgid in proc_stats()
            if pid != self.popen.pid
        )

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
            os.killpg(self.popen.pid, signal.SIGKILL)


class Unboxed:
    """`--unsafe-no-sandbox`: the audit hook, the screen and rlimits, and an empty network
    namespace where `unshare` is allowed; nothing the kernel enforces on files or processes."""

    name = "none (--unsafe-no-sandbox)"

    def start(self, box: Box, argv: list[str], options: PopenOptions) -> Running:
        from harness.sandbox.limits import isolation_prefix

        return UnboxedProcess(options.popen([*isolation_prefix(), *argv], cwd=box.scratch))


def run_boxed(
    box: Box, argv: list[str], env: dict[str, str], timeout: float
) -> "subprocess.CompletedProcess[bytes]":
    """Run `argv` in `box` to the end, its output captured; everything in the box is killed
    on a timeout (subprocess.TimeoutExpired)."""
    options = PopenOptions(env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    running = current().start(box, argv, replace(options, stderr=subprocess.PIPE))
    try:
        stdout, stderr = running.popen.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        running.kill()
        running.popen.communicate()
        raise
    finally:
        running.kill()
    return subprocess.CompletedProcess(argv, running.popen.returncode, stdout, stderr)


def python_argv(command: str) -> list[str]:
    """`command`'s words, with a leading `python` meaning harness's own interpreter."""
    argv = shlex.split(command)
    if argv and argv[0] in {"python", "python3"}:
        argv[0] = sys.executable
    return argv


def proc_stats() -> list[tuple[int, bytes, int, bytes]]:
    """(pid, state, parent pid, process group) of every process this user may read."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):  # a process that just ended
            with open(f"/proc/{name}/stat", "rb") as stat:
                state, parent, group = stat.read().rsplit(b")", 1)[1].split()[:3]
            found.append((int(name), state, int(parent), group))
    return found


_chosen: Boundary | None = None


def use(boundary: Boundary) -> None:
    """The CLI's choice for this process (the kernel boundary, or `Unboxed` when asked)."""
    global _chosen
    _chosen = boundary


def current() -> Boundary:
    """The boundary every untrusted process starts in: the one chosen, else the kernel's;
    raises SandboxUnavailable (what is missing, and the fix) when it cannot be set up."""
    if _chosen is not None:
        return _chosen
    from harness.sandbox.bubblewrap import kernel_boundary

    return kernel_boundary()


def choose(unsafe: bool) -> Boundary:
    """The CLI's edge: the kernel boundary (checked now, so a missing tool is one line before
    any work), or the older layers alone when the user passed --unsafe-no-sandbox."""
    from harness.sandbox.bubblewrap import kernel_boundary

    boundary: Boundary = Unboxed() if unsafe else kernel_boundary()
    use(boundary)
    return boundary
