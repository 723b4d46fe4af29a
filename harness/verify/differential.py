"""Differential testing: the candidate's output against the reference's, one input at a time.

The candidate and the reference run in different processes; the expected output never enters the
candidate's process. Results arrive as decoded plain data and are compared here, in the parent.
"""

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import TargetError
from harness.sandbox.attempts import attempt
from harness.sandbox.process import CallResult, SandboxProcess
from harness.targets.code import Code
from harness.targets.equivalence import compare, exact
from harness.targets.layout import place, reference_spec
from harness.targets.layout import spec as module_spec
from harness.targets.loader import Target
from harness.targets.types import type_errors

_SHOWN_CHARS = 300
_CACHED_OUTPUTS = 256  # reference outputs kept: shrinking and both sides of a block reuse them


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + f"... ({len(text)} chars)"


@dataclass(frozen=True)
class Mismatch:
    """Why the candidate's answer on `args` is not acceptable."""

    args: list[Any]
    reason: str
    expected: Any
    actual: Any
    kind: str  # the candidate call's kind: ok, exception, type, timeout, crash, protocol


class Differential:
    """Owns a candidate process and a reference process for one verification."""

    def __init__(self, target: Target, candidate: Code, workdir: Path) -> None:
        self.target = target
        limits = target.config.limits
        self.timeout = limits.call_timeout_seconds
        candidate_dir = workdir / "candidate"
        module_file = place(target, candidate, candidate_dir / "src")
        self.candidate = SandboxProcess(module_spec(target, module_file, candidate_dir))
        reference_dir = workdir / "reference"
        reference_dir.mkdir()
        self.reference = SandboxProcess(reference_spec(target, reference_dir))
        self._expected: dict[bytes, Any] = {}
        # The correctness stages and the benchmark's output checks ask from different threads.
        self._reference_lock = threading.Lock()

    def close(self) -> None:
        self.candidate.close()
        self.reference.close()

    def expected(self, args: list[Any]) -> Any:
        key = hashlib.blake2b(repr(args).encode(), digest_size=16).digest()
        with self._reference_lock:
            if key in self._expected:
                return self._expected[key]
            result = self.reference.call(args, timeout=max(60.0, self.timeout))
            self._check_reference(args, result)
            if len(self._expected) >= _CACHED_OUTPUTS:
                del self._expected[next(iter(self._expected))]
            self._expected[key] = result.output
            return result.output

    def _check_reference(self, args: list[Any], result: CallResult) -> None:
        problem = (
            result.error if not result.ok else type_errors(result.output, self.target.output_type)
        )
        if problem:
            raise TargetError(
                f"target {self.target.name}: the reference fails on its own input {shown(args)}: "
                f"{problem}; fix the generator or the reference"
            )

    def round_problem(self, args: list[Any], output: Any) -> str | None:
        """`output_problem` for a timed round: one call, or a replayed batch of calls."""
        if not self.target.replays_calls:
            return self.output_problem(args, output)
        if type(output) is not list or len(output) != len(args):
            return "a replayed round did not give one output per call"
        for call, call_output in zip(args, output, strict=True):
            if problem := self.output_problem(call, call_output):
                return problem
        return None

    def output_problem(self, args: list[Any], output: Any) -> str | None:
        """Why `output` is not an acceptable answer for `args`, or None."""
        problem = type_errors(output, self.target.output_type)
        if problem is None:
            difference = compare(self.expected(args), output, self.target.config.equivalence)
            problem = f"{difference} for input {shown(args)}" if difference else None
        return problem

    def check(self, args: list[Any]) -> Mismatch | None:
        """None when the candidate agrees with the reference on `args`."""
        expected = self.expected(args)
        result = self.candidate.call(args, self.timeout)
        if not result.ok:
            words = attempt(result.error) or _KIND_WORDS[result.kind]
            return Mismatch(args, f"{words}: {result.error}", expected, None, result.kind)
        reason = type_errors(result.output, self.target.output_type)
        if reason is None and not self.target.config.mutates_inputs:
            changed = exact(args, result.args_after, self.target.config.equivalence)
            reason = (
                f"mutates its inputs ({changed.replace('output', 'arguments', 1)})"
                if changed
                else None
            )
        if reason is None:
            difference = compare(expected, result.output, self.target.config.equivalence)
            reason = f"wrong result, {difference}" if difference else None
        elif reason.startswith("output"):
            reason = f"wrong type, {reason}"
        return Mismatch(args, reason, expected, result.output, "ok") if reason else None


_KIND_WORDS = {
    "exception": "raised",
    "type": "wrong type",
    "timeout": "timed out",
    "crash": "crashed",
    "protocol": "broke the sandbox protocol",
    "tamper": "tampered with the measuring machinery",
}
