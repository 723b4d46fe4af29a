"""Session settings: one typed object from CLI flags or a TOML file, unknown keys refused."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.bench.runner import BenchSettings
from harness.providers.pricing import priced

Choice = Literal["bandit", "round-robin"]


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


class StageSettings(BaseModel):
    """One stage of a relay; a key left out takes the session's value. A stage starts from the
    best code of the stage before it."""

    model_config = ConfigDict(extra="forbid")

    optimizer: list[str] | None = Field(
        None, description="`PROVIDER:MODEL` or `agent:NAME` (one or several) proposing here."
    )
    choose: Choice | None = Field(None, description="How one of several optimizers is picked.")
    rounds: int | None = Field(None, ge=1, description="Rounds of this stage at most.")
    candidates: int | None = Field(None, ge=1, description="Candidates per round here.")
    patience: int | None = Field(
        None, ge=1, description="End the stage after this many stale rounds."
    )
    temperature: float | None = Field(None, ge=0, le=2, description="Optimizer temperature here.")
    budget_usd: float | None = Field(None, ge=0, description="End the stage at this model cost.")
    budget_minutes: float | None = Field(None, gt=0, description="End the stage after this long.")

    _optimizer_list = field_validator("optimizer", mode="before")(_as_list)


class AgentSettings(BaseModel):
    """How `agent:NAME` optimizers run (see README "Coding agents as optimizers")."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
        None, description="The agent's model API; unset: the session's base_url."
    )
    time_limit_seconds: float = Field(900.0, gt=0, description="An agent run is killed after this.")
    budget_usd: float | None = Field(
        None, ge=0, description="Cost cap per run, handed to agents that take one."
    )
    network: Literal["api", "host", "none"] = Field(
        "api",
        description="The agent box's network: its model API only (the base URL, else its "
        "provider's hosted API), the host's, or none.",
    )
    check_budget_seconds: float = Field(
        8.0, gt=0, description="Benchmark seconds of one `./check` the agent runs."
    )
    pass_env: list[str] = Field(
        default_factory=list, description="More environment variables handed to the agent."
    )
    step_limit: int = Field(40, ge=1, description="Model calls per run, for agents that take it.")
    tool_calls: bool = Field(
        True,
        description="The agent's model calls tools; false: it writes commands as text (servers "
        "without tool calling, such as llama.cpp's), for agents that can do either.",
    )


class SessionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    optimizer: list[str] = Field(
        min_length=1,
        description="`PROVIDER:MODEL` or `agent:NAME` proposing candidates; several: each "
        "candidate's is picked as `choose` says.",
    )
    choose: Choice = Field(
        "bandit",
        description="How one of several optimizers is picked per candidate: a cost-aware bandit "
        "over their acceptance and gain so far, or in turn.",
    )
    stage: list[StageSettings] = Field(
        default_factory=list,
        description="The relay's stages, in order ([[stage]] tables; --then adds one); none: one "
        "stage of the keys above. Budgets here cap the whole session.",
    )
    validator: str | None = Field(
        None, description="`PROVIDER:MODEL` reviewing; default: the first optimizer."
    )
    base_url: str | None = Field(
        None, description="Base URL for openai/anthropic-compatible servers."
    )
    temperature: float | None = Field(
        None,
        ge=0,
        le=2,
        description="Optimizer sampling temperature; unset: 0.7 for local and scripted models, "
        "none sent to hosted APIs (their own default).",
    )
    validator_temperature: float | None = Field(
        None,
        ge=0,
        le=2,
        description="Validator temperature; unset: 0.2 for local and scripted models, none sent "
        "to hosted APIs.",
    )
    max_tokens: int = Field(2048, ge=64, description="Longest answer asked of a model.")
    rounds: int = Field(3, ge=1, description="Rounds at most.")
    candidates: int = Field(2, ge=1, description="Candidates proposed per round.")
    budget_usd: float | None = Field(None, ge=0, description="Stop when model cost reaches this.")
    budget_minutes: float | None = Field(None, gt=0, description="Stop after this long.")
    patience: int = Field(2, ge=1, description="Stop after this many rounds without improvement.")
    seed: int | None = Field(None, description="Seed for verdicts (default: fresh).")
    validator_veto: Literal["evidence", "any", "off"] = Field(
        "evidence",
        description="Which validator rejections veto acceptance: those with an input that breaks "
        "the candidate against the reference (evidence), every one (any), or none (off).",
    )
    use_profile: bool = Field(True, description="Show the optimizer a profile of the current best.")
    use_history: bool = Field(True, description="Show the optimizer earlier attempts.")
    use_hints: bool = Field(
        True,
        description="Give each sample a different general direction (algorithm, numpy, "
        "interpreter overhead) so a round's candidates differ.",
    )
    repair: bool = Field(
        False,
        description="In a round of two or more candidates, one asks the model to fix the last "
        "round's latest candidate that failed a correctness check, shown its code and the input it "
        "got wrong. Off by default: the 1.5B local model made 1 of 15 such failures correct, none "
        "faster.",
    )
    answer_format: Literal["module", "diff"] = Field("module", description="Whole module or diff.")
    prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="USD per million input/output tokens, by model."
    )
    bench: BenchSettings = Field(default_factory=BenchSettings)
    agent: AgentSettings = Field(default_factory=AgentSettings)

    _optimizer_list = field_validator("optimizer", mode="before")(_as_list)

    @model_validator(mode="after")
    def _budget_needs_prices(self) -> "SessionSettings":
        """A cost budget over a model with no price would never stop the session."""
        budgets = [self.budget_usd, *(stage.budget_usd for stage in self.stage)]
        if all(budget is None for budget in budgets):
            return self
        for model in filter(None, [*self.models(), self.validator]):
            if not priced(model, self.prices):
                raise ValueError(
                    f"budget_usd needs a price for {model}: add it under [prices] in the "
                    f'settings file ("{model}" = [USD per 1M input tokens, per 1M output tokens])'
                )
        return self

    @field_validator("validator_veto", mode="before")
    @classmethod
    def _veto_from_bool(cls, value: object) -> object:
        """`true` / `false` from older settings files mean `any` / `off`."""
        return {True: "any", False: "off"}.get(value, value) if isinstance(value, bool) else value

    def models(self) -> list[str]:
        """Every optimizer of every stage, once each, in order."""
        named = [*self.optimizer, *(name for s in self.stage for name in s.optimizer or [])]
        return list(dict.fromkeys(named))

    @property
    def reviewer(self) -> str:
        return self.validator or self.optimizer[0]

    def optimizer_temperature(self) -> float | None:
        """What the first optimizer sends (None: nothing, the hosted API's own default)."""
        return temperature_for(self.optimizer[0], self.temperature, 0.7)

    def reviewer_temperature(self) -> float | None:
        """What the validator sends (None: nothing, the hosted API's own default)."""
        return temperature_for(self.reviewer, self.validator_temperature, 0.2)


HOSTED = {"openai", "anthropic"}


def temperature_for(provider_name: str, chosen: float | None, default: float) -> float | None:
    """What a role sends: the chosen temperature; unset, `default` for a local or scripted model
    and nothing for a hosted API, which then uses its own (some newer models refuse the
    setting altogether)."""
    if chosen is not None:
        return chosen
    # An agent sets its own model's temperature; nothing is sent to it.
    return None if provider_name.split(":")[0] in {*HOSTED, "agent"} else default
