"""The optimize loop with the scripted fake model: wrong, cheating and faster candidates, the
validator's veto and inputs, the branch and results folder, resume after kill -9."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.bench.runner import BenchSettings
from harness.loop.finish import finish
from harness.loop.session import Session
from harness.loop.settings import SessionSettings
from harness.store.entries import CandidateEntry
from harness.store.memory import MemoryStore
from harness.targets.loader import load_target

FAST = "```python\ndef squares(xs):\n    return [x * x for x in xs]\n```"
WRONG = "```python\ndef squares(xs):\n    return xs\n```"
WRONG_TOO = "```python\ndef squares(xs):\n    return [x + x for x in xs]\n```"
CHEAT = "```python\nimport time\n\ndef squares(xs):\n    return [x * x for x in xs]\n```"
TRAPDOOR = "```python\ndef squares(xs):\n    if xs and xs[0] == 12345:\n        return []\n    return [x * x for x in xs]\n```"
APPROVE = '{"approve": true, "reasons": ["fine"], "inputs": [[[3, -4]]]}'
BENCH = BenchSettings(budget_seconds=4)
CANDIDATES = Path(__file__).parent / "candidates"


def _script(folder: Path, name: str, responses: list[object]) -> str:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"responses": responses}))
    return f"fake:{path}"


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def repo(squares_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The squares target inside a git repository; results go to tmp_path/results."""
    root = squares_folder.parent.parent
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path / "results"))
    return root


def test_only_correct_faster_approved_candidates_are_accepted(
    repo: Path, squares_folder: Path, tmp_path: Path
) -> None:
    optimizer = _script(
        tmp_path, "opt", [WRONG, CHEAT, FAST, "I cannot help.", FAST, {"error": "HTTP 500"}]
    )
    validator = _script(tmp_path, "val", [APPROVE, APPROVE])
    settings = SessionSettings(
        optimizer=optimizer, validator=validator, rounds=2, candidates=3, bench=BENCH
    )
    session = Session.from_settings(
        load_target(str(squares_folder)), settings, tmp_path / "results" / "s1"
    )
    reason = session.run()
    result = finish(session, reason)

    statuses = sorted(r.status for r in session.records)
    assert statuses == ["accepted", "invalid", "invalid", "rejected", "rejected", "rejected"]
    accepted = [r for r in session.records if r.status == "accepted"]
    assert accepted[0].round == 1 and accepted[0].source is not None
    assert "[x * x for x in xs]" in accepted[0].source
    reasons = " | ".join(r.reason for r in session.records)
    assert "wrong result" in reasons and "timers" in reasons and "no code block" in reasons
    assert "HTTP 500" in reasons
    assert result.cumulative_speedup > 1 and result.cumulative_speedup_ci[0] > 1
    assert result.accepted == [
        {"round": 1, "candidate": accepted[0].id, "speedup": accepted[0].speedup}
    ]
    assert result.branch == "harness/s1"
    assert _git(repo, "log", "--format=%s", "harness/s1").splitlines()[1:] == ["init"]
    assert "[x * x for x in xs]" in _git(repo, "show", "harness/s1:targets/squares/squares.py")
    changes = _git(repo, "status", "--porcelain").splitlines()
    ours = {"?? opt.json", "?? val.json", "?? results/"}
    assert [line for line in changes if line not in ours] == []  # the working tree is untouched
    folder = tmp_path / "results" / "s1"
    assert "[x * x for x in xs]" in (folder / "final.py").read_text()
    assert (folder / "patch.diff").read_text().startswith("--- a/squares.py")
    journal = [json.loads(line) for line in (folder / "journal.jsonl").read_text().splitlines()]
    assert sum(entry["type"] == "candidate" for entry in journal) == 6
    reviews = [
        call for record in session.records for call in record.calls if call.role == "validator"
    ]
    assert len(reviews) == 1  # only the accepted candidate is reviewed
    prompts = [record.calls[0].prompt for record in session.records]
    assert all("- squares([]) == []" in prompt for prompt in prompts)  # reference answers
    directions = {prompt.split("Try this direction:")[1].split(".")[0] for prompt in prompts}
    assert len(directions) == 3  # samples cycle through the general directions
    later = [p for r, p in zip(session.records, prompts, strict=True) if r.round == 2]
    assert all("wrong result" in p and "(input [" in p and ", expected [" in p for p in later)


def test_a_failed_candidate_is_repaired_once_with_its_code_and_failing_input(
    squares_folder: Path, tmp_path: Path
) -> None:
    optimizer = _script(tmp_path, "opt", [WRONG, WRONG, WRONG_TOO, WRONG_TOO, FAST, FAST])
    settings = SessionSettings(
        optimizer=optimizer,
        validator_veto="off",
        rounds=3,
        candidates=2,
        patience=3,
        bench=BENCH,
        repair=True,
    )
    folder = tmp_path / "results" / "s"
    session = Session.from_settings(load_target(str(squares_folder)), settings, folder)
    session.run()

    by_id = {record.id: record for record in session.records}
    fixes = {record.id: record.repair_of for record in session.records if record.repair_of}
    # r2c2 fixes round 1's latest failure; r2c2 fails too, but a fix is not fixed again, so
    # round 3 fixes the fresh r2c1 instead.
    assert fixes == {"r2c2": "r1c2", "r3c2": "r2c1"}
    repair_prompt = by_id["r2c2"].calls[0]
    assert repair_prompt.prompt_version.startswith("repair-")
    shown = repair_prompt.prompt.split("The attempt that fails:")[1].split("What went wrong:")
    assert "return xs" in shown[0]
    assert "wrong result" in shown[1] and "(input [" in shown[1] and ", expected [" in shown[1]
    assert "- squares([]) == []" in repair_prompt.prompt  # the same contract as a fresh sample
    fresh = [by_id[i].calls[0].prompt_version for i in ("r1c1", "r1c2", "r2c1", "r3c1")]
    assert all(version.startswith("optimizer-") for version in fresh)
    assert by_id["r3c2"].status == "accepted"
    assert "a fix of r1c2" in by_id["r3c1"].calls[0].prompt  # the history says what was a fix
    journal = [json.loads(line) for line in (folder / "journal.jsonl").read_text().splitlines()]
    assert {e["id"]: e["repair_of"] for e in journal if e.get("repair_of")} == fixes


def test_a_fix_that_returns_the_attempt_unchanged_is_invalid_without_a_verdict(
    squares_folder: Path, tmp_path: Path
) -> None:
    optimizer = _script(tmp_path, "opt", [WRONG] * 4)
    settings = SessionSettings(
        optimizer=optimizer, rounds=2, candidates=2, patience=3, bench=BENCH, repair=True
    )
    session = Session.from_settings(load_target(str(squares_folder)), settings, tmp_path / "s")
    session.run()
    fix = session.records[-1]
    assert fix.repair_of == "r1c2" and fix.status == "invalid" and fix.verdict is None
    assert fix.reason == "the fix is the attempt unchanged"


@pytest.mark.parametrize(
    ("first_round", "overrides"),
    [
        ([CHEAT, CHEAT], {"repair": True}),
        ([WRONG, WRONG], {}),
        ([WRONG], {"candidates": 1, "repair": True}),
    ],
    ids=["screened-out", "off-by-default", "single-sample"],
)
def test_no_repair_for_screened_candidates_by_default_or_with_one_sample(
    first_round: list[str], overrides: dict[str, object], squares_folder: Path, tmp_path: Path
) -> None:
    optimizer = _script(tmp_path, "opt", [*first_round, WRONG, WRONG])
    options: dict[str, object] = {"rounds": 2, "candidates": 2, "patience": 3, **overrides}
    settings = SessionSettings(optimizer=optimizer, bench=BENCH, **options)  # type: ignore[arg-type]
    session = Session.from_settings(load_target(str(squares_folder)), settings, tmp_path / "s")
    session.run()
    assert session.round == 2
    assert [record.repair_of for record in session.records] == [None] * len(session.records)
    versions = {record.calls[0].prompt_version for record in session.records}
    assert all(version.startswith("optimizer-") for version in versions)


def test_validator_veto_and_inputs(
    squares_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path / "results"))
    reject = '{"approve": false, "reasons": ["caches results"], "inputs": []}'
    breaker = '{"approve": true, "reasons": [], "inputs": [[[12345, 2]]]}'
    target = load_target(str(squares_folder))

    def one_round(candidate: str, review: str, veto: str = "any") -> str:
        settings = SessionSettings(
            optimizer=_script(tmp_path, "o", [candidate]),
            validator=_script(tmp_path, "v", [review]),
            rounds=1,
            candidates=1,
            bench=BENCH,
            validator_veto=veto,
        )
        session = Session.from_settings(
            target, settings, tmp_path / "results" / f"s{time.monotonic_ns()}"
        )
        record = session.step().records[0]
        return f"{record.status}: {record.reason}"

    assert one_round(FAST, reject).startswith("rejected: validator: caches results")
    assert one_round(FAST, reject, veto="off").startswith("accepted")
    unshown = one_round(FAST, reject, veto="evidence")  # the default: a claim needs an input
    assert unshown.startswith("accepted") and "objected, unshown: caches results" in unshown
    assert one_round(TRAPDOOR, breaker, veto="evidence").startswith(
        "rejected: validator input breaks it"
    )
    # "off" does not ask the validator at all: its breaking input is never seen
    assert one_round(TRAPDOOR, breaker, veto="off").startswith("accepted")


def test_resume_after_kill_loses_no_step_and_counts_none_twice(
    repo: Path, squares_folder: Path, tmp_path: Path
) -> None:
    optimizer = _script(tmp_path, "opt", [FAST] * 8)
    validator = _script(tmp_path, "val", [APPROVE] * 8)
    command = [
        sys.executable,
        "-m",
        "harness",
        "run",
        str(squares_folder),
        "--optimizer",
        optimizer,
        "--validator",
        validator,
        "--rounds",
        "2",
        "--candidates",
        "2",
        "--patience",
        "5",
        "--json",
    ]
    env = {**os.environ, "HARNESS_RESULTS": str(tmp_path / "results")}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True
    )
    journal = _wait_for(tmp_path / "results", '"id": "r2c1"', process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = [
        json.loads(line)["id"] for line in journal.read_text().splitlines() if '"candidate"' in line
    ]

    resumed = subprocess.run(
        [sys.executable, "-m", "harness", "run", "--resume", str(journal.parent), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    ids = [
        json.loads(line)["id"] for line in journal.read_text().splitlines() if '"candidate"' in line
    ]
    assert ids[: len(before)] == before and sorted(ids) == ["r1c1", "r1c2", "r2c1", "r2c2"]
    result = json.loads(resumed.stdout)
    assert [step["round"] for step in result["accepted"]] == [1]
    assert result["branch"] and result["cumulative_speedup"] > 1


def _wait_for(results: Path, marker: str, process: subprocess.Popen[bytes]) -> Path:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        for journal in results.glob("*/journal.jsonl"):
            if marker in journal.read_text():
                return journal
        time.sleep(0.05)
    raise AssertionError(f"{marker} never reached the journal")


def test_a_session_over_http_survives_faults(
    squares_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real openai SDK against a protocol server that throws 429s, 500s, timeouts and
    garbage: the session goes on, and the garbage becomes an invalid candidate."""
    from servers import Script, serve

    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path / "results"))
    steps = ["429", "500", FAST, "timeout", APPROVE, "garbage", "garbage", "garbage"]
    script = Script(steps=steps, timeout_seconds=2.0)
    with serve("openai", script) as url:
        settings = SessionSettings(
            optimizer="openai:test-model", base_url=url, rounds=2, candidates=1, bench=BENCH
        )
        session = Session.from_settings(
            load_target(str(squares_folder)), settings, tmp_path / "results" / "h"
        )
        optimizer = session.relay.optimizer("openai:test-model")
        optimizer.provider.client = optimizer.provider.client.with_options(  # type: ignore[attr-defined]
            timeout=1.0, max_retries=2
        )
        session.validator.provider = optimizer.provider  # type: ignore[attr-defined, union-attr]
        reason = session.run()
    first, second = session.records
    assert first.status == "accepted" and first.calls[0].input_tokens == 11
    assert second.status == "invalid" and "model call failed" in second.reason
    assert reason == "2 rounds done"


def test_run_json_contract_settings_file_and_apply(squares_folder: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    optimizer = _script(tmp_path, "opt", [FAST])
    settings.write_text(
        f'optimizer = "{optimizer}"\nrounds = 1\ncandidates = 1\n[bench]\nbudget_seconds = 4\n'
    )
    env = {**os.environ, "HARNESS_RESULTS": str(tmp_path / "results")}
    validator = _script(tmp_path, "val", [APPROVE])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "run",
            str(squares_folder),
            "--settings",
            str(settings),
            "--validator",
            validator,
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert set(result) == {
        "session",
        "target",
        "cumulative_speedup",
        "cumulative_speedup_ci",
        "speedup_vs_reference",
        "rounds",
        "candidates",
        "accepted",
        "tokens",
        "cost_usd",
        "unpriced",
        "branch",
        "results_dir",
        "final_problems",
        "holdout",
        "walked_back",
        "stages",
    }
    assert result["stages"][0]["optimizers"] == [optimizer] and len(result["stages"]) == 1
    assert result["rounds"] == 1 and result["candidates"] == 1 and result["branch"] is None
    entry = squares_folder / "squares.py"
    assert "[x * x for x in xs]" not in entry.read_text()  # nothing written until asked
    applied = subprocess.run(
        [sys.executable, "-m", "harness", "apply", result["session"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert applied.returncode == 0, applied.stderr
    assert "[x * x for x in xs]" in entry.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run"], "give a TARGET"),
        (
            ["run", "squares", "--optimizer", "gemini:pro"],
            "valid providers: anthropic, fake, fake-tuned, local, openai",
        ),
        (["run", "squares", "--optimizer", "fake:x.json", "--rounds", "0"], "rounds"),
        (["apply", "no-such-session"], "no finished session"),
    ],
)
def test_run_usage_errors_are_one_line(
    args: list[str], message: str, squares_folder: Path, tmp_path: Path
) -> None:
    args = [str(squares_folder) if arg == "squares" else arg for arg in args]
    env = {**os.environ, "HARNESS_RESULTS": str(tmp_path / "results")}
    done = subprocess.run(
        [sys.executable, "-m", "harness", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"budget_usd": 0.0}, "cost budget $0 reached"),
        ({"rounds": 1}, None),
        ({"patience": 1}, None),
    ],
)
def test_stop_rules(
    overrides: dict[str, object], reason: str | None, squares_folder: Path, tmp_path: Path
) -> None:
    settings = SessionSettings(optimizer=_script(tmp_path, "o", []), bench=BENCH, **overrides)  # type: ignore[arg-type]
    session = Session.from_settings(load_target(str(squares_folder)), settings, tmp_path / "s")
    assert session.stop_reason() == reason
    session.round, session.stale_rounds = 1, 1
    if "rounds" in overrides:
        assert session.stop_reason() == "1 rounds done"
    if "patience" in overrides:
        assert session.stop_reason() == "no improvement in 1 rounds"


def test_a_margin_in_the_session_settings_is_not_replaced_by_the_targets(
    squares_folder: Path, tmp_path: Path
) -> None:
    optimizer = _script(tmp_path, "opt", [FAST])
    unreachable = BenchSettings(budget_seconds=4, min_gain=1000.0)
    settings = SessionSettings(optimizer=optimizer, rounds=1, candidates=1, bench=unreachable)
    session = Session.from_settings(load_target(str(squares_folder)), settings, tmp_path / "s")
    session.run()
    [record] = session.records
    assert record.status == "rejected" and "1001" in record.reason, record.reason


def test_each_stored_candidate_carries_its_own_benchmark_or_none(
    squares_folder: Path, tmp_path: Path
) -> None:
    """An invalid candidate after a benchmarked one must not be stored with that benchmark."""

    class Collecting(MemoryStore):
        def __init__(self) -> None:
            super().__init__()
            self.entries: list[CandidateEntry] = []

        def log_candidate(self, session_id: str, entry: CandidateEntry) -> None:
            self.entries.append(entry)
            super().log_candidate(session_id, entry)

    optimizer = _script(tmp_path, "opt", [FAST, "I cannot help."])
    settings = SessionSettings(optimizer=optimizer, rounds=2, candidates=1, bench=BENCH)
    store = Collecting()
    target = load_target(str(squares_folder))
    Session.from_settings(target, settings, tmp_path / "s", store).run()
    by_status = {entry.record.status: entry.record for entry in store.entries}
    assert set(by_status) == {"accepted", "invalid"}
    accepted = by_status["accepted"].verdict
    assert accepted is not None and accepted.timings is not None
    assert {side.label for side in accepted.timings.sides} == {"baseline", "candidate"}
    assert by_status["invalid"].verdict is None


def test_a_resumed_session_keeps_its_time_budget_clock(
    squares_folder: Path, tmp_path: Path
) -> None:
    optimizer = _script(tmp_path, "opt", [WRONG] * 4)
    settings = SessionSettings(
        optimizer=optimizer, rounds=5, candidates=1, patience=5, budget_minutes=0.01, bench=BENCH
    )
    folder = tmp_path / "results" / "clock"
    session = Session.from_settings(load_target(str(squares_folder)), settings, folder)
    session.step()  # a verdict takes longer than the 0.6 s budget
    assert session.stop_reason() == "time budget of 0.01 minutes reached"
    resumed = Session.resume(folder)
    assert resumed.elapsed >= 0.6 and resumed.stop_reason() == session.stop_reason()


def test_a_resumed_repository_session_keeps_the_reference_it_began_with(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "sq").mkdir(parents=True)
    (root / "sq" / "__init__.py").write_text("")
    (root / "sq" / "helpers.py").write_text("SCALE = 1\n")
    (root / "sq" / "core.py").write_text(
        "from .helpers import SCALE\n\n\ndef squares(xs):\n    return [SCALE * x * x for x in xs]\n"
    )
    (root / "harness.toml").write_text(
        '[[target]]\nname = "sq"\nentry = "sq.core:squares"\neditable = ["sq/core.py"]\n'
        'signature = "squares(xs: list[int]) -> list[int]"\ndescription = "squares"\n'
        'output_type = "list[int]"\n'
    )
    settings = SessionSettings(optimizer=_script(tmp_path, "opt", [FAST]), bench=BENCH)
    folder = tmp_path / "results" / "pinned"
    began = Session.from_settings(load_target(str(root)), settings, folder).target
    (root / "sq" / "core.py").write_text("def squares(xs):\n    return xs\n")
    (root / "sq" / "helpers.py").write_text("SCALE = 2\n")
    resumed = Session.resume(folder).target
    assert resumed.reference_file.read_text() == began.reference_file.read_text()
    assert resumed.layout is not None and resumed.layout.snapshot != began.layout.snapshot
    assert (resumed.layout.snapshot / "helpers.py").read_text() == "SCALE = 1\n"


def test_a_final_best_failing_its_rebenchmark_is_a_failure_not_a_result(
    repo: Path, squares_folder: Path, tmp_path: Path
) -> None:
    from harness.records import CandidateRecord
    from harness.verdict import Check, Verdict

    settings = SessionSettings(optimizer=_script(tmp_path, "opt", [FAST]), bench=BENCH)
    session = Session.from_settings(
        load_target(str(squares_folder)), settings, tmp_path / "results" / "bad"
    )
    # Right on the holdout (no size of its benchmark is the prompt's), wrong once timed at the
    # prompt's size: as if it had slipped through.
    wrong = (CANDIDATES / "squares__wrong_under_benchmark.py").read_text()
    verdict = Verdict("squares", 1, [Check("benchmark", True, "faster")], speedup=3.0)
    step = CandidateRecord("r1c1", 1, "original", "accepted", "faster", 1, wrong, verdict=verdict)
    session.records, session.steps = [step], [step]
    session.best, session.best_id = wrong, step.id
    result = finish(session, "1 rounds done")
    assert result.holdout.startswith("holdout: ") and not result.walked_back
    assert result.failed and result.cumulative_speedup is None and result.branch is None
    assert any("differ" in problem or "wrong" in problem for problem in result.final_problems)
    assert _git(repo, "branch", "--list", "harness/*") == ""
    saved = json.loads((tmp_path / "results" / "bad" / "result.json").read_text())
    assert saved["final_problems"] == result.final_problems


def test_a_final_best_failing_the_holdout_walks_back_to_the_last_step_that_passes(
    repo: Path, squares_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from harness.loop.command import print_summary
    from harness.records import CandidateRecord
    from harness.verdict import Check, Verdict

    settings = SessionSettings(optimizer=_script(tmp_path, "opt", [FAST]), bench=BENCH)
    session = Session.from_settings(
        load_target(str(squares_folder)), settings, tmp_path / "results" / "walk"
    )
    fast, wrong = (text.split("\n", 1)[1].rsplit("```", 1)[0] for text in (FAST, WRONG_TOO))
    verdict = Verdict("squares", 1, [Check("benchmark", True, "faster")], speedup=3.0)
    good = CandidateRecord("r1c1", 1, "original", "accepted", "ok", 1, fast, verdict=verdict)
    bad = CandidateRecord("r2c1", 2, "r1c1", "accepted", "ok", 2, wrong, verdict=verdict)
    session.records, session.steps = [good, bad], [good, bad]
    session.best, session.best_id = wrong, bad.id  # as if it had slipped through
    result = finish(session, "2 rounds done")
    assert [step.split(":")[0] for step in result.walked_back] == ["r2c1"]
    assert "holdout size" in result.walked_back[0] and "wrong result" in result.walked_back[0]
    counts = re.match(
        r"holdout: (\d+)/(\d+) passed; ([\d.]+)x the original's speed", result.holdout
    )
    assert counts and counts[1] == counts[2] and int(counts[2]) > 0, result.holdout
    assert not result.failed and result.accepted == [
        {"round": 1, "candidate": "r1c1", "speedup": 3.0}
    ]
    assert "[x * x for x in xs]" in _git(repo, "show", "harness/walk:targets/squares/squares.py")
    assert fast.strip() in (tmp_path / "results" / "walk" / "final.py").read_text()
    print_summary(result, as_json=False)
    shown = " ".join(capsys.readouterr().out.split())
    assert (
        f"holdout: {counts[2]}/{counts[2]} passed; " in shown and "(inputs no model saw)" in shown
    )
    assert "walked back: r2c1: holdout size" in shown


def test_the_summary_says_failed_and_unpriced(capsys: pytest.CaptureFixture[str]) -> None:
    from harness.loop.command import print_summary
    from harness.loop.finish import SessionResult

    result = SessionResult(
        "s", "squares", None, None, None, 2, 4, [], {"input": 1, "output": 1}, 0.0, None,
        "results/s", "2 rounds done", ["candidate: output of a timed call is wrong"],
        ["openai:brand-new"],
    )  # fmt: skip
    print_summary(result, as_json=False)
    shown = " ".join(capsys.readouterr().out.split())  # unwrapped
    assert shown.startswith("FAILED: the final best did not pass its re-benchmark")
    assert "unpriced calls to openai:brand-new" in shown and "harness apply" not in shown
    print_summary(result, as_json=True)
    assert json.loads(capsys.readouterr().out)["unpriced"] == ["openai:brand-new"]


def test_the_profile_runs_under_the_targets_own_limits(
    squares_folder: Path, tmp_path: Path
) -> None:
    toml = squares_folder / "target.toml"
    toml.write_text(toml.read_text().replace("memory_mb = 1024", "memory_mb = 400"))
    settings = SessionSettings(optimizer=_script(tmp_path, "opt", []), bench=BENCH)
    session = Session.from_settings(load_target(str(squares_folder)), settings, tmp_path / "s")
    session.best = (
        "BALLAST = bytearray(700 * 2**20)\n\n\ndef squares(xs):\n    return [x * x for x in xs]\n"
    )
    assert session.profile().startswith("(profile failed:")  # 700 MB is over its 400 MB
    session.best = session.original
    assert "squares" in session.profile()


HALF_LOOP = (  # far faster than the original, slower than FAST
    "```python\ndef squares(xs):\n    out = []\n    for x in xs:\n"
    "        out.append(abs(x) * abs(x))\n    return out\n```"
)


@pytest.mark.slow
def test_a_relay_of_two_fake_models_attributes_each_stage(
    squares_folder: Path, tmp_path: Path
) -> None:
    first, second = _script(tmp_path, "first", [HALF_LOOP]), _script(tmp_path, "second", [FAST])
    settings = SessionSettings(
        optimizer=first, stage=[{}, {"optimizer": second}], rounds=1, candidates=1,
        validator_veto="off", bench=BENCH,
    )  # fmt: skip
    store = MemoryStore()
    target = load_target(str(squares_folder))
    session = Session.from_settings(target, settings, tmp_path / "results" / "relay", store)
    result = finish(session, session.run())
    one, two = result.stages
    assert (one["optimizers"], one["start"], one["end"]) == ([first], "original", "r1c1")
    assert (two["optimizers"], two["start"], two["end"]) == ([second], "r1c1", "r2c1")
    assert one["candidates"] == two["candidates"] == 1 and one["accepted"] == two["accepted"] == 1
    assert one["ended"] == "1 rounds done" and two["ended"] == "last stage: 1 rounds done"
    assert one["speedup"] > 1.03 and two["speedup"] > 1.03  # the second improved on the first
    chained = one["speedup"] * two["speedup"]
    assert chained == pytest.approx(result.cumulative_speedup, rel=0.25)
    assert store.stages(session.id) == result.stages
    rows = store.candidates(session.id)
    assert [(row["stage"], row["optimizer"]) for row in rows] == [(1, first), (2, second)]
