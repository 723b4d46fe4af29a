"""What passes between harness and a sandboxed process: what to run, a call's result, and the
rounds of a timed block."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.sandbox.codec import decode, encode
from harness.sandbox.limits import Limits


@dataclass(frozen=True)
class CallResult:
    """What one call produced: `kind` is ok, exception, type, timeout, crash, protocol, or for
    a check refused (an output not rebuilt safely) or checker (the checker failed)."""

    kind: str
    output: Any = None
    args_after: Any = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


@dataclass
class SandboxSpec:
    """What to run: `function` from `module_file`, imported as `module_name`."""

    module_file: Path
    module_name: str
    function: str
    workdir: Path
    sandboxed: bool = True
    limits: Limits = field(default_factory=Limits)
    blocked_imports: tuple[str, ...] = ("harness", "reference_impls")
    preload: tuple[str, ...] = ("numpy",)
    # First on the import path; a module inside a package needs the folder holding the package.
    import_root: Path | None = None
    batch: bool = False  # each benchmark round is a list of calls (recorded workloads)
    # The target's checker, `(file, function)`: only ever in a reference's process.
    checker: tuple[Path, str] | None = None


@dataclass(frozen=True)
class RoundInput:
    """One benchmark round's arguments as JSON text, made ahead of time, so encoding is not on
    the measuring path."""

    payload: str

    @classmethod
    def of(cls, arguments: list[Any]) -> "RoundInput":
        return cls(json.dumps(encode(arguments, "arguments")))


@dataclass(frozen=True)
class TimedRound:
    """One benchmark round as the parent saw it: the process's reply (its output and its
    arguments as they are after the call, read by `round_answer` off the measuring path), and
    what the round cost it, on the parent's clock (`wall`, from continuing the process until it
    is stopped again) and the kernel's (`cpu`, all it ran in between)."""

    reply: bytes
    sent: RoundInput
    wall: float
    cpu: float


def round_answer(timed: TimedRound) -> tuple[Any, bool]:
    """(output, whether the arguments came back changed); ValueError for a reply that cannot be
    read (a hostile process writes what it likes)."""
    try:
        message = json.loads(timed.reply)
        output = decode(message["output"])
        changed = json.dumps(message["args"]) != timed.sent.payload
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise ValueError(f"unreadable round reply: {exc}") from None
    return output, changed


@dataclass(frozen=True)
class BlockResult:
    """A timed block: pytest-benchmark's stats (with every round's time, as the process reports
    them) and the CPU it used in the block outside its rounds (opening and closing it)."""

    result: CallResult
    stats: dict[str, Any] | None = None
    cpu_outside: float = 0.0
