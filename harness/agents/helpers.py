"""The helpers in an agent's folder (`./check`, `./try`) run outside its box.

Inside, a helper is a few lines of Python that pass its arguments through a Unix socket and print
the answer. Outside, `HelperService` runs `harness.agents.check` on the folder's current files,
one request at a time, where harness's own sandbox works as it does anywhere (a sandbox nested in
the agent's box would need the host's /proc there). What a helper may ask is fixed outside: its
mode and folder come from harness, only its arguments from the agent."""

import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

_CLIENT = """#!{python} -I
import json, socket, sys
with socket.socket(socket.AF_UNIX) as ask:
    ask.connect({socket!r})
    ask.sendall(json.dumps({{"args": sys.argv[1:]}}).encode() + b"\\n")
    reply = json.loads(b"".join(iter(lambda: ask.recv(65536), b"")))
sys.stdout.write(reply["output"])
sys.exit(reply["code"])
"""
_MAX_REQUEST_BYTES = 1_000_000


def write_helper(path: Path, socket_path: Path) -> None:
    """The executable helper at `path`, asking the service listening on `socket_path`."""
    path.write_text(_CLIENT.format(python=sys.executable, socket=str(socket_path)), "utf-8")
    path.chmod(0o555)


class HelperService:
    """Answers a folder's helper while an agent runs: `mode` is `check` or `try`."""

    def __init__(self, socket_path: Path, mode: str, folder: Path, limit_seconds: float) -> None:
        self.mode, self.folder, self.limit = mode, folder, limit_seconds
        self.requests = 0
        self._running: subprocess.Popen[str] | None = None
        self._cwd = tempfile.TemporaryDirectory(prefix="harness-helper-")
        self._listener = socket.socket(socket.AF_UNIX)
        self._listener.bind(str(socket_path))
        self._listener.listen(4)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            with connection:
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        try:
            args = _arguments(connection)
        except (OSError, ValueError) as exc:
            reply = {"output": f"helper: bad request: {exc}\n", "code": 2}
        else:
            self.requests += 1
            reply = self._run(args)
        with contextlib.suppress(OSError):  # the agent stopped waiting
            connection.sendall(json.dumps(reply).encode())

    def _run(self, args: list[str]) -> dict[str, object]:
        command = [sys.executable, "-m", "harness.agents.check", self.mode, str(self.folder)]
        self._running = subprocess.Popen(
            [*command, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self._cwd.name,  # what the checks write (hypothesis's database) stays out
        )
        try:
            output, _ = self._running.communicate(timeout=self.limit)
        except subprocess.TimeoutExpired:
            self._running.kill()
            output, _ = self._running.communicate()
            return {"output": output + f"\nhelper: stopped after {self.limit:g} s\n", "code": 2}
        return {"output": output, "code": self._running.returncode}

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept
        self._listener.close()
        running = self._running
        if running is not None and running.poll() is None:
            running.kill()
        self._thread.join(timeout=10)
        self._cwd.cleanup()

    def __enter__(self) -> "HelperService":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _arguments(connection: socket.socket) -> list[str]:
    data = b""
    while not data.endswith(b"\n") and len(data) < _MAX_REQUEST_BYTES:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    request = json.loads(data)
    args = request.get("args") if isinstance(request, dict) else None
    if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
        raise ValueError('expected {"args": [STRING, ...]}')
    return args
