"""The child side of the sandbox: imports one module and serves calls to one function.

Run as `python -I worker.py CONFIG_JSON`; it must not import harness (the candidate must not reach
it), so it uses the standard library only. The parent imports this file too, for the codec.

Requests and replies are JSON lines on private copies of stdin/stdout; fds 0 and 1 are pointed
elsewhere before the module is imported, so what the module prints cannot forge a reply.
"""

import contextlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from typing import Any

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


class PlainDataError(TypeError):
    """A value that is not plain builtin data (list, tuple, dict, str, int, float, bool, None)."""


def encode(value: Any, path: str = "output") -> Any:
    """Turn plain data into JSON-able form, keeping tuples and non-str dict keys apart."""
    kind = type(value)
    if value is None or kind in _PLAIN_SCALARS:
        return value
    if kind is list:
        return [encode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if kind is tuple:
        return {"__tuple__": [encode(item, f"{path}[{i}]") for i, item in enumerate(value)]}
    if kind is dict:
        return {
            "__dict__": [[encode(k, path), encode(v, f"{path}[{k!r}]")] for k, v in value.items()]
        }
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    raise PlainDataError(f"{path} is a {name}, not plain builtin data")


def decode(value: Any) -> Any:
    if type(value) is list:
        return [decode(item) for item in value]
    if type(value) is dict:
        if "__tuple__" in value:
            return tuple(decode(item) for item in value["__tuple__"])
        return {decode(k): decode(v) for k, v in value["__dict__"]}
    return value


def _inside(path: Any, roots: list[str]) -> bool:
    real = os.path.realpath(os.fsdecode(path))
    return any(real == root or real.startswith(root.rstrip("/") + "/") for root in roots)


def _guard(
    workdir: str, read_roots: list[str], blocked: list[str]
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
            if not _inside(path, [workdir] if writes else readable):
                deny("writing" if writes else "reading", path)
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
    spec = importlib.util.spec_from_file_location(module_name, module_file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {module_file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _serve(function: Callable[..., Any], requests: Any, replies: Any) -> None:
    dumps, loads, flush = json.dumps, json.loads, replies.flush
    for line in requests:
        request = loads(line)
        args = decode(request["args"])
        try:
            output = function(*args)
        except BaseException as exc:  # the candidate's failure, reported, never fatal here
            reply = {"id": request["id"], "ok": False, "kind": "exception", "error": _describe(exc)}
        else:
            try:
                reply = {
                    "id": request["id"],
                    "ok": True,
                    "output": encode(output),
                    "args_after": encode(args, "arguments"),
                }
            except (PlainDataError, RecursionError) as exc:
                reply = {"id": request["id"], "ok": False, "kind": "type", "error": _describe(exc)}
        replies.write(dumps(reply) + "\n")
        flush()


def main() -> None:
    config = json.loads(sys.argv[1])
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    for name in config["preload"]:
        with contextlib.suppress(ImportError):  # an optional library that is not installed
            importlib.import_module(name)
    sys.path[:] = [config["module_dir"], *(p for p in sys.path if _inside(p, config["path_roots"]))]
    if config["sandboxed"]:
        sys.addaudithook(_guard(config["workdir"], config["read_roots"], config["blocked_imports"]))
    try:
        function = getattr(_load(config["module_file"], config["module_name"]), config["function"])
        if not callable(function):
            raise TypeError(f"{config['function']} is not callable")
    except BaseException as exc:
        replies.write(json.dumps({"ready": False, "error": _describe(exc)}) + "\n")
        replies.flush()
        return
    replies.write(json.dumps({"ready": True}) + "\n")
    replies.flush()
    _serve(function, requests, replies)


if __name__ == "__main__":
    main()
