"""The parent side of the sandbox: a limited child process serving calls over JSON lines."""

import contextlib
import fcntl
import json
import math
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness.sandbox.boundary import Box, PopenOptions, Running, current
from harness.sandbox.codec import decode, encode
from harness.sandbox.freezer import FreezeError, cpu_seconds, freeze, thaw
from harness.sandbox.limits import child_env, set_limits
from harness.sandbox.messages import BlockResult, CallResult, RoundInput, SandboxSpec, TimedRound
from harness.sandbox.roots import hidden_roots, sandbox_roots

WORKER = Path(__file__).with_name("worker.py")
CODEC = WORKER.with_name("codec")  # a package the worker loads by its path
GUARD = WORKER.with_name("guard.py")  # the audit hook, which the worker loads by its path
_MAX_REPLY_BYTES = 256 * 1024 * 1024
_PIPE_BYTES = 1024 * 1024
_STARTUP_SECONDS = 60.0


class SandboxError(RuntimeError):
    """The child could not start or import its module; `str()` says why."""


class SandboxProcess:
    """One child process; restart() after a crash or timeout gives a fresh one."""

    def __init__(self, spec: SandboxSpec) -> None:
        self.spec = spec
        self._box: Running | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._next_id = 0
        self._last_reply: dict[str, Any] = {}
        self._bench_line: bytes | None = None
        self._bench_timeout = self._bench_deadline = self._outside = 0.0
        self._bench_rounds = self._bench_fed = 0
        self._frozen = False
        self._eof = False
        self.stderr_path = spec.workdir / ".stderr"

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the child without waiting for it; `wait_ready` finishes the start."""
        self._buffer, self._eof = b"", False
        argv = [sys.executable, "-I", "-B", str(WORKER), json.dumps(self._config())]
        with self.stderr_path.open("ab") as stderr:
            options = PopenOptions(
                child_env(self.spec.workdir.resolve()),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                preexec_fn=lambda: set_limits(self.spec.limits),
            )
            self._box = current().start(self._view(), argv, options)
        self._proc = self._box.popen
        _widen(self._proc.stdin, self._proc.stdout)

    def _view(self) -> Box:
        """The worker's box: its code, the worker (and a checker) read-only; a scratch folder
        of its own at the working directory."""
        spec, limits = self.spec, self.spec.limits
        code = (spec.import_root or spec.module_file.parent).resolve()
        checker = (spec.checker[0].resolve(),) if spec.checker else ()
        return Box(
            spec.workdir.resolve(),
            read_only=(code, WORKER, CODEC, GUARD, *checker),
            scratch_mb=limits.scratch_mb,
            processes=limits.processes,
        )

    def wait_ready(self) -> None:
        hello = self._read_line(_STARTUP_SECONDS)
        detail = self._death_reason() if hello is None else _startup_problem(hello)
        if detail:
            self.kill()
            raise SandboxError(detail)

    def call(self, args: list[Any], timeout: float) -> CallResult:
        return self._ask({"args": encode(args, "arguments")}, timeout)

    def profile(self, args: list[Any], timeout: float) -> CallResult:
        """cProfile's table for one call (output is text)."""
        return self._ask({"op": "profile", "args": encode(args, "arguments")}, timeout)

    def check(self, args: list[Any], output: Any, expected: Any, timeout: float) -> CallResult:
        """The checker on another process's `output`: True, False or the checker's reason."""
        request = {"op": "check", "args": encode(args, "arguments"), "output": encode(output)}
        return self._ask(request | {"expected": encode(expected)}, timeout)

    def _ask(self, request: dict[str, Any], timeout: float) -> CallResult:
        self._open(request)
        return self._result(self._read_line(timeout), timeout)

    def _open(self, request: dict[str, Any]) -> None:
        if not self.alive:
            self.start()
        self._thaw()
        self._next_id += 1
        self._send_line(json.dumps({"id": self._next_id, **request}))

    def bench(self, name: str, rounds: list[RoundInput], timeout: float) -> BlockResult:
        """Run one block whose rounds nobody looks at: a warm-up, a calibration."""
        self.bench_open(name, len(rounds), timeout)
        for round_input in rounds:
            if self.bench_feed(round_input) is None:
                break
        return self.bench_close()

    def bench_open(self, name: str, rounds: int, timeout: float) -> None:
        """Start a timed block of `rounds`; returns once the child waits for the first input,
        stopped, as it is after every round and after the block."""
        self._bench_timeout, self._bench_deadline = timeout, time.monotonic() + timeout
        self._bench_rounds, self._bench_fed = rounds, 0
        with self._window() as window:
            self._open({"op": "bench", "name": name, "rounds": rounds})
            self._bench_line = self._read_line(timeout)
        self._outside = window.cpu

    def bench_feed(self, round_input: RoundInput) -> TimedRound | None:
        """Run one round: the child is continued, sent the input, and stopped again once its
        reply is in. None if it is not waiting for an input (it failed, or all rounds ran)."""
        line = self._bench_line
        if line is None or self._bench_fed == self._bench_rounds or not self._awaits(line):
            return None
        with self._window() as window:
            self._send_line(f'{{"args": {round_input.payload}}}')
            self._bench_line = self._read_line(self._bench_left())
        self._bench_fed += 1
        reply = self._bench_line
        if reply is None or not reply.startswith(self._round_prefix()):
            return None  # `bench_close` reports what came instead
        return TimedRound(reply, round_input, window.wall, window.cpu)

    def bench_close(self) -> BlockResult:
        line = self._bench_line
        if line is not None and self._bench_fed == self._bench_rounds and self._awaits(line):
            with self._window() as window:  # the block's reply follows its last round's
                line = self._read_line(self._bench_left())
            self._outside += window.cpu
        result = self._result(line, self._bench_timeout)
        if not result.ok:
            return BlockResult(result)
        return BlockResult(result, self._last_reply["stats"], self._outside)

    def _bench_left(self) -> float:
        return max(0.0, self._bench_deadline - time.monotonic())

    def _round_prefix(self) -> bytes:
        """How the worker's reply to a round of the current block starts (its JSON, key order
        and separators); the rest is read off the measuring path, by `round_answer`."""
        return f'{{"id": {self._next_id}, "round": true,'.encode()

    def _awaits(self, line: bytes) -> bool:
        """Whether `line` is the block's request for its first input or a round's reply."""
        return line.startswith(self._round_prefix()) or line == self._setup_line()

    def _setup_line(self) -> bytes:
        return f'{{"id": {self._next_id}, "setup": true}}'.encode()

    @contextlib.contextmanager
    def _window(self) -> Iterator["_Window"]:
        """The child continued for the block, then stopped; what it ran meanwhile measured, on
        the parent's clock from just before it was continued until it is stopped."""
        window, pid = _Window(), self.command_pid()
        before = _cpu(pid)
        started = time.perf_counter()
        self._thaw()
        try:
            yield window
        finally:
            self.freeze()
            window.wall = time.perf_counter() - started
            window.cpu = _cpu(pid) - before

    def freeze(self) -> None:
        """Stop the child until it is next asked something (a dead one is left to be reported
        by the next read)."""
        pid = self.command_pid()
        if pid is not None and self.alive:
            # Set before the wait: a child too starved to stop within it (state R for seconds on
            # a busy machine) stops later all the same, and only a continue wakes it.
            self._frozen = True
            with contextlib.suppress(FreezeError, OSError):
                freeze(pid)

    def _thaw(self) -> None:
        pid = self.command_pid()
        if self._frozen and pid is not None:
            thaw(pid)
            self._frozen = False

    def command_pid(self) -> int | None:
        return None if self._box is None else self._box.command_pid()

    def pin(self, cores: set[int]) -> None:
        """Move every thread of the worker onto `cores`."""
        if self._box is None or not cores or not hasattr(os, "sched_setaffinity"):
            return
        pid = self.command_pid()
        for task in Path(f"/proc/{pid}/task").glob("[0-9]*") if pid else []:
            with contextlib.suppress(OSError):  # a thread that just ended
                os.sched_setaffinity(int(task.name), cores)

    def _send_line(self, line: str) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # a dead child is reported by the next read
            self._proc.stdin.write(line.encode() + b"\n")
            self._proc.stdin.flush()

    def _result(self, line: bytes | None, timeout: float) -> CallResult:
        if line is None:
            if self.alive and not self._eof:
                self.kill()
                return CallResult("timeout", error=f"no result within {timeout:g} s (killed)")
            return CallResult("crash", error=self._death_reason())
        try:
            reply = json.loads(line)
            if reply.get("id") != self._next_id or "ok" not in reply:
                raise ValueError("reply does not match the request")
            if reply["ok"]:
                output, args_after = decode(reply.get("output")), decode(reply.get("args_after"))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            self.kill()
            problem = f"unreadable reply from the candidate process: {exc}"
            return CallResult("protocol", error=problem)
        self._last_reply = reply
        if not reply["ok"]:
            return CallResult(reply["kind"], error=reply["error"])
        return CallResult("ok", output, args_after)

    @property
    def last_reply(self) -> dict[str, Any]:
        return self._last_reply

    def stray_processes(self) -> int:
        """Processes still running in the worker's box besides the worker itself."""
        return 0 if self._box is None else self._box.others()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def interrupt(self) -> None:
        """Kill everything in the child's box, from any thread: a thread waiting for the child
        sees it end, and the one that owns it still calls `kill()` to reap it."""
        if self._box is not None:
            self._box.kill()

    def kill(self) -> None:
        """Kill everything in the child's box, so nothing it started survives."""
        if self._proc is None:
            return
        self.interrupt()
        self._proc.wait()
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None:
                # Unsent input to a child that is gone is dropped, not an error.
                with contextlib.suppress(BrokenPipeError):
                    pipe.close()

    def close(self) -> None:
        self.kill()

    def __enter__(self) -> "SandboxProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_line(self, timeout: float) -> bytes | None:
        assert self._proc is not None and self._proc.stdout is not None
        stream = self._proc.stdout
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    return None
                chunk = os.read(stream.fileno(), 1 << 20)
                if not chunk or len(self._buffer) > _MAX_REPLY_BYTES:
                    self._eof = not chunk
                    return None
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _death_reason(self) -> str:
        assert self._proc is not None
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return "the candidate process stopped answering (killed)"
        return describe_exit(code, self._stderr_tail())

    def _stderr_tail(self) -> str:
        try:
            lines = self.stderr_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""

    def _config(self) -> dict[str, Any]:
        spec = self.spec
        read_roots, path_roots = sandbox_roots()
        return {
            "module_file": str(spec.module_file),
            "module_name": spec.module_name,
            "module_dir": str(spec.import_root or spec.module_file.parent),
            "function": spec.function,
            "workdir": str(spec.workdir.resolve()),
            "sandboxed": spec.sandboxed,
            "read_roots": read_roots,
            "hidden": hidden_roots(),
            "path_roots": path_roots,
            "blocked_imports": list(spec.blocked_imports),
            "preload": list(spec.preload),
            "batch": spec.batch,
            "checker": [str(spec.checker[0]), spec.checker[1]] if spec.checker else None,
        }


class _Window:
    """What the child ran in one window: seconds on the parent's clock and on the kernel's
    CPU clock of the child (NaN when it could not be read: the child is gone)."""

    wall = cpu = math.nan


def _cpu(pid: int | None) -> float:
    if pid is None:
        return math.nan
    try:
        return cpu_seconds(pid)
    except OSError:
        return math.nan


def _widen(*pipes: Any) -> None:
    """Large pipe buffers, so a big input or output crosses in one write instead of many
    hand-offs between the two processes; best effort (Linux only, capped by the system)."""
    for pipe in pipes:
        with contextlib.suppress(OSError, AttributeError):
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _startup_problem(hello: bytes) -> str | None:
    try:
        message = json.loads(hello)
    except ValueError:
        message = None
    if not isinstance(message, dict):
        return "the candidate process sent an unreadable greeting"
    return None if message.get("ready") else str(message.get("error", "not ready"))


def describe_exit(code: int, stderr_tail: str) -> str:
    """A process's exit, told from its code: negative for a signal, or 128 + the signal from a
    box (bubblewrap's init reports its command's death by signal that way)."""
    signals = {int(number) for number in signal.Signals}
    if code > 128 and code - 128 in signals:
        code = 128 - code
    if code < 0:
        name = signal.Signals(-code).name
        why = {
            "SIGXCPU": "CPU-time limit reached",
            "SIGKILL": "killed (memory or time limit)",
            "SIGSEGV": "segmentation fault",
            "SIGSYS": "a system call the sandbox forbids",
        }.get(name, "killed by a signal")
        return f"the candidate process died: {name} ({why})"
    tail = f": {stderr_tail}" if stderr_tail else ""
    return f"the candidate process exited with code {code}{tail}"
