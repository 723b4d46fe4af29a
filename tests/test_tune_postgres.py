"""Two `harness tune` workers (as on two machines: each its own results folder) share one study
in a real PostgreSQL server on 127.0.0.1: every trial runs exactly once, none is lost, not even
the trial of a worker killed mid-trial (its heartbeat stops; another worker runs it again).

PostgreSQL comes from PATH or Debian's /usr/lib/postgresql/*/bin (`make postgres` installs it).
Without it the test is skipped, except under CI=true, where it fails. Its binaries refuse to run
as root, so as root they run as the `postgres` user (else `nobody`) via runuser.
"""

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

SPACE = """
optimizers = ["fake-tuned:squares"]
temperature = [1.0, 2.0]
candidates = [1, 1]
rounds = [1, 1]
use_profile = [false]
use_hints = [false]
repair = [false]
answer_format = ["module"]

[pruner]
kind = "none"

[fixed]
patience = 1

[fixed.bench]
budget_seconds = 1
block_seconds = 0.1
"""
TEMPERATURES = [1.2, 1.3, 1.4, 1.5]  # above the band: quick rejections keep the trials short
# A worker through the Python API, with a heartbeat short enough for a test (the CLI keeps
# `Heartbeat`'s defaults).
WORKER = """
import sys
from pathlib import Path
from harness.tune import Heartbeat, TuneRequest, load_space, tune

target, space, storage = sys.argv[1:]
beat = Heartbeat(interval=1, grace=2, retries=1)
tune(TuneRequest(target, load_space(Path(space)), "speedup", 1, storage, "retry", heartbeat=beat))
"""


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    folders = [Path(found).resolve().parent] if found else []
    versions = Path("/usr/lib/postgresql").glob("*/bin")  # Debian's layout, newest first
    folders += sorted(versions, key=lambda path: float(path.parent.name), reverse=True)
    for folder in folders:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _unprivileged() -> tuple[list[str], pwd.struct_passwd | None]:
    """(command prefix, owner of the data folder): runuser as root, nothing otherwise."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            return ["runuser", "-u", name, "--"], pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.fail("running as root with neither a postgres nor a nobody user to run PostgreSQL")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def postgres_url() -> Iterator[str]:
    binaries = _binaries()
    if binaries is None:
        message = "no PostgreSQL (initdb on PATH or in /usr/lib/postgresql/*/bin): make postgres"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    prefix, owner = _unprivileged()
    root = Path(tempfile.mkdtemp(prefix="harness-pg-"))
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    data, port = root / "data", _free_port()

    def run(*command: str) -> None:
        done = subprocess.run(
            [*prefix, *command], cwd=root, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{command[0]}: {done.stdout[-1500:]} {done.stderr[-1500:]}"

    try:
        initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "tune", "--auth=trust"]
        run(*initdb, "--no-locale", "--encoding=UTF8", "--no-sync")
        options = f"-h 127.0.0.1 -p {port} -k {root} -F"
        pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-o", options]
        run(*pg_ctl, "-l", str(root / "log"), "-w", "start")
        yield f"postgresql://tune@127.0.0.1:{port}/postgres"
    finally:
        stop = [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(stop, cwd=root, capture_output=True, timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)


def test_two_workers_share_one_study_and_run_each_trial_once(
    postgres_url: str, squares_folder: Path, tmp_path: Path
) -> None:
    space = tmp_path / "space.toml"
    space.write_text(SPACE)
    study = optuna.create_study(storage=postgres_url, study_name="shared", direction="maximize")
    for temperature in TEMPERATURES:
        study.enqueue_trial({"temperature": temperature})
    tune = ["tune", str(squares_folder), "--storage", postgres_url, "--study", "shared"]
    tune += ["--trials", "2", "--space", str(space), "--json"]
    workers = []
    for name in ("one", "two"):
        env = {**os.environ, "HARNESS_RESULTS": str(tmp_path / name)}
        env.pop("MLFLOW_TRACKING_URI", None)
        command = [sys.executable, "-m", "harness", *tune]
        workers.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True))
    outputs = [worker.communicate(timeout=600)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]

    ran = [[trial["trial"] for trial in json.loads(out)["trials"]] for out in outputs]
    assert [len(mine) for mine in ran] == [2, 2] and sorted(ran[0] + ran[1]) == [0, 1, 2, 3]
    trials = optuna.load_study(study_name="shared", storage=postgres_url).trials
    assert [trial.number for trial in trials] == [0, 1, 2, 3]
    assert {trial.state.name for trial in trials} == {"COMPLETE"}
    assert sorted(trial.params["temperature"] for trial in trials) == TEMPERATURES
    sessions = {trial.user_attrs["session"] for trial in trials}
    finished = {path.parent.name for path in tmp_path.glob("*/*/result.json")}
    assert len(sessions) == 4 and finished == sessions  # each trial's session ran once


def _worker(results: Path, *args: str) -> subprocess.Popen[str]:
    """A worker in its own process group (killing the group is a machine going away)."""
    env = {**os.environ, "HARNESS_RESULTS": str(results)}
    env.pop("MLFLOW_TRACKING_URI", None)
    command = [sys.executable, "-c", WORKER, *args]
    return subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def _wait_for_a_running_trial(study: optuna.Study, worker: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        assert worker.poll() is None, f"the worker ended first: {worker.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "no trial began within 120 s"
        time.sleep(0.1)


@pytest.mark.slow
def test_a_killed_workers_trial_is_failed_and_run_again_by_another_worker(
    postgres_url: str, squares_folder: Path, tmp_path: Path
) -> None:
    space = tmp_path / "space.toml"  # in the band: a good candidate, benchmarked, a longer trial
    space.write_text(SPACE.replace("temperature = [1.0, 2.0]", "temperature = [0.6, 0.6]"))
    study = optuna.create_study(storage=postgres_url, study_name="retry", direction="maximize")
    args = (str(squares_folder), str(space), postgres_url)
    killed = _worker(tmp_path / "one", *args)
    _wait_for_a_running_trial(study, killed)
    time.sleep(1.5)  # past the first heartbeat
    os.killpg(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=60)
    assert [trial.state for trial in study.get_trials()] == [TrialState.RUNNING]  # killed mid-trial

    time.sleep(3)  # past the 2 s of grace: the next worker fails the trial and queues it again
    second = _worker(tmp_path / "two", *args)
    errors = second.communicate(timeout=600)[1]
    assert second.returncode == 0, errors[-3000:]
    first, retry = optuna.load_study(study_name="retry", storage=postgres_url).trials
    assert first.state == TrialState.FAIL and retry.state == TrialState.COMPLETE
    assert retry.params == first.params and retry.system_attrs["failed_trial"] == first.number
    assert retry.user_attrs["session"] != first.user_attrs.get("session")  # a session of its own
