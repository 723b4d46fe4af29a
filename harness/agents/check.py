"""`./check` in an agent's scratch copy: the agent's current editable files judged by harness's
own gate against the current best, the verdict printed as a table (exit 0: accepted).

It is advice to the agent, never the verdict: the candidate it leaves is judged again, afresh,
with inputs and seeds it has not seen."""

import json
import sys
from pathlib import Path

from rich.console import Console

from harness.bench.runner import BenchSettings
from harness.errors import HarnessError
from harness.targets.code import Code, load_code
from harness.targets.loader import load_target
from harness.verify.gate import Verifier
from harness.verify.render import print_verdict

_HIDDEN = ".harness"


def main(folder: Path) -> int:
    settings = json.loads((folder / _HIDDEN / "check.json").read_text(encoding="utf-8"))
    target = load_target(settings["target"])
    current = load_code(folder / _HIDDEN, "current")
    mine = _read(folder, current, settings["files"])
    if mine == current:
        print("your files are unchanged: edit them, then run ./check again")
        return 1
    verifier = Verifier(BenchSettings(budget_seconds=float(settings["budget_seconds"])))
    verdict = verifier.evaluate(target, mine, baseline=current)
    print_verdict(verdict, Console(width=120))
    return 0 if verdict.accepted else 1


def _read(folder: Path, current: Code, paths: list[str]) -> Code:
    texts = {path: (folder / path).read_text(encoding="utf-8") for path in paths}
    return texts[paths[0]] if isinstance(current, str) else texts


if __name__ == "__main__":
    try:
        sys.exit(main(Path(sys.argv[1])))
    except (HarnessError, OSError, ValueError) as exc:
        print(f"check: {exc}", file=sys.stderr)
        sys.exit(2)
