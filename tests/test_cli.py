"""`harness verify` as a user (or a script) runs it: exit codes, JSON contract, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CONTRACT = {"target", "accepted", "correct", "speedup", "speedup_ci", "reasons", "checks", "seed"}


def harness(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "harness", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_accepted_candidate_json_contract(squares_folder: Path) -> None:
    candidate = squares_folder / "examples" / "fast.py"
    result = harness(
        "verify", str(squares_folder), "--candidate", str(candidate), "--json", "--seed", "7"
    )
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert set(verdict) >= CONTRACT
    assert verdict["accepted"] is verdict["correct"] is True
    assert verdict["seed"] == 7 and verdict["speedup"] > 1.03
    low, high = verdict["speedup_ci"]
    assert 1.03 < low <= verdict["speedup"] <= high
    assert verdict["benchmark"]["blocks"] >= 2
    assert all(set(check) >= {"name", "passed", "detail"} for check in verdict["checks"])


def test_rejected_candidate_exits_1_with_counterexample(
    squares_folder: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def squares(xs):\n    return [x * x for x in xs[1:]]\n")
    result = harness("verify", str(squares_folder), "--candidate", str(wrong))
    assert result.returncode == 1
    assert "REJECTED" in result.stdout and "counterexample" in result.stdout


def test_same_seed_gives_the_same_verdict(squares_folder: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def squares(xs):\n    return [x * abs(x) for x in xs]\n")
    runs = [
        harness("verify", str(squares_folder), "--candidate", str(wrong), "--json", "--seed", "3")
    ]
    runs.append(
        harness("verify", str(squares_folder), "--candidate", str(wrong), "--json", "--seed", "3")
    )
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify", "no_such_target", "--candidate", "x.py"], "unknown target 'no_such_target'"),
        (["verify", "squares", "--candidate", "/no/such/file.py"], "cannot read candidate"),
        (["verify", "squares"], "--candidate"),
        (["verify", "squares", "--candidate", "x.py", "--seed", "abc"], "invalid int value"),
        (["frobnicate"], "invalid choice"),
        (["verify", "squares", "--candidate", "x.py", "--budget", "0"], "out of range"),
        (["verify", "squares", "--candidate", "x.py", "--min-gain", "-0.5"], "out of range"),
        (["verify", "squares", "--candidate", "x.py", "--min-gain", "lots"], "is not a margin"),
        (["bench", "squares", "--budget", "-3"], "out of range"),
        (["run", "squares", "--rounds", "0", "--optimizer", "fake:x"], "rounds"),
        (["tune", "squares", "--trials", "0"], "out of range"),
        (["init", ".", "--top", "0"], "out of range"),
        (["ui", "--port", "70000"], "out of range"),
        (
            ["run", "squares", "--optimizer", "openai:gpt-9", "--budget-usd", "1"],
            "budget_usd needs a price for openai:gpt-9: add it under [prices]",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    args: list[str], message: str, squares_folder: Path
) -> None:
    args = [str(squares_folder) if arg == "squares" else arg for arg in args]
    result = harness(*args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_untrusted_text_is_shown_literally_not_as_markup(
    squares_folder: Path, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.py"
    hostile.write_text("def squares(xs):\n    raise ValueError('[/x] [bold]not markup[/bold]')\n")
    result = harness("verify", str(squares_folder), "--candidate", str(hostile), "--budget", "2")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "[/x] [bold]not markup[/bold]" in result.stdout.replace("\n", "")


def test_a_run_with_a_mistyped_optimizer_leaves_nothing_behind(
    squares_folder: Path, tmp_path: Path
) -> None:
    """The store (results/, its MLflow database) is opened only once the roles are built."""
    work = tmp_path / "work"
    work.mkdir()
    command = [sys.executable, "-m", "harness", "run", str(squares_folder), "--optimizer", "nope:m"]
    env = {
        k: v for k, v in os.environ.items() if k not in {"HARNESS_RESULTS", "MLFLOW_TRACKING_URI"}
    }
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=work, env=env)
    assert result.returncode == 2 and "nope" in result.stderr, result.stderr
    assert list(work.iterdir()) == []
