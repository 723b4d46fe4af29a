"""What passes between harness and a sandboxed process: what to run, a call's result, and the
rounds of a timed block."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.sandbox.codec import encode
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
    """One benchmark round as the parent saw it: the output the process returned, whether the
    arguments came back changed, and what the round cost it, from the parent's clock (`wall`,
    sending the input until the reply) and the kernel's (`cpu`, all it ran in between: the
    process is stopped before and after)."""

    output: Any
    inputs_changed: bool
    wall: float
    cpu: float


@dataclass(frozen=True)
class BlockResult:
    """A timed block: pytest-benchmark's stats (with every round's time, as the process reports
    them) and the CPU it used in the block outside its rounds (opening and closing it)."""

    result: CallResult
    stats: dict[str, Any] | None = None
    cpu_outside: float = 0.0
