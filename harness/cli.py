"""The `harness` command: parse, call, print. Usage errors exit 2 with one line, no traceback."""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from harness.errors import HarnessError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="harness", description="Benchmark-driven code optimization.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    verify = commands.add_parser("verify", help="verdict on a candidate module for a target")
    verify.add_argument("target", help="bundled target name or path to a target folder")
    verify.add_argument("--candidate", required=True, type=Path, help="module replacing the entry")
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    verify.add_argument("--seed", type=int, help="seed for inputs (default: fresh)")
    verify.add_argument("--min-gain", type=float, help="speedup margin (default: the target's)")
    verify.add_argument("--budget", type=float, default=10.0, help="benchmark seconds at most")
    bench = commands.add_parser("bench", help="time baseline, candidate and reference")
    bench.add_argument("target", help="bundled target name or path to a target folder")
    bench.add_argument("--candidate", type=Path, help="module replacing the entry (optional)")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--seed", type=int, help="seed for inputs (default: fresh)")
    bench.add_argument("--budget", type=float, default=10.0, help="seconds of measuring at most")
    return parser


def _read_candidate(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HarnessError(f"cannot read candidate {path}: {exc}") from None


def _verify(args: argparse.Namespace) -> int:
    from harness.bench.runner import BenchSettings
    from harness.targets.loader import load_target
    from harness.verify.gate import Verifier
    from harness.verify.render import print_verdict

    target = load_target(args.target)
    source = _read_candidate(args.candidate)
    verifier = Verifier(BenchSettings(budget_seconds=args.budget), min_gain=args.min_gain)
    verdict = verifier.evaluate(target, source, seed=args.seed)
    if args.json:
        print(json.dumps(verdict.to_json()))
    else:
        print_verdict(verdict)
    return 0 if verdict.accepted else 1


def _bench(args: argparse.Namespace) -> int:
    from harness.bench.command import bench
    from harness.bench.runner import BenchSettings
    from harness.bench.show import bench_json, print_bench
    from harness.targets.loader import load_target
    from harness.verify.gate import new_seed

    target = load_target(args.target)
    candidate = _read_candidate(args.candidate) if args.candidate else None
    seed = new_seed() if args.seed is None else args.seed
    outcome, rows, path = bench(target, candidate, BenchSettings(budget_seconds=args.budget), seed)
    if args.json:
        print(json.dumps(bench_json(target.name, outcome, rows, path, seed)))
    else:
        print_bench(target.name, outcome, rows, path)
    return 1 if outcome.problems else 0


_COMMANDS = {"verify": _verify, "bench": _bench}


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = _parser().parse_args(argv)
    try:
        code = _COMMANDS[args.command](args)
    except HarnessError as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
