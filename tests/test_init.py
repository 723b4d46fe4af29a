"""`harness init` on small real git repositories: profiling, ranking, recording, harness.toml,
and one-line errors for what it cannot work with."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from harness.discover.hook import MAX_CALLS_PER_FUNCTION
from harness.discover.rank import rank
from harness.sandbox.codec import decode
from harness.targets.repo_config import RepoConfig
from harness.targets.types import parse_type, type_errors

TEXT = '''"""Text helpers."""


def count_vowels(text):
    """How many vowels the text has."""
    total = 0
    for ch in text:
        if ch in "aeiouAEIOU":
            total += 1
    return total


def normalize(words: list[str]) -> list[str]:
    words.sort()
    return [w.lower() for w in words]


def scale(point, factor):
    return [c * factor for c in point.coords]


class Point:
    def __init__(self, coords):
        self.coords = coords

    def norm(self):
        return sum(c * c for c in self.coords) ** 0.5
'''

TESTS = """from demo.text import Point, count_vowels, normalize, scale


def test_vowels():
    for i in range(800):
        assert count_vowels("hello world " * (i + 1)) == 3 * (i + 1)


def test_normalize():
    assert normalize(["b", "A"]) == ["a", "b"]


def test_points():
    for i in range(2000):
        assert scale(Point([i, 1]), 2) == [2 * i, 2]
        assert Point([3, 4]).norm() == 5.0
"""


BROKEN = """def checksum(text):
    total = 0
    for ch in text:
        total += ord(ch)
    raise ValueError(total)
"""
RAISER = """from demo.broken import checksum

for i in range(2000):
    try:
        checksum("abc" * (i % 50 + 1))
    except ValueError:
        pass
"""


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return done.stdout


def _init(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "harness", "init", *args]
    env = os.environ | {"COLUMNS": "200"}  # rich's table fits the terminal; no wrapping here
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def table_statuses(stdout: str) -> dict[str, str]:
    """The ranking table's "target?" column by function (rows on one line each)."""
    rows = [line.split("│") for line in stdout.splitlines() if line.startswith("│")]
    return {cells[1].strip(): cells[-2].strip() for cells in rows}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    (root / "src" / "demo").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "src" / "demo" / "__init__.py").write_text("")
    (root / "src" / "demo" / "text.py").write_text(TEXT)
    (root / "tests" / "test_text.py").write_text(TESTS)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    return root


def test_init_writes_targets_for_hot_functions_with_recorded_inputs(repo: Path) -> None:
    done = _init(str(repo), "--top", "5")
    assert done.returncode == 0, done.stderr
    assert "Where the workload spent its time" in done.stdout
    config = RepoConfig.model_validate(tomllib.loads((repo / "harness.toml").read_text()))
    targets = {target.name: target for target in config.target}
    assert {"count_vowels", "normalize"} <= set(targets)
    statuses = table_statuses(done.stdout)
    assert statuses["demo.text:Point.norm"] == "yes"  # a method: its receiver is an argument
    assert targets["Point-norm"].signature == "norm(self: demo.text.Point) -> float"
    # "yes" exactly for the functions written as targets
    assert {entry for entry, status in statuses.items() if status == "yes"} == {
        target.entry for target in config.target
    }
    vowels = targets["count_vowels"]
    assert vowels.entry == "demo.text:count_vowels" and vowels.import_root == "src"
    assert vowels.editable == ["src/demo/text.py"] and vowels.output_type == "int"
    assert vowels.signature == "count_vowels(text: str) -> int" and not vowels.mutates_inputs
    assert vowels.description == "How many vowels the text has."
    assert vowels.test_command and "pytest" in vowels.test_command
    assert targets["normalize"].mutates_inputs  # it sorts its argument in place
    recorded = (repo / ".harness" / "inputs" / "count_vowels.jsonl").read_text().splitlines()
    calls = [decode(json.loads(line)) for line in recorded]
    # capped and distinct, sampled from the whole run (its 800 calls grow longer)
    repeats = sorted(len(call[0]) // len("hello world ") for call in calls)
    assert len(calls) == MAX_CALLS_PER_FUNCTION and repeats == sorted(set(repeats))
    assert repeats[0] <= 20 and repeats[-1] >= 760 and sum(r > 400 for r in repeats) >= 120
    assert all(type_errors(c, parse_type("list[str]")) is None for c in calls)
    # Only what init was asked to write is new: harness.toml; .harness/ ignores itself.
    assert _git(repo, "status", "--porcelain").splitlines() == ["?? harness.toml"]


def test_a_given_workload_is_profiled_instead_of_the_tests(repo: Path) -> None:
    script = "from demo.text import normalize\nfor i in range(3000): normalize(['b', 'a'] * 5)\n"
    (repo / "work.py").write_text(script)
    done = _init(str(repo), "--workload", "python work.py", "--top", "1")
    assert done.returncode == 0, done.stderr
    config = RepoConfig.model_validate(tomllib.loads((repo / "harness.toml").read_text()))
    assert [t.name for t in config.target] == ["normalize"]
    assert config.workload == "python work.py"


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("no git", [], "is not a git repository; run `git init` there first"),
        ("no tests", [], "no tests or pytest-benchmark benchmarks found"),
        ("", ["--workload", "python -c 'raise SystemExit(3)'"], "failed with exit code 3"),
        ("", ["--workload", "python -c 'print(1)'"], "ran none of the repository's own functions"),
        ("toml", [], "harness.toml exists; pass --force"),
        ("raises", ["--workload", "python raiser.py"], "the original raises on every recorded"),
    ],
)
def test_bad_repositories_and_workloads_get_one_line_errors(
    repo: Path, tmp_path: Path, setup: str, args: list[str], message: str
) -> None:
    if setup == "no git":
        repo = tmp_path / "plain"
        repo.mkdir()
    elif setup == "no tests":
        _git(repo, "rm", "-q", "tests/test_text.py")
    elif setup == "toml":
        (repo / "harness.toml").write_text("")
    elif setup == "raises":  # recorded, but the original fails on every call when checked
        (repo / "src" / "demo" / "broken.py").write_text(BROKEN)
        (repo / "raiser.py").write_text(RAISER)
    done = _init(str(repo), *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    if setup == "raises":
        assert not (repo / "harness.toml").exists()  # nothing left behind to --force over
        assert "the original raises on them (first: ValueError: " in done.stdout, done.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="giving the repository to another user needs root")
def test_a_repository_git_refuses_gets_git_reason_and_fix(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repository unpacked as root from someone else's archive is not "not a git repository"."""
    for path in [repo, *repo.rglob("*")]:
        os.lchown(path, 65534, 65534)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))  # no safe.directory
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    done = _init(str(repo))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "git refuses" in done.stderr and "dubious ownership" in done.stderr
    assert f"git config --global --add safe.directory {repo}" in done.stderr


def test_rank_leaves_out_tests_and_third_party_code(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("def hot():\n    pass\n\n\ndef warm():\n    pass\n")
    (tmp_path / "tests" / "test_mod.py").write_text("def test_x():\n    pass\n")
    rows = [
        {
            "file": str(tmp_path / "pkg" / "mod.py"),
            "line": 1,
            "name": "hot",
            "calls": 2,
            "own": 0.5,
            "total": 0.6,
        },
        {
            "file": str(tmp_path / "pkg" / "mod.py"),
            "line": 5,
            "name": "warm",
            "calls": 1,
            "own": 0.1,
            "total": 0.1,
        },
        {
            "file": str(tmp_path / "tests" / "test_mod.py"),
            "line": 1,
            "name": "test_x",
            "calls": 1,
            "own": 9.0,
            "total": 9.0,
        },
        {
            "file": "/usr/lib/python3/dist-packages/x.py",
            "line": 1,
            "name": "f",
            "calls": 1,
            "own": 9.0,
            "total": 9.0,
        },
    ]
    spots = rank([rows, rows[:1]], tmp_path)
    assert [(s.entry, s.calls, s.own) for s in spots] == [
        ("pkg.mod:hot", 4, 1.0),
        ("pkg.mod:warm", 1, 0.1),
    ]


def test_runs_inside_a_prepared_repository_write_under_its_git_ignored_harness_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.paths import results_dir

    monkeypatch.delenv("HARNESS_RESULTS", raising=False)
    nested = tmp_path / "repo" / "pkg"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    assert results_dir() == nested / "results"  # not prepared by `harness init`
    (tmp_path / "repo" / "harness.toml").write_text("")
    (tmp_path / "repo" / ".harness").mkdir()
    assert results_dir() == tmp_path / "repo" / ".harness" / "results"
    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path / "elsewhere"))
    assert results_dir() == tmp_path / "elsewhere"


def test_a_module_outside_any_package_is_ranked_with_its_reason(tmp_path: Path) -> None:
    """A flat `words.py` at the repository's root: the target layout freezes a package."""
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "words.py").write_text("def shout(word):\n    return word.upper() + '!'\n")
    (flat / "test_words.py").write_text(
        "from words import shout\n\n\ndef test_shout():\n    assert shout('a') == 'A!'\n"
    )
    _git(flat, "init", "-q")
    _git(flat, "add", ".")
    _git(flat, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    done = _init(str(flat))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "shout: a module outside any package" in done.stderr
    assert not (flat / "harness.toml").exists()
