"""The `harness` command: parse, call, print. Usage errors exit 2 with one line, no traceback."""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from harness.errors import HarnessError

if TYPE_CHECKING:
    from harness.store.base import Store
    from harness.targets.code import Code
    from harness.targets.loader import Target


def _number(kind: type[float] | type[int], low: float, high: float, what: str) -> Any:
    """An argparse type: a number in [low, high], else a one-line usage error."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is out of range: give {what}")
        return value

    return parse


_positive = _number(float, 1e-9, float("inf"), "a number of seconds above 0")
_margin = _number(float, 0.0, 10.0, "a margin from 0 (any gain) to 10 (11x)")
_at_least_one = _number(int, 1, 10**9, "a whole number of at least 1")
_port = _number(int, 1, 65535, "a port from 1 to 65535")
_trial_count = _number(int, 0, 10**9, "a whole number of trials, 0 or more")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="harness", description="Benchmark-driven code optimization.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    verify = commands.add_parser("verify", help="verdict on a candidate module for a target")
    verify.add_argument("target", help="bundled target name or path to a target folder")
    verify.add_argument(
        "--candidate", required=True, type=Path, help="module replacing the entry, or a .diff"
    )
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    verify.add_argument("--seed", type=int, help="seed for inputs (default: fresh)")
    verify.add_argument("--min-gain", type=_margin, help="speedup margin (default: the target's)")
    verify.add_argument("--budget", type=_positive, default=10.0, help="benchmark seconds at most")
    verify.add_argument(
        "--holdout", action="store_true", help="also judge the inputs no model sees, once correct"
    )
    _add_unsafe(verify)
    bench = commands.add_parser("bench", help="time baseline, candidate and reference")
    bench.add_argument("target", help="bundled target name or path to a target folder")
    bench.add_argument("--candidate", type=Path, help="module replacing the entry, or a .diff")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--seed", type=int, help="seed for inputs (default: fresh)")
    bench.add_argument(
        "--budget", type=_positive, default=10.0, help="seconds of measuring at most"
    )
    _add_unsafe(bench)
    _add_run(commands)
    _add_tune(commands)
    ui = commands.add_parser("ui", help="the MLflow UI on 127.0.0.1 against the store")
    ui.add_argument("--port", type=_port, default=5000, help="port (default 5000)")
    ui.add_argument("--tracking-uri", help="store to show (default: as for harness run)")
    models = commands.add_parser("models", help="the local models: list, or pull one")
    models.add_argument("action", choices=["list", "pull"])
    models.add_argument("name", nargs="?", default=None, help="model name (default: the default)")
    serve = commands.add_parser("serve-model", help="the local model behind an OpenAI API")
    serve.add_argument("--port", type=_port, default=8080, help="port (default 8080)")
    serve.add_argument("--model", default=None, help="model name or .gguf path")
    report = commands.add_parser("report", help="sessions, or one session's candidates")
    report.add_argument("session", nargs="?", help="a session id (default: list the sessions)")
    report.add_argument("--target", help="only the sessions of this target")
    report.add_argument("--format", choices=["table", "csv", "json", "md"], default="table")
    report.add_argument("--plot", action="store_true", help="also draw the speedup trajectory")
    _add_store_flags(report)
    init = commands.add_parser("init", help="find a repository's hot functions: harness.toml")
    init.add_argument("repo", nargs="?", type=Path, default=Path("."), help="git repository")
    init.add_argument("--workload", help="command exercising the code (default: benchmarks/tests)")
    init.add_argument(
        "--top", type=_at_least_one, default=3, help="targets to write at most (default 3)"
    )
    init.add_argument("--timeout", type=_positive, default=600.0, help="workload seconds at most")
    init.add_argument("--force", action="store_true", help="replace an existing harness.toml")
    _add_unsafe(init)
    apply = commands.add_parser("apply", help="write a session's final code into the target")
    apply.add_argument("session", help="session id (a folder under results/) or its path")
    return parser


def _add_run(commands: Any) -> None:
    run = commands.add_parser("run", help="optimize a target: propose, verify, review, compound")
    run.add_argument("target", nargs="?", help="bundled target name or path to a target folder")
    run.add_argument(
        "--optimizer",
        action="append",
        help="PROVIDER:MODEL or agent:NAME that proposes candidates; repeat it for several, "
        "picked per candidate (see --choose)",
    )
    run.add_argument(
        "--then",
        action="append",
        metavar="OPTIMIZER",
        help="a further stage with this optimizer, started from the previous stage's best",
    )
    run.add_argument(
        "--choose",
        choices=["bandit", "round-robin"],
        help="how one of several optimizers is picked (default: bandit)",
    )
    run.add_argument("--validator", help="PROVIDER:MODEL that reviews (default: the optimizer)")
    run.add_argument("--base-url", help="base URL of an OpenAI/Anthropic-compatible server")
    run.add_argument("--rounds", type=int, help="rounds at most (default 3)")
    run.add_argument("--candidates", type=int, help="candidates per round (default 2)")
    run.add_argument("--budget-usd", type=float, help="stop when model cost reaches this")
    run.add_argument("--budget-minutes", type=float, help="stop after this many minutes")
    run.add_argument("--patience", type=int, help="stop after R rounds without improvement")
    run.add_argument("--temperature", type=float, help="optimizer temperature (default 0.7)")
    run.add_argument("--seed", type=int, help="seed for every verdict (default: fresh)")
    run.add_argument("--settings", type=Path, help="TOML file of session settings")
    run.add_argument("--resume", metavar="SESSION", help="continue a journaled session")
    run.add_argument("--json", action="store_true", help="print one JSON object at the end")
    _add_store_flags(run)
    _add_unsafe(run)


def _add_tune(commands: Any) -> None:
    tune = commands.add_parser("tune", help="search session settings with Optuna")
    tune.add_argument("target", nargs="?", help="bundled target name or path to a target folder")
    tune.add_argument(
        "--trials", type=_at_least_one, default=10, help="trials this worker runs (default 10)"
    )
    tune.add_argument(
        "--storage", help="Optuna storage URL (default: results/optuna.db; postgresql://... shares)"
    )
    tune.add_argument("--study", help="study name (default: TARGET-OBJECTIVE)")
    tune.add_argument("--space", type=Path, help="TOML file overriding the search space")
    tune.add_argument(
        "--objective",
        choices=["speedup", "speedup-per-dollar", "both"],
        default="speedup",
        help="what a trial is worth (default speedup; both: a Pareto front with cost)",
    )
    tune.add_argument(
        "--rounds", type=_at_least_one, help="every trial runs R rounds (not searched)"
    )
    tune.add_argument(
        "--startup-trials",
        type=_trial_count,
        help="finished trials (the defaults' trial 0 among them) before TPE chooses settings; "
        "random until then (default: the space's sampler_startup_trials)",
    )
    tune.add_argument("--show", action="store_true", help="the best settings; CSV and TOML files")
    tune.add_argument("--tracking-uri", help="MLflow tracking URI (default: as for harness run)")
    tune.add_argument("--json", action="store_true", help="print one JSON object")
    _add_unsafe(tune)


def _add_unsafe(parser: Any) -> None:
    parser.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="run candidate code WITHOUT the kernel sandbox (audit hook and static screen only); "
        "recorded in every verdict and in MLflow",
    )


def _choose_boundary(args: argparse.Namespace) -> None:
    """Set up the sandbox before any work: a missing tool is one line, not a failed session."""
    if not hasattr(args, "unsafe_no_sandbox"):
        return  # this command runs no candidate code
    from harness.sandbox.boundary import choose

    boundary = choose(args.unsafe_no_sandbox)
    if args.unsafe_no_sandbox:
        print(
            f"harness: WARNING: sandbox {boundary.name}: candidate code can read, write and "
            "start anything you can",
            file=sys.stderr,
        )


def _add_store_flags(parser: Any) -> None:
    parser.add_argument(
        "--store", default="mlflow", help="experiment store: mlflow (default) or memory"
    )
    parser.add_argument(
        "--tracking-uri",
        help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI, else results/mlflow.db)",
    )


def _read_candidate(target: "Target", path: Path) -> "Code":
    """A module replacing the entry, or a unified diff (.diff/.patch) of the editable files."""
    from harness.loop.parse import parse_answer
    from harness.targets.code import baseline_code, entry_path

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HarnessError(f"cannot read candidate {path}: {exc}") from None
    current = baseline_code(target)
    if path.suffix not in {".diff", ".patch"}:
        return current | {entry_path(target): text} if isinstance(current, dict) else text
    parsed = parse_answer(text, current, entry_path(target), target.function)
    if parsed.source is None:
        raise HarnessError(f"candidate {path}: {parsed.problem}; make it a diff of {target.name}")
    return parsed.source


def _verify(args: argparse.Namespace) -> int:
    from harness.bench.runner import BenchSettings
    from harness.targets.loader import load_target
    from harness.verdict import Check
    from harness.verify.gate import Verifier
    from harness.verify.holdout import judge_holdout
    from harness.verify.render import print_verdict

    target = load_target(args.target)
    source = _read_candidate(target, args.candidate)
    verifier = Verifier(BenchSettings(budget_seconds=args.budget), min_gain=args.min_gain)
    verdict = verifier.evaluate(target, source, seed=args.seed)
    if args.holdout and verdict.correct:
        holdout = judge_holdout(target, source, BenchSettings(budget_seconds=args.budget))
        verdict.checks.append(Check("holdout", holdout.ok, holdout.detail))
    if args.json:
        print(json.dumps(verdict.to_json()))
    else:
        print_verdict(verdict)
    return 0 if verdict.accepted else 1


def _bench(args: argparse.Namespace) -> int:
    from harness.bench.runner import BenchSettings
    from harness.bench.show import bench_json, print_bench
    from harness.targets.loader import load_target
    from harness.verify.gate import new_seed
    from harness.verify.side_by_side import bench

    target = load_target(args.target)
    candidate = _read_candidate(target, args.candidate) if args.candidate else None
    seed = new_seed() if args.seed is None else args.seed
    outcome, rows, path = bench(target, candidate, BenchSettings(budget_seconds=args.budget), seed)
    if args.json:
        print(json.dumps(bench_json(target.name, outcome, rows, path, seed)))
    else:
        print_bench(target.name, outcome, rows, path)
    return 1 if outcome.problems else 0


def _run(args: argparse.Namespace) -> int:
    from harness.loop.command import FLAGS, build_settings, print_summary, run
    from harness.store import make_store

    if not args.target and not args.resume:
        raise HarnessError("give a TARGET, or --resume SESSION (see `harness run --help`)")
    settings = None
    if not args.resume:
        flags = {name: getattr(args, name) for name in FLAGS}
        settings = build_settings(flags, args.settings, args.then)

    def store() -> "Store":
        return make_store(args.store, args.tracking_uri)

    result = run(args.target, settings, args.resume, quiet=args.json, store=store)
    print_summary(result, args.json)
    return 1 if result.failed else 0


def _tune(args: argparse.Namespace) -> int:
    from harness.tune.command import tune_command

    return tune_command(args)


def _ui(args: argparse.Namespace) -> int:
    from harness.paths import results_dir
    from harness.store import resolve_tracking_uri
    from harness.store.ui import serve

    uri, artifacts = resolve_tracking_uri(args.tracking_uri)

    def announce(url: str) -> None:
        print(f"MLflow UI for {uri} at {url} (Ctrl-C stops it)", flush=True)

    return serve(uri, args.port, artifacts or results_dir() / "mlartifacts", announce)


def _report(args: argparse.Namespace) -> int:
    from harness.store import make_store
    from harness.store.report import report

    print(report(make_store(args.store, args.tracking_uri), args))
    return 0


def _models(args: argparse.Namespace) -> int:
    from harness.providers.commands import models_list, models_pull
    from harness.providers.models import DEFAULT_MODEL

    if args.action == "list":
        models_list()
    else:
        models_pull(args.name or DEFAULT_MODEL)
    return 0


def _serve_model(args: argparse.Namespace) -> int:
    from harness.providers.commands import serve_model
    from harness.providers.models import DEFAULT_MODEL

    return serve_model(args.model or DEFAULT_MODEL, args.port)


def _init(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.discover.command import init_repo

    init_repo(args.repo, args.workload, args.top, args.timeout, args.force, Console())
    return 0


def _apply(args: argparse.Namespace) -> int:
    from harness.loop.command import apply

    paths = apply(args.session)
    print(f"wrote the final code of {args.session} to {', '.join(map(str, paths))}")
    return 0


_COMMANDS = {
    "verify": _verify,
    "bench": _bench,
    "run": _run,
    "tune": _tune,
    "apply": _apply,
    "init": _init,
    "ui": _ui,
    "report": _report,
    "models": _models,
    "serve-model": _serve_model,
}


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = _parser().parse_args(argv)
    try:
        _choose_boundary(args)
        code = _COMMANDS[args.command](args)
    except HarnessError as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
