"""`harness run` and `harness apply`: settings from flags and files, progress, the summary."""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from harness.config_file import read_table, validate
from harness.errors import HarnessError
from harness.loop.build import roles
from harness.loop.finish import SessionResult, finish
from harness.loop.session import Session, new_session_id
from harness.loop.settings import SessionSettings
from harness.paths import results_dir
from harness.providers.models import DEFAULT_MODEL
from harness.records import CandidateRecord
from harness.store.base import Store
from harness.targets.code import code_root, files, load_code, write_code
from harness.targets.loader import load_target

FLAGS = [
    "optimizer",
    "validator",
    "base_url",
    "rounds",
    "candidates",
    "budget_usd",
    "budget_minutes",
    "patience",
    "seed",
    "temperature",
    "choose",
]


def default_model() -> str:
    """A hosted model when its key is set, else the embedded local model (offline)."""
    if os.environ.get("OPENAI_API_KEY"):
        return "openai:gpt-4o-mini"
    if os.environ.get("ANTHROPIC_API_KEY"):
        return "anthropic:claude-3-5-haiku-latest"
    model = f"local:{DEFAULT_MODEL}"
    Console(stderr=True).print(
        f"no --optimizer and no API key: using the local model {model} for both roles",
        highlight=False,
    )
    return model


def build_settings(
    flags: dict[str, Any], settings_file: Path | None, then: list[str] | None = None
) -> SessionSettings:
    """The session's settings: the file's, then the flags given, then the default model. Each
    of `then` (`--then`) is one more stage after the file's, with that optimizer."""
    given = {key: value for key, value in flags.items() if value is not None}
    data, text = read_table(settings_file) if settings_file is not None else ({}, "")
    data |= given
    if then:
        stages = data.get("stage") or [{}]  # none yet: the first is the top-level keys'
        data["stage"] = [*stages, *({"optimizer": name} for name in then)]
        given["stage"] = data["stage"]
    if "optimizer" not in data:
        data["optimizer"] = default_model()
    return validate(SessionSettings, data, "harness run", settings_file, text, given)


def run(
    target_name: str | None,
    settings: SessionSettings | None,
    resume: str | None,
    quiet: bool,
    store: Callable[[], Store],
) -> SessionResult:
    """`store` is opened once the session's settings and roles are known good: a mistyped name
    leaves nothing behind."""
    session = _open(target_name, settings, resume, store)  # bad settings fail here, first
    console = Console(stderr=True)
    progress = _Progress(f"harness run {session.target.name} ({session.id})")
    with Live(progress.table(), console=console, refresh_per_second=4, transient=quiet) as live:

        def show(record: CandidateRecord) -> None:
            progress.add(record)
            live.update(progress.table())

        session.on_candidate = show
        reason = session.run()
        live.update(progress.table(f"finished: {reason}; re-benchmarking original vs final"))
        result = finish(session, reason)
    console.print()
    return result


def _open(
    target_name: str | None,
    settings: SessionSettings | None,
    resume: str | None,
    store: Callable[[], Store],
) -> Session:
    if resume:
        folder = Path(resume) if Path(resume).is_dir() else results_dir() / resume
        return Session.resume(folder, store())
    assert target_name is not None and settings is not None
    target = load_target(target_name)
    built = roles(settings)
    folder = results_dir() / new_session_id(target)
    return Session(target, settings, folder, store=store(), **built)


class _Progress:
    def __init__(self, title: str) -> None:
        self.rows: list[CandidateRecord] = []
        self.title = title

    def add(self, record: CandidateRecord) -> None:
        self.rows.append(record)

    def table(self, caption: str | None = None) -> Table:
        best = max((r.speedup or 0 for r in self.rows if r.status == "accepted"), default=None)
        table = Table(
            title=self.title,
            caption=caption
            or (f"best accepted step so far: {best:.2f}x" if best else "no accepted step yet"),
        )
        for column in ["round", "candidate", "verdict", "speedup", "reason"]:
            table.add_column(column, overflow="fold")
        colors = {"accepted": "green", "rejected": "red", "invalid": "yellow"}
        for r in self.rows[-20:]:
            speed = f"{r.speedup:.2f}x" if r.speedup else "-"
            table.add_row(
                str(r.round),
                r.id,
                f"[{colors[r.status]}]{r.status}[/]",
                speed,
                escape(r.reason[:120]),
            )
        return table


_SUMMARY_KEYS = [
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
]


def print_summary(result: SessionResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps({key: result.to_json()[key] for key in _SUMMARY_KEYS}))
        return
    console = Console(highlight=False)
    console.print(escape(_headline(result)))
    if result.holdout:
        console.print(escape(f"{result.holdout} (inputs no model saw)"))
    if len(result.stages) > 1:
        for stage in result.stages:
            console.print(escape(_stage_line(stage)))
    for step in result.walked_back:
        console.print(escape(f"walked back: {step}; the step before it is the result"))
    if result.speedup_vs_reference is not None:
        console.print(f"vs the known-good reference: {result.speedup_vs_reference:.3f}x")
    console.print(escape(f"results: {result.results_dir}"))
    if result.branch:
        console.print(escape(f"branch: {result.branch}"))
    if not result.failed:
        console.print(f"apply the final code: harness apply {result.session}")
    console.print(f"explore it: harness ui (MLflow UI), harness report {result.session} --plot")


def _stage_line(stage: dict[str, Any]) -> str:
    speedup = f"{stage['speedup']:.2f}x" if stage["speedup"] is not None else "not measured"
    who = ", ".join(stage["optimizers"])
    return (
        f"stage {stage['stage']} ({who}): {speedup} from {stage['start']} to {stage['end']}, "
        f"{stage['accepted']}/{stage['candidates']} candidates accepted, "
        f"${stage['cost_usd']:.4f}; ended: {stage['ended']}"
    )


def _headline(result: SessionResult) -> str:
    cost = f"${result.cost_usd:.4f}"
    if result.unpriced:
        cost += f" + unpriced calls to {', '.join(result.unpriced)} (add them under [prices])"
    done = f"after {result.rounds} rounds, {result.candidates} candidates, {cost}"
    if result.cumulative_speedup is None or result.cumulative_speedup_ci is None:
        problems = "; ".join(result.final_problems)
        return f"FAILED: the final best did not pass its re-benchmark ({problems}); {done}"
    low, high = result.cumulative_speedup_ci
    speedup = f"{result.cumulative_speedup:.2f}x (95% CI {low:.2f}-{high:.2f})"
    return f"cumulative speedup {speedup} {done}"


def apply(session: str) -> list[Path]:
    """Write a session's final code into the target's files (the user asked for it)."""
    folder = Path(session) if Path(session).is_dir() else results_dir() / session
    try:
        start = json.loads((folder / "session.json").read_text())
        final = load_code(folder, "final")
    except (OSError, ValueError) as exc:
        raise HarnessError(f"no finished session {session!r} in {results_dir()}: {exc}") from None
    target = load_target(start["target"])
    root = code_root(target)
    write_code(target, final, root)
    return [root / path for path in files(target, final)]
