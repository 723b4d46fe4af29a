"""Two `harness tune` workers (as on two machines: each its own results folder) share one study
in a real PostgreSQL server on 127.0.0.1: every trial runs exactly once, none is lost.

PostgreSQL comes from PATH or Debian's /usr/lib/postgresql/*/bin (`make postgres` installs it).
Without it the test is skipped, except under CI=true, where it fails. Its binaries refuse to run
as root, so as root they run as the `postgres` user (else `nobody`) via runuser.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest

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
