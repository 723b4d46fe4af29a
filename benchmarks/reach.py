"""How much of a real package harness can work on: `harness init` on source distributions from
PyPI, as a new user would run it (no hand edits).

For each package: the sdist is downloaded, unpacked and committed to a fresh git repository, its
dependencies are installed into this environment, and `harness init REPO --top 10` runs on its
default workload (its test suite). Figures per package and overall:
- usable: how many of the ten hottest functions (own time, the ranking init prints) became
  targets whose unchanged original passes verification;
- out of the box: whether init finished with at least one target and no hand edits;
- init seconds.
Goal: at least 70% of hot functions usable, every package out of the box.

Writes results/benchmarks/reach.json.

    .venv/bin/python benchmarks/reach.py [--only NAME ...] [--timeout 1200]
"""

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from _common import write
from rich.console import Console
from rich.table import Table

from harness.discover.command import RANKING_FILE
from harness.paths import HARNESS_DIR

HOTTEST = 10


@dataclass(frozen=True)
class Package:
    name: str  # on PyPI
    version: str
    shape: str  # what kind of code it is
    needs: tuple[str, ...] = ()  # its runtime dependencies, installed before init


PACKAGES = [
    Package("nameparser", "2.6.0", "class-heavy string parsing"),
    Package("python-slugify", "9.2.0", "string processing", ("text-unidecode",)),
    Package("titlecase", "2.4.1", "string processing", ("regex",)),
    Package("inflection", "0.5.1", "string processing (regular expressions)"),
    Package("numpy-financial", "1.0.0", "numpy-based", ("numpy",)),
    Package("filterpy", "2.0.0", "numpy-based, class-heavy (Kalman filters)", ("numpy", "scipy")),
    Package("sqlparse", "0.6.1", "class-heavy parser"),
    Package("jmespath", "1.1.0", "class-heavy interpreter"),
    Package("toolz", "1.2.0", "functional: closures, curried callables"),
    Package("more-itertools", "11.2.1", "generators"),
]


@dataclass
class Reach:
    package: str
    shape: str
    out_of_the_box: bool
    hottest: int
    usable: int
    targets: list[str]
    not_usable: dict[str, str]
    init_seconds: float
    error: str | None


def prepare(package: Package, folder: Path) -> Path:
    pip = [sys.executable, "-m", "pip", "-q"]
    if package.needs:
        subprocess.run([*pip, "install", *package.needs], check=True)
    spec = f"{package.name}=={package.version}"
    sdist_only = ["--no-deps", "--no-binary", ":all:", "-d", str(folder)]
    subprocess.run([*pip, "download", *sdist_only, spec], check=True)
    [sdist] = folder.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(folder, filter="data")
    [root] = [path for path in folder.iterdir() if path.is_dir()]
    git = ["git", "-C", str(root), "-c", "user.name=reach", "-c", "user.email=reach@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "sdist"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    return root


def measure(package: Package, timeout: float) -> Reach:
    with tempfile.TemporaryDirectory(prefix=f"reach-{package.name}-") as tmp:
        root = prepare(package, Path(tmp))
        harness = [sys.executable, "-m", "harness", "init", str(root), "--top", str(HOTTEST)]
        started = time.perf_counter()
        wide = os.environ | {"COLUMNS": "200"}
        error = _init_error(harness, timeout, wide)
        seconds = time.perf_counter() - started
        ranking_path = root / HARNESS_DIR / RANKING_FILE
        rows = json.loads(ranking_path.read_text()) if ranking_path.is_file() else []
    written = [row["function"] for row in rows if row["target"] == "yes"]
    return Reach(
        package=f"{package.name} {package.version}",
        shape=package.shape,
        out_of_the_box=error is None and bool(written),
        hottest=len(rows),
        usable=len(written),
        targets=written,
        not_usable={row["function"]: row["target"] for row in rows if row["target"] != "yes"},
        init_seconds=round(seconds, 1),
        error=error,
    )


def _init_error(command: list[str], timeout: float, env: dict[str, str]) -> str | None:
    """None when init succeeded, else its last line of error (or the timeout)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return f"init ran longer than {timeout:g} s"
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]


def show(results: list[Reach]) -> None:
    table = Table(title=f"harness init on real packages: the {HOTTEST} hottest functions")
    for column in ("package", "shape", "usable", "out of the box", "init s"):
        table.add_column(column)
    for reach in results:
        table.add_row(
            reach.package,
            reach.shape,
            f"{reach.usable}/{reach.hottest}",
            "yes" if reach.out_of_the_box else f"no: {reach.error or 'no target'}",
            f"{reach.init_seconds:.0f}",
        )
    Console(width=160).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="package names to measure (default: all)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per init")
    args = parser.parse_args()
    chosen = [p for p in PACKAGES if not args.only or p.name in args.only]
    results = [measure(package, args.timeout) for package in chosen]
    show(results)
    hottest = sum(r.hottest for r in results)
    usable = sum(r.usable for r in results)
    overall = {
        "usable_share": round(usable / hottest, 3) if hottest else None,
        "out_of_the_box": sum(r.out_of_the_box for r in results),
        "packages": len(results),
        "init_seconds_total": round(sum(r.init_seconds for r in results), 1),
    }
    print(json.dumps(overall))
    path = write("reach", {"overall": overall, "packages": [asdict(r) for r in results]})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
