"""Run a target's own test command against a candidate, in a throwaway copy of the target."""

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from harness.sandbox.limits import Limits, child_env, isolation_prefix, set_limits
from harness.sandbox.process import WORKER, sandbox_roots
from harness.targets.loader import Target

# Every Python process the test command starts installs the sandbox's audit hook first.
_SITECUSTOMIZE = """\
import importlib.util, sys
_spec = importlib.util.spec_from_file_location("_harness_guard", {worker!r})
_guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_guard)
sys.addaudithook(_guard._guard({workdir!r}, {read_roots!r}, ["harness", "reference_impls"]))
"""


def run_test_command(
    target: Target, candidate_file: Path, command: str, workdir: Path
) -> tuple[bool, str]:
    copy = workdir / "target-tests"
    shutil.copytree(target.folder, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    shutil.copyfile(candidate_file, copy / target.entry_file.relative_to(target.folder))
    env = child_env(copy) | {"PYTHONPATH": str(_guard_dir(workdir, copy))}
    argv = shlex.split(command)
    if argv and argv[0] in {"python", "python3"}:
        argv[0] = sys.executable
    limits = target.config.limits
    process = subprocess.Popen(
        [*isolation_prefix(), *argv],
        cwd=copy,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=lambda: set_limits(
            Limits(cpu_seconds=int(limits.test_timeout_seconds), memory_mb=limits.memory_mb)
        ),
    )
    try:
        output, _ = process.communicate(timeout=limits.test_timeout_seconds)
    except subprocess.TimeoutExpired:
        return False, f"`{command}` did not finish within {limits.test_timeout_seconds:g} s"
    finally:
        _kill_group(process.pid)
    lines = output.decode(errors="replace").strip().splitlines()
    last = lines[-1] if lines else "(no output)"
    if process.returncode == 0:
        return True, f"`{command}` passed: {last}"
    return False, f"`{command}` failed with exit code {process.returncode}: {last}"


def _guard_dir(workdir: Path, copy: Path) -> Path:
    folder = workdir / "guard"
    folder.mkdir()
    read_roots, _ = sandbox_roots()
    source = _SITECUSTOMIZE.format(
        worker=str(WORKER),
        workdir=str(copy.resolve()),
        read_roots=[*read_roots, str(folder.resolve())],
    )
    (folder / "sitecustomize.py").write_text(source)
    return folder


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already exited
        os.killpg(pid, signal.SIGKILL)
