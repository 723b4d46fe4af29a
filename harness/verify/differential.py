"""Differential testing: the candidate's output against the reference's, one input at a time.

The candidate and the reference run in different processes; the expected output never enters the
candidate's process. Results arrive as decoded plain data and are compared here, in the parent;
with rule `checker`, the target's checker judges them in the reference's (trusted) process.
"""

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError, TargetError
from harness.sandbox.attempts import attempt
from harness.sandbox.codec import encode
from harness.sandbox.messages import CallResult
from harness.sandbox.process import SandboxProcess
from harness.targets.code import Code
from harness.targets.config import CHECKER
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


class CheckerError(HarnessError):
    """The target's checker failed (it raised, did not load, or replied with something other
    than True, False or a reason): the target's fault, never the candidate's. Not a
    `TargetError`, which says the reference cannot judge an input and lets a stage skip it."""


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
        self._expected: dict[bytes, CallResult] = {}
        # The correctness stages and the benchmark's output checks ask from different threads.
        self._reference_lock = threading.Lock()

    def close(self) -> None:
        self.candidate.close()
        self.reference.close()

    def expected(self, args: list[Any]) -> Any:
        return self._reference_result(args).output

    def _reference_result(self, args: list[Any]) -> CallResult:
        """The reference's answer (output, and its arguments after the call), cached by the
        arguments' encoding: a `repr` would abbreviate a large array."""
        text = json.dumps(encode(args, "arguments"))
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        with self._reference_lock:
            if key in self._expected:
                return self._expected[key]
            result = self.reference.call(args, timeout=max(60.0, self.timeout))
            self._check_reference(args, result)
            if len(self._expected) >= _CACHED_OUTPUTS:
                del self._expected[next(iter(self._expected))]
            self._expected[key] = result
            return result

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
            difference = self._difference(args, self.expected(args), output)
            problem = f"{difference} for input {shown(args)}" if difference else None
        return problem

    def _difference(self, args: list[Any], expected: Any, output: Any) -> str | None:
        """How `output` differs from `expected` by the target's rule, or None; rule `checker`
        asks the checker in the reference's process, which guards its own rebuilding of it."""
        equivalence = self.target.config.equivalence
        if equivalence.rule != CHECKER:
            return compare(expected, output, equivalence)
        with self._reference_lock:
            result = self.reference.check(args, output, expected, max(60.0, self.timeout))
        if result.kind == "refused":
            return f"output refused by the checker's process: {result.error}"
        if not result.ok:
            raise CheckerError(
                f"target {self.target.name}: its checker failed on input {shown(args)}: "
                f"{result.error}; fix the checker"
            )
        if result.output is True:
            return None
        return f"rejected by the checker: {result.output or '(it returned False)'}"

    def check(self, args: list[Any]) -> Mismatch | None:
        """None when the candidate agrees with the reference on `args`."""
        reference = self._reference_result(args)
        expected = reference.output
        result = self.candidate.call(args, self.timeout)
        if not result.ok:
            words = attempt(result.error) or _KIND_WORDS[result.kind]
            return Mismatch(args, f"{words}: {result.error}", expected, None, result.kind)
        reason = type_errors(result.output, self.target.output_type)
        if reason is None:
            reason = self._arguments_problem(args, reference.args_after, result.args_after)
        if reason is None:
            difference = self._difference(args, expected, result.output)
            reason = f"wrong result, {difference}" if difference else None
        elif reason.startswith("output"):
            reason = f"wrong type, {reason}"
        return Mismatch(args, reason, expected, result.output, "ok") if reason else None

    def _arguments_problem(self, args: list[Any], reference_after: Any, after: Any) -> str | None:
        """A function that may change its arguments (a method changing its receiver) must change
        them as the reference does; any other must leave them as they were."""
        config = self.target.config
        if config.mutates_inputs:  # a checker judges outputs only: arguments match exactly
            same = exact if config.equivalence.rule == CHECKER else compare
            changed = same(reference_after, after, config.equivalence)
            words = "changes its inputs differently from the reference"
        else:
            changed = exact(args, after, config.equivalence)
            words = "mutates its inputs"
        return f"{words} ({changed.replace('output', 'arguments', 1)})" if changed else None


_KIND_WORDS = {
    "exception": "raised",
    "type": "wrong type",
    "timeout": "timed out",
    "crash": "crashed",
    "protocol": "broke the sandbox protocol",
    "tamper": "tampered with the measuring machinery",
}
