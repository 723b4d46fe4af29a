"""The box an agent runs in: the whole system read-only, its scratch copy the only writable
place besides its own config folder (which holds its TMPDIR), the target's tests and harness's
check files read-only inside the copy, network as the user chose, and a time limit after which
everything it started is killed. The host's /tmp stays visible (read-only): targets and their
references may live there, and `./check` loads them.

The agent is the user's own tool, not candidate code: the code it writes is judged afterwards
in the candidate sandbox. Its helpers (`./check`, `./try`) start that sandbox outside this box,
through a socket (see `helpers`): the box has a /proc of its own pid namespace."""

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.sandbox.boundary import Unboxed, current

_OUTPUT_CHARS = 200_000  # of what the agent printed, kept as its transcript's tail
_PASSED = ("PATH", "LANG", "LC_ALL", "TERM", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


@dataclass(frozen=True)
class AgentRun:
    exit_code: int | None  # None: killed at its time limit
    seconds: float
    output: str  # stdout and stderr, interleaved, at most the last _OUTPUT_CHARS

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None


@dataclass(frozen=True)
class Box:
    folder: Path  # the scratch copy: working directory, writable
    read_only: list[Path]  # inside it, yet read-only
    writable: list[Path]  # outside it: the agent's own config and transcript
    network: str  # "host" or "none"


def argv_in_box(argv: list[str], box: Box) -> list[str]:
    """`argv` wrapped in bubblewrap (or as it is when the user chose no sandbox)."""
    if isinstance(current(), Unboxed):
        return argv
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise HarnessError("agents run in bubblewrap, which is missing: run `make sandbox`")
    wrapped = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for path in [box.folder, *box.writable]:
        wrapped += ["--bind", str(path), str(path)]
    for path in box.read_only:
        wrapped += ["--ro-bind", str(path), str(path)]
    wrapped += ["--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    wrapped += ["--die-with-parent", "--new-session"]
    wrapped += ["--unshare-net"] if box.network == "none" else []
    return [*wrapped, "--chdir", str(box.folder), "--", *argv]


def environment(
    folder: Path, config: Path, passed: list[str], extra: dict[str, str]
) -> dict[str, str]:
    """A clean environment: HOME in the scratch copy, TMPDIR in the agent's config folder, the
    named variables (API keys) passed."""
    home, temporary = folder / ".home", config / "tmp"
    home.mkdir(exist_ok=True)
    temporary.mkdir(exist_ok=True)
    names = [*_PASSED, *passed]
    env = {name: os.environ[name] for name in names if name in os.environ}
    own = {"HOME": str(home), "TMPDIR": str(temporary), "PYTHONDONTWRITEBYTECODE": "1"}
    return env | own | extra


def run_agent(argv: list[str], env: dict[str, str], task: str, limit_seconds: float) -> AgentRun:
    """Run the boxed `argv` with `task` on its stdin until it exits or its time is up."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.PIPE,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        code = _wait(process, task, limit_seconds)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")[-_OUTPUT_CHARS:]
    return AgentRun(code, time.monotonic() - started, text)


def _wait(process: "subprocess.Popen[bytes]", task: str, limit_seconds: float) -> int | None:
    try:
        process.communicate(task.encode(), timeout=limit_seconds)
        return process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)  # the box's pid namespace dies with it, and all inside
        process.wait()
        return None
