"""`harness init` on real packages from PyPI, of three shapes, with no hand edits: numpy-based
(numpy-financial), class-heavy (nameparser, whose hot code is methods and dataclass copies) and
string processing (python-slugify). For each, the unchanged module of a written target is judged
correct and a subtly wrong change to it is rejected."""

import os
import subprocess
import sys
import tarfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

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


PACKAGES = {
    "numpy-financial": Package(
        "numpy-financial",
        "1.0.0",
        "fv",
        "numpy_financial/_financial.py",
        "    return -(pv*temp + pmt*fact)",
        "    return -(pv*temp + abs(pmt)*fact)",  # wrong only for payments out (negative)
    ),
    "nameparser": Package(
        "nameparser",
        "2.6.0",
        "_normalize",
        "nameparser/_lexicon.py",
        '    if not word.isascii():\n        word = unicodedata.normalize("NFC", word)\n',
        "",  # wrong only on decomposed (NFD) text: its tests and derived inputs hold some
    ),
    "python-slugify": Package(
        "python-slugify",
        "9.2.0",
        "_modern_truncate",
        "slugify/slugify.py",
        "            if next_length <= max_length:",
        "            if next_length < max_length:",  # wrong only when a word fits exactly
    ),
}


def _unpacked(package: Package, folder: Path) -> Path:
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    spec = f"{package.name}=={package.version}"
    done = subprocess.run([*pip, "-d", str(folder), spec], capture_output=True, text=True)
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
        [sys.executable, "-m", "harness", "init", str(root)],
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
