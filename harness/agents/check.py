"""What the helpers in an agent's folder ask for, run outside its box by `HelperService`:

- `./check` (optimizer): the agent's current editable files judged by harness's own gate against
  the current best, the verdict printed as a table (exit 0: accepted). It is advice, never the
  verdict: the candidate the agent leaves is judged again, afresh, with inputs it has not seen.
- `./try 'JSON'` (validator): one argument list (a JSON array of the positional arguments) run
  through the candidate, in harness's sandbox, and through the reference; says whether they
  agree (exit 0) or how they differ (exit 1)."""

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

from harness.agents.workspace import HIDDEN
from harness.bench.runner import BenchSettings
from harness.errors import HarnessError, TargetError
from harness.targets.code import Code, load_code
from harness.targets.loader import load_target
from harness.verify.differential import Differential, shown
from harness.verify.gate import Verifier
from harness.verify.render import print_verdict


def check(folder: Path) -> int:
    settings = _settings(folder)
    target = load_target(settings["target"])
    current = load_code(folder / HIDDEN, "current")
    mine = _read(folder, current, settings["files"])
    if mine == current:
        print("your files are unchanged: edit them, then run ./check again")
        return 1
    verifier = Verifier(BenchSettings(budget_seconds=float(settings["budget_seconds"])))
    verdict = verifier.evaluate(target, mine, baseline=current)
    print_verdict(verdict, Console(width=120))
    return 0 if verdict.accepted else 1


def try_input(folder: Path, text: str) -> int:
    target = load_target(_settings(folder)["target"])
    args = json.loads(text)
    if not isinstance(args, list) or len(args) != target.arity:
        print(f"give a JSON array of {target.arity} argument(s), e.g. ./try '[...]'")
        return 2
    candidate = load_code(folder / HIDDEN, "candidate")
    with tempfile.TemporaryDirectory(prefix="harness-try-") as tmp:
        differential = Differential(target, candidate, Path(tmp))
        try:
            mismatch = differential.check(args)
        finally:
            differential.close()
    if mismatch is not None:
        print(f"differs on {shown(args)}: {mismatch.reason}")
        return 1
    print(f"the candidate agrees with the reference on {shown(args)}")
    return 0


def _settings(folder: Path) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads((folder / HIDDEN / "check.json").read_text("utf-8"))
    return settings


def _read(folder: Path, current: Code, paths: list[str]) -> Code:
    texts = {path: (folder / path).read_text(encoding="utf-8") for path in paths}
    return texts[paths[0]] if isinstance(current, str) else texts


def main(argv: list[str]) -> int:
    mode, folder, *rest = argv
    if mode == "check":
        return check(Path(folder))
    if not rest:
        print("usage: ./try '[ARG, ...]' (a JSON array of the positional arguments)")
        return 2
    return try_input(Path(folder), rest[0])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except TargetError as exc:
        print(f"the reference refuses this input: {exc}")
        sys.exit(2)
    except (HarnessError, OSError, ValueError) as exc:
        print(f"{Path(sys.argv[0]).name}: {exc}", file=sys.stderr)
        sys.exit(2)
