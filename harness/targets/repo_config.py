"""`harness.toml`: a repository's targets, as `harness init` writes them; unknown keys refused."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from harness.targets.config import CALLS_PER_PROCESS, QUALNAME, EquivalenceConfig, LimitsConfig


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepoInputs(_Strict):
    recorded: str | None = Field(
        None, description="JSON lines of recorded calls' arguments, relative to the repository."
    )
    generator: str | None = Field(
        None, description="Optional module of the user's with generate(rng, size) / edge_cases()."
    )
    small_sizes: list[Annotated[int, Field(ge=0)]] = Field(
        [0, 1, 2, 3, 5, 8], description="Sizes the generator is asked for correctness cases."
    )
    bench_sizes: list[Annotated[int, Field(ge=0)]] = Field(
        [200],
        min_length=1,
        description="Sizes the generator is asked for timing, when no calls were recorded.",
    )


class RepoTarget(_Strict):
    name: str = Field(pattern=r"^[\w-]+$", description="Short name of the target.")
    entry: str = Field(
        pattern=rf"^[A-Za-z_][\w.]*:{QUALNAME}$",
        description="module:function, module:Class.method or module:factory.<locals>.closure",
    )
    import_root: str = Field(".", description="Folder the entry module is imported from.")
    editable: list[str] = Field(min_length=1, description="Files a candidate may change.")
    signature: str = Field(min_length=1, description="`name(arg: type, ...) -> type`.")
    description: str = Field(min_length=1, description="What the function computes.")
    output_type: str = Field(min_length=1, description="Output type, checked strictly.")
    mutates_inputs: bool = Field(False, description="May the function modify its arguments?")
    test_command: str | None = Field(None, description="The repository's tests; must pass.")
    min_gain: float = Field(0.03, ge=0, description="Speedup margin required for acceptance.")
    calls_per_process: int = Field(
        CALLS_PER_PROCESS,
        ge=1,
        description="Calls a process made in the workload; one-time setup a candidate adds is "
        "spread over them.",
    )
    equivalence: EquivalenceConfig = EquivalenceConfig()
    inputs: RepoInputs = RepoInputs()
    limits: LimitsConfig = LimitsConfig()


class RepoConfig(_Strict):
    workload: str | None = Field(None, description="Command whose profile chose the targets.")
    target: list[RepoTarget] = Field(min_length=1, description="One table per function.")
