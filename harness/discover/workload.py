"""What to run to see where a repository spends its time: the user's command, else its
pytest-benchmark benchmarks, else its test suite."""

import re
from pathlib import Path

from harness.discover.probe import Workload
from harness.errors import HarnessError
from harness.targets.tree import tracked_files

_PYTEST = "python -m pytest -q -p no:cacheprovider"
_BENCHMARK_TEST = re.compile(r"^\s*def test\w*\([^)]*\bbenchmark\b", re.MULTILINE)
_SKIPPED_PARTS = {".venv", "venv", "site-packages", "node_modules", ".tox", ".nox", "build", "dist"}


def test_files(repo: Path) -> list[str]:
    """Python test files pytest would collect by default (test_*.py, *_test.py)."""
    found = []
    for name in tracked_files(repo):
        path = Path(name)
        if path.suffix != ".py" or _SKIPPED_PARTS & set(path.parts):
            continue
        if path.name.startswith("test_") or path.stem.endswith("_test"):
            found.append(name)
    return found


def choose_workload(repo: Path, given: str | None) -> Workload:
    if given:
        return Workload(given, "the command given with --workload")
    tests = test_files(repo)
    benchmarks = [name for name in tests if _BENCHMARK_TEST.search(_read(repo / name))]
    if benchmarks:
        files = " ".join(benchmarks)
        return Workload(
            f"{_PYTEST} --benchmark-only {files}", "the repository's pytest-benchmark benchmarks"
        )
    if tests:
        return Workload(_PYTEST, f"the repository's test suite ({len(tests)} test files)")
    raise HarnessError(
        f"no tests or pytest-benchmark benchmarks found in {repo}; give a workload that "
        "exercises the code: harness init REPO --workload 'python examples/run.py'"
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
