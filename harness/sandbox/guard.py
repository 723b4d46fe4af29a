"""The audit hook of a sandboxed process: the sandbox's rules, enforced inside the child (a layer
behind the kernel's boundary, not the only one). Loaded by its path, by the worker and by a
target's own test run; it must not import harness."""

import os
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

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


def audit_hook(
    workdir: str, read_roots: list[str], hidden: list[str], blocked: list[str]
) -> Callable[[str, tuple[Any, ...]], None]:
    """An audit hook enforcing the sandbox's rules inside the child (a layer, not the only one).

    Its rules and the functions it calls are bound here, as immutable values in its closure:
    module globals, or `os.path.realpath` looked up at each event, could be replaced by the
    module under test before it opens a file.
    """
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    realpath, fsdecode, devnull = os.path.realpath, os.fsdecode, os.devnull
    denied, path_events = tuple(_DENIED_EVENT_PREFIXES), MappingProxyType(dict(_PATH_EVENTS))
    readable, writable, blocked_set = (workdir, *read_roots), (workdir, devnull), frozenset(blocked)
    hidden_roots, workdir_only = tuple(hidden), (workdir,)

    def inside(path: Any, roots: tuple[str, ...]) -> bool:
        real = realpath(fsdecode(path))
        return any(real == root or real.startswith(root.rstrip("/") + "/") for root in roots)

    def deny(event: str, detail: Any) -> None:
        raise PermissionError(f"sandbox: {event} {detail!r:.120} is not allowed")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            if path is None or isinstance(path, int):
                return
            writes = any(c in (mode or "") for c in "wax+") or bool((flags or 0) & write_flags)
            if not inside(path, writable if writes else readable):
                deny("writing" if writes else "reading", path)
            if inside(path, hidden_roots):
                deny("reading", path)
        elif event in path_events:
            for path in args[: path_events[event]]:
                if isinstance(path, str | bytes | os.PathLike) and not inside(path, workdir_only):
                    deny(event, path)
        elif event.startswith(denied):
            deny(event, args[:1])
        elif event == "import" and str(args[0]).split(".")[0] in blocked_set:
            deny("importing", args[0])

    return hook
