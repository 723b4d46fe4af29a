"""`harness report`: sessions, or one session's candidates, from the store as a pandas table;
written as report.csv and report.md, with --plot a PNG of the speedup trajectory."""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import HarnessError
from harness.paths import results_dir
from harness.store.base import Store

if TYPE_CHECKING:
    import pandas as pd

CANDIDATE_VIEW = ["stage", "round", "candidate", "optimizer", "verdict", "reason", "speedup"]
CANDIDATE_VIEW += ["ci_low", "ci_high", "cumulative_speedup", "tokens", "cost_usd"]
STAGE_VIEW = ["stage", "optimizers", "start", "end", "speedup", "ci", "rounds", "candidates"]
STAGE_VIEW += ["accepted", "cost_usd", "ended"]
SESSION_VIEW = ["session", "target", "status", "optimizer", "candidates", "accepted"]
SESSION_VIEW += ["cumulative_speedup", "ci_low", "ci_high", "holdout", "cost_usd"]


def candidates_frame(store: Store, session: str) -> "pd.DataFrame":
    import pandas as pd

    rows = store.candidates(session)
    if not rows:
        raise HarnessError(
            f"no candidates of session {session!r} in the store; "
            "`harness report` lists the sessions it has"
        )
    frame = pd.DataFrame(rows)
    frame["tokens"] = frame["input_tokens"] + frame["output_tokens"]
    return frame[["step", *CANDIDATE_VIEW]].set_index("step")


def stages_frame(store: Store, session: str) -> "pd.DataFrame | None":
    """Per stage of a relay, or per optimizer of a stage of several; None for one of one."""
    import pandas as pd

    stages = store.stages(session)
    if len(stages) < 2 and all(len(stage["optimizers"]) < 2 for stage in stages):
        return None
    frame = pd.DataFrame(stages)
    frame["optimizers"] = frame["by_optimizer"].map(_tallies)
    frame["ci"] = frame["speedup_ci"].map(lambda ci: f"{ci[0]:.2f}-{ci[1]:.2f}" if ci else None)
    return frame[STAGE_VIEW].set_index("stage")


def _tallies(by_optimizer: dict[str, dict[str, object]]) -> str:
    return "; ".join(
        f"{name} ({tally['accepted']}/{tally['candidates']} accepted)"
        for name, tally in by_optimizer.items()
    )


def sessions_frame(store: Store, target: str | None) -> "pd.DataFrame":
    import pandas as pd

    rows = store.sessions(target)
    if not rows:
        where = f" for target {target!r}" if target else ""
        raise HarnessError(f"no sessions{where} in the store; run `harness run TARGET` first")
    frame = pd.DataFrame(rows)
    # A session calling a model with no price has no known cost: say so, never show $0.
    frame["cost_usd"] = frame["cost_usd"].astype(object).where(frame["unpriced"].isna(), "unpriced")
    return frame[SESSION_VIEW].set_index("session")


def write(frame: "pd.DataFrame", folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    csv, md = folder / "report.csv", folder / "report.md"
    frame.to_csv(csv)
    md.write_text(frame.to_markdown() + "\n", encoding="utf-8")
    return [csv, md]


def plot_trajectory(frame: "pd.DataFrame", title: str, path: Path) -> Path:
    """Cumulative speedup by step, with each candidate's own speedup marked by its verdict."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, axes = plt.subplots(figsize=(8, 4.5))
    steps = [0, *frame.index]  # step 0: the original code, 1x
    trajectory = [1.0, *frame["cumulative_speedup"]]
    axes.step(steps, trajectory, where="post", label="cumulative speedup")
    colors = {"accepted": "tab:green", "rejected": "tab:red", "invalid": "tab:orange"}
    for verdict, group in frame.groupby("verdict"):
        timed = group.dropna(subset=["speedup"])
        untimed = group[group["speedup"].isna()]
        color = colors.get(str(verdict))
        if len(timed):
            axes.scatter(timed.index, timed["speedup"], color=color, label=f"{verdict}", zorder=3)
        if len(untimed):  # stopped before the benchmark: drawn on the 1x line
            axes.scatter(
                untimed.index,
                [1.0] * len(untimed),
                color=color,
                marker="x",
                label=f"{verdict} before timing",
                zorder=3,
            )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.axhline(1.0, color="grey", linewidth=0.8)
    axes.set(xlabel="candidate (step)", ylabel="speedup (x)", title=title)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def render(frame: "pd.DataFrame", fmt: str) -> str:
    if fmt == "csv":
        return str(frame.to_csv())
    if fmt == "json":
        return str(frame.reset_index().to_json(orient="records", indent=1))
    if fmt == "md":
        return str(frame.to_markdown())
    return str(frame.to_string())


def report(store: Store, args: argparse.Namespace) -> str:
    """The report's text; its files go under results/ (a session's into its own folder), and a
    relay's per-stage table follows its candidates."""
    stages = None
    try:
        if args.session:
            frame = candidates_frame(store, args.session)
            folder = results_dir() / args.session
            stages = stages_frame(store, args.session)
            if args.plot:
                plot_trajectory(frame, f"harness session {args.session}", folder / "trajectory.png")
        else:
            frame = sessions_frame(store, args.target)
            folder = results_dir()
            if args.plot:
                raise HarnessError("--plot draws one session's trajectory: give a SESSION")
        write(frame, folder)
    finally:
        store.close()
    if stages is None:
        return render(frame, args.format)
    write(stages, folder / "stages")
    return render(frame, args.format) + "\n\n" + render(stages, args.format)
