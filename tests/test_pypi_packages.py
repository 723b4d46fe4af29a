"""`harness init` on real packages from PyPI, of three shapes, with no hand edits: numpy-based
(numpy-financial), class-heavy (nameparser, whose hot code is methods and dataclass copies) and
string processing (python-slugify). For each, the unchanged module of a written target is judged
correct, a subtly wrong change to it is rejected, and a hand-written faster change to a written
target is accepted by `harness verify`, as a user would run it."""

import os
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypi_changes
import pytest

from harness.targets.loader import load_target
from harness.verify.gate import Verifier


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    target: str  # the written target the changes are made to
    file: str  # its module, relative to the unpacked sdist
    old: str
    wrong: str  # right on most inputs, wrong on some
    faster: tuple[str, str, Callable[[str], str]]  # a target, its file and a faster edit of it
    top: int = 3  # targets init writes: enough that `target` is among them whatever the noise


PACKAGES = {
    "numpy-financial": Package(
        "numpy-financial",
        "1.0.0",
        "fv",
        "numpy_financial/_financial.py",
        "    return -(pv*temp + pmt*fact)",
        "    return -(pv*temp + abs(pmt)*fact)",  # wrong only for payments out (negative)
        ("fv", "numpy_financial/_financial.py", pypi_changes.faster_fv),
        top=10,  # its functions take about a millisecond each: their order is noise
    ),
    "nameparser": Package(
        "nameparser",
        "2.6.0",
        "_normalize",
        "nameparser/_lexicon.py",
        '    if not word.isascii():\n        word = unicodedata.normalize("NFC", word)\n',
        "",  # wrong only on decomposed (NFD) text: its tests and derived inputs hold some
        ("_normset", "nameparser/_lexicon.py", pypi_changes.faster_normset),
        top=5,  # `_normset` and `lc` take about the same time: either may be third
    ),
    "python-slugify": Package(
        "python-slugify",
        "9.2.0",
        "_modern_truncate",
        "slugify/slugify.py",
        "            if next_length <= max_length:",
        "            if next_length < max_length:",  # wrong only when a word fits exactly
        ("slugify", "slugify/_legacy.py", pypi_changes.faster_slugify),
    ),
}


def _unpacked(package: Package, folder: Path) -> Path:
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    spec = f"{package.name}=={package.version}"
    done = subprocess.run([*pip, "-d", str(folder), spec], capture_output=True, text=True)
    if done.returncode != 0 and not os.environ.get("CI"):
        pytest.skip(f"PyPI cannot be reached to download {spec}: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stderr
    [sdist] = folder.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(folder, filter="data")
    [root] = [path for path in folder.iterdir() if path.is_dir()]
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "sdist"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    return root


@pytest.fixture(scope="module", params=sorted(PACKAGES))
def initialized(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Package, Path]:
    package = PACKAGES[request.param]
    root = _unpacked(package, tmp_path_factory.mktemp(package.name))
    done = subprocess.run(
        [sys.executable, "-m", "harness", "init", "--top", str(package.top), str(root)],
        capture_output=True,
        text=True,
        timeout=1800,
        env=os.environ | {"COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return package, root


def test_init_writes_targets_with_no_hand_edits(initialized: tuple[Package, Path]) -> None:
    package, root = initialized
    targets = tomllib.loads((root / "harness.toml").read_text())["target"]
    assert package.target in {target["name"] for target in targets}


def test_the_unchanged_module_is_correct_and_a_subtle_change_is_not(
    initialized: tuple[Package, Path],
) -> None:
    package, root = initialized
    target = load_target(f"{root}::{package.target}")
    original = (root / package.file).read_text()
    assert original.count(package.old) == 1
    assert Verifier(bench=None).evaluate(target, original, seed=7).correct
    wrong = original.replace(package.old, package.wrong)
    verdict = Verifier(bench=None).evaluate(target, wrong, seed=7)
    assert not verdict.correct, verdict.reasons


def test_a_hand_written_faster_change_is_accepted(
    initialized: tuple[Package, Path], tmp_path: Path
) -> None:
    package, root = initialized
    target, file, edit = package.faster
    candidate = tmp_path / Path(file).name
    candidate.write_text(edit((root / file).read_text()))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "verify",
            f"{root}::{target}",
            "--candidate",
            str(candidate),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env=os.environ | {"COLUMNS": "200"},
    )
    assert done.returncode == 0 and "ACCEPTED" in done.stdout, done.stdout[-3000:] + done.stderr
    assert not subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--", file],
        capture_output=True,
        text=True,
    ).stdout  # the repo is untouched
