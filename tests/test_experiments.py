"""A scripted session recorded in MLflow, read back the ways users read it: `harness report`,
the notebooks (run headless), and the MLflow UI opened by `harness ui` in a real browser."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import live_descendants

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
FAST = "```python\ndef squares(xs):\n    return [x * x for x in xs]\n```"
WRONG = "```python\ndef squares(xs):\n    return xs\n```"
APPROVE = '{"approve": true, "reasons": ["fine"], "inputs": [[[3, -4]]]}'
CHROMIUM = Path("/usr/bin/chromium")


def _harness(
    env: dict[str, str], *args: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One finished session (a wrong and a faster candidate) in a fresh embedded store."""
    root = tmp_path_factory.mktemp("experiments")
    shutil.copytree(FIXTURES / "squares", root / "targets" / "squares")
    shutil.copytree(FIXTURES / "reference_impls", root / "reference_impls")
    scripts = {}
    for name, answers in {"opt": [WRONG, FAST], "val": [APPROVE]}.items():
        (root / f"{name}.json").write_text(json.dumps({"responses": answers}))
        scripts[name] = f"fake:{root / f'{name}.json'}"
    settings = root / "settings.toml"
    settings.write_text("rounds = 1\ncandidates = 2\nseed = 4\n[bench]\nbudget_seconds = 4\n")
    env = {**os.environ, "HARNESS_RESULTS": str(root / "results")}
    env.pop("MLFLOW_TRACKING_URI", None)
    done = _harness(
        env,
        "run",
        str(root / "targets" / "squares"),
        "--optimizer",
        scripts["opt"],
        "--validator",
        scripts["val"],
        "--settings",
        str(settings),
        "--json",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    session = json.loads(done.stdout)["session"]
    return {"env": env, "session": session, "results": root / "results"}


def test_the_session_is_in_the_embedded_store(recorded: dict[str, Any]) -> None:
    from harness.store.mlflow_store import MLflowStore

    results: Path = recorded["results"]
    assert (results / "mlflow.db").exists() and (results / "mlartifacts" / "squares").is_dir()
    store = MLflowStore(f"sqlite:///{results / 'mlflow.db'}")
    [session] = store.sessions("squares")
    assert session["session"] == recorded["session"] and session["status"] == "finished"
    assert session["cumulative_speedup"] > 1 and session["candidates"] == 2
    verdicts = [row["verdict"] for row in store.candidates(recorded["session"])]
    assert sorted(verdicts) == ["accepted", "rejected"]
    experiment = store.client.get_experiment_by_name("squares")
    assert experiment is not None
    [run] = store.client.search_runs([experiment.experiment_id], "tags.`harness.kind` = 'session'")
    assert run.data.tags["harness.sandbox"].startswith("bubblewrap")


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "table"])
def test_report_of_one_session(recorded: dict[str, Any], fmt: str) -> None:
    session = recorded["session"]
    done = _harness(recorded["env"], "report", session, "--format", fmt, "--plot", timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "accepted" in done.stdout and "rejected" in done.stdout
    if fmt == "json":
        rows = json.loads(done.stdout)
        assert {row["verdict"] for row in rows} == {"accepted", "rejected"}
        assert all("cost_usd" in row and "tokens" in row for row in rows)
    folder = recorded["results"] / session
    assert (folder / "report.csv").read_text().startswith("step,stage,round,candidate,optimizer,")
    assert (folder / "report.md").read_text().startswith("|")
    assert (folder / "trajectory.png").read_bytes()[:4] == b"\x89PNG"


def test_report_of_sessions_and_its_errors(recorded: dict[str, Any]) -> None:
    done = _harness(recorded["env"], "report", "--target", "squares", "--format", "csv")
    assert done.returncode == 0 and recorded["session"] in done.stdout
    missing = _harness(recorded["env"], "report", "no-such-session")
    assert missing.returncode == 2 and "no candidates of session" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["explore_session", "compare_sessions"])
def test_notebooks_run_top_to_bottom(recorded: dict[str, Any], name: str) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    os.environ["HARNESS_RESULTS"] = str(recorded["results"])
    try:
        NotebookClient(
            notebook, timeout=300, resources={"metadata": {"path": str(REPO / "notebooks")}}
        ).execute()
    finally:
        os.environ.pop("HARNESS_RESULTS", None)
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.get("output_type") == "error"]
    assert recorded["session"] in json.dumps(outputs) or name == "compare_sessions"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_harness_ui_stopped_by_a_signal_stops_its_server(
    recorded: dict[str, Any], stop: signal.Signals
) -> None:
    ui, port, line = _start_ui(recorded)
    assert f":{port}" in line
    servers = live_descendants(ui.pid)
    assert servers
    ui.send_signal(stop)
    assert ui.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in servers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in servers)
    with socket.socket() as again:  # the port is free for a new server again
        # as servers do, so the closed health check's TIME_WAIT does not count as in use
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_ui(recorded: dict[str, Any]) -> tuple["subprocess.Popen[str]", int, str]:
    """`harness ui` on a free port, and the line it prints once the UI answers."""
    port = _free_port()
    ui = subprocess.Popen(
        [sys.executable, "-m", "harness", "ui", "--port", str(port)],
        env=recorded["env"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert ui.stdout is not None
    return ui, port, ui.stdout.readline()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def ui(recorded: dict[str, Any]) -> Iterator[str]:
    server, port, line = _start_ui(recorded)
    try:
        assert f"http://127.0.0.1:{port}" in line, line
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(2)  # Ctrl-C
        assert server.wait(timeout=30) == 0


@pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium (make test installs it where it can)",
)
def test_the_ui_shows_the_session_its_candidates_and_traces(
    recorded: dict[str, Any], ui: str
) -> None:
    from playwright.sync_api import sync_playwright

    from harness.store.mlflow_store import MLflowStore

    store = MLflowStore(f"sqlite:///{recorded['results'] / 'mlflow.db'}")
    experiment = store.client.get_experiment_by_name("squares")
    assert experiment is not None
    runs = store.client.search_runs([experiment.experiment_id], "tags.verdict = 'accepted'")
    accepted = runs[0].info.run_id
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=flags)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        base = f"{ui}/#/experiments/{experiment.experiment_id}"
        page.goto(f"{base}/runs", wait_until="commit")
        page.get_by_text(recorded["session"]).first.wait_for(timeout=60000)
        page.goto(f"{base}/runs/{accepted}", wait_until="commit")
        page.get_by_text("cumulative_speedup").first.wait_for(timeout=60000)
        page.get_by_text("verdict_seconds").first.wait_for(timeout=60000)
        _screenshot(page, "mlflow_ui_candidate.png")
        page.goto(f"{base}/traces", wait_until="commit")
        page.get_by_text("You are an expert Python performance engineer").first.wait_for(
            timeout=60000
        )
        page.get_by_text("You review a candidate optimization").first.wait_for(timeout=60000)
        _screenshot(page, "mlflow_ui_traces.png")
        browser.close()


def _screenshot(page: Any, name: str) -> None:
    """Kept under results/ for a person to look at, when run locally."""
    if os.environ.get("CI"):
        return
    shots = REPO / "results" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / name), full_page=True)
