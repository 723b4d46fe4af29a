"""Check a freshly written repository target the way a verdict will use it: the frozen original
must import in its own process and answer each recorded call. Calls on which it fails (it raised
while the workload ran; the recorder cannot tell) are dropped, and the output type is taken from
what it really returns."""

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.sandbox.process import SandboxError, SandboxProcess
from harness.sandbox.worker import encode
from harness.targets.infer import infer_type
from harness.targets.inputs import InputSource
from harness.targets.layout import reference_spec
from harness.targets.repo import SEPARATOR, load_repo_target
from harness.targets.repo_config import RepoTarget


@dataclass(frozen=True)
class Checked:
    target: RepoTarget
    kept: int
    dropped: int


def check_target(repo: Path, written: RepoTarget) -> Checked:
    target = load_repo_target(f"{repo}{SEPARATOR}{written.name}")
    assert target.layout is not None and target.layout.recorded is not None
    calls = [case.args for case in InputSource(target).recorded_cases()]
    timeout = target.config.limits.call_timeout_seconds
    with (
        tempfile.TemporaryDirectory(prefix="harness-check-") as tmp,
        SandboxProcess(reference_spec(target, Path(tmp))) as process,
    ):
        try:
            process.start()
        except SandboxError as exc:
            raise HarnessError(
                f"{written.entry} does not import from {written.import_root}: {exc}; install "
                "the repository's dependencies into .venv (.venv/bin/pip install -e REPO)"
            ) from None
        answers = [(args, process.call(args, timeout)) for args in calls]
    kept = [(args, result.output) for args, result in answers if result.ok]
    _rewrite(target.layout.recorded, [args for args, _ in kept])
    output_type = str(infer_type(output for _, output in kept))
    updated = written.model_copy(update={"output_type": output_type})
    return Checked(updated, len(kept), len(calls) - len(kept))


def _rewrite(path: Path, calls: list[list[Any]]) -> None:
    lines = [json.dumps(encode(args, "arguments")) + "\n" for args in calls]
    path.write_text("".join(lines), encoding="utf-8")
