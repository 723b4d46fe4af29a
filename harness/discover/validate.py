"""Check a freshly written repository target the way a verdict will use it: the frozen original
must import in its own process and answer each recorded call. Calls on which it fails (it raised
while the workload ran; the recorder cannot tell) are dropped, and the output type is taken from
what it really returns. Then the unchanged original goes through the correctness gate a candidate
goes through, and the repository's tests run once against it in the sandbox."""

import json
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.sandbox.codec import encode
from harness.sandbox.process import SandboxError, SandboxProcess
from harness.targets.code import baseline_code
from harness.targets.infer import infer_type
from harness.targets.inputs import InputSource
from harness.targets.layout import reference_spec
from harness.targets.repo import SEPARATOR, load_repo_target
from harness.targets.repo_config import RepoTarget
from harness.verify.gate import Verifier
from harness.verify.target_tests import TestRun


@dataclass(frozen=True)
class Checked:
    target: RepoTarget
    kept: int
    dropped: int
    problem: str | None = None  # why the function does not load, its module loading fine
    first_error: str = ""  # what the original raised on the first call dropped


def check_target(repo: Path, written: RepoTarget) -> Checked:
    target = load_repo_target(f"{repo}{SEPARATOR}{written.name}")
    assert target.layout is not None and target.layout.recorded is not None
    source = InputSource(target)  # every recorded call, the holdout too
    calls = [case.args for case in [*source.recorded_cases(), *source.recorded_holdout()]]
    timeout = target.config.limits.call_timeout_seconds
    with (
        tempfile.TemporaryDirectory(prefix="harness-check-") as tmp,
        SandboxProcess(reference_spec(target, Path(tmp))) as process,
    ):
        try:
            process.start()
        except SandboxError as exc:
            if not _missing_module(str(exc)):  # this function, not the package: skip it alone
                return Checked(written, 0, 0, problem=f"does not load: {exc}"[:200])
            raise HarnessError(
                f"{written.entry} does not import from {written.import_root}: {exc}; install "
                "the repository's dependencies into .venv (.venv/bin/pip install -e REPO)"
            ) from None
        answers = [(args, process.call(args, timeout)) for args in calls]
    kept = [(args, result.output) for args, result in answers if result.ok]
    _rewrite(target.layout.recorded, [args for args, _ in kept])
    output_type = str(infer_type(output for _, output in kept))
    updated = written.model_copy(update={"output_type": output_type})
    errors = [result.error.strip() or result.kind for _, result in answers if not result.ok]
    first_error = errors[0].splitlines()[-1][:160] if errors else ""
    return Checked(updated, len(kept), len(calls) - len(kept), first_error=first_error)


def _missing_module(error: str) -> bool:
    return "ModuleNotFoundError" in error or "ImportError" in error


def _rewrite(path: Path, calls: list[list[Any]]) -> None:
    lines = [json.dumps(encode(args, "arguments")) + "\n" for args in calls]
    path.write_text("".join(lines), encoding="utf-8")


def judge_original(repo: Path, name: str) -> str | None:
    """Why the gate rejects the target's unchanged original as a candidate, or None if it
    passes. Correctness stages only (no benchmark); the repository's tests run once, apart."""
    target = load_repo_target(f"{repo}{SEPARATOR}{name}")
    untested = replace(target, config=target.config.model_copy(update={"test_command": None}))
    verdict = Verifier(bench=None).evaluate(untested, baseline_code(target), seed=0)
    return None if verdict.correct else "; ".join(verdict.reasons)


@dataclass(frozen=True)
class TestOutcome:
    passed: bool
    detail: str  # the command and its last line, or what went wrong
    output: str  # all it printed


def run_tests(repo: Path, name: str, command: str) -> TestOutcome:
    """`command` in the sandbox, in a copy of the repository with the original code in place,
    as a verdict runs a target's tests."""
    target = load_repo_target(f"{repo}{SEPARATOR}{name}")
    with tempfile.TemporaryDirectory(prefix="harness-tests-") as tmp:
        run = TestRun(target, baseline_code(target), command, Path(tmp))
        try:
            passed, detail = run.result()
        finally:
            run.stop()
    return TestOutcome(passed, detail, run.output)
