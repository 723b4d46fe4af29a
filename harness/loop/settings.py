"""Session settings: one typed object from CLI flags or a TOML file, unknown keys refused."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.bench.runner import BenchSettings
from harness.providers.pricing import priced


class SessionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    optimizer: str = Field(description="`PROVIDER:MODEL` proposing candidates.")
    validator: str | None = Field(
        None, description="`PROVIDER:MODEL` reviewing; default: optimizer."
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

    @model_validator(mode="after")
    def _budget_needs_prices(self) -> "SessionSettings":
        """A cost budget over a model with no price would never stop the session."""
        if self.budget_usd is None:
            return self
        for model in filter(None, [self.optimizer, self.validator]):
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

    def optimizer_temperature(self) -> float | None:
        """What the optimizer sends (None: nothing, the hosted API's own default)."""
        return temperature_for(self.optimizer, self.temperature, 0.7)

    def reviewer_temperature(self) -> float | None:
        """What the validator sends (None: nothing, the hosted API's own default)."""
        return temperature_for(self.validator or self.optimizer, self.validator_temperature, 0.2)


HOSTED = {"openai", "anthropic"}


def temperature_for(provider_name: str, chosen: float | None, default: float) -> float | None:
    """What a role sends: the chosen temperature; unset, `default` for a local or scripted model
    and nothing for a hosted API, which then uses its own (some newer models refuse the
    setting altogether)."""
    if chosen is not None:
        return chosen
    return None if provider_name.split(":")[0] in HOSTED else default
