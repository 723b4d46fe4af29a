import shutil
from pathlib import Path

import pytest

from harness.targets.loader import Target, load_target
from harness.verify.gate import Verifier

FIXTURES = Path(__file__).parent / "fixtures"
CANDIDATES = Path(__file__).parent / "candidates"


@pytest.fixture
def squares_folder(tmp_path: Path) -> Path:
    """A private copy of the squares target (tests may damage it or check it is unharmed)."""
    shutil.copytree(FIXTURES / "squares", tmp_path / "targets" / "squares")
    shutil.copytree(FIXTURES / "reference_impls", tmp_path / "reference_impls")
    return tmp_path / "targets" / "squares"


@pytest.fixture
def squares(squares_folder: Path) -> Target:
    return load_target(str(squares_folder))


@pytest.fixture(scope="session")
def gate() -> Verifier:
    return Verifier()


def live_descendants(pid: int) -> set[int]:
    """Live processes below `pid` (zombies not counted: they are already dead)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found
