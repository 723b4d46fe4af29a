"""Repository targets end to end: `harness init` on a real PyPI package, then a session whose
scripted optimizer proposes one subtly wrong and one faster change."""

import json
import os
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from harness.bench.runner import BenchSettings
from harness.targets.loader import load_target
from harness.verify import target_tests
from harness.verify.gate import Verifier

# inflection: a small pure-Python package (no dependencies) whose source distribution carries its
# own pytest suite; its functions take and return strings, so real calls record as plain data.
PACKAGE, VERSION = "inflection", "0.5.1"
SLOW_LOOP = """        for rule, replacement in PLURALS:
            if re.search(rule, word):
                return re.sub(rule, replacement, word)
        return word"""
FAST_LOOP = """        rules, patterns = _COMPILED_PLURALS
        if rules != PLURALS:  # compiled once per set of rules, not per call
            rules[:] = PLURALS
            patterns[:] = [(re.compile(rule), replacement) for rule, replacement in PLURALS]
        for pattern, replacement in patterns:
            if pattern.search(word):
                return pattern.sub(replacement, word)
        return word"""
FAST_HEADER = (
    "_COMPILED_PLURALS: tuple[list, list] = ([], [])\n\n\ndef pluralize(word: str) -> str:"
)
CASE_CHECK = "if not word or word.lower() in UNCOUNTABLES:"
WRONG_CASE_CHECK = "if not word or word in UNCOUNTABLES:"  # "Fish" is no longer uncountable


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return done.stdout.strip()


def _harness(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"COLUMNS": "200"}
    command = [sys.executable, "-m", "harness", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, env=env, cwd=cwd)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's source distribution, fetched from PyPI at test time."""
    folder = tmp_path_factory.mktemp("sdist")
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    done = subprocess.run(
        [*pip, "-q", "-d", str(folder), f"{PACKAGE}=={VERSION}"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return next(folder.glob(f"{PACKAGE}-{VERSION}.tar.gz"))


@pytest.fixture
def repo(sdist: Path, tmp_path: Path) -> Path:
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    root = tmp_path / f"{PACKAGE}-{VERSION}"
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "sdist")
    return root


def _module(repo: Path, old: str, new: str) -> str:
    source = (repo / PACKAGE / "__init__.py").read_text()
    assert source.count(old) == 1
    return source.replace(old, new)


def test_init_then_a_session_lands_only_the_faster_correct_change(
    repo: Path, tmp_path: Path
) -> None:
    done = _harness("init", str(repo), "--top", "1")
    assert done.returncode == 0, done.stderr
    assert "inflection:pluralize" in done.stdout  # the hottest function of its test suite
    assert "wrote" in done.stdout and (repo / "harness.toml").is_file()

    wrong = _module(repo, CASE_CHECK, WRONG_CASE_CHECK)
    fast = _module(repo, SLOW_LOOP, FAST_LOOP).replace(
        "def pluralize(word: str) -> str:", FAST_HEADER
    )
    script = {"responses": [f"```python\n{wrong}```", f"```python\n{fast}```"]}
    (tmp_path / "opt.json").write_text(json.dumps(script))
    approve = '{"approve": true, "reasons": [], "inputs": []}'
    (tmp_path / "val.json").write_text(json.dumps({"responses": [approve]}))
    results = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "harness", "run", str(repo), "--optimizer",
         f"fake:{tmp_path / 'opt.json'}", "--validator", f"fake:{tmp_path / 'val.json'}",
         "--rounds", "1", "--candidates", "2", "--store", "memory", "--json", "--seed", "7"],
        capture_output=True, text=True, timeout=900,
        env=os.environ | {"HARNESS_RESULTS": str(results)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    journal = (results / result["session"] / "journal.jsonl").read_text().splitlines()
    candidates = [json.loads(line) for line in journal if '"candidate"' in line]
    # Two candidates are asked for at once, so which answer each gets is up to the threads.
    by_status = {c["status"]: c for c in candidates}
    assert sorted(by_status) == ["accepted", "rejected"], candidates
    # The wrong one, by the original's answers or the repository's tests (a call showing it may
    # be in the holdout, which no verdict before the final acceptance uses).
    reason = by_status["rejected"]["reason"]
    assert reason.startswith(("recorded calls", "property-based", "target's own tests")), reason
    assert by_status["accepted"]["source"] == fast
    branch = result["branch"]
    assert _git(repo, "show", f"{branch}:{PACKAGE}/__init__.py") == fast.strip()
    assert _git(repo, "status", "--porcelain").splitlines() == ["?? harness.toml"]


def test_a_result_cache_on_a_repository_target_is_rejected(repo: Path) -> None:
    """The benchmark replays the recorded calls in every round, which a cache of results would
    win outright: fresh processes show it keeps results between calls."""
    done = _harness("init", str(repo), "--top", "1")
    assert done.returncode == 0, done.stderr
    fast = _module(repo, SLOW_LOOP, FAST_LOOP).replace(
        "def pluralize(word: str) -> str:", FAST_HEADER
    )
    cached = fast + "\n\nimport functools\n\npluralize = functools.cache(pluralize)\n"
    [name] = [t["name"] for t in tomllib.loads((repo / "harness.toml").read_text())["target"]]
    target = load_target(f"{repo}::{name}")
    bench = BenchSettings(budget_seconds=8)
    assert Verifier(bench).evaluate(target, fast, seed=3).accepted  # the same, without the cache
    verdict = Verifier(bench).evaluate(target, cached, seed=3)
    assert verdict.correct and not verdict.accepted, verdict.reasons
    [benchmark] = [check for check in verdict.checks if check.name == "benchmark"]
    assert benchmark.detail.startswith("keeps results between calls"), benchmark.detail


TEXT = """def count_vowels(text):
    total = 0
    for ch in text:
        if ch in "aeiouAEIOU":
            total += 1
    return total
"""
TESTS = """from demo.text import count_vowels


def test_vowels():
    for i in range(600):
        assert count_vowels("hello world " * (i + 1)) == 3 * (i + 1)
"""


def test_the_repositorys_tests_catch_what_recorded_calls_miss(tmp_path: Path) -> None:
    """400 of the workload's 600 distinct calls are recorded; the repository's tests make all."""
    root = tmp_path / "demo"
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "__init__.py").write_text("")
    (root / "demo" / "text.py").write_text(TEXT)
    (root / "test_text.py").write_text(TESTS)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    assert _harness("init", str(root)).returncode == 0
    target = load_target(f"{root}::count_vowels")
    fast = "def count_vowels(text):\n    return sum(map(text.count, 'aeiouAEIOU'))\n"
    layout = target.layout
    assert layout is not None and layout.recorded is not None
    recorded = {len(json.loads(line)[0]) for line in layout.recorded.read_text().splitlines()}
    unrecorded = next(n for n in range(12, 12 * 601, 12) if n not in recorded)
    wrong_once = fast.replace(
        "    return", f"    if len(text) == {unrecorded}:\n        return 0\n    return"
    )
    assert Verifier(bench=None).evaluate(target, fast, seed=1).correct
    verdict = Verifier(bench=None).evaluate(target, wrong_once, seed=1)
    assert [check.passed for check in verdict.checks if check.name == "recorded calls"] == [True]
    # The first later stage to fail decides: the tests, or calls derived from the recorded ones.
    later = {"target's own tests", "property-based inputs (hypothesis)"}
    assert {check.name for check in verdict.checks if not check.passed} <= later
    assert not verdict.correct
    assert target.config.test_command is not None
    tests = target_tests.TestRun(target, wrong_once, target.config.test_command, tmp_path / "work")
    passed, detail = tests.result()
    assert not passed and "1 failed" in detail, detail
