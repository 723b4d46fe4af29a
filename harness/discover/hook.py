"""Runs inside every Python process of a workload that `harness init` watches.

Installed by a `sitecustomize` that `probe` puts first on PYTHONPATH. Two modes, chosen by the
environment: `HARNESS_PROBE_PROFILE=DIR` profiles the whole process with cProfile;
`HARNESS_PROBE_RECORD=DIR` (with `HARNESS_PROBE_TARGETS`, a JSON list) records the arguments of
calls to the chosen functions. Each process writes one JSON file into DIR at exit: plain data
only, so nothing the workload produced is ever unpickled or evaluated by harness.
"""

import atexit
import cProfile
import dis
import hashlib
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from types import CodeType, FrameType, FunctionType
from typing import Any

from harness.sandbox.codec import Keywords, PlainDataError, encode

MAX_CALLS_PER_FUNCTION = 400
MAX_CALL_BYTES = 256 * 1024
_VARARGS, _VARKEYWORDS, _GENERATOR = 0x04, 0x08, 0x20
_ASYNC = 0x80 | 0x100 | 0x200  # coroutines and async generators
_RESUME = dis.opmap["RESUME"]
_FACTORIES_KEPT = 10_000
_GIVE_UP_AFTER = 1_000  # calls that could not be captured, none that could: stop trying
_ALWAYS_TRIED = 1_000  # a function's first calls, each encoded while it has free slots
# Encoding a function's calls stops after this long (a big object graph per call): the workload
# must not become many times slower for one function.
ENCODING_BUDGET_SECONDS = 20.0
_OVER_BUDGET = (
    f"not recorded: encoding this function's calls took over {ENCODING_BUDGET_SECONDS:g} s"
)
_clock = time.perf_counter  # bound before the workload can replace it (freezegun, say)


def install() -> None:
    ours: Any = None
    if folder := os.environ.get("HARNESS_PROBE_PROFILE"):
        ours = _profile(Path(folder))
    elif folder := os.environ.get("HARNESS_PROBE_RECORD"):
        wanted = json.loads(os.environ.get("HARNESS_PROBE_TARGETS", "[]"))
        recorder = Recorder(Path(folder), {(t["file"], t["line"], t["name"]) for t in wanted})
        sys.setprofile(recorder.event)
        threading.setprofile(recorder.event)
        atexit.register(recorder.write)
        ours = recorder.event
    # Tools that pause the profiler they find while they measure (pytest-benchmark's fixture
    # does: `prev = sys.getprofile(); sys.setprofile(None) ... sys.setprofile(prev)`) must not
    # find harness's: the measured calls are the workload, and on 3.11 `sys.getprofile()` hands
    # out the C profiler's object, which `sys.setprofile` then calls as a Python function
    # ("'Profile' object is not callable"). The workload sees the profiler it set itself.
    if ours is not None:
        real = sys.getprofile
        sys.getprofile = lambda: None if (found := real()) == ours else found


def _profile(folder: Path) -> cProfile.Profile:
    profiler = cProfile.Profile()

    def write() -> None:
        profiler.disable()
        # One row per function: a module imported twice (under two names) has two code objects
        # with the same label, which pstats' table would keep only one of.
        sums: dict[tuple[str, int, str], list[float]] = {}
        for entry in profiler.getstats():
            if isinstance(code := entry.code, CodeType):
                where = (code.co_filename, code.co_firstlineno, code.co_name)
                row = sums.setdefault(where, [0, 0.0, 0.0])
                row[0], row[1] = row[0] + entry.callcount, row[1] + entry.inlinetime
                row[2] += entry.totaltime
        rows = [
            {"file": file, "line": line, "name": name, "calls": calls, "own": own, "total": total}
            for (file, line, name), (calls, own, total) in sums.items()
        ]
        (folder / f"{os.getpid()}.json").write_text(json.dumps(rows))

    atexit.register(write)
    profiler.enable()
    return profiler


class Recorder:
    """Arguments (before the call), whether the call changed them, and the output of every call
    to a watched function, as plain data; what cannot be captured is reported instead."""

    def __init__(self, folder: Path, wanted: set[tuple[str, int, str]]) -> None:
        self.folder, self.wanted = folder, wanted
        self._keys: dict[CodeType, str | None] = {}
        # frame id -> (the argument objects, their JSON before the call, the call it replaces)
        self._open: dict[int, tuple[list[Any], str, str]] = {}
        self.calls: dict[str, dict[str, dict[str, Any]]] = {}
        self.problems: dict[str, dict[str, int]] = {}
        self._seen: dict[str, int] = {}  # calls returned, per function
        self._spent: dict[str, float] = {}  # seconds spent encoding, per function
        self._random = random.Random(0)  # the same workload records the same sample
        # A watched closure's captured values (by identity) -> its factory's arguments.
        self._factories: dict[tuple[int, ...], tuple[FunctionType, list[Any]]] = {}

    def event(self, frame: FrameType, kind: str, result: Any) -> None:
        if kind not in ("call", "return"):
            return
        if kind == "return" and type(result) is FunctionType and result.__closure__:
            self._made(frame, result)
        key = self._key(frame.f_code)
        if key is None:
            return
        if kind == "call":
            self._enter(frame, key)
        elif (opened := self._open.pop(id(frame), None)) is not None:
            # A generator returns here at its first yield: its output is not known yet.
            self._leave(key, *opened, None if frame.f_code.co_flags & _GENERATOR else result)

    def _key(self, code: CodeType) -> str | None:
        if code not in self._keys:
            where = (os.path.realpath(code.co_filename), code.co_firstlineno, code.co_name)
            self._keys[code] = f"{where[0]}:{where[1]}" if where in self.wanted else None
        return self._keys[code]

    def _enter(self, frame: FrameType, key: str) -> None:
        code = frame.f_code
        if code.co_flags & _ASYNC:
            return self._problem(key, "is async")
        if code.co_flags & _GENERATOR and not _starting(frame):
            return None  # a generator resumed after a yield: its call was seen already
        calls = self.calls.setdefault(key, {})
        self._seen[key] = seen = self._seen.get(key, 0) + 1
        victim = self._victim(list(calls), seen)  # decided first: most calls are not encoded
        if victim is None:
            return None
        if self._spent.get(key, 0.0) > ENCODING_BUDGET_SECONDS:
            return self._problem(key, _OVER_BUDGET)
        if not calls and self._failures(key) > _GIVE_UP_AFTER:
            return None
        started = _clock()
        try:
            self._capture(frame, key, victim)
        finally:
            self._spent[key] = self._spent.get(key, 0.0) + _clock() - started

    def _capture(self, frame: FrameType, key: str, victim: str) -> None:
        code = frame.f_code
        objects = _arguments(frame)
        if "<locals>" in code.co_qualname:
            made = self._factories.get(tuple(id(frame.f_locals[n]) for n in code.co_freevars))
            if made is None:
                return self._problem(key, "a closure not made by a module-level function")
            objects = [made[1], *objects]  # the factory's arguments rebuild the closure
        try:
            arguments = json.dumps(encode(objects, "arguments"))
        except (PlainDataError, ValueError, RecursionError) as exc:
            return self._problem(key, _short(exc))
        if len(arguments) > MAX_CALL_BYTES:
            return self._problem(key, f"arguments larger than {MAX_CALL_BYTES // 1024} KiB")
        self._open[id(frame)] = (objects, arguments, victim)

    def _failures(self, key: str) -> int:
        return sum(self.problems.get(key, {}).values())

    def _made(self, factory: FrameType, closure: FunctionType) -> None:
        """A module-level function returned a watched closure: remember its arguments."""
        code = closure.__code__
        if (
            self._key(code) is None
            or code.co_qualname != f"{factory.f_code.co_qualname}.<locals>.{code.co_name}"
        ):
            return
        try:
            captured = tuple(id(cell.cell_contents) for cell in closure.__closure__ or ())
        except ValueError:  # a captured name not bound yet
            return
        if len(self._factories) >= _FACTORIES_KEPT:
            del self._factories[next(iter(self._factories))]
        # The closure is kept alive with its entry, so the identities stay its own.
        self._factories[captured] = (closure, _arguments(factory))

    def _leave(self, key: str, objects: list[Any], before: str, victim: str, result: Any) -> None:
        calls = self.calls[key]
        digest = hashlib.blake2b(before.encode(), digest_size=12).hexdigest()
        if digest in calls or (victim not in calls and len(calls) >= MAX_CALLS_PER_FUNCTION):
            return  # a repeat, or its slot went to a (recursive) call that ended first
        started = _clock()
        try:
            after = json.dumps(encode(objects, "arguments"))
            output = encode(result)
        except (PlainDataError, ValueError, RecursionError) as exc:
            return self._problem(key, f"output: {_short(exc)}")
        finally:
            self._spent[key] = self._spent.get(key, 0.0) + _clock() - started
        calls.pop(victim, None)
        calls[digest] = {"args": json.loads(before), "output": output, "mutates": after != before}

    def _victim(self, digests: list[str], seen: int) -> str | None:
        """Reservoir sampling over the calls seen: "" for a free slot, the recorded call this one
        replaces, or None to skip it. Every call has the same chance to be kept, wherever in the
        workload it comes (the first calls of a suite that walks its inputs in order are not the
        inputs a function meets)."""
        if len(digests) < MAX_CALLS_PER_FUNCTION:
            # Slots stay free while calls repeat (a few distinct arguments, called a million
            # times): past the first calls, a free slot is offered as often as a full one would be.
            free = seen <= _ALWAYS_TRIED or self._random.randrange(seen) < _ALWAYS_TRIED
            return "" if free else None
        index = self._random.randrange(seen)
        return digests[index] if index < MAX_CALLS_PER_FUNCTION else None

    def _problem(self, key: str, reason: str) -> None:
        counts = self.problems.setdefault(key, {})
        counts[reason] = counts.get(reason, 0) + 1

    def write(self) -> None:
        sys.setprofile(None)
        data = {
            "calls": {key: list(calls.values()) for key, calls in self.calls.items()},
            "problems": self.problems,
        }
        (self.folder / f"{os.getpid()}.json").write_text(json.dumps(data))


def _arguments(frame: FrameType) -> list[Any]:
    """A call's arguments as harness passes them: positional ones (a method's receiver and a
    classmethod's class first, `*args` spread), then keyword-only ones and `**kwargs` as one
    trailing `Keywords`."""
    code, local = frame.f_code, frame.f_locals
    names = iter(code.co_varnames)
    objects = [local[next(names)] for _ in range(code.co_argcount)]
    keyword_names = [next(names) for _ in range(code.co_kwonlyargcount)]
    keywords = Keywords((name, local[name]) for name in keyword_names)
    if code.co_flags & _VARARGS:
        objects += local[next(names)]
    if code.co_flags & _VARKEYWORDS:
        keywords.update(local[next(names)])
    return [*objects, keywords] if keywords else objects


def _starting(frame: FrameType) -> bool:
    """Whether a generator's frame is at its start, not resuming after a yield (RESUME 0)."""
    at = frame.f_lasti
    return frame.f_code.co_code[at] == _RESUME and frame.f_code.co_code[at + 1] == 0


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
