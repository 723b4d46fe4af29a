"""The child side of the sandbox: imports one module and serves calls to one function.

Run as `python -I worker.py CONFIG_JSON`; it must not import harness (the candidate must not reach
it), so it loads harness's value codec (the `codec` package beside it) by its path.

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
_DUMPS, _LOADS = json.dumps, json.loads

_PLAIN_SCALARS = (bool, int, float, str)
_DENIED_EVENT_PREFIXES = (
    "socket.",
    "subprocess.",
    "ctypes.",
    "os.fork",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.system",
    "os.kill",
    "os.killpg",
    "os.startfile",
    "pty.",
    "resource.setrlimit",
    "gc.get_",
    "sys._current_frames",
    "sys.addaudithook",
)
_PATH_EVENTS = {
    "os.remove": 1,
    "os.rmdir": 1,
    "os.mkdir": 1,
    "os.rename": 2,
    "os.truncate": 1,
    "os.chmod": 1,
    "os.chown": 1,
    "os.symlink": 2,
    "os.link": 2,
    "os.utime": 1,
    "shutil.rmtree": 1,
    "shutil.copyfile": 2,
    "shutil.move": 2,
}


def _inside(path: Any, roots: list[str]) -> bool:
    real = os.path.realpath(os.fsdecode(path))
    return any(real == root or real.startswith(root.rstrip("/") + "/") for root in roots)


def _guard(
    workdir: str, read_roots: list[str], hidden: list[str], blocked: list[str]
) -> Callable[[str, tuple[Any, ...]], None]:
    """An audit hook enforcing the sandbox's rules inside the child (a layer, not the only one)."""
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    readable = [workdir, *read_roots]

    def deny(event: str, detail: Any) -> None:
        raise PermissionError(f"sandbox: {event} {detail!r:.120} is not allowed")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            if path is None or isinstance(path, int):
                return
            writes = any(c in (mode or "") for c in "wax+") or bool((flags or 0) & write_flags)
            if not _inside(path, [workdir, os.devnull] if writes else readable):
                deny("writing" if writes else "reading", path)
            if _inside(path, hidden):
                deny("reading", path)
        elif event in _PATH_EVENTS:
            for path in args[: _PATH_EVENTS[event]]:
                if isinstance(path, str | bytes | os.PathLike) and not _inside(path, [workdir]):
                    deny(event, path)
        elif event.startswith(_DENIED_EVENT_PREFIXES):
            deny(event, args[:1])
        elif event == "import" and str(args[0]).split(".")[0] in blocked:
            deny("importing", args[0])

    return hook


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


def _load_codec() -> ModuleType:
    """harness's value codec, the package beside this file (harness itself is not importable);
    registered under a private name so its relative imports resolve."""
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "codec")
    spec = importlib.util.spec_from_file_location(
        "_harness_codec", os.path.join(folder, "__init__.py"), submodule_search_locations=[folder]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {folder}")
    codec = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = codec
    spec.loader.exec_module(codec)
    return codec


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
        """One block: pytest-benchmark's pedantic mode, fresh arguments fetched for every round."""
        box: list[Any] = [None]
        kept: list[Any] = []
        keep = [False]
        function = self.function

        def timed(*args: Any, **keywords: Any) -> None:
            box[0] = function(*args, **keywords)

        def timed_calls(*calls: Any) -> None:
            box[0] = [function(*args, **keywords) for args, keywords in calls]

        def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
            self.send({"id": request["id"], "setup": True})
            message = self.loads(self.requests.readline())
            keep[0] = message["keep"]
            args = self.rebuild(message["args"])
            if self.batch:
                return tuple(self.split(call) for call in args), {}
            return self.split(args)

        def teardown(*args: Any, **keywords: Any) -> None:
            output, box[0] = box[0], None
            if keep[0]:  # the parent picked this round in secret; its output must be plain data
                kept.append(self.encode(output))

        fixture = self._fixture(request["name"])
        fixture.pedantic(
            timed_calls if self.batch else timed,
            setup=setup,
            teardown=teardown,
            rounds=request["rounds"],
            warmup_rounds=request["warmup"],
            iterations=1,
        )
        stats = fixture.stats
        options = {
            key: value if type(value) in _PLAIN_SCALARS else str(value)
            for key, value in stats.options.items()
        }
        summary = stats.stats.as_dict() | {"data": stats.stats.data}
        return {"ok": True, "stats": summary, "options": options, "kept": kept}

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
    codec = _load_codec()
    watch = _Watch(codec)
    if config["sandboxed"]:
        sys.addaudithook(
            _guard(
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
