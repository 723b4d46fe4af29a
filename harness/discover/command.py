"""`harness init`: profile a repository's workload, rank its hot functions, record real calls to
the top ones and write `harness.toml` (plus the recorded inputs under `.harness/`)."""

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.discover.config import render
from harness.discover.describe import repo_target
from harness.discover.probe import repo_copy, run_probe
from harness.discover.rank import Hotspot, rank
from harness.discover.record import Recording, record_calls, write_inputs
from harness.discover.validate import check_target
from harness.discover.workload import choose_workload, test_files
from harness.errors import HarnessError
from harness.paths import CONFIG_FILE, HARNESS_DIR, INPUTS_DIR
from harness.targets.repo_config import RepoConfig, RepoTarget
from harness.targets.tree import tracked_files

SHOWN = 10
_TESTS = "python -m pytest -q -p no:cacheprovider"


def init_repo(
    repo: Path, workload: str | None, top: int, timeout: float, force: bool, console: Console
) -> Path:
    repo = _checked(repo, force)
    chosen_workload = choose_workload(repo, workload)
    console.print(
        f"profiling {chosen_workload.why} in a sandbox (no network, a copy of the checkout): "
        f"[bold]{escape(chosen_workload.command)}[/]"
    )
    with repo_copy(repo) as copy:
        profile = run_probe(copy, chosen_workload, {"HARNESS_PROBE_PROFILE": ""}, timeout)
        spots = rank(profile.reports, copy)
        console.print(hotspot_table(spots[:SHOWN]))
        chosen = _choose(spots, top)
        console.print(f"recording calls to {', '.join(spot.entry for spot in chosen)}")
        recordings = record_calls(copy, chosen_workload, chosen, timeout)
    targets = _targets(repo, recordings, console)
    path = repo / CONFIG_FILE
    previous = path.read_text() if path.exists() else None  # a --force run replaces it
    # The checks load the targets from the file itself; a failed check must not leave it behind.
    path.write_text(render(RepoConfig(workload=chosen_workload.command, target=targets)))
    try:
        targets = _checked_targets(repo, targets, console)
    except BaseException:
        if previous is None:
            path.unlink()
        else:
            path.write_text(previous)
        raise
    path.write_text(render(RepoConfig(workload=chosen_workload.command, target=targets)))
    names = ", ".join(target.name for target in targets)
    console.print(f"wrote {path} with {len(targets)} target(s): {names}")
    first = f"{repo}::{targets[0].name}"
    console.print(f"next: harness verify {first} --candidate FILE, or harness run {first}")
    return path


def _checked_targets(repo: Path, targets: list[RepoTarget], console: Console) -> list[RepoTarget]:
    """Each target as its verdicts will see it; those left with no usable call are dropped."""
    checked = [check_target(repo, target) for target in targets]
    for result in checked:
        if result.dropped:
            console.print(
                f"{result.target.name}: {result.dropped} recorded call(s) dropped: the original "
                "raises on them"
            )
    usable = [result.target for result in checked if result.kept]
    if not usable:
        raise HarnessError("the original raises on every recorded call; give another --workload")
    return usable


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
            f"none of the hot functions is a module-level function harness can import "
            f"({reasons}); give a workload that exercises one with --workload"
        )
    return eligible


def _targets(repo: Path, recordings: list[Recording], console: Console) -> list[RepoTarget]:
    tests = _TESTS if test_files(repo) else None
    targets: list[RepoTarget] = []
    for recording in recordings:
        entry = recording.hotspot.entry
        console.print(f"{entry}: {recording.summary()}", markup=False)
        if not recording.calls:
            continue
        name = _unique(recording.hotspot.name, {t.name for t in targets})
        write_inputs(recording, repo / INPUTS_DIR / f"{name}.jsonl")
        targets.append(repo_target(repo, recording, name, tests))
    if not targets:
        raise HarnessError(
            "no call to the hot functions could be recorded as plain data (see above); give a "
            "workload that calls them with lists, dicts, strings and numbers with --workload"
        )
    (repo / HARNESS_DIR / ".gitignore").write_text("*\n")
    return targets


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    return candidate


def hotspot_table(spots: list[Hotspot]) -> Table:
    table = Table(
        title="Where the workload spent its time (the repository's own code)",
        caption="Targets are module-level functions whose calls can be recorded as plain data.",
    )
    for column in ("function", "file:line", "calls", "own s", "total s", "target?"):
        table.add_column(column, justify="right" if column.endswith((" s", "calls")) else "left")
    for spot in spots:
        table.add_row(
            spot.entry if spot.module else spot.name,
            f"{spot.file}:{spot.line}",
            str(spot.calls),
            f"{spot.own:.3f}",
            f"{spot.total:.3f}",
            "yes" if spot.problem is None else f"no: {spot.problem}",
        )
    return table
