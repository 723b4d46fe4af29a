"""Network for an agent that reaches its model API and nothing else (`[agent] network = "api"`).

The box has no network of its own (`--unshare-net`: only its own loopback). A bridge inside it
(`python -m harness.agents.egress`) listens on the box's loopback and passes each connection
through a Unix socket to the gate, outside, which opens at most one destination: the model API.

- A base URL on the host's loopback (a local server, `harness serve-model`): the bridge listens
  on the same port inside the box, so the URL works unchanged; the gate connects each stream
  to that port on the host.
- Any other base URL: the bridge is an HTTP proxy (`HTTPS_PROXY`, `HTTP_PROXY`); the gate
  lets a `CONNECT` through only to the API's host and port, and plain requests only to it.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from harness.errors import ConfigError

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_HEAD_LIMIT = 16_384  # bytes of a proxy request's head
PROXY_PORT = 3128  # inside the box, whose loopback is its own: always free
HOSTED_APIS = {"openai": "api.openai.com", "anthropic": "api.anthropic.com"}


@dataclass(frozen=True)
class Destination:
    host: str
    port: int

    @property
    def local(self) -> bool:
        return self.host in _LOOPBACK


def destination(base_url: str | None, provider: str | None) -> Destination | None:
    """Where the agent's model API is: its base URL, else its provider's hosted API (None: no
    API is known, so the agent gets no network at all)."""
    if base_url is None:
        host = HOSTED_APIS.get(provider or "")
        return Destination(host, 443) if host else None
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ConfigError(f"base URL {base_url!r} names no host; write http(s)://HOST[:PORT]/...")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return Destination(parts.hostname.lower(), port)


class Gate:
    """Outside the box: a Unix socket whose every connection goes to `allowed`, directly
    (`proxy` False: a local API) or after a proxy request naming it. Runs until `close`."""

    def __init__(self, path: Path, allowed: Destination, proxy: bool) -> None:
        self.allowed, self.proxy = allowed, proxy
        self.refused: list[str] = []  # what the agent asked for and did not get
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                inside, _ = self._server.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._serve, args=(inside,), daemon=True).start()

    def _serve(self, inside: socket.socket) -> None:
        with inside:
            if not self.proxy:
                outside = _connect(self.allowed)
                if outside is not None:
                    _pipe(inside, outside, b"")
                return
            self._proxy(inside)

    def _proxy(self, inside: socket.socket) -> None:
        head, rest = _read_head(inside)
        method, target = _request_line(head)
        wanted = _target(method, target)
        if wanted != self.allowed:
            self.refused.append(target)
            inside.sendall(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
            return
        outside = _connect(wanted)
        if outside is None:
            inside.sendall(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            return
        if method == "CONNECT":
            inside.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pipe(inside, outside, rest)
        else:  # a plain request, passed on as it came (absolute URI and all)
            _pipe(inside, outside, head + rest)


def _request_line(head: bytes) -> tuple[str, str]:
    words = head.split(b"\r\n", 1)[0].decode("latin-1").split()
    return (words[0].upper(), words[1]) if len(words) >= 2 else ("", "")


def _target(method: str, target: str) -> Destination | None:
    if method == "CONNECT":
        host, _, port = target.rpartition(":")
        return Destination(host.strip("[]").lower(), int(port)) if port.isdigit() else None
    parts = urlsplit(target)
    if parts.scheme != "http" or not parts.hostname:
        return None
    return Destination(parts.hostname, parts.port or 80)


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < _HEAD_LIMIT:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head + b"\r\n\r\n", rest


def _connect(where: Destination) -> socket.socket | None:
    try:
        return socket.create_connection((where.host, where.port), timeout=30)
    except OSError:
        return None


def _pipe(one: socket.socket, other: socket.socket, first: bytes) -> None:
    """Copy both ways until either side closes; `first` goes to `other` before anything."""
    with other:
        other.settimeout(None)
        if first:
            other.sendall(first)
        back = threading.Thread(target=_copy, args=(other, one), daemon=True)
        back.start()
        _copy(one, other)
        back.join()


def _copy(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


def bridge(port: int, gate: str, argv: list[str]) -> int:
    """Inside the box: listen on the box's loopback `port`, each connection passed to the
    `gate` socket, while `argv` (the agent) runs; its exit code is returned."""
    listener = socket.create_server(("127.0.0.1", port))
    threading.Thread(target=_bridge_accept, args=(listener, gate), daemon=True).start()
    return subprocess.call(argv)


def _bridge_accept(listener: socket.socket, gate: str) -> None:
    while True:
        inside, _ = listener.accept()
        outside = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            outside.connect(gate)
        except OSError:
            inside.close()
            continue
        threading.Thread(target=_pipe, args=(inside, outside, b""), daemon=True).start()


def bridge_argv(port: int, gate: Path, argv: list[str]) -> list[str]:
    return [sys.executable, "-m", "harness.agents.egress", str(port), str(gate), "--", *argv]


def proxy_env(port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}"
    names = ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY"]
    return dict.fromkeys(names, url) | {"NO_PROXY": "", "no_proxy": ""}


if __name__ == "__main__":
    port_text, gate_path, _, *command = sys.argv[1:]
    with contextlib.suppress(KeyboardInterrupt):
        os._exit(bridge(int(port_text), gate_path, command))
