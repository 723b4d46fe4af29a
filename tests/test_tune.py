"""`harness tune` with the `fake-tuned` model, whose answers are good only inside a temperature
band: a short study finds the band, the median pruner stops weak trials after their first round,
`--show` writes the CSV and a settings file `harness run --settings` takes, and every trial is a
run under the study's run in MLflow."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import optuna
import pytest

from harness.cli import _parser
from harness.loop.command import build_settings
from harness.loop.settings import SessionSettings
from harness.providers import Message, make_provider
from harness.providers.fake_tuned import BUILT_IN, NO_IDEA
from harness.tune import Objective, TuneRequest, TuneSpace, load_space, tune
from harness.tune.command import tune_request
from harness.tune.space import SEARCHED
from harness.tune.study import open_study

SPACE = """
optimizers = ["fake-tuned:squares"]
temperature = [0.0, 1.5]
candidates = [1, 2]
rounds = [1, 2]
use_profile = [false]
use_history = [true]
use_hints = [false]
repair = [false]
answer_format = ["module"]
validator_veto = ["evidence"]

[pruner]
kind = "median"
startup_trials = 1

[fixed]
patience = 2
seed = 5

[fixed.bench]
budget_seconds = 3
block_seconds = 0.1
"""
GOOD, TOO_HOT, TOO_COLD = 0.6, 1.4, 0.1  # the squares answer set works from 0.3 to 0.9


def _harness(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "harness", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "HARNESS_RESULTS": str(tmp_path / "results")}
    environment.pop("MLFLOW_TRACKING_URI", None)
    return environment


@pytest.fixture
def space(tmp_path: Path) -> Path:
    path = tmp_path / "space.toml"
    path.write_text(SPACE)
    return path


def _storage(results: Path) -> str:
    results.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{results / 'optuna.db'}"


def _study(results: Path, name: str, directions: list[str]) -> optuna.Study:
    return optuna.create_study(storage=_storage(results), study_name=name, directions=directions)


def test_a_short_study_finds_the_band_and_prunes_weak_trials(
    squares_folder: Path, tmp_path: Path, env: dict[str, str], space: Path
) -> None:
    results = tmp_path / "results"
    study = _study(results, "squares-speedup", ["maximize"])
    for temperature in (GOOD, TOO_HOT, TOO_COLD):  # known trials make the test deterministic
        study.enqueue_trial({"temperature": temperature, "candidates": 1, "rounds": 2})
    done = _harness(env, "tune", str(squares_folder), "--trials", "3", "--space", str(space))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "trial 1 pruned: after round 1" in done.stderr

    trials = optuna.load_study(study_name="squares-speedup", storage=_storage(results)).trials
    states = [trial.state.name for trial in trials]
    assert states == ["COMPLETE", "PRUNED", "PRUNED"]
    best, weak = trials[0], trials[1:]
    assert best.params["temperature"] == GOOD and best.value is not None and best.value > 2
    assert all(trial.intermediate_values == {1: 1.0} for trial in weak)
    assert best.value > 2 * max(trial.intermediate_values[1] for trial in weak)
    assert best.user_attrs["cost_usd"] > 0
    for trial in weak:  # two rounds were drawn; pruning stopped the session after the first
        assert trial.params["rounds"] == 2
        journal = (results / trial.user_attrs["session"] / "journal.jsonl").read_text()
        rounds = [json.loads(line) for line in journal.splitlines()]
        assert {entry["round"] for entry in rounds if entry["type"] == "round"} == {1}
    result = json.loads((results / best.user_attrs["session"] / "result.json").read_text())
    assert result["cumulative_speedup_ci"][0] > 1 and result["rounds"] == best.params["rounds"]

    _check_mlflow(results, [trial.user_attrs["session"] for trial in trials])

    shown = _harness(env, "tune", "--show", "--json")  # the storage holds one study: that one
    assert shown.returncode == 0, shown.stderr[-3000:]
    report = json.loads(shown.stdout)
    assert report["best"]["trial"] == 0 and report["study"] == "squares-speedup"
    with open(report["csv"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["state"] for row in rows] == states
    assert Path(report["settings"]) == results / "tune" / "squares-speedup-best.toml"
    settings = build_settings({}, Path(report["settings"]))  # what `harness run --settings` does
    assert settings.temperature == GOOD and settings.optimizer == ["fake-tuned:squares"]
    assert settings.bench.budget_seconds == 3 and settings.seed == 5 and not settings.use_profile
    table = _harness(env, "tune", str(squares_folder), "--show")
    assert table.returncode == 0 and "best trial" in table.stdout


def _check_mlflow(results: Path, sessions: list[str]) -> None:
    """The study is a run; each trial is its session's run under it, candidates nested."""
    from mlflow import MlflowClient

    client = MlflowClient(f"sqlite:///{results / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("squares").experiment_id
    runs = client.search_runs([experiment], max_results=1000)
    (study,) = [run for run in runs if run.data.tags.get("harness.kind") == "study"]
    assert study.data.params["objective"] == "speedup"
    assert [item.path for item in client.list_artifacts(study.info.run_id)] == ["space.json"]
    children = [run for run in runs if run.data.tags.get("mlflow.parentRunId") == study.info.run_id]
    by_session = {run.data.tags["harness.session"]: run for run in children}
    assert sorted(by_session) == sorted(sessions)
    first, *pruned = (by_session[session] for session in sessions)
    assert first.data.tags["harness.trial"] == "0" and first.data.metrics["pruned"] == 0
    assert first.data.params["use_hints"] == "False" and "cumulative_speedup" in first.data.metrics
    assert all(run.data.tags["harness.status"] == "pruned" for run in pruned)
    assert all(run.info.status == "KILLED" for run in pruned)
    candidates = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == first.info.run_id]
    assert {run.data.tags["verdict"] for run in candidates} == {"accepted", "invalid"}


def test_both_objectives_give_a_pareto_front(
    squares_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, space: Path
) -> None:
    """Speed up, cost down: a good trial with two candidates (fast, dearer) and a failed one
    with one (slow, cheap) are both on the front; a failed one with two is dominated."""
    results = tmp_path / "results"
    monkeypatch.setenv("HARNESS_RESULTS", str(results))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    study = _study(results, "front", ["maximize", "minimize"])
    for temperature, candidates in ((GOOD, 2), (TOO_HOT, 1), (TOO_HOT, 2)):
        study.enqueue_trial({"temperature": temperature, "candidates": candidates, "rounds": 1})
    request = TuneRequest(str(squares_folder), load_space(space), "both", 3, None, "front")
    trials = tune(request).trials
    assert [trial.state.name for trial in trials] == ["COMPLETE"] * 3
    good, cheap, dominated = trials
    assert good.values[0] > 2 and cheap.values[0] == dominated.values[0] == 1
    assert cheap.values[1] < dominated.values[1] and cheap.values[1] < good.values[1]
    loaded = optuna.load_study(study_name="front", storage=_storage(results))
    front = {trial.number for trial in loaded.best_trials}
    assert front == {good.number, cheap.number}

    from harness.tune import show

    shown = show(None, "front")
    assert {trial.number for trial in shown.front} == front and shown.best.number == good.number
    assert "temperature = 0.6" in shown.toml.read_text()


def test_a_bad_space_file_is_one_line_and_exit_2(
    squares_folder: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('optimizers = ["fake-tuned:squares"]\ntemperatures = [0.1, 0.5]\n')
    done = _harness(env, "tune", str(squares_folder), "--space", str(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "unknown key 'temperatures' (line 2)" in line and "allowed: optimizers" in line
    bad.write_text("[fixed]\ntemperature = 0.3\n")
    done = _harness(env, "tune", str(squares_folder), "--space", str(bad))
    assert done.returncode == 2 and "'temperature' (line 2) is searched" in done.stderr
    nowhere = "postgresql://tune:secret@127.0.0.1:1/optuna"  # nothing listens on port 1
    done = _harness(env, "tune", str(squares_folder), "--storage", nowhere)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "cannot open storage postgresql://tune:***@127.0.0.1:1/optuna" in done.stderr
    assert "secret" not in done.stderr


def test_without_optuna_the_error_names_the_install_command(env: dict[str, str]) -> None:
    code = (
        "import sys; sys.modules['optuna'] = None; from harness.cli import main; main(sys.argv[1:])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "tune", "--show"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "harness: error: harness tune needs optuna: pip install 'optuna==5.0.0'"
    )


def _ask(temperature: float, prompt: str, system: str = "You optimize code.") -> str:
    provider = make_provider("fake-tuned:squares")
    return provider.complete(
        [Message("system", system), Message("user", prompt)], temperature, 99
    ).text


def test_the_tuned_fake_answers_by_temperature() -> None:
    original = (
        "```python\ndef squares(xs):\n    return slow(xs)\n```\nAnswer with the complete new module"
    )
    answers: dict[str, Any] = {t: _ask(t, original) for t in (TOO_COLD, 0.3, GOOD, 0.9, TOO_HOT)}
    step = BUILT_IN["squares"].steps[0].strip()
    assert answers[TOO_COLD] == NO_IDEA
    assert all(step in answers[t] for t in (0.3, GOOD, 0.9))
    assert "abs(x)" in answers[TOO_HOT]
    assert _ask(GOOD, f"```python\n{step}\n```") == NO_IDEA  # nothing after the last step
    assert _ask(GOOD, original + " Answer with a unified diff").startswith("```diff")
    assert json.loads(_ask(TOO_HOT, "review", "Answer with one JSON object."))["approve"]


def test_speedup_per_dollar_counts_free_sessions_at_a_tenth_of_a_cent() -> None:
    per_dollar = Objective("speedup-per-dollar")
    assert per_dollar.values(2.0, 0.0) == [2000.0] and per_dollar.values(2.0, 0.5) == [4.0]
    assert Objective("both").values(2.0, 0.5) == [2.0, 0.5] and not Objective("both").prunable


def test_a_trial_maps_onto_session_settings(space: Path) -> None:
    from harness.tune.space import suggest

    drawn = {"optimizer": "fake-tuned:squares", "temperature": 0.5, "candidates": 2, "rounds": 1}
    drawn |= {"use_profile": False, "use_history": True, "use_hints": False, "repair": False}
    drawn |= {"answer_format": "module", "validator_veto": "evidence"}
    settings = suggest(optuna.trial.FixedTrial(drawn), load_space(space))
    assert settings.model_dump(include=set(drawn)) == drawn | {"optimizer": [drawn["optimizer"]]}
    assert settings.validator is None and settings.patience == 2 and settings.seed == 5
    assert load_space(space).with_rounds(3).rounds == (3, 3)


def test_a_fresh_study_runs_the_default_settings_first_and_only_once(
    squares_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path / "results"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    space = TuneSpace.model_validate(  # the default space but for the model, one round, no pruner
        {"optimizers": ["fake-tuned:squares"], "rounds": [1, 1], "pruner": {"kind": "none"}}
        | {"fixed": {"bench": {"budget_seconds": 1, "block_seconds": 0.1}}}
    )
    request = TuneRequest(str(squares_folder), space, "speedup", 1, None, "defaults")
    (first,) = tune(request).trials
    defaults = SessionSettings(optimizer="fake-tuned:squares", rounds=1)
    assert first.state.name == "COMPLETE" and set(first.params) == SEARCHED - {"validator"}
    wanted = defaults.model_dump(include=set(first.params)) | {"optimizer": "fake-tuned:squares"}
    assert first.params == wanted | {"temperature": 0.7}  # what an unset temperature sends

    again = open_study(request, "defaults", Objective("speedup"))  # a second run's start
    assert [trial.number for trial in again.trials] == [0]  # nothing queued this time


def test_startup_trials_reach_the_sampler_and_bad_values_are_usage_errors(
    squares_folder: Path, tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_RESULTS", env["HARNESS_RESULTS"])
    space = tmp_path / "startup.toml"
    space.write_text("sampler_startup_trials = 2\n")

    def startup_trials(*flags: str) -> int:
        args = _parser().parse_args(["tune", str(squares_folder), *flags])
        sampler = open_study(tune_request(args), "startup", Objective("speedup")).sampler
        assert isinstance(sampler, optuna.samplers.TPESampler)
        return sampler._n_startup_trials  # Optuna has no public getter

    assert startup_trials() == TuneSpace().sampler_startup_trials == 5
    assert startup_trials("--space", str(space)) == 2
    assert startup_trials("--space", str(space), "--startup-trials", "0") == 0
    for bad, why in (("-1", "-1 is out of range: give"), ("two", "'two' is not")):
        done = _harness(env, "tune", str(squares_folder), "--startup-trials", bad)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        (line,) = done.stderr.strip().splitlines()
        assert f"argument --startup-trials: {why} a whole number of trials, 0 or more" in line
    space.write_text("sampler_startup_trials = -3\n")
    done = _harness(env, "tune", str(squares_folder), "--space", str(space))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "sampler_startup_trials (line 1)" in done.stderr
