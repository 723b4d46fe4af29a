"""Tuning in the experiment store. A study is a run in its target's experiment; each trial is its
session's run (recorded by the usual `StoreRecorder`, candidates nested under it) moved under the
study's run and given the trial's parameters, number and outcome."""

import time
from typing import Any

from harness.loop.finish import SessionResult
from harness.loop.session import Session
from harness.store.mlflow_store import KIND, SESSION, MLflowStore

STUDY, TRIAL = "harness.study", "harness.trial"
PARENT = "mlflow.parentRunId"


class StudyRun:
    """The study's run, found or created when the first trial starts (the target's experiment
    exists by then). Several workers sharing one tracking server find the same run."""

    def __init__(
        self, store: MLflowStore, study: str, params: dict[str, str], space: dict[str, Any]
    ) -> None:
        self.store, self.study, self.params, self.space = store, study, params, space
        self.run_id: str | None = None

    def ensure(self, experiment: str) -> str:
        if self.run_id is None:
            self.run_id = self._find(experiment) or self._create(experiment)
        return self.run_id

    def _find(self, experiment: str) -> str | None:
        where = f"tags.`{KIND}` = 'study' and tags.`{STUDY}` = '{self.study}'"
        runs = self.store.client.search_runs([experiment], where, max_results=1)
        return str(runs[0].info.run_id) if runs else None

    def _create(self, experiment: str) -> str:
        client = self.store.client
        tags = {KIND: "study", STUDY: self.study}
        run_id = str(
            client.create_run(experiment, run_name=f"study {self.study}", tags=tags).info.run_id
        )
        _log(client, run_id, params=self.params)
        client.log_dict(run_id, self.space, "space.json")
        return run_id

    def close(self, summary: dict[str, float]) -> None:
        """Called when this worker is done; other workers may still add trials."""
        if self.run_id is None:
            return
        _log(self.store.client, self.run_id, metrics=summary)
        self.store.client.set_terminated(self.run_id)


class TrialRecorder:
    """One trial's session in the store, under the study's run."""

    def __init__(self, study: StudyRun, session: Session, number: int) -> None:
        self.study, self.session, self.number = study, session, number
        assert session.recorder is not None, "a trial's session records into the study's store"
        self.inner = session.recorder
        self.run_id = ""

    @property
    def client(self) -> Any:
        return self.study.store.client

    def start(self, params: dict[str, Any]) -> None:
        """Moves the session's run (started with the session) under the study's run."""
        experiment = self.client.get_experiment_by_name(self.session.target.name).experiment_id
        where = f"tags.`{SESSION}` = '{self.session.id}'"
        self.run_id = self.client.search_runs([experiment], where, max_results=1)[0].info.run_id
        tags = {PARENT: self.study.ensure(experiment), STUDY: self.study.study, TRIAL: self.number}
        # the session's own params say the same as its trial's already
        extra = {key: value for key, value in params.items() if key not in self.inner.params}
        _log(self.client, self.run_id, params=extra, tags=tags)

    def finished(self, result: SessionResult, values: list[float], names: list[str]) -> None:
        """After `finish` has written the session's end."""
        metrics = {f"objective_{name}": value for name, value in zip(names, values, strict=True)}
        _log(self.client, self.run_id, metrics=metrics | {"pruned": 0.0})

    def pruned(self, value: float) -> None:
        metrics = {"pruned": 1.0, "objective_so_far": value, "cost_usd": self.session.cost_usd}
        _log(self.client, self.run_id, metrics=metrics)
        self._end("pruned", "KILLED")

    def failed(self) -> None:
        if self.run_id:
            self._end("failed", "FAILED")

    def _end(self, status: str, state: str) -> None:
        self.client.set_tag(self.run_id, "harness.status", status)
        self.client.set_terminated(self.run_id, state)
        self.study.store.close()


def _log(
    client: Any,
    run_id: str,
    *,
    metrics: dict[str, float] | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
) -> None:
    """One request for all of them (MLflow's batch call), not one per value."""
    from mlflow.entities import Metric, Param, RunTag

    now = int(time.time() * 1000)
    client.log_batch(
        run_id,
        metrics=[Metric(key, float(value), now, 0) for key, value in (metrics or {}).items()],
        params=[Param(key, str(value)) for key, value in (params or {}).items()],
        tags=[RunTag(key, str(value)) for key, value in (tags or {}).items()],
    )
