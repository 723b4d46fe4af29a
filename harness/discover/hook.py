"""Runs inside every Python process of a workload that `harness init` watches.

Installed by a `sitecustomize` that `probe` puts first on PYTHONPATH. Two modes, chosen by the
environment: `HARNESS_PROBE_PROFILE=DIR` profiles the whole process with cProfile;
`HARNESS_PROBE_RECORD=DIR` (with `HARNESS_PROBE_TARGETS`, a JSON list) records the arguments of
calls to the chosen functions. Each process writes one JSON file into DIR at exit: plain data
only, so nothing the workload produced is ever unpickled or evaluated by harness.
"""

import atexit
import cProfile
import hashlib
import json
import os
import random
import sys
import threading
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

from harness.sandbox.worker import PlainDataError, encode

MAX_CALLS_PER_FUNCTION = 100
MAX_CALL_BYTES = 256 * 1024
_VARIADIC = 0x04 | 0x08  # CO_VARARGS | CO_VARKEYWORDS


def install() -> None:
    if folder := os.environ.get("HARNESS_PROBE_PROFILE"):
        _profile(Path(folder))
    elif folder := os.environ.get("HARNESS_PROBE_RECORD"):
        wanted = json.loads(os.environ.get("HARNESS_PROBE_TARGETS", "[]"))
        recorder = Recorder(Path(folder), {(t["file"], t["line"], t["name"]) for t in wanted})
        sys.setprofile(recorder.event)
        threading.setprofile(recorder.event)
        atexit.register(recorder.write)


def _profile(folder: Path) -> None:
    profiler = cProfile.Profile()

    def write() -> None:
        profiler.disable()
        profiler.create_stats()
        rows = [
            {"file": file, "line": line, "name": name, "calls": calls, "own": own, "total": total}
            for (file, line, name), (_, calls, own, total, _) in profiler.stats.items()
        ]
        (folder / f"{os.getpid()}.json").write_text(json.dumps(rows))

    atexit.register(write)
    profiler.enable()


class Recorder:
    """Arguments (before the call), whether the call changed them, and the output of every call
    to a watched function, as plain data; what cannot be captured is reported instead."""

    def __init__(self, folder: Path, wanted: set[tuple[str, int, str]]) -> None:
        self.folder, self.wanted = folder, wanted
        self._keys: dict[CodeType, str | None] = {}
        # frame id -> (the argument objects, their JSON before the call)
        self._open: dict[int, tuple[list[Any], str]] = {}
        self.calls: dict[str, dict[str, dict[str, Any]]] = {}
        self.problems: dict[str, dict[str, int]] = {}
        self._seen: dict[str, int] = {}  # calls returned, per function
        self._random = random.Random(0)  # the same workload records the same sample

    def event(self, frame: FrameType, kind: str, result: Any) -> None:
        if kind not in ("call", "return"):
            return
        key = self._key(frame.f_code)
        if key is None:
            return
        if kind == "call":
            self._enter(frame, key)
        elif (opened := self._open.pop(id(frame), None)) is not None:
            self._leave(key, *opened, result)

    def _key(self, code: CodeType) -> str | None:
        if code not in self._keys:
            where = (os.path.realpath(code.co_filename), code.co_firstlineno, code.co_name)
            self._keys[code] = f"{where[0]}:{where[1]}" if where in self.wanted else None
        return self._keys[code]

    def _enter(self, frame: FrameType, key: str) -> None:
        code = frame.f_code
        if code.co_flags & _VARIADIC or code.co_kwonlyargcount:
            return self._problem(key, "takes *args, **kwargs or keyword-only arguments")
        objects = [frame.f_locals[name] for name in code.co_varnames[: code.co_argcount]]
        try:
            arguments = json.dumps(encode(objects, "arguments"))
        except (PlainDataError, ValueError, RecursionError) as exc:
            return self._problem(key, _short(exc))
        if len(arguments) > MAX_CALL_BYTES:
            return self._problem(key, f"arguments larger than {MAX_CALL_BYTES // 1024} KiB")
        self._open[id(frame)] = (objects, arguments)

    def _leave(self, key: str, objects: list[Any], before: str, result: Any) -> None:
        calls = self.calls.setdefault(key, {})
        self._seen[key] = seen = self._seen.get(key, 0) + 1
        digest = hashlib.blake2b(before.encode(), digest_size=12).hexdigest()
        victim = None if digest in calls else self._victim(list(calls), seen)
        if victim is None:
            return
        try:
            after = json.dumps(encode(objects, "arguments"))
            output = encode(result)
        except (PlainDataError, ValueError, RecursionError) as exc:
            return self._problem(key, f"output: {_short(exc)}")
        calls.pop(victim, None)
        calls[digest] = {"args": json.loads(before), "output": output, "mutates": after != before}

    def _victim(self, digests: list[str], seen: int) -> str | None:
        """Reservoir sampling over the calls seen: "" for a free slot, the recorded call this one
        replaces, or None to skip it. Every call has the same chance to be kept, wherever in the
        workload it comes (the first calls of a suite that walks its inputs in order are not the
        inputs a function meets)."""
        if len(digests) < MAX_CALLS_PER_FUNCTION:
            return ""
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


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
