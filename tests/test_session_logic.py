"""The session's own logic (compounding, stop rules, budgets, repair choice, resume) with its
collaborators handed in: a scripted optimizer and an evaluator that reads its verdict from the
code, so no process starts and each test takes milliseconds."""

import re
from pathlib import Path

import pytest

from harness.loop.optimizer import Proposal
from harness.loop.session import Session
from harness.loop.settings import SessionSettings
from harness.records import Code, ModelCall
from harness.targets.loader import Target
from harness.verdict import Check, Counterexample, Verdict

WRONG = "def squares(xs):\n    return xs  # wrong\n"


def _faster(times: float) -> str:
    return f"def squares(xs):\n    return [x * x for x in xs]  # x{times}\n"


class ScriptedOptimizer:
    """Proposes the scripted modules in turn; each call costs `cost` dollars."""

    def __init__(self, sources: list[str | None], cost: float = 0.0) -> None:
        self.sources, self.cost = list(sources), cost
        self.repairs: list[tuple[Code, str]] = []

    def _proposal(self, source: str | None, repair_of: str | None = None) -> Proposal:
        call = ModelCall("optimizer", "scripted", "v1", "prompt", source or "", cost_usd=self.cost)
        return Proposal(source, None if source else "no code block", call, repair_of)

    def propose(
        self, target: Target, current: Code, profile: str, history: str, hint: str = ""
    ) -> Proposal:
        return self._proposal(self.sources.pop(0) if self.sources else None)

    def repair(self, target: Target, failed: Code, problem: str, current: Code) -> Proposal:
        self.repairs.append((failed, problem))
        return self._proposal(_faster(1.5))


class CodeReadingEvaluator:
    """`# wrong` fails a correctness check with a counterexample, `# xN` is N times faster, and
    `# crash` stops the judge as a killed process would."""

    def __init__(self) -> None:
        self.judged: list[tuple[Code, Code | None]] = []

    def evaluate(
        self, target: Target, source: Code, seed: int | None = None, baseline: Code | None = None
    ) -> Verdict:
        self.judged.append((source, baseline))
        text = source if isinstance(source, str) else "".join(source.values())
        if "# crash" in text:
            raise RuntimeError("judge died")
        if "# wrong" in text:
            example = Counterexample("([3],)", "[9]", "[3]")
            return Verdict(target.name, seed or 0, [Check("edge cases", False, "wrong", example)])
        times = float(re.search(r"# x([\d.]+)", text).group(1))  # type: ignore[union-attr]
        faster = times > 1.03
        checks = [Check("edge cases", True, ""), Check("benchmark", faster, f"{times}x")]
        return Verdict(target.name, seed or 0, checks, times, (times * 0.95, times * 1.05))


def _session(
    squares: Target, folder: Path, sources: list[str | None], cost: float = 0.0, **settings: object
) -> tuple[Session, ScriptedOptimizer, CodeReadingEvaluator]:
    chosen = SessionSettings(optimizer="fake:unused", use_profile=False, **settings)  # type: ignore[arg-type]
    optimizer, evaluator = ScriptedOptimizer(sources, cost), CodeReadingEvaluator()
    session = Session(
        squares, chosen, folder, optimizer=optimizer, validator=None, evaluator=evaluator
    )
    return session, optimizer, evaluator


def test_accepted_candidates_compound_and_each_is_judged_against_the_best(
    squares: Target, tmp_path: Path
) -> None:
    sources = [_faster(2.0), _faster(1.5), WRONG, _faster(3.0)]
    session, _, evaluator = _session(squares, tmp_path / "s", sources, rounds=2, candidates=2)
    assert session.run() == "2 rounds done"
    assert [r.status for r in session.records] == ["accepted", "accepted", "rejected", "accepted"]
    assert [step.id for step in session.steps] == ["r1c1", "r2c2"]  # the round's fastest wins
    assert session.best == _faster(3.0) and session.steps[1].parent == "r1c1"
    baselines = [baseline for _, baseline in evaluator.judged]
    assert baselines == [session.original, session.original, _faster(2.0), _faster(2.0)]


def test_patience_stops_a_session_that_no_longer_improves(squares: Target, tmp_path: Path) -> None:
    sources = [_faster(2.0), WRONG, _faster(1.01), None]
    session, _, _ = _session(squares, tmp_path / "s", sources, rounds=9, candidates=1, patience=2)
    assert session.run() == "no improvement in 2 rounds"
    assert session.round == 3 and [s.id for s in session.steps] == ["r1c1"]


def test_the_cost_budget_stops_the_session_once_spent(squares: Target, tmp_path: Path) -> None:
    session, _, _ = _session(
        squares, tmp_path / "s", [_faster(2.0)] * 9, cost=0.4, rounds=9, candidates=1,
        patience=9, budget_usd=1.0,
    )  # fmt: skip
    assert session.run() == "cost budget $1 reached"
    assert len(session.records) == 3 and session.cost_usd == pytest.approx(1.2)


def test_a_repair_is_asked_for_the_last_rounds_wrong_candidate_with_its_counterexample(
    squares: Target, tmp_path: Path
) -> None:
    sources = [WRONG, None, _faster(2.0)]
    session, optimizer, _ = _session(
        squares, tmp_path / "s", sources, rounds=2, candidates=2, repair=True
    )
    session.run()
    [(failed, problem)] = optimizer.repairs
    assert failed == WRONG and "input ([3],), expected [9], got [3]" in problem
    repaired = [r for r in session.records if r.repair_of is not None]
    assert [(r.repair_of, r.status) for r in repaired] == [("r1c1", "accepted")]


def test_a_resumed_session_judges_nothing_twice_and_keeps_its_best(
    squares: Target, tmp_path: Path
) -> None:
    folder, crash = tmp_path / "s", "def squares(xs):\n    return xs  # crash\n"
    sources = [_faster(2.0), WRONG, WRONG, crash]
    session, _, _ = _session(squares, folder, sources, rounds=3, candidates=2)
    session.step()
    with pytest.raises(RuntimeError, match="judge died"):  # as a kill -9 in round 2 would
        session.step()
    optimizer, evaluator = ScriptedOptimizer([_faster(4.0)]), CodeReadingEvaluator()
    resumed = Session.resume(folder, optimizer=optimizer, validator=None, evaluator=evaluator)
    assert [r.id for r in resumed.records] == ["r1c1", "r1c2", "r2c1"]
    assert resumed.best == _faster(2.0) and resumed.round == 1
    result = resumed.step()  # the round in flight is completed: one more candidate, not two
    assert [r.id for r in result.records] == ["r2c1", "r2c2"] and len(evaluator.judged) == 1
    assert resumed.best == _faster(4.0) and [s.id for s in resumed.steps] == ["r1c1", "r2c2"]


def test_a_journal_line_written_before_records_were_typed_reads_back() -> None:
    from harness.records import CandidateRecord

    old = {  # as the journal held it: the verdict as its JSON, speedups beside it
        "id": "r1c1", "round": 1, "parent": "original", "status": "accepted", "reason": "ok",
        "seed": 5, "source": _faster(2.0), "diff": "", "speedup": 2.0, "speedup_ci": [1.9, 2.1],
        "verdict": {
            "target": "squares", "accepted": True, "correct": True, "speedup": 2.0,
            "speedup_ci": [1.9, 2.1], "reasons": ["benchmark: 2x"], "seed": 5, "flags": [],
            "checks": [{"name": "edge cases", "passed": False, "detail": "wrong",
                        "counterexample": {"args": "([3],)", "expected": "[9]", "actual": "[3]"}},
                       {"name": "benchmark", "passed": True, "detail": "2x"}],
            "benchmark": None, "sandbox": "none",
        },
        "review": {"approve": True, "reasons": ["fine"], "inputs": [[[1]]]},
        "calls": [{"role": "optimizer", "provider": "fake:x", "prompt_version": "v1",
                   "prompt": "p", "answer": "a", "input_tokens": 3, "output_tokens": 4,
                   "cost_usd": 0.0, "seconds": 0.5, "error": None}],
        "seconds": 3.0, "repair_of": None,
    }  # fmt: skip
    record = CandidateRecord.from_json(old)
    assert record.speedup == 2.0 and record.speedup_ci == (1.9, 2.1)
    assert record.verdict is not None and record.verdict.counterexample is not None
    assert record.review is not None and record.review.inputs == [[[1]]]
    assert (
        record.calls[0].started_at == 0.0 and CandidateRecord.from_json(record.to_json()) == record
    )
