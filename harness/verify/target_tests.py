"""Run a target's own test command against a candidate, in a throwaway copy of the target."""

import contextlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from harness.sandbox.boundary import Box, PopenOptions, current, python_argv
from harness.sandbox.limits import child_env, set_limits
from harness.sandbox.process import GUARD
from harness.sandbox.roots import sandbox_roots
from harness.targets.code import Code, write_code
from harness.targets.limits import process_limits
from harness.targets.loader import Target
from harness.targets.tree import copy_working_tree, import_roots

# Lines that say what went wrong: pytest's `E ` lines and error headers, exception lines
# (`ValueError: ...`) and argparse's `prog: error: ...`.
_CAUSE = re.compile(r"^(E\s|ERROR\b|FAILED\b|[\w.]*(Error|Exception|Exit)\b)|\berror: ")
_CAUSE_LINES, _LINE_CHARS = 3, 200
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# Every Python process the test command starts installs the sandbox's audit hook first. ctypes
# is imported before it: importing it opens the process's own symbols (`dlopen(None)`), and numpy,
# so every numpy-based test suite, imports it. Loading other libraries through it stays refused.
_SITECUSTOMIZE = """\
import importlib.util, sys
try:
    import ctypes
except ImportError:
    pass
_spec = importlib.util.spec_from_file_location("_harness_guard", {guard!r})
_guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_guard)
sys.addaudithook(_guard.audit_hook({workdir!r}, {read_roots!r}, [], ["harness", "reference_impls"]))
"""


class TestRun:
    """A target's own test command against a candidate, running in the background from
    construction (it takes a core of its own while the differential stages use the other)."""

    def __init__(self, target: Target, candidate: Code, command: str, workdir: Path) -> None:
        copy = (workdir / "target-tests").resolve()
        _copy_target(target, copy)
        write_code(target, candidate, copy)
        guard = _guard_dir(workdir, copy)
        # The copy's packages come first: an installed (e.g. editable) original must not win.
        paths = [guard, *(import_roots(copy) if target.layout else [])]
        env = child_env(copy) | {"PYTHONPATH": os.pathsep.join(map(str, paths))}
        limits = target.config.limits
        self.command, self.timeout = command, limits.test_timeout_seconds
        # A file, not a pipe: nobody reads while the tests run, and a full pipe would stall them.
        self._output = (workdir / "target-tests.log").open("w+b")
        self.output = ""  # what the command printed, once it has finished
        # The tests run in a writable, size-capped copy of the copy, inside the box.
        box = Box(copy, read_only=(guard, GUARD), seed=copy)
        test_limits = process_limits(target, "tests")
        options = PopenOptions(
            env,
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: set_limits(test_limits),
        )
        self._box = current().start(box, python_argv(command), options)
        self._process = self._box.popen
        self._deadline = time.monotonic() + self.timeout

    def result(self) -> tuple[bool, str]:
        """Wait for the tests (until their time limit) and say whether they passed."""
        try:
            self._process.wait(timeout=max(0.0, self._deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.stop()
            return False, f"`{self.command}` did not finish within {self.timeout:g} s"
        self._output.seek(0)
        self.output = printed_text(self._output.read())
        self.stop()
        if self._process.returncode == 0:
            lines = self.output.strip().splitlines()
            return True, f"`{self.command}` passed: {lines[-1] if lines else '(no output)'}"
        code = self._process.returncode
        return False, f"`{self.command}` failed with exit code {code}: {failure_cause(self.output)}"

    def stop(self) -> None:
        """Kill whatever the command started (its children too); safe to call more than once."""
        self._box.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=5)
        self._output.close()


def _copy_target(target: Target, copy: Path) -> None:
    """Copy the target folder, or a repository target's working tree."""
    if target.layout is None:
        shutil.copytree(target.folder, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    else:
        copy_working_tree(target.layout.root, copy)


def _guard_dir(workdir: Path, copy: Path) -> Path:
    folder = workdir / "guard"
    folder.mkdir()
    read_roots, _ = sandbox_roots()
    source = _SITECUSTOMIZE.format(
        guard=str(GUARD),
        workdir=str(copy.resolve()),
        read_roots=[*read_roots, str(folder.resolve())],
    )
    (folder / "sitecustomize.py").write_text(source)
    return folder


def printed_text(raw: bytes) -> str:
    """A command's output as text. Some suites force colour (`addopts = --color=yes`); its
    escapes would garble a verdict and hide pytest's `FAILED` lines from the parsers."""
    return _ANSI.sub("", raw.decode(errors="replace"))


def failure_cause(output: str) -> str:
    """What a failed command's output says went wrong, on one line: its first error lines
    (pytest's `E ` lines, error headers, exception lines), then its last line."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    if not lines:
        return "(no output)"
    causes = [line for line in lines if _CAUSE.search(line)][:_CAUSE_LINES]
    shown = [*causes, lines[-1]] if lines[-1] not in causes else causes
    return " | ".join(" ".join(line.split())[:_LINE_CHARS] for line in shown)
