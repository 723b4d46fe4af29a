"""Run a repository's workload in a throwaway copy, with `hook` in every Python process.

The repository itself is never touched: the command runs in a copy of the working tree (what
git tracks plus untracked files it does not ignore), with harness's Python first on PATH.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.sandbox.boundary import Box, python_argv, run_boxed
from harness.sandbox.limits import child_env
from harness.targets.tree import copy_working_tree, import_roots
from harness.verify.target_tests import failure_cause, printed_text

_SITECUSTOMIZE = "from harness.discover import hook\nhook.install()\n"
# The hook's package, which the workload's box shows read-only.
_HARNESS_SOURCE = Path(__file__).resolve().parents[1]
_PASSED = re.compile(r"\b[1-9]\d* passed\b")  # pytest's summary line


@dataclass(frozen=True)
class Workload:
    command: str
    why: str  # how it was chosen, for the user


class WorkloadFailed(HarnessError):
    """The workload exited with an error; `output` is what it printed."""

    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.output = output


@dataclass
class ProbeRun:
    copy: Path  # the copy the command ran in; paths in the reports are inside it
    reports: list[Any]
    failed_tests: str | None = None  # the cause, when some of the workload's tests failed


@contextmanager
def repo_copy(repo: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="harness-init-") as tmp:
        copy = Path(tmp) / repo.name
        copy_working_tree(repo, copy)
        yield copy


def run_probe(copy: Path, workload: Workload, mode: dict[str, str], timeout: float) -> ProbeRun:
    """Run the workload once in `copy`; `mode` holds the hook's HARNESS_PROBE_* variables
    (its folder value is filled in here)."""
    reports_dir = copy.parent / "probe-reports"
    shutil.rmtree(reports_dir, ignore_errors=True)
    reports_dir.mkdir()
    reports_dir.chmod(0o777)  # written from the box, whose uid may differ (as root)
    hook_dir = copy.parent / "probe-hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    env = _environment(copy, hook_dir) | {k: v or str(reports_dir) for k, v in mode.items()}
    # Boxed like a candidate (no network, nothing of the user's but this copy, which it gets
    # as a writable copy of its own); only its reports folder is written through to here.
    box = Box(copy, read_only=(hook_dir, _HARNESS_SOURCE), seed=copy, writable=(reports_dir,))
    failed_tests = _run(copy, workload, env, timeout, box)
    reports = [json.loads(path.read_text()) for path in sorted(reports_dir.glob("*.json"))]
    return ProbeRun(copy, reports, failed_tests)


def _environment(copy: Path, hook_dir: Path) -> dict[str, str]:
    """The box's minimal environment (no API keys or tokens), with the hook first on the path."""
    paths = [str(hook_dir), *map(str, import_roots(copy))]
    return child_env(copy) | {"PYTHONPATH": os.pathsep.join(paths)}


def _run(
    copy: Path, workload: Workload, env: dict[str, str], timeout: float, box: Box
) -> str | None:
    """Run the workload; None when it passed, the cause when only some of its tests failed (what
    ran is still a profile of the code: a sdist's suite often has a test needing the network or
    a file it does not ship); anything else that fails raises."""
    argv = python_argv(workload.command)
    if shutil.which(argv[0], path=env["PATH"]) is None and not (copy / argv[0]).is_file():
        raise HarnessError(
            f"workload `{workload.command}`: {argv[0]} not found; give a command that runs "
            "from the repository root with --workload"
        )
    try:
        done = run_boxed(box, argv, env, timeout)
    except subprocess.TimeoutExpired:
        raise HarnessError(
            f"workload `{workload.command}` ran longer than {timeout:g} s; give a shorter one "
            "with --workload or a longer --timeout"
        ) from None
    output = printed_text(done.stdout + done.stderr)
    if done.returncode == 1 and _PASSED.search(output):  # pytest: some tests failed
        return failure_cause(output)
    if done.returncode != 0:
        raise WorkloadFailed(
            f"workload `{workload.command}` failed with exit code {done.returncode}: "
            f"{failure_cause(output)}; fix it or give another with --workload",
            output,
        )
    return None
