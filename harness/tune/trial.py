"""One trial: draw settings, run a session through the Python API round by round (reporting the
objective so far, so that Optuna can prune), then re-benchmark original against best."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.errors import ConfigError
from harness.loop.finish import finish
from harness.loop.session import Session, new_session_id
from harness.paths import results_dir
from harness.records import CandidateRecord
from harness.targets.loader import Target
from harness.tune.objective import Objective, chain_speedup
from harness.tune.record import StudyRun, TrialRecorder
from harness.tune.space import TuneSpace, suggest

if TYPE_CHECKING:
    import optuna


CandidateCallback = Callable[[int, CandidateRecord], None]


@dataclass(frozen=True)
class TrialContext:
    target: Target
    space: TuneSpace
    objective: Objective
    study_run: StudyRun
    on_candidate: CandidateCallback | None = None  # (trial number, record), as each is judged


def run_trial(trial: "optuna.Trial", context: TrialContext) -> list[float]:
    try:
        settings = suggest(trial, context.space)
    except ValueError as exc:  # e.g. choices that differ from the study's earlier trials
        raise ConfigError(f"trial {trial.number}: {exc}".splitlines()[0]) from None
    folder = results_dir() / new_session_id(context.target)
    session = Session.from_settings(context.target, settings, folder, context.study_run.store)
    trial.set_user_attr("settings", settings.model_dump(mode="json"))
    trial.set_user_attr("session", session.id)
    recorder = TrialRecorder(context.study_run, session, trial.number)

    def judged(record: CandidateRecord) -> None:
        if context.on_candidate is not None:
            context.on_candidate(trial.number, record)

    session.on_candidate = judged
    try:
        recorder.start(trial.params)
        return _complete(trial, session, context.objective, recorder)
    except BaseException as exc:
        _record_end(trial, session, context.objective, recorder, exc)
        raise


def _complete(
    trial: "optuna.Trial", session: Session, objective: Objective, recorder: TrialRecorder
) -> list[float]:
    reason = _rounds(trial, session, objective)
    result = finish(session, reason)
    if result.cumulative_speedup is None:  # the final re-benchmark failed: no result to rank
        trial.set_user_attr("final_problems", result.final_problems)
        values = [math.nan] * len(objective.metric_names)  # Optuna marks the trial failed
    else:
        values = objective.values(result.cumulative_speedup, result.cost_usd)
    trial.set_user_attr("speedup", result.cumulative_speedup)
    trial.set_user_attr("cost_usd", result.cost_usd)
    recorder.finished(result, values, objective.metric_names)
    return values


def _rounds(trial: "optuna.Trial", session: Session, objective: Objective) -> str:
    import optuna

    while (reason := session.stop_reason()) is None:
        session.step()
        if not objective.prunable:
            continue
        trial.report(objective.so_far(session), step=session.round)
        if trial.should_prune():
            raise optuna.TrialPruned(f"pruned after round {session.round}")
    return reason


def _record_end(
    trial: "optuna.Trial",
    session: Session,
    objective: Objective,
    recorder: TrialRecorder,
    exc: BaseException,
) -> None:
    import optuna

    trial.set_user_attr("speedup", chain_speedup(session))
    trial.set_user_attr("cost_usd", session.cost_usd)
    if isinstance(exc, optuna.TrialPruned):
        recorder.pruned(objective.so_far(session))
    else:
        recorder.failed()
