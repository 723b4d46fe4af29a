"""A few small inputs of the target with the known-good answers, for the optimizer's prompt.

Small models rewrite the main path and forget the corners (empty matrices, k = 0); a failure
they are shown ahead is one they rarely make. The inputs are the target's edge cases (for a
repository target, the recorded calls `InputSource.shown_cases` picks, which verdicts never
time): public test inputs, never the secret benchmark ones; the answers come from the reference
in its own process.
"""

import tempfile
from pathlib import Path
from typing import Any

from harness.sandbox.process import SandboxError, SandboxProcess
from harness.targets.inputs import InputSource
from harness.targets.layout import reference_spec
from harness.targets.loader import Target

_WIDTH = 160  # an example longer than this is left out: it would teach less than it costs


def examples(target: Target, limit: int = 8) -> str:
    source = InputSource(target)
    edge = source.edge_cases()
    cases = edge[:: max(1, len(edge) // limit)][:limit] if edge else source.shown_cases()
    calls = [(_call(target, case.args), case) for case in cases]
    short = [(text, case) for text, case in calls if len(text) <= _WIDTH]
    if not short:
        return "(none)"
    lines = []
    with (
        tempfile.TemporaryDirectory(prefix="harness-examples-") as tmp,
        SandboxProcess(reference_spec(target, Path(tmp))) as reference,
    ):
        for text, case in short:
            try:
                result = reference.call(case.args, target.config.limits.call_timeout_seconds)
            except SandboxError:
                break
            answer = repr(result.output) if result.ok else f"raises ({result.error[:60]})"
            lines.append(f"- {text} == {answer}"[: 2 * _WIDTH])
    return "\n".join(lines) or "(none)"


def _call(target: Target, args: list[Any]) -> str:
    return f"{target.function}({', '.join(map(repr, args))})"
