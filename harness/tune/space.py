"""The search space of `harness tune`: documented defaults, overridable in a TOML file (unknown
keys refused with their line), and the session settings one trial draws from it."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from harness.config_file import config_error, line_of, read_table, validate
from harness.errors import ConfigError
from harness.loop.settings import SessionSettings
from harness.providers.models import DEFAULT_MODEL

if TYPE_CHECKING:
    import optuna

Temperature = Annotated[float, Field(ge=0, le=2)]
Positive = Annotated[int, Field(ge=1)]
CHOICES = ("use_profile", "use_history", "use_hints", "repair", "answer_format", "validator_veto")
SEARCHED = {"optimizer", "validator", "temperature", "candidates", "rounds", *CHOICES}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrunerSettings(_Strict):
    kind: Literal["median", "none"] = Field(
        "median",
        description="median: stop a trial whose objective after a round is below the median of "
        "the earlier trials' after the same round; none: every trial runs to its end.",
    )
    startup_trials: int = Field(3, ge=0, description="Finished trials before any pruning.")
    warmup_rounds: int = Field(0, ge=0, description="Rounds of each trial that are never pruned.")


class TuneSpace(_Strict):
    optimizers: list[str] = Field(
        default_factory=lambda: [f"local:{DEFAULT_MODEL}"],
        min_length=1,
        description="`PROVIDER:MODEL` choices for the optimizer.",
    )
    validators: list[str] = Field(
        default_factory=list,
        description="`PROVIDER:MODEL` choices for the validator; empty: the optimizer reviews.",
    )
    temperature: tuple[Temperature, Temperature] = Field(
        (0.0, 1.2), description="Optimizer temperature, [low, high]."
    )
    candidates: tuple[Positive, Positive] = Field((1, 3), description="Candidates per round.")
    rounds: tuple[Positive, Positive] = Field((1, 3), description="Rounds per session.")
    use_profile: list[bool] = Field([True, False], min_length=1, description="Show a profile?")
    use_history: list[bool] = Field([True, False], min_length=1, description="Show attempts?")
    use_hints: list[bool] = Field([True, False], min_length=1, description="Vary directions?")
    repair: list[bool] = Field([True, False], min_length=1, description="Fix failed candidates?")
    answer_format: list[Literal["module", "diff"]] = Field(
        ["module", "diff"], min_length=1, description="Whole module or unified diff."
    )
    validator_veto: list[Literal["evidence", "any", "off"]] = Field(
        ["evidence", "any", "off"], min_length=1, description="Which rejections veto."
    )
    sampler_seed: int | None = Field(None, description="Seed of the TPE sampler (default: fresh).")
    sampler_startup_trials: int = Field(
        5,
        ge=0,
        description="Finished trials (the defaults' trial 0 among them) before TPE chooses; "
        "until then settings are drawn at random. 5 leaves TPE half of a 10-trial study "
        "(Optuna's own 10 left it none).",
    )
    pruner: PrunerSettings = Field(default_factory=PrunerSettings)
    fixed: dict[str, Any] = Field(
        default_factory=dict,
        description="Other session settings, the same in every trial: patience, seed, "
        "budget_usd, budget_minutes, max_tokens, [fixed.bench], [fixed.prices], ...",
    )

    @field_validator("temperature", "candidates", "rounds")
    @classmethod
    def _ascending(cls, value: tuple[float, float]) -> tuple[float, float]:
        if value[0] > value[1]:
            raise ValueError(f"[low, high] with low {value[0]} above high {value[1]}")
        return value

    def with_rounds(self, rounds: int | None) -> "TuneSpace":
        """`--rounds R`: every trial runs R rounds (no longer searched)."""
        if rounds is None:
            return self
        if rounds < 1:
            raise ConfigError("--rounds must be at least 1")
        return self.model_copy(update={"rounds": (rounds, rounds)})

    def with_startup_trials(self, trials: int | None) -> "TuneSpace":
        """`--startup-trials N` over the file's `sampler_startup_trials`."""
        if trials is None:
            return self
        if trials < 0:
            raise ConfigError("--startup-trials must be 0 or more")
        return self.model_copy(update={"sampler_startup_trials": trials})

    def settings(self, params: dict[str, Any]) -> SessionSettings:
        """One trial's session settings: its drawn `params` over the fixed ones."""
        return SessionSettings.model_validate({**self.fixed, **params})


def suggest(trial: "optuna.Trial", space: TuneSpace) -> SessionSettings:
    params: dict[str, Any] = {
        "optimizer": trial.suggest_categorical("optimizer", space.optimizers),
        "temperature": trial.suggest_float("temperature", *space.temperature),
        "candidates": trial.suggest_int("candidates", *space.candidates),
        "rounds": trial.suggest_int("rounds", *space.rounds),
    }
    if space.validators:
        params["validator"] = trial.suggest_categorical("validator", space.validators)
    for name in CHOICES:
        params[name] = trial.suggest_categorical(name, getattr(space, name))
    return space.settings(params)


def default_params(space: TuneSpace) -> dict[str, Any]:
    """The default session settings (with the space's first optimizer) as a trial's params, those
    the space holds: a fresh study runs them first. A default the space leaves out is drawn."""
    settings = space.settings({"optimizer": space.optimizers[0]})
    defaults = settings.model_dump(include=SEARCHED) | {
        "optimizer": settings.optimizer[0],
        "temperature": settings.optimizer_temperature(),  # the one the first optimizer uses
    }
    return {
        name: value
        for name, value in sorted(defaults.items())
        if value is not None and _holds(space, name, value)
    }


def _holds(space: TuneSpace, name: str, value: Any) -> bool:
    allowed = getattr(space, {"optimizer": "optimizers", "validator": "validators"}.get(name, name))
    if isinstance(allowed, tuple):  # a [low, high] range
        return bool(allowed[0] <= value <= allowed[1])
    return value in allowed


def load_space(path: Path | None) -> TuneSpace:
    """The defaults, or a TOML file over them; any problem is one line naming key and line."""
    if path is None:
        return TuneSpace()
    data, text = read_table(path)
    space = validate(TuneSpace, data, "harness tune", path, text)
    check_fixed(space, path, text)
    return space


def check_fixed(space: TuneSpace, path: Path, text: str) -> None:
    """`[fixed]` holds session settings that are not searched, valid as SessionSettings."""
    searched = sorted(SEARCHED & set(space.fixed))
    if searched:
        key = searched[0]
        line = line_of(text, ["fixed", key])
        at = f" (line {line})" if line else ""
        raise ConfigError(
            f"{path}: [fixed] {key!r}{at} is searched; give it one choice instead "
            f"(e.g. {key} = [value], or a [low, low] range)"
        )
    try:
        space.settings({"optimizer": space.optimizers[0]})
    except ValidationError as exc:
        error = config_error(exc, SessionSettings, str(path), text, "harness tune", ("fixed",))
        raise error from None
