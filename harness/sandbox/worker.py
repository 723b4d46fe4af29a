"""The child side of the sandbox: imports one module and serves calls to one function.

Run as `python -I worker.py CONFIG_JSON`; it must not import harness (the candidate must not reach
it), so it loads harness's value codec (the `codec` package beside it) and its audit hook
(`guard.py`) by their paths.

Requests and replies are JSON lines on private copies of stdin/stdout; fds 0 and 1 are pointed
elsewhere before the module is imported, so what the module prints cannot forge a reply.
"""

import _thread
import builtins
import contextlib
import gc
import importlib.util
import json
import json.decoder
import json.encoder
import os
import sys
import time
from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any

from pytest_benchmark import fixture as _fixture_module
from pytest_benchmark import stats as _stats_module
from pytest_benchmark.fixture import BenchmarkFixture
from pytest_benchmark.utils import NameWrapper

# Bound when this file is loaded, before any untrusted module is imported.
_TIMER = time.perf_counter
_CPU_TIMER = time.thread_time  # exact; the process clock lags by up to a tick under RLIMIT_CPU
_DUMPS, _LOADS = json.dumps, json.loads

_PLAIN_SCALARS = (bool, int, float, str)


def _inside(path: Any, roots: list[str]) -> bool:
    real = os.path.realpath(os.fsdecode(path))
    return any(real == root or real.startswith(root.rstrip("/") + "/") for root in roots)


def _load(module_file: str, module_name: str) -> Any:
    """Import `module_file` as `module_name`; a module inside a package is imported after its
    parent package (from the import root), so its relative imports work."""
    parent = module_name.rpartition(".")[0]
    if parent:
        importlib.import_module(parent)
        loaded = sys.modules.get(module_name)
        if loaded is not None and _same_file(getattr(loaded, "__file__", None), module_file):
            return loaded  # the package imported it already
    locations = [os.path.dirname(module_file)] if module_file.endswith("__init__.py") else None
    spec = importlib.util.spec_from_file_location(
        module_name, module_file, submodule_search_locations=locations
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {module_file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def _load_beside(name: str, file: str) -> ModuleType:
    """A part of harness beside this file (harness itself is not importable), by its path:
    `file` is a module or a package's folder. Registered under a private name, so a
    package's relative imports resolve."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), file)
    folder = path if os.path.isdir(path) else None
    spec = importlib.util.spec_from_file_location(
        name,
        os.path.join(path, "__init__.py") if folder else path,
        submodule_search_locations=[folder] if folder else None,
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _same_file(a: Any, b: str) -> bool:
    return isinstance(a, str) and os.path.realpath(a) == os.path.realpath(b)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


class _Watch:
    """Remembers the measuring machinery as it was before the module was imported.

    Timers, gc, builtins, the JSON codec and pytest-benchmark's classes are compared by identity
    after import and after every request; any replacement is reported as tampering.
    """

    def __init__(self, codec: ModuleType) -> None:
        modules = [time, gc, builtins, json, json.encoder, json.decoder, codec]
        spaces = [*modules, _fixture_module, _stats_module, BenchmarkFixture]
        spaces += [_stats_module.Stats, _stats_module.Metadata, sys.modules["__main__"]]
        self._spaces = {getattr(space, "__name__", str(space)): space for space in spaces}
        self._before = {name: dict(vars(space)) for name, space in self._spaces.items()}
        self._thread_count = _thread._count
        self._gettrace, self._getprofile = sys.gettrace, sys.getprofile
        self._gc_enabled, self._isenabled = gc.isenabled(), gc.isenabled

    def problems(self) -> list[str]:
        found = [
            f"replaced {space}.{name}"
            for space, before in self._before.items()
            for name, value in vars(self._spaces[space]).items()
            if before.get(name, _MISSING) is not value
            and name not in _VOLATILE
            and f"{space}.{name}" not in _RESET_BY_STDLIB
        ]
        if self._gettrace() is not None or self._getprofile() is not None:
            found.append("installed a trace or profile function")
        if self._isenabled() != self._gc_enabled:
            found.append("switched the garbage collector")
        threads = self._thread_count()
        if threads:
            found.append(f"left {threads} background thread(s) running")
        return found


_MISSING = object()
_VOLATILE = {"__annotations__", "_", "__warningregistry__"}
# `time.tzset()` (called by `strptime`, pandas and others) sets these anew: not tampering.
_RESET_BY_STDLIB = {"time.tzname", "time.timezone", "time.altzone", "time.daylight"}


class _Server:
    """Serves `call`, `bench`, `profile` and (in a reference's process) `check` requests for one
    function over the private pipes."""

    def __init__(
        self,
        function: Callable[..., Any],
        codec: ModuleType,
        pipes: tuple[Any, Any],
        watch: _Watch,
        config: dict[str, Any],
    ):
        self.function, self.codec, self.watch = function, codec, watch
        self.requests, self.replies = pipes
        self.encode, self.rebuild = codec.encode, codec.rebuild
        self.dumps, self.loads = _DUMPS, _LOADS
        # A timed round is a list of calls, not one call's arguments.
        self.batch = bool(config.get("batch"))
        self.checker_path: list[str] | None = config.get("checker")  # [file, function]
        self.checker: Callable[..., Any] | None = None

    def send(self, message: dict[str, Any]) -> None:
        self.replies.write(self.dumps(message) + "\n")
        self.replies.flush()

    def serve(self) -> None:
        for line in self.requests:
            request = self.loads(line)
            handlers = {"bench": self.bench, "profile": self.profile, "check": self.check}
            handler = handlers.get(request.get("op", ""), self.call)
            try:
                reply = handler(request)
            except (self.codec.PlainDataError, RecursionError) as exc:
                reply = {"ok": False, "kind": "type", "error": _describe(exc)}
            except BaseException as exc:  # the module's failure, reported, never fatal here
                reply = {"ok": False, "kind": "exception", "error": _describe(exc)}
            problems = self.watch.problems()
            if problems:
                reply = {"ok": False, "kind": "tamper", "error": "; ".join(problems)}
            self.send({"id": request["id"], **reply})

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        args = self.rebuild(request["args"])
        positional, keywords = self.split(args)
        output = self.function(*positional, **keywords)
        encode = self.encode
        return {"ok": True, "output": encode(output), "args_after": encode(args, "arguments")}

    def check(self, request: dict[str, Any]) -> dict[str, Any]:
        """The target's checker on another process's output: its reply (True, False or a
        reason) is the output. That output is untrusted data: it is rebuilt without importing,
        constructing or setting through anything it names (kind `refused` otherwise). A checker
        that cannot load, raises or replies otherwise is the target's fault (kind `checker`)."""
        try:
            checker = self.load_checker()
        except BaseException as exc:
            return {"ok": False, "kind": "checker", "error": f"cannot load: {_describe(exc)}"}
        args, expected = self.rebuild(request["args"]), self.rebuild(request["expected"])
        try:
            output = self.rebuild(request["output"], untrusted=True)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            return {"ok": False, "kind": "refused", "error": _describe(exc)}
        try:
            verdict = checker(args, output, expected)
        except BaseException as exc:
            return {"ok": False, "kind": "checker", "error": f"raised {_describe(exc)}"}
        if type(verdict) not in (bool, str):
            problem = f"returned a {type(verdict).__name__}, not True, False or a reason (str)"
            return {"ok": False, "kind": "checker", "error": problem}
        return {"ok": True, "output": verdict, "args_after": None}

    def load_checker(self) -> Callable[..., Any]:
        if self.checker is None:
            if not self.checker_path:
                raise RuntimeError("this process has no checker")
            path, name = self.checker_path
            self.checker = getattr(_load(path, "_harness_checker"), name)
        return self.checker

    def split(self, args: list[Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return self.codec.split(args)  # type: ignore[no-any-return]

    def profile(self, request: dict[str, Any]) -> dict[str, Any]:
        """Where one call spends its time: cProfile's table, the costliest functions first."""
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        positional, keywords = self.split(self.rebuild(request["args"]))
        profiler.runcall(self.function, *positional, **keywords)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
        return {"ok": True, "output": text.getvalue()[-4000:], "args_after": None}

    def bench(self, request: dict[str, Any]) -> dict[str, Any]:
        """One block: pytest-benchmark's pedantic mode, a fresh input read for every round.

        Besides pytest-benchmark's time of each call, the process's CPU time in it is reported,
        to be set against the kernel's count (see `kernel_clock`). The parent stops this process
        between rounds and learns a round is over from the round's
        reply, which carries its output and its arguments as they are after the call; nothing in
        a round tells which of them will be checked, since all are. The timed function gets the
        arguments through a holder emptied in the teardown, so what they leave behind (a
        finalizer, say) runs before the reply, not once the next input has arrived.
        """
        box: list[Any] = [None]
        function, first, cpu_timer = self.function, [True], _CPU_TIMER
        cpu: list[float] = []

        def timed(holder: list[Any]) -> None:
            positional, keywords = holder[1]
            started = cpu_timer()
            box[0] = function(*positional, **keywords)
            cpu.append(cpu_timer() - started)

        def timed_calls(holder: list[Any]) -> None:
            started = cpu_timer()
            box[0] = [function(*args, **keywords) for args, keywords in holder[1]]
            cpu.append(cpu_timer() - started)

        def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
            if first[0]:
                first[0] = False
                self.send({"id": request["id"], "setup": True})
            args = self.rebuild(self.loads(self.requests.readline())["args"])
            split = [self.split(call) for call in args] if self.batch else self.split(args)
            return ([args, split],), {}

        def teardown(holder: list[Any]) -> None:
            output, box[0] = box[0], None
            reply = {"id": request["id"], "round": True, "output": self.encode(output)}
            reply["args"] = self.encode(holder[0], "arguments")
            holder.clear()
            del output
            self.send(reply)

        fixture = self._fixture(request["name"])
        fixture.pedantic(
            timed_calls if self.batch else timed,
            setup=setup,
            teardown=teardown,
            rounds=request["rounds"],
            warmup_rounds=0,
            iterations=1,
        )
        stats = fixture.stats
        options = {
            key: value if type(value) in _PLAIN_SCALARS else str(value)
            for key, value in stats.options.items()
        }
        summary = stats.stats.as_dict() | {"data": stats.stats.data, "cpu": cpu}
        return {"ok": True, "stats": summary, "options": options}

    def _fixture(self, name: str) -> Any:
        quiet = SimpleNamespace(warning=lambda *a, **k: None, debug=lambda *a, **k: None)
        return BenchmarkFixture(
            SimpleNamespace(name=name, nodeid=name),
            disable_gc=False,
            timer=NameWrapper(_TIMER),
            min_rounds=1,
            min_time=0,
            max_time=0,
            precision=None,
            confidence=None,
            warmup=False,
            warmup_iterations=0,
            calibration_precision=10,
            add_stats=lambda stats: None,
            logger=quiet,
            warner=lambda *a, **k: None,
            disabled=False,
            cprofile=False,
            cprofile_loops=None,
            cprofile_dump=None,
        )


def main() -> None:
    config = json.loads(sys.argv[1])
    # Binary with a large buffer: a big input line arrives in a few reads, not hundreds.
    requests = os.fdopen(os.dup(0), "rb", buffering=1 << 20)
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    for name in config["preload"]:
        with contextlib.suppress(ImportError):  # an optional library that is not installed
            importlib.import_module(name)
    sys.path[:] = [config["module_dir"], *(p for p in sys.path if _inside(p, config["path_roots"]))]
    codec = _load_beside("_harness_codec", "codec")
    watch = _Watch(codec)
    if config["sandboxed"]:
        sys.addaudithook(
            _load_beside("_harness_guard", "guard.py").audit_hook(
                config["workdir"],
                config["read_roots"],
                config["hidden"],
                config["blocked_imports"],
            )
        )
    try:
        module = _load(config["module_file"], config["module_name"])
        function = codec.entry(module, config["function"])
        problems = watch.problems()
        if problems:
            raise RuntimeError("tampered with the measuring machinery: " + "; ".join(problems))
    except BaseException as exc:
        replies.write(_DUMPS({"ready": False, "error": _describe(exc)}) + "\n")
        replies.flush()
        return
    server = _Server(function, codec, (requests, replies), watch, config)
    server.send({"ready": True})
    server.serve()


if __name__ == "__main__":
    main()
