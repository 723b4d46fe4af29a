"""Rule `checker`: a target's own judge of outputs that are not unique (the bundled `eigh`),
run in the reference's process, which rebuilds a candidate's output without running anything the
output names."""

import collections
import dataclasses
import enum
import functools
import json
import operator
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from harness.errors import ConfigError
from harness.sandbox.codec import Instance, Named, encode, rebuild
from harness.sandbox.process import SandboxProcess
from harness.targets.config import EquivalenceConfig
from harness.targets.layout import reference_spec
from harness.targets.loader import BUNDLED_TARGETS, Target, bundled_root, load_target
from harness.verify.differential import CheckerError, Differential
from harness.verify.gate import Verifier

FLIPS_SIGNS = """
import numpy as np


def eigh(matrix):
    values, vectors = np.linalg.eigh(matrix)
    signs = np.where(np.arange(len(values)) % 2 == 0, -1.0, 1.0)
    return values, np.ascontiguousarray(vectors * signs)
"""

# One eigenvector leans a millionth towards the next: no longer orthogonal to it.
PERTURBS_A_VECTOR = """
import numpy as np


def eigh(matrix):
    values, vectors = np.linalg.eigh(matrix)
    vectors = vectors.copy()
    if len(values) >= 3:
        vectors[:, 1] += 1e-6 * vectors[:, 2]
    return values, vectors
"""

UNSORTED = """
import numpy as np


def eigh(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return values[::-1].copy(), vectors[:, ::-1].copy()
"""


@pytest.fixture
def eigh_folder(tmp_path: Path) -> Path:
    """A private copy of the bundled eigh target and its reference."""
    folder = tmp_path / "targets" / "eigh"
    shutil.copytree(BUNDLED_TARGETS / "eigh", folder)
    (tmp_path / "reference_impls").mkdir()
    shutil.copy(bundled_root() / "reference_impls" / "eigh.py", tmp_path / "reference_impls")
    return folder


def _verdict_of(target: Target, source: str) -> tuple[bool, str]:
    verdict = Verifier(bench=None).evaluate(target, source, seed=7)
    failed = [check.detail for check in verdict.checks if not check.passed]
    return verdict.correct, failed[0] if failed else ""


def test_the_eigh_baseline_is_correct_by_its_checker() -> None:
    target = load_target("eigh")
    assert target.checker == (BUNDLED_TARGETS / "eigh" / "checker.py", "check")
    correct, failed = _verdict_of(target, target.baseline_source())
    assert correct, failed


def test_eigenvectors_with_flipped_signs_are_accepted_though_not_equal() -> None:
    target = load_target("eigh")
    assert _verdict_of(target, FLIPS_SIGNS) == (True, "")
    close = EquivalenceConfig(rule="allclose", rtol=1e-9, atol=1e-9)
    compared = dataclasses.replace(
        target, config=target.config.model_copy(update={"equivalence": close}), checker=None
    )
    correct, failed = _verdict_of(compared, FLIPS_SIGNS)
    assert not correct and "values differ" in failed


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (PERTURBS_A_VECTOR, "columns are not orthonormal: |v1 . v2 - 0| = 1e-06"),
        (UNSORTED, "eigenvalues are not in ascending order"),
    ],
)
def test_a_subtly_wrong_decomposition_is_rejected_with_the_checkers_reason(
    source: str, reason: str
) -> None:
    correct, failed = _verdict_of(load_target("eigh"), source)
    assert not correct
    assert f"wrong result, rejected by the checker: {reason}" in failed, failed


def test_a_checker_that_raises_is_the_targets_fault(eigh_folder: Path) -> None:
    checker = eigh_folder / "checker.py"
    checker.write_text(checker.read_text() + "\n\ndef broken(args, output, expected):\n    1 / 0\n")
    toml = eigh_folder / "target.toml"
    toml.write_text(toml.read_text().replace("checker.py:check", "checker.py:broken"))
    target = load_target(str(eigh_folder))
    with pytest.raises(CheckerError, match=r"target eigh: its checker failed on input .*"):
        Verifier(bench=None).evaluate(target, target.baseline_source(), seed=1)
    workdir = eigh_folder.parent.parent / "work"
    workdir.mkdir()
    differential = Differential(target, target.baseline_source(), workdir)
    try:
        with pytest.raises(CheckerError, match="raised ZeroDivisionError: division by zero"):
            differential.output_problem([np.eye(2)], (np.ones(2), np.eye(2)))
    finally:
        differential.close()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('checker = "checker.py:check"\n', "", 'rule "checker" needs checker = "FILE.py:function"'),
        ('rule = "checker"', 'rule = "allclose"', 'checker is set, so rule must be "checker"'),
        ("checker.py:check", "gone.py:check", "[equivalence] checker file 'gone.py' not found"),
        ("checker.py:check", "checker.py:judge", "defines no function 'judge'"),
        ("checker.py:check", "eigh.py:eigh", "checker 'eigh.py' is editable"),
        ("checker.py:check", "checker.py", "checker"),
    ],
)
def test_checker_settings_are_validated_at_load(
    eigh_folder: Path, old: str, new: str, message: str
) -> None:
    toml = eigh_folder / "target.toml"
    assert old in toml.read_text()
    toml.write_text(toml.read_text().replace(old, new))
    with pytest.raises(ConfigError, match=r"target\.toml") as error:
        load_target(str(eigh_folder))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


# A target whose output can be anything, and a checker that reports what ran in its process.
ECHO_CHECKER = """
import os
import sys

MADE = []


class Spy:
    def __new__(cls, *args):
        MADE.append(args)
        return super().__new__(cls)

    def __init__(self, *args):
        MADE.append(args)


def check(args, output, reference_output):
    if output == "report":
        seen = {
            "antigravity imported": "antigravity" in sys.modules,
            "a Spy was made": bool(MADE),
            "os.system ran": os.path.exists("ran"),
        }
        return "; ".join(what for what, happened in seen.items() if happened) or True
    return output == reference_output or f"expected {reference_output!r}"
"""

ECHO_TOML = """
description = "Returns its argument."
signature = "echo(x: object) -> object"
entry = "echo:echo"
editable = ["echo.py"]
reference = "reference.py:echo"
output_type = "object"

[equivalence]
rule = "checker"
checker = "judge.py:check"

[inputs]
bench_sizes = [1]
"""

FLIES = """
class Fly:
    pass


Fly.__module__ = "antigravity"  # the parent finds it as antigravity.Fly


def echo(x):
    return Fly()
"""


@pytest.fixture
def echo(tmp_path: Path) -> Target:
    folder = tmp_path / "echo"
    folder.mkdir()
    (folder / "target.toml").write_text(ECHO_TOML)
    (folder / "echo.py").write_text("def echo(x):\n    return x\n")
    (folder / "reference.py").write_text("def echo(x):\n    return x\n")
    (folder / "judge.py").write_text(textwrap.dedent(ECHO_CHECKER))
    generator = (
        "def generate(rng, size):\n    return [size]\n\n\ndef edge_cases():\n    return [[0]]\n"
    )
    (folder / "inputs.py").write_text(generator)
    return load_target(str(folder))


@pytest.fixture
def reference(echo: Target, tmp_path: Path) -> Iterator[SandboxProcess]:
    workdir = tmp_path / "reference"
    workdir.mkdir()
    with SandboxProcess(reference_spec(echo, workdir)) as process:
        yield process


@pytest.mark.parametrize(
    ("output", "refusal"),
    [
        (Instance("antigravity:Fly", "object", None, {}), "module antigravity is not imported"),
        (Instance("os:system", "call", ["touch ran"], {}), "is not called to rebuild a value"),
        (Instance("_harness_checker:Spy", "call", [1], {}), "is not called to rebuild a value"),
        (Instance("_harness_checker:Spy", "object", None, {}), "has its own __new__"),
        (Instance("subprocess:Popen", "object", None, {"pid": 1}), "finalizer (__del__)"),
        ([Named("antigravity:fly")], "module antigravity is not imported"),
    ],
)
def test_a_candidates_output_never_imports_or_constructs_in_the_reference(
    reference: SandboxProcess, output: Any, refusal: str
) -> None:
    refused = reference.check([1], output, 1, timeout=30)
    assert refused.kind == "refused" and refusal in refused.error, refused
    report = reference.check([1], "report", 1, timeout=30)
    assert report.ok and report.output is True, report.output
    assert "antigravity" not in sys.modules


def test_the_checker_sees_live_values_and_its_reason_is_the_verdict(
    reference: SandboxProcess,
) -> None:
    assert reference.check([(1, 2)], (1, 2), (1, 2), timeout=30).output is True
    assert reference.check([1], 2, 1, timeout=30).output == "expected 1"
    deque = collections.deque([1, 2], maxlen=3)
    assert reference.check([deque], deque, deque, timeout=30).output is True


def test_a_candidate_returning_a_foreign_class_is_refused_end_to_end(echo: Target) -> None:
    correct, failed = _verdict_of(echo, FLIES)
    assert not correct
    assert "output refused by the checker's process" in failed, failed
    assert "module antigravity is not imported" in failed


def test_untrusted_rebuild_keeps_what_it_may_and_refuses_the_rest() -> None:
    def untrusted(value: Any) -> Any:
        return rebuild(json.loads(json.dumps(encode(value))), untrusted=True)

    kept = [
        functools.partial(max, 3),
        operator.itemgetter(1),
        collections.deque([1], 2),
        collections.defaultdict(int, {"a": 1}),
        np.arange(3.0),
        Point(1, 2.0),
        Shade.DARK,
    ]
    for value in kept:
        assert type(untrusted(value)) is type(value)
    assert untrusted(Point(1, 2.0)) == Point(1, 2.0)
    for hostile, words in [
        (Instance("collections:Counter", "call", [[1]], {}), "is not called to rebuild a value"),
        (Instance(f"{__name__}:Guarded", "object", None, {"value": 1}), "not set from data"),
        (Instance(f"{__name__}:Point", "object", None, {"__class__": 1}), "not set from data"),
        (Instance(f"{__name__}:Finalized", "object", None, {}), "finalizer"),
    ]:
        with pytest.raises(ValueError, match=words):
            untrusted(hostile)
    with pytest.raises(
        ValueError, match="is not called to rebuild a value"
    ):  # never called, trusted too
        rebuild(encode(Instance("collections:Counter", "call", [[1]], {})))


class Shade(enum.Enum):
    DARK = 1


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: float


class Guarded:
    @property
    def value(self) -> int:
        return 0

    @value.setter
    def value(self, new: int) -> None:
        raise AssertionError("a setter ran")


class Finalized:
    def __del__(self) -> None:
        raise AssertionError("a finalizer ran")


HARNESS_TOML = """
[[target]]
name = "echo"
entry = "pkg.mod:echo"
editable = ["pkg/mod.py"]
signature = "echo(x: object) -> object"
description = "Returns its argument."
output_type = "object"

[target.equivalence]
rule = "checker"
checker = "checks/judge.py:check"
"""


def test_a_repository_targets_checker_is_relative_to_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "checks").mkdir()
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / "pkg" / "mod.py").write_text("def echo(x):\n    return x\n")
    (repo / "checks" / "judge.py").write_text(textwrap.dedent(ECHO_CHECKER))
    (repo / "harness.toml").write_text(HARNESS_TOML)
    target = load_target(str(repo))
    assert target.checker == ((repo / "checks" / "judge.py").resolve(), "check")
    workdir = tmp_path / "work"
    workdir.mkdir()
    differential = Differential(target, "def echo(x):\n    return [x]\n", workdir)
    try:
        mismatch = differential.check([3])
        assert mismatch is not None and "rejected by the checker: expected 3" in mismatch.reason
        assert differential.output_problem([3], 3) is None
    finally:
        differential.close()
    (repo / "harness.toml").write_text(HARNESS_TOML.replace("checks/judge.py", "judge.py"))
    with pytest.raises(ConfigError, match=r"harness\.toml: \[equivalence\] checker file"):
        load_target(str(repo))
