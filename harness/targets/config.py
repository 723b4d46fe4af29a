"""The typed schema of `target.toml`; unknown keys are refused."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# A function as Python names it inside its module: `f`, `Class.method`, `factory.<locals>.inner`.
QUALNAME = r"[A-Za-z_][\w.]*(\.<locals>\.[A-Za-z_]\w*)?"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


CHECKER = "checker"  # the rule that asks the target's own checker
# A process that calls the function this often: one-time setup (import, first call) the
# candidate adds must pay for itself within them.
CALLS_PER_PROCESS = 10
CALLS_PER_PROCESS_HELP = (
    "Calls a process makes in real use; one-time setup a candidate adds is spread over them."
)


class EquivalenceConfig(_Strict):
    rule: str = Field(
        "exact", description="`exact`, `allclose`, `unordered`, or `checker` (the target's own)."
    )
    rtol: float = Field(0.0, ge=0, description="Relative tolerance for `allclose`.")
    atol: float = Field(0.0, ge=0, description="Absolute tolerance for `allclose`.")
    checker: str | None = Field(
        None,
        pattern=r"^.+\.py:[A-Za-z_]\w*$",
        description="`path.py:function`, `check(args, output, reference_output) -> bool | str`, "
        "run in the reference's process; only with rule `checker`.",
    )


class InputsConfig(_Strict):
    generator: str = Field("inputs.py", description="Module in the target folder making inputs.")
    small_sizes: list[Annotated[int, Field(ge=0)]] = Field(
        [0, 1, 2, 3, 5, 8], description="Sizes for correctness cases."
    )
    bench_sizes: list[Annotated[int, Field(ge=0)]] = Field(
        min_length=1, description="Sizes for timing; also checked for correctness."
    )
    cases_per_size: int = Field(3, ge=1, description="Random cases drawn per size.")
    property_examples: int = Field(60, ge=0, description="Hypothesis examples per verification.")


class LimitsConfig(_Strict):
    call_timeout_seconds: float = Field(10.0, gt=0, description="Wall-clock limit per call.")
    cpu_seconds: int = Field(120, gt=0, description="CPU-time limit of a candidate process.")
    memory_mb: int = Field(2048, ge=256, description="Address-space limit of a candidate process.")
    test_timeout_seconds: float = Field(300.0, gt=0, description="Limit for `test_command`.")


class TargetConfig(_Strict):
    description: str = Field(min_length=1, description="What the function computes.")
    signature: str = Field(min_length=1, description="`name(arg: type, ...) -> type`.")
    entry: str = Field(pattern=rf"^[A-Za-z_][\w.]*:{QUALNAME}$", description="`module:function`.")
    editable: list[str] = Field(min_length=1, description="Files a candidate may replace.")
    reference: str = Field(pattern=rf"^.+\.py:{QUALNAME}$", description="`path.py:function`.")
    output_type: str = Field(min_length=1, description="Expected output type, checked strictly.")
    mutates_inputs: bool = Field(False, description="May the function modify its arguments?")
    test_command: str | None = Field(None, description="The target's own tests; must pass.")
    min_gain: float = Field(0.03, ge=0, description="Speedup margin required for acceptance.")
    calls_per_process: int = Field(CALLS_PER_PROCESS, ge=1, description=CALLS_PER_PROCESS_HELP)
    equivalence: EquivalenceConfig = EquivalenceConfig()
    inputs: InputsConfig
    limits: LimitsConfig = LimitsConfig()
