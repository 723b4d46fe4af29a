"""`harness ui`: the MLflow UI on 127.0.0.1 against the store, one worker so it starts fast."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from harness.errors import ConfigError, HarnessError, missing
from harness.store.mlflow_store import MLFLOW

_READY_SECONDS = 120.0
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def server_command(tracking_uri: str, port: int, artifacts: Path) -> list[str]:
    mlflow = Path(sys.executable).with_name("mlflow")
    if not mlflow.exists():
        raise missing("harness ui", MLFLOW)
    return [
        str(mlflow),
        "server",
        "--backend-store-uri",
        tracking_uri,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        # Absolute, or the server would put new artifacts under its current directory.
        "--artifacts-destination",
        str(artifacts.resolve()),
    ]


def serve(tracking_uri: str, port: int, artifacts: Path, on_ready: Callable[[str], None]) -> int:
    """Run the UI until Ctrl-C (or until the server stops); returns its exit code."""
    if not tracking_uri.startswith(("sqlite:", "postgresql", "mysql", "mssql")):
        raise ConfigError(
            f"harness ui serves a database store, not {tracking_uri!r}: "
            "open that server's own UI, or pass --tracking-uri sqlite:///... or postgresql://..."
        )
    env = {
        **os.environ,
        "MLFLOW_DISABLE_TELEMETRY": os.environ.get("MLFLOW_DISABLE_TELEMETRY", "true"),
    }
    # The server's own log goes to stderr: stdout carries only the URL line.
    server = subprocess.Popen(
        server_command(tracking_uri, port, artifacts),
        env=env,
        stdout=sys.stderr,
        start_new_session=True,
    )
    try:
        with _signals_stop():
            url = f"http://127.0.0.1:{port}"
            _wait_ready(server, url)
            on_ready(url)
            return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(server)


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """SIGTERM and SIGHUP (`kill`, a service manager, a closed terminal) stop the UI the way
    Ctrl-C does, so the server and its job workers are stopped too, not left holding the port."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    before = {number: signal.signal(number, interrupt) for number in _STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _wait_ready(server: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + _READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise HarnessError(
                f"the MLflow UI did not start (exit code {server.returncode}); "
                "if the port is taken, pass another with --port"
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise HarnessError(f"the MLflow UI did not answer at {url} within {_READY_SECONDS:g} s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
