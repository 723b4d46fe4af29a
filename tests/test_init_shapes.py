"""`harness init` on the shapes hot code really has: methods (instance, class and static), a
property's getter, a closure made by a factory, a generator and keyword-only arguments each
become a target whose unchanged original is judged correct, and a subtly wrong change to each is
rejected."""

import tomllib
from pathlib import Path

import pytest
from repos import harness_init, make_repo

from harness.targets.loader import load_target
from harness.verify.gate import Verifier

MODULE = '''import dataclasses


@dataclasses.dataclass
class Ledger:
    """A running balance."""

    balance: int = 0

    def post(self, amounts, *, fee=0):
        """Post amounts, each less a fee; the new balance."""
        for amount in amounts:
            self.balance += amount - fee
        return self.balance

    @property
    def digits(self):
        """How many digits the balance has."""
        count = 0
        for _ in str(abs(self.balance)):
            count += 1
        return count

    @classmethod
    def opened(cls, start):
        """A ledger opened with a balance."""
        total = 0
        for _ in range(start):
            total += 1
        return cls(total)

    @staticmethod
    def spread(amounts):
        """Largest minus smallest amount."""
        return max(amounts) - min(amounts) if amounts else 0


def make_scaler(factor):
    """Scale by a factor."""

    def scale(values):
        return [value * factor for value in values]

    return scale


def running_totals(values):
    """Running totals."""
    total = 0
    for value in values:
        total += value
        yield total
'''
TESTS = """from books.ledger import Ledger, make_scaler, running_totals


def test_everything():
    for n in range(1, 60):
        amounts = list(range(n))
        ledger = Ledger.opened(n)
        assert ledger.post(amounts, fee=1) == n + sum(amounts) - n
        assert ledger.digits == len(str(ledger.balance))
        assert Ledger.spread(amounts) == n - 1
        assert make_scaler(n)(amounts) == [a * n for a in amounts]
        assert list(running_totals(amounts))[-1] == sum(amounts)
"""
# One subtly wrong change per target: each is right on the calls the suite makes most often.
WRONG = {
    "Ledger-post": (
        "self.balance += amount - fee",
        "self.balance += amount - (fee if amount else 0)",
    ),
    "Ledger-digits": ("return count\n", "return count if count < 4 else count - 1\n"),
    "Ledger-opened": ("return cls(total)", "return cls(total if start < 50 else total + 1)"),
    "Ledger-spread": ("max(amounts) - min(amounts)", "max(amounts) - amounts[0]"),
    "make_scaler-scale": ("value * factor for", "value * factor if value < 40 else value for"),
    "running_totals": ("        yield total", "        if value < 45:\n            yield total"),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"books/__init__.py": "", "books/ledger.py": MODULE, "test_ledger.py": TESTS}
    root = make_repo(tmp_path_factory.mktemp("shapes") / "books", files)
    done = harness_init(str(root), "--top", "7", timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_every_shape_becomes_a_target(repo: Path) -> None:
    written = tomllib.loads((repo / "harness.toml").read_text())["target"]
    entries = {target["name"]: target["entry"] for target in written}
    assert entries == {
        "Ledger-post": "books.ledger:Ledger.post",
        "Ledger-digits": "books.ledger:Ledger.digits",
        "Ledger-opened": "books.ledger:Ledger.opened",
        "Ledger-spread": "books.ledger:Ledger.spread",
        "make_scaler-scale": "books.ledger:make_scaler.<locals>.scale",
        "running_totals": "books.ledger:running_totals",
    }
    signatures = {target["name"]: target["signature"] for target in written}
    assert signatures["Ledger-post"] == (
        "post(self: books.ledger.Ledger, amounts: list[int], *, fee: int) -> int"
    )
    mutating = {target["name"] for target in written if target["mutates_inputs"]}
    assert mutating == {"Ledger-post"}  # it changes its receiver


@pytest.mark.parametrize("name", sorted(WRONG))
def test_each_target_accepts_its_original_and_rejects_a_subtle_change(
    repo: Path, name: str
) -> None:
    target = load_target(f"{repo}::{name}")
    assert Verifier(bench=None).evaluate(target, MODULE, seed=5).correct
    old, new = WRONG[name]
    assert MODULE.count(old) == 1
    verdict = Verifier(bench=None).evaluate(target, MODULE.replace(old, new), seed=5)
    assert not verdict.correct, verdict.reasons
