"""The one place a process's OS limits come from: the target's `[limits]` table."""

from typing import TYPE_CHECKING, Literal

from harness.sandbox.limits import Limits

if TYPE_CHECKING:
    from harness.targets.loader import Target

Purpose = Literal["call", "timed", "tests"]


def process_limits(target: "Target", purpose: Purpose = "call") -> Limits:
    """Limits for a process started for `target`: one that answers calls (candidate, reference,
    profile, examples), a timed one (more CPU time for its rounds, and niced so that while it
    warms up it yields to the parent's hand-offs), or one running the target's own tests."""
    limits = target.config.limits
    cpu = {
        "call": limits.cpu_seconds,
        "timed": limits.cpu_seconds * 4,
        "tests": int(limits.test_timeout_seconds),
    }[purpose]
    return Limits(cpu_seconds=cpu, memory_mb=limits.memory_mb, nice=19 if purpose == "timed" else 0)
