"""Tuning in the experiment store. A study is a run in its target's experiment; each trial is its
session's run (recorded by the usual `StoreRecorder`, candidates nested under it) moved under the
study's run and given the trial's parameters, number and outcome."""

from typing import Any

from harness.loop.finish import SessionResult
from harness.loop.recording import StoreRecorder
from harness.loop.records import CandidateRecord
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
        for key, value in self.params.items():
            client.log_param(run_id, key, value)
        client.log_dict(run_id, self.space, "space.json")
        return run_id

    def close(self, summary: dict[str, float]) -> None:
        """Called when this worker is done; other workers may still add trials."""
        if self.run_id is None:
            return
        for key, value in summary.items():
            self.store.client.log_metric(self.run_id, key, value)
        self.store.client.set_terminated(self.run_id)


class TrialRecorder:
    """One trial's session in the store, under the study's run."""

    def __init__(self, study: StudyRun, session: Session, number: int) -> None:
        self.study, self.session, self.number = study, session, number
        self.inner = StoreRecorder(study.store, session)
        self.run_id = ""

    @property
    def client(self) -> Any:
        return self.study.store.client

    def start(self, params: dict[str, Any]) -> None:
        self.inner.start()
        experiment = self.client.get_experiment_by_name(self.session.target.name).experiment_id
        where = f"tags.`{SESSION}` = '{self.session.id}'"
        self.run_id = self.client.search_runs([experiment], where, max_results=1)[0].info.run_id
        tags = {PARENT: self.study.ensure(experiment), STUDY: self.study.study, TRIAL: self.number}
        for key, value in tags.items():
            self.client.set_tag(self.run_id, key, str(value))
        for key, value in params.items():
            if key not in self.inner.params:  # the session's own params say the same already
                self.client.log_param(self.run_id, key, str(value))

    def candidate(self, record: CandidateRecord) -> None:
        self.inner.candidate(record)

    def finished(self, result: SessionResult, values: list[float], names: list[str]) -> None:
        self.inner.finish(result)
        for name, value in zip(names, values, strict=True):
            self.client.log_metric(self.run_id, f"objective_{name}", value)
        self.client.log_metric(self.run_id, "pruned", 0.0)

    def pruned(self, value: float) -> None:
        self.client.log_metric(self.run_id, "pruned", 1.0)
        self.client.log_metric(self.run_id, "objective_so_far", value)
        self.client.log_metric(self.run_id, "cost_usd", self.session.cost_usd)
        self._end("pruned", "KILLED")

    def failed(self) -> None:
        if self.run_id:
            self._end("failed", "FAILED")

    def _end(self, status: str, state: str) -> None:
        self.client.set_tag(self.run_id, "harness.status", status)
        self.client.set_terminated(self.run_id, state)
        self.study.store.close()
