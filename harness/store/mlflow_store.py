"""The MLflow store: one experiment per target, a parent run per session, a nested run per
candidate, and a trace per model call linked to its candidate's run.

The default is embedded: SQLite at `results/mlflow.db`, artifacts under `results/mlartifacts/`,
both absolute (MLflow otherwise resolves them against the current directory).
"""

import functools
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import missing
from harness.store.entries import (
    CANDIDATE_COLUMNS,
    SESSION_COLUMNS,
    SESSION_PARAMS,
    CandidateEntry,
    SessionEntry,
    candidate_metrics,
    finished_fields,
    first_reason,
    stage_metrics,
    typed,
)
from harness.store.traces import log_calls
from harness.targets.code import artifact_files

if TYPE_CHECKING:
    from mlflow import MlflowClient

KIND, SESSION, CANDIDATE = "harness.kind", "harness.session", "harness.candidate"
MLFLOW = "mlflow==3.17.2"  # the version tested; its install line is in every hint


def _client(tracking_uri: str) -> "MlflowClient":
    # Telemetry is off unless the user turned it on themselves.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    # Reading a session's result.json back (`harness report`) draws no progress bar.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        import mlflow
    except ImportError:
        raise missing("the MLflow store", MLFLOW) from None
    logging.getLogger("mlflow").setLevel(logging.WARNING)  # its progress notes are noise here
    if tracking_uri.startswith("sqlite:"):
        _quick_sqlite_commits()
    mlflow.set_tracking_uri(tracking_uri)
    return mlflow.MlflowClient(tracking_uri)


@functools.cache
def _quick_sqlite_commits() -> None:
    """WAL with synchronous=NORMAL: a commit no longer waits for two fsyncs (about 30% of the
    time to log a candidate), the database cannot be corrupted by a crash, and the UI server
    can read while a session writes. At worst a power cut loses the last commits; the session's
    journal keeps them."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def pragmas(connection: Any, _: Any) -> None:
        if type(connection).__module__.startswith("sqlite3"):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    event.listen(Engine, "connect", pragmas)


class MLflowStore:
    def __init__(self, tracking_uri: str, artifact_root: Path | None = None) -> None:
        self.tracking_uri, self.artifact_root = tracking_uri, artifact_root
        self.client = _client(tracking_uri)
        self._runs: dict[str, tuple[str, str]] = {}  # session -> (experiment id, run id)

    def start_session(self, session: SessionEntry) -> None:
        from mlflow.entities import Param

        experiment = self._experiment(session.target)
        found = self._search([experiment], f"tags.`{KIND}` = 'session'", session.id)
        if found:
            self._runs[session.id] = (experiment, found[0].info.run_id)
            return
        tags = {KIND: "session", SESSION: session.id, "harness.target": session.target}
        # What boxed the candidates; "none (--unsafe-no-sandbox)" must be visible at a glance.
        tags["harness.sandbox"] = session.params.get("sandbox", "unknown")
        run = self.client.create_run(experiment, run_name=session.id, tags=tags)
        params = [Param(key, value) for key, value in session.params.items()]
        self.client.log_batch(run.info.run_id, params=params)
        self._runs[session.id] = (experiment, run.info.run_id)

    def log_candidate(self, session_id: str, entry: CandidateEntry) -> None:
        experiment, parent = self._runs[session_id]
        record = entry.record
        tags = {
            "mlflow.parentRunId": parent,
            KIND: "candidate",
            SESSION: session_id,
            CANDIDATE: record.id,
            "verdict": record.status,
            "reason": first_reason(record),
        }
        run_id = self.client.create_run(experiment, run_name=record.id, tags=tags).info.run_id
        self._log_numbers(run_id, parent, entry)
        self._log_artifacts(run_id, entry)
        log_calls(self.client, experiment, run_id, list(record.calls))
        self.client.set_terminated(run_id, "FINISHED" if record.status != "invalid" else "FAILED")

    def finish_session(self, session_id: str, result: dict[str, Any]) -> None:
        from mlflow.entities import Metric, RunTag

        _, run_id = self._runs[session_id]
        fields = finished_fields(result)
        last_step, now = int(fields["candidates"]) + 1, _now_ms()  # the final re-benchmark
        numbers = {k: v for k, v in fields.items() if type(v) in (int, float)}
        numbers |= stage_metrics(result)
        metrics = [Metric(key, float(value), now, last_step) for key, value in numbers.items()]
        tags = {"stop_reason": fields["stop_reason"], "harness.status": fields["status"]}
        tags |= {"harness.unpriced": fields["unpriced"]} if fields["unpriced"] else {}
        tags["harness.final_problems"] = "; ".join(result.get("final_problems", []))[:5000]
        tags["harness.holdout"] = fields["holdout"] or ""
        tags["harness.walked_back"] = "; ".join(result.get("walked_back", []))[:5000]
        self.client.log_batch(
            run_id, metrics=metrics, tags=[RunTag(k, v) for k, v in tags.items() if v]
        )
        self.client.log_dict(run_id, result, "result.json")
        self.client.set_terminated(run_id, "FAILED" if fields["status"] == "failed" else "FINISHED")

    def sessions(self, target: str | None = None) -> list[dict[str, Any]]:
        experiments = self._experiments(target)
        runs = self._search(experiments, f"tags.`{KIND}` = 'session'") if experiments else []
        return [self._session_row(run) for run in runs]

    def candidates(self, session_id: str) -> list[dict[str, Any]]:
        experiments = self._experiments(None)
        runs = self._search(experiments, f"tags.`{KIND}` = 'candidate'", session_id)
        rows = [self._candidate_row(run) for run in runs]
        return sorted(rows, key=lambda row: row["step"])

    def stages(self, session_id: str) -> list[dict[str, Any]]:
        """Per stage of the session's relay, from its result (none before it finished)."""
        experiments = self._experiments(None)
        found = self._search(experiments, f"tags.`{KIND}` = 'session'", session_id)
        if not found or "harness.status" not in found[0].data.tags:
            return []
        with tempfile.TemporaryDirectory(prefix="harness-result-") as folder:
            path = self.client.download_artifacts(found[0].info.run_id, "result.json", folder)
            stages: list[dict[str, Any]] = json.loads(Path(path).read_text()).get("stages", [])
        return stages

    def close(self) -> None:
        import mlflow

        mlflow.flush_trace_async_logging()

    def _log_numbers(self, run_id: str, parent: str, entry: CandidateEntry) -> None:
        from mlflow.entities import Metric, Param

        record, now = entry.record, _now_ms()
        params = {"round": str(record.round), "parent": record.parent, "seed": str(record.seed)}
        if record.repair_of is not None:
            params["repair_of"] = record.repair_of
        params |= {"prompt_version": entry.prompt_version} | entry.params
        metrics = candidate_metrics(entry)
        self.client.log_batch(
            run_id,
            metrics=[Metric(key, value, now, 0) for key, value in metrics.items()],
            params=[Param(key, value) for key, value in params.items()],
        )
        # The session's run charts the trajectory, step by step.
        trajectory = entry.cumulative_speedup
        self.client.log_metric(parent, "cumulative_speedup", trajectory, now, entry.step)

    def _log_artifacts(self, run_id: str, entry: CandidateEntry) -> None:
        """All of a candidate's files in one upload (one call per file costs 3-6 ms each)."""
        from harness.bench.report import pytest_benchmark_json  # pytest-benchmark: only here

        record = entry.record
        texts = {**artifact_files(record.source), "diff.patch": record.diff or None}
        verdict, review = record.verdict, record.review
        timings = verdict.timings if verdict is not None else None
        documents = {
            "verdict.json": verdict.to_json() if verdict is not None else None,
            "review.json": review.to_json() if review is not None else None,
            "benchmark.json": pytest_benchmark_json(record.id, timings) if timings else None,
        }
        with tempfile.TemporaryDirectory(prefix="harness-artifacts-") as folder:
            for name, text in texts.items():
                if text is not None:
                    Path(folder, name).parent.mkdir(parents=True, exist_ok=True)
                    Path(folder, name).write_text(text, encoding="utf-8")
            for name, document in documents.items():
                if document is not None:
                    Path(folder, name).write_text(json.dumps(document, indent=1), encoding="utf-8")
            self.client.log_artifacts(run_id, folder)

    def _experiment(self, target: str) -> str:
        found = self.client.get_experiment_by_name(target)
        if found is not None:
            return str(found.experiment_id)
        location = None
        if self.artifact_root is not None:
            location = (self.artifact_root.resolve() / target).as_uri()
        return str(self.client.create_experiment(target, artifact_location=location))

    def _experiments(self, target: str | None) -> list[str]:
        if target is not None:
            found = self.client.get_experiment_by_name(target)
            return [str(found.experiment_id)] if found is not None else []
        return [str(e.experiment_id) for e in self.client.search_experiments()]

    def _search(self, experiments: list[str], where: str, session: str | None = None) -> list[Any]:
        if session is not None:
            where += f" and tags.`{SESSION}` = '{session}'"
        return list(self.client.search_runs(experiments, where, max_results=50000))

    def _session_row(self, run: Any) -> dict[str, Any]:
        data = run.data
        row = {"session": data.tags.get(SESSION), "target": data.tags.get("harness.target")}
        row |= {key: data.params.get(key) for key in SESSION_PARAMS}
        row["status"] = data.tags.get("harness.status", "running")
        row |= {key: data.metrics[key] for key in SESSION_COLUMNS if key in data.metrics}
        row["stop_reason"] = data.tags.get("stop_reason")
        row["unpriced"] = data.tags.get("harness.unpriced")
        row["holdout"] = data.tags.get("harness.holdout")
        if row["status"] != "finished":  # its cumulative_speedup is only a trajectory point
            row["cumulative_speedup"] = None
        return typed(row, SESSION_COLUMNS)

    def _candidate_row(self, run: Any) -> dict[str, Any]:
        data = run.data
        row = {"session": data.tags.get(SESSION), "candidate": data.tags.get(CANDIDATE)}
        row |= {"round": data.params.get("round"), "parent": data.params.get("parent")}
        row["repair_of"] = data.params.get("repair_of")
        row |= {
            "stage": data.params.get("stage", 1),
            "optimizer": data.params.get("optimizer") or None,
        }
        row |= {"verdict": data.tags.get("verdict"), "reason": data.tags.get("reason")}
        row |= {key: data.metrics[key] for key in CANDIDATE_COLUMNS if key in data.metrics}
        return typed(row, CANDIDATE_COLUMNS)


def _now_ms() -> int:
    return int(time.time() * 1000)
