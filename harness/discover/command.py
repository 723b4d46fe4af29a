"""`harness init`: profile a repository's workload, rank its hot functions, record real calls to
the top ones and write `harness.toml` (plus the recorded inputs under `.harness/`).

Only usable targets are written: the unchanged original of each passes the correctness gate a
candidate goes through, and the test command is one that passed, in the sandbox, with the original
code in place."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.discover.config import render
from harness.discover.describe import repo_target
from harness.discover.probe import ProbeRun, Workload, WorkloadFailed, repo_copy, run_probe
from harness.discover.rank import Hotspot, rank
from harness.discover.record import Recording, record_calls, write_inputs
from harness.discover.validate import check_target, judge_original, run_tests
from harness.discover.workload import (
    benchmark_files,
    choose_workload,
    suite_command,
    without_failing,
    without_missing_plugins,
)
from harness.errors import HarnessError
from harness.paths import CONFIG_FILE, HARNESS_DIR, INPUTS_DIR
from harness.targets.repo_config import RepoConfig, RepoTarget
from harness.targets.tree import tracked_files

SHOWN = 10
RANKING_FILE = "ranking.json"


@dataclass
class Outcome:
    """What init decided about each hot function, for the table it prints."""

    top: int
    spots: list[Hotspot] = field(default_factory=list)
    written: set[str] = field(default_factory=set)  # entries of the targets written
    reasons: dict[str, str] = field(default_factory=dict)  # entry -> why not, in a few words

    def status(self, spot: Hotspot) -> str:
        if spot.entry in self.written:
            return "yes"
        return f"no: {spot.problem or self.reasons.get(spot.entry, f'not in the top {self.top}')}"


def init_repo(
    repo: Path, workload: str | None, top: int, timeout: float, force: bool, console: Console
) -> Path:
    repo = _checked(repo, force)
    outcome = Outcome(top)
    try:
        path, targets = _init(repo, choose_workload(repo, workload), outcome, timeout, console)
    finally:
        if outcome.spots:
            console.print(hotspot_table(outcome.spots[:SHOWN], outcome))
            _write_ranking(repo, outcome)
    names = ", ".join(target.name for target in targets)
    console.print(f"wrote {path} with {len(targets)} target(s): {names}")
    first = f"{repo}::{targets[0].name}"
    console.print(f"next: harness verify {first} --candidate FILE, or harness run {first}")
    return path


def _init(
    repo: Path, workload: Workload, outcome: Outcome, timeout: float, console: Console
) -> tuple[Path, list[RepoTarget]]:
    console.print(
        f"profiling {workload.why} in a sandbox (no network, a copy of the checkout): "
        f"[bold]{escape(workload.command)}[/]"
    )
    with repo_copy(repo) as copy:
        workload, profile = _profiled(copy, workload, timeout, console)
        outcome.spots = rank(profile.reports, copy)
        chosen = _choose(outcome.spots, outcome.top)
        console.print(f"recording calls to {', '.join(spot.entry for spot in chosen)}")
        recordings = record_calls(copy, workload, chosen, timeout)
    targets = _targets(repo, recordings, outcome, console)
    path = repo / CONFIG_FILE
    previous = path.read_text() if path.exists() else None  # a --force run replaces it
    try:  # the checks load the targets from the file itself
        targets = _usable(repo, workload.command, targets, outcome, console)
    except BaseException:  # a failed check must not leave the file behind
        _restore(path, previous)
        raise
    outcome.written = {target.entry for target in targets}
    return path, targets


def _write_ranking(repo: Path, outcome: Outcome) -> None:
    """The table as data, in harness's own folder (it git-ignores itself)."""
    folder = repo / HARNESS_DIR
    folder.mkdir(exist_ok=True)
    (folder / ".gitignore").write_text("*\n")
    rows = [
        {
            "function": spot.entry if spot.module else spot.name,
            "file": f"{spot.file}:{spot.line}",
            "calls": spot.calls,
            "own_s": spot.own,
            "total_s": spot.total,
            "target": outcome.status(spot),
        }
        for spot in outcome.spots[:SHOWN]
    ]
    (folder / RANKING_FILE).write_text(json.dumps(rows, indent=2) + "\n")


def _restore(path: Path, previous: str | None) -> None:
    if previous is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(previous)


def _profiled(
    copy: Path, workload: Workload, timeout: float, console: Console
) -> tuple[Workload, ProbeRun]:
    """The profile of the workload; a pytest run that fails on `addopts` options of plugins
    that are not installed runs again without them (each retry leaves out more), and one whose
    test files fail to import runs the others. Failing tests leave a profile of what ran."""
    while True:
        try:
            run = run_probe(copy, workload, {"HARNESS_PROBE_PROFILE": ""}, timeout)
        except WorkloadFailed as failure:
            workload = _retried(copy, workload, failure, console)
            continue
        if run.failed_tests:
            console.print(
                f"some of the workload's tests failed ({run.failed_tests}); the profile covers "
                "what ran",
                markup=False,
            )
        return workload, run


def _retried(copy: Path, workload: Workload, failure: WorkloadFailed, console: Console) -> Workload:
    command, dropped = without_missing_plugins(copy, workload.command, failure.output)
    if dropped:
        console.print(_without_note(dropped, command), markup=False)
        return Workload(command, workload.why)
    keep_going = "--continue-on-collection-errors"
    pytest_stopped = "pytest" in workload.command and "during collection" in failure.output
    if pytest_stopped and keep_going not in workload.command:
        command = f"{workload.command} {keep_going}"
        console.print(f"some test files do not import; running the rest: {command}")
        return Workload(command, workload.why)
    raise failure


def _without_note(dropped: list[str], command: str) -> str:
    return (
        f"pytest's addopts ask for plugins that are not installed; left out "
        f"{', '.join(dropped)}: {command}"
    )


def _usable(
    repo: Path, workload: str, targets: list[RepoTarget], outcome: Outcome, console: Console
) -> list[RepoTarget]:
    """The targets as verdicts will see them, written to harness.toml step by step: calls the
    original raises on dropped, those whose original fails the gate left out, the tests run."""
    _write(repo, workload, targets)
    targets = _checked_targets(repo, targets, outcome, console)
    _write(repo, workload, targets)
    targets = _judged(repo, targets, outcome, console)
    _write(repo, workload, targets)
    command = _test_command(repo, targets[0].name, console)
    targets = [target.model_copy(update={"test_command": command}) for target in targets]
    _write(repo, workload, targets)
    return targets


def _write(repo: Path, workload: str, targets: list[RepoTarget]) -> None:
    (repo / CONFIG_FILE).write_text(render(RepoConfig(workload=workload, target=targets)))


def _checked_targets(
    repo: Path, targets: list[RepoTarget], outcome: Outcome, console: Console
) -> list[RepoTarget]:
    """Each target as its verdicts will see it; those left with no usable call are dropped."""
    checked = [check_target(repo, target) for target in targets]
    for result in checked:
        if result.problem:
            outcome.reasons[result.target.entry] = result.problem
            console.print(f"{result.target.name}: not written: {result.problem}", markup=False)
            continue
        if result.dropped:
            console.print(
                f"{result.target.name}: {result.dropped} recorded call(s) dropped: the original "
                f"raises on them (first: {result.first_error})",
                markup=False,
            )
        if not result.kept:
            outcome.reasons[result.target.entry] = (
                f"raises on every recorded call ({result.first_error})"
            )
    usable = [result.target for result in checked if result.kept]
    if not usable:
        raise HarnessError(
            "the original raises on every recorded call, or does not load (see above); give "
            "another --workload"
        )
    return usable


def _judged(
    repo: Path, targets: list[RepoTarget], outcome: Outcome, console: Console
) -> list[RepoTarget]:
    """The targets whose unchanged original passes the correctness gate as a candidate."""
    usable = []
    for target in targets:
        if (reason := judge_original(repo, target.name)) is None:
            usable.append(target)
            continue
        outcome.reasons[target.entry] = "its original fails verification"
        console.print(
            f"{target.name}: not written: its unchanged original fails verification: {reason}",
            markup=False,
        )
    if not usable:
        raise HarnessError(
            "no target's unchanged original passes verification (see above); give a workload "
            "that exercises other functions with --workload"
        )
    return usable


def _test_command(repo: Path, name: str, console: Console) -> str | None:
    """The repository's test command, if it passes in the sandbox with the original code in
    place (without the addopts options of plugins that are not installed, if need be)."""
    command = suite_command(repo)
    if command is None:
        return None
    # Its benchmarks check their results once each; timing them is not the tests' job.
    command = f"{command} --benchmark-disable" if benchmark_files(repo) else command
    while not (result := run_tests(repo, name, command)).passed:
        command, dropped = without_missing_plugins(repo, command, result.output)
        if dropped:
            console.print(_without_note(dropped, command), markup=False)
            continue
        command, left_out = without_failing(command, result.output)
        if not left_out:
            console.print(f"no test_command written: {result.detail}", markup=False)
            return None
        console.print(
            f"left out {len(left_out)} test(s) that fail with the original in the sandbox: "
            f"{', '.join(left_out[:5])}{' ...' if len(left_out) > 5 else ''}",
            markup=False,
        )
    console.print(f"test_command: {result.detail}", markup=False)
    return command


def _checked(repo: Path, force: bool) -> Path:
    if not repo.is_dir():
        raise HarnessError(f"{repo} is not a folder; give the path of a git repository")
    repo = repo.resolve()
    tracked_files(repo)  # refuses what is not a git repository
    if (repo / CONFIG_FILE).exists() and not force:
        raise HarnessError(f"{repo / CONFIG_FILE} exists; pass --force to replace it")
    return repo


def _choose(spots: list[Hotspot], top: int) -> list[Hotspot]:
    if not spots:
        raise HarnessError(
            "the workload ran none of the repository's own functions (tests, vendored and "
            "third-party code are left out); give one that does with --workload"
        )
    eligible = [spot for spot in spots if spot.problem is None][:top]
    if not eligible:
        reasons = "; ".join(f"{s.name}: {s.problem}" for s in spots[:3])
        raise HarnessError(
            f"none of the hot functions is one harness can call "
            f"({reasons}); give a workload that exercises one with --workload"
        )
    return eligible


def _targets(
    repo: Path, recordings: list[Recording], outcome: Outcome, console: Console
) -> list[RepoTarget]:
    targets: list[RepoTarget] = []
    for recording in recordings:
        entry = recording.hotspot.entry
        console.print(f"{entry}: {recording.summary()}", markup=False)
        if not recording.calls:
            outcome.reasons[entry] = "no call recorded"
            continue
        name = _unique(_short_name(recording.hotspot.name), {t.name for t in targets})
        write_inputs(recording, repo / INPUTS_DIR / f"{name}.jsonl")
        targets.append(repo_target(repo, recording, name, None))
    if not targets:
        raise HarnessError(
            "no call to the hot functions could be recorded as plain data (see above); give a "
            "workload that calls them with lists, dicts, strings and numbers with --workload"
        )
    (repo / HARNESS_DIR / ".gitignore").write_text("*\n")
    return targets


def _short_name(qualname: str) -> str:
    """A target's name from its function's: `Class.method` -> `Class-method`."""
    return qualname.replace(".<locals>.", "-").replace(".", "-")


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    return candidate


def hotspot_table(spots: list[Hotspot], outcome: Outcome) -> Table:
    table = Table(
        title="Where the workload spent its time (the repository's own code)",
        caption="Targets are functions, methods, closures and generators whose calls can be "
        "recorded as data "
        "and whose unchanged original passes verification.",
    )
    # Names and places are never cut: the reasons wrap first, and a name too wide folds.
    for column in ("function", "file:line"):
        table.add_column(column, overflow="fold")
    for column in ("calls", "own s", "total s"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("target?", overflow="fold")
    for spot in spots:
        table.add_row(
            escape(spot.entry if spot.module else spot.name),
            escape(f"{spot.file}:{spot.line}"),
            str(spot.calls),
            f"{spot.own:.3f}",
            f"{spot.total:.3f}",
            escape(outcome.status(spot)),
        )
    return table
