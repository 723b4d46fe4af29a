"""A started bubblewrap box, seen from the host: its init, its command, and what else runs in it.

Bubblewrap writes the host pid of the box's init to an info pipe. The boxed command is init's
first child (pid 2 inside); anything the command starts, even a daemon that left its session, is
a descendant of init, because init reaps the box's orphans.
"""

import contextlib
import json
import os
import signal
import subprocess
import threading
from typing import Any

from harness.sandbox.boundary import proc_stats


class BoxedProcess:
    def __init__(self, popen: "subprocess.Popen[bytes]", info_fd: int) -> None:
        self.popen = popen
        self._info_fd: int | None = info_fd
        self._info: dict[str, Any] = {}
        self._command: int | None = None
        self._lock = threading.Lock()

    def command_pid(self) -> int | None:
        if self._command is None:
            init = self._init_pid()
            children = [pid for pid, _, parent, _ in proc_stats() if parent == init]
            self._command = next((pid for pid in children if _inner_pid(pid) == 2), None)
        return self._command

    def others(self) -> int:
        init = self._init_pid()
        if init is None:
            return 0
        stats = proc_stats()
        parents = {pid: parent for pid, _, parent, _ in stats}
        running = {pid for pid, state, _, _ in stats if state != b"Z"}
        inside = [pid for pid in running if _descends(pid, init, parents)]
        return len([pid for pid in inside if pid != self.command_pid()])

    def kill(self) -> None:
        """Kill bubblewrap's own process group: the box's init dies with it (its parent-death
        signal), and the kernel then ends every process in the box's pid namespace."""
        if self.popen.poll() is None:  # once reaped, its pid may belong to someone else
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        with self._lock:
            if self._info_fd is not None:
                os.close(self._info_fd)
                self._info_fd = None

    def _init_pid(self) -> int | None:
        with self._lock:
            if self._info_fd is not None:
                self._info = _read_info(self._info_fd)
                os.close(self._info_fd)
                self._info_fd = None
        pid = self._info.get("child-pid")
        return pid if isinstance(pid, int) else None


def _read_info(fd: int) -> dict[str, Any]:
    """Bubblewrap's JSON about the box, written once it is set up; {} if it failed before."""
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
    try:
        info = json.loads(data) if data else {}
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def _inner_pid(pid: int) -> int | None:
    """`pid`'s number inside its own pid namespace."""
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    return None


def _descends(pid: int, ancestor: int, parents: dict[int, int]) -> bool:
    seen = 0
    while pid in parents and seen < 4096:
        pid, seen = parents[pid], seen + 1
        if pid == ancestor:
            return True
    return False
