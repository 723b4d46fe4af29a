"""The experiment store: one contract for every backend, and MLflow's layout of what it keeps."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.errors import ConfigError
from harness.records import CandidateRecord, ModelCall, Review
from harness.roles import Store
from harness.store import make_store
from harness.store.entries import CANDIDATE_COLUMNS, SESSION_COLUMNS, CandidateEntry, SessionEntry
from harness.store.memory import MemoryStore
from harness.store.mlflow_store import MLflowStore
from harness.verdict import Check, SideTimes, Timings, Verdict

PARAMS = {
    "optimizer": "fake:opt.json",
    "validator": "fake:val.json",
    "temperature": "0.7",
    "candidates_per_round": "2",
    "seed": "3",
}


STARTED = 1_700_000_000.5  # when the calls began: their traces' spans start there


def _call(role: str, tokens: int) -> ModelCall:
    return ModelCall(
        role, "fake:opt.json", f"{role}-1", f"prompt for {role}", "answer", tokens, 7, 0.001, 0.25,
        started_at=STARTED,
    )  # fmt: skip


def _entries() -> list[CandidateEntry]:
    invalid = CandidateRecord(
        "r1c1",
        1,
        "original",
        "invalid",
        "no code block\nmore",
        11,
        calls=(_call("optimizer", 100),),
        seconds=0.0,
    )
    accepted = CandidateRecord(
        "r1c2",
        1,
        "original",
        "accepted",
        "benchmark: faster",
        12,
        source="def squares(xs):\n    return [x * x for x in xs]\n",
        diff="--- a/squares.py\n+++ b/squares.py\n",
        verdict=Verdict(
            "squares",
            12,
            [Check("edge cases", True, ""), Check("benchmark", True, "faster")],
            speedup=2.5,
            speedup_ci=(2.0, 3.1),
            timings=Timings((SideTimes("baseline", (0.01, 0.011), (0.01,)),), 2),
        ),
        review=Review(True, ["fine"], []),
        calls=(_call("optimizer", 120), _call("validator", 80)),
        seconds=4.5,
    )
    return [CandidateEntry(invalid, 1, 1.0), CandidateEntry(accepted, 2, 2.5)]


RESULT = {
    "candidates": 2,
    "accepted": [{"round": 1, "candidate": "r1c2", "speedup": 2.5}],
    "cumulative_speedup": 2.4,
    "cumulative_speedup_ci": [2.1, 2.8],
    "speedup_vs_reference": 0.5,
    "cost_usd": 0.003,
    "stop_reason": "2 rounds done",
}


@pytest.fixture(scope="module")
def tracking_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real MLflow tracking server on 127.0.0.1 (what `harness ui` starts), over HTTP."""
    folder = tmp_path_factory.mktemp("server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{folder / 'mlflow.db'}"}
    env["HARNESS_RESULTS"] = str(folder / "results")  # where the server keeps artifacts
    server = subprocess.Popen(
        [sys.executable, "-m", "harness", "ui", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None and "http://" in server.stdout.readline()
    yield f"http://127.0.0.1:{port}"
    server.send_signal(signal.SIGINT)
    server.wait(timeout=30)


@pytest.fixture(params=["memory", "mlflow-sqlite", "mlflow-http"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    if request.param == "mlflow-sqlite":
        backend = MLflowStore(f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path / "artifacts")
    else:  # each test gets its own target, so the shared server's experiments do not mix
        backend = _OwnTarget(MLflowStore(request.getfixturevalue("tracking_server")), tmp_path.name)
    yield backend
    backend.close()


class _OwnTarget:
    """Renames the target (the experiment) of everything written through it."""

    def __init__(self, inner: MLflowStore, suffix: str) -> None:
        self.inner, self.suffix = inner, suffix

    def start_session(self, session: SessionEntry) -> None:
        renamed = SessionEntry(
            session.id + self.suffix, session.target + self.suffix, session.params
        )
        self.inner.start_session(renamed)

    def log_candidate(self, session_id: str, entry: CandidateEntry) -> None:
        self.inner.log_candidate(session_id + self.suffix, entry)

    def finish_session(self, session_id: str, result: dict[str, Any]) -> None:
        self.inner.finish_session(session_id + self.suffix, result)

    def sessions(self, target: str | None = None) -> list[dict[str, Any]]:
        rows = self.inner.sessions(None if target is None else target + self.suffix)
        mine = [row for row in rows if row["session"].endswith(self.suffix)]
        for row in mine:
            row["session"] = row["session"].removesuffix(self.suffix)
            row["target"] = row["target"].removesuffix(self.suffix)
        return mine

    def candidates(self, session_id: str) -> list[dict[str, Any]]:
        rows = self.inner.candidates(session_id + self.suffix)
        for row in rows:
            row["session"] = row["session"].removesuffix(self.suffix)
        return rows

    def stages(self, session_id: str) -> list[dict[str, Any]]:
        return self.inner.stages(session_id + self.suffix)

    def close(self) -> None:
        self.inner.close()


def _fill(store: Store) -> None:
    store.start_session(SessionEntry("s1", "squares", PARAMS))
    for entry in _entries():
        store.log_candidate("s1", entry)


def test_candidates_read_back_in_order_with_their_numbers(store: Store) -> None:
    _fill(store)
    rows = store.candidates("s1")
    assert [row["candidate"] for row in rows] == ["r1c1", "r1c2"]
    assert all(list(row) == CANDIDATE_COLUMNS for row in rows)
    invalid, accepted = rows
    assert invalid["verdict"] == "invalid" and invalid["reason"] == "no code block"
    assert invalid["speedup"] is None and invalid["validator_approved"] is None
    assert accepted["verdict"] == "accepted" and accepted["round"] == 1
    assert (accepted["speedup"], accepted["ci_low"], accepted["ci_high"]) == (2.5, 2.0, 3.1)
    assert accepted["cumulative_speedup"] == 2.5 and accepted["checks_passed"] == 2
    assert accepted["input_tokens"] == 200 and accepted["output_tokens"] == 14
    assert accepted["validator_approved"] is True and accepted["verdict_seconds"] == 4.5
    assert accepted["cost_usd"] == pytest.approx(0.002) and accepted["latency_s"] == 0.5
    assert store.candidates("no-such-session") == []


def test_sessions_are_running_then_finished(store: Store) -> None:
    _fill(store)
    [running] = store.sessions()
    assert list(running) == SESSION_COLUMNS
    assert running["status"] == "running" and running["cumulative_speedup"] is None
    assert running["optimizer"] == "fake:opt.json" and running["seed"] == "3"
    store.finish_session("s1", RESULT)
    [finished] = store.sessions("squares")
    assert finished["status"] == "finished" and finished["candidates"] == 2
    assert finished["accepted"] == 1 and finished["cumulative_speedup"] == 2.4
    assert (finished["ci_low"], finished["ci_high"]) == (2.1, 2.8)
    assert finished["stop_reason"] == "2 rounds done"
    assert store.sessions("another_target") == []


STAGES = [
    {"stage": 1, "optimizers": ["fake:a.json"], "start": "original", "end": "r1c2",
     "speedup": 2.5, "speedup_ci": [2.0, 3.1], "rounds": 1, "candidates": 2, "accepted": 1,
     "cost_usd": 0.003, "ended": "1 rounds done",
     "by_optimizer": {"fake:a.json": {"candidates": 2, "accepted": 1, "best_step": 2.5,
                                      "cost_usd": 0.003}}},
    {"stage": 2, "optimizers": ["fake:b.json", "fake:c.json"], "start": "r1c2", "end": "r1c2",
     "speedup": 1.0, "speedup_ci": [1.0, 1.0], "rounds": 0, "candidates": 0, "accepted": 0,
     "cost_usd": 0.0, "ended": "last stage: cost budget $0 reached", "by_optimizer": {}},
]  # fmt: skip


def test_a_relays_stages_read_back_per_stage(store: Store) -> None:
    _fill(store)
    assert store.stages("s1") == []  # not finished yet
    store.finish_session("s1", RESULT | {"stages": STAGES})
    assert store.stages("s1") == STAGES
    [row] = store.sessions()
    assert row["status"] == "finished"


def test_an_mlflow_session_run_charts_each_stage(tmp_path: Path) -> None:
    store = MLflowStore(f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path / "artifacts")
    _fill(store)
    store.finish_session("s1", RESULT | {"stages": STAGES})
    [run] = store.client.search_runs(
        [store.client.get_experiment_by_name("squares").experiment_id],
        "tags.`harness.kind` = 'session'",
    )
    metrics = run.data.metrics
    assert metrics["stage1_speedup"] == 2.5 and metrics["stage1_accepted"] == 1
    assert metrics["stage2_candidates"] == 0 and metrics["stage2_cost_usd"] == 0.0


def test_a_failed_final_check_and_unpriced_models_read_back_as_such(store: Store) -> None:
    _fill(store)
    failed = RESULT | {
        "cumulative_speedup": None,
        "cumulative_speedup_ci": None,
        "speedup_vs_reference": None,
        "final_problems": ["candidate: output 3 differs from the reference"],
        "unpriced": ["openai:brand-new"],
    }
    store.finish_session("s1", failed)
    [row] = store.sessions()
    assert row["status"] == "failed" and row["cumulative_speedup"] is None
    assert row["ci_low"] is None and row["unpriced"] == "openai:brand-new"
    assert row["cost_usd"] is None  # unknown, not $0


def test_the_report_says_unpriced_instead_of_a_cost() -> None:
    from harness.store.report import sessions_frame

    store = MemoryStore()
    _fill(store)
    store.finish_session("s1", RESULT | {"unpriced": ["openai:brand-new"]})
    assert sessions_frame(store, None).loc["s1", "cost_usd"] == "unpriced"


def test_the_tracking_uri_comes_from_the_flag_then_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from harness.store import resolve_tracking_uri

    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path / "results"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    uri, artifacts = resolve_tracking_uri(None)
    assert uri == f"sqlite:///{(tmp_path / 'results' / 'mlflow.db').resolve()}"
    assert artifacts == (tmp_path / "results" / "mlartifacts").resolve()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert resolve_tracking_uri(None) == ("http://127.0.0.1:5000", None)
    assert resolve_tracking_uri("postgresql://u@h/db") == ("postgresql://u@h/db", None)


def test_a_resumed_session_keeps_one_session_record(store: Store) -> None:
    _fill(store)
    store.start_session(SessionEntry("s1", "squares", PARAMS))
    assert len(store.sessions()) == 1 and len(store.candidates("s1")) == 2


def test_every_backend_reads_back_the_same_rows(tmp_path: Path) -> None:
    stores: list[Store] = [MemoryStore(), MLflowStore(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)]
    for store in stores:
        _fill(store)
        store.finish_session("s1", RESULT)
    memory, mlflow_store = stores
    assert memory.candidates("s1") == mlflow_store.candidates("s1")
    assert memory.sessions() == mlflow_store.sessions()


def test_mlflow_layout_runs_artifacts_trajectory_and_traces(tmp_path: Path) -> None:
    import mlflow

    store = MLflowStore(f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path / "artifacts")
    _fill(store)
    store.finish_session("s1", RESULT)
    store.close()
    client = store.client
    experiment = client.get_experiment_by_name("squares")
    assert experiment is not None
    assert experiment.artifact_location == (tmp_path / "artifacts" / "squares").resolve().as_uri()
    runs = {run.info.run_name: run for run in client.search_runs([experiment.experiment_id])}
    parent, child = runs["s1"], runs["r1c2"]
    assert child.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert child.data.tags["verdict"] == "accepted"
    assert child.data.params["prompt_version"] == "optimizer-1"
    assert child.data.params["parent"] == "original"
    artifacts = {item.path for item in client.list_artifacts(child.info.run_id)}
    assert artifacts == {
        "candidate.py",
        "diff.patch",
        "verdict.json",
        "review.json",
        "benchmark.json",
    }
    history = client.get_metric_history(parent.info.run_id, "cumulative_speedup")
    assert [(m.step, m.value) for m in sorted(history, key=lambda m: m.step)] == [
        (1, 1.0),
        (2, 2.5),
        (3, 2.4),
    ]
    traces = mlflow.search_traces(
        locations=[experiment.experiment_id], run_id=child.info.run_id, return_type="list"
    )
    assert len(traces) == 2
    usage = traces[0].info.token_usage
    assert usage is not None and usage["input_tokens"] in (120, 80)
    assert "prompt for" in str(traces[0].data.spans[0].inputs)
    span = traces[0].data.spans[0]
    assert (span.start_time_ns, span.end_time_ns) == (
        int(STARTED * 1e9),
        int(STARTED * 1e9) + 250_000_000,
    )


def test_unknown_store_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="valid names: memory, mlflow"):
        make_store("postgres")


def test_a_candidate_whose_model_has_no_price_has_no_cost_not_zero() -> None:
    from dataclasses import replace

    from harness.store.entries import candidate_metrics

    _, accepted = _entries()
    unpriced = replace(accepted.record.calls[0], cost_usd=None)
    record = replace(accepted.record, calls=(unpriced, accepted.record.calls[1]))
    assert "cost_usd" not in candidate_metrics(CandidateEntry(record, 2, 2.5))
    assert candidate_metrics(accepted)["cost_usd"] == pytest.approx(0.002)
