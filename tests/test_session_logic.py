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


def _relay(
    squares: Target, folder: Path, stages: list[dict[str, ScriptedOptimizer]], **settings: object
) -> tuple[Session, CodeReadingEvaluator]:
    tables = [{"optimizer": list(named)} for named in stages]
    chosen = SessionSettings(
        optimizer=tables[0]["optimizer"],
        stage=tables,
        use_profile=False,
        **settings,  # type: ignore[arg-type]
    )
    evaluator = CodeReadingEvaluator()
    session = Session(squares, chosen, folder, stages=stages, validator=None, evaluator=evaluator)
    return session, evaluator


def test_a_relay_stage_starts_from_the_best_of_the_stage_before(
    squares: Target, tmp_path: Path
) -> None:
    first = ScriptedOptimizer([_faster(2.0), WRONG])
    second = ScriptedOptimizer([_faster(3.0), _faster(1.01)])
    session, evaluator = _relay(
        squares, tmp_path / "s", [{"fake:a": first}, {"fake:b": second}], rounds=1, candidates=2
    )
    assert session.run() == "last stage: 1 rounds done"
    assert [(r.stage, r.optimizer) for r in session.records] == [
        (1, "fake:a"), (1, "fake:a"), (2, "fake:b"), (2, "fake:b"),
    ]  # fmt: skip
    assert [(m.number, m.round, m.best) for m in session.relay.marks] == [
        (1, 0, "original"), (2, 1, "r1c1"),
    ]  # fmt: skip
    baselines = [baseline for _, baseline in evaluator.judged]
    assert baselines[2:] == [_faster(2.0), _faster(2.0)]  # the second stage builds on the first
    assert session.relay.ends == ["1 rounds done"] and session.best == _faster(3.0)


def test_a_stage_ends_on_its_own_patience_and_the_next_one_still_runs(
    squares: Target, tmp_path: Path
) -> None:
    first = ScriptedOptimizer([WRONG, WRONG, WRONG])
    second = ScriptedOptimizer([_faster(2.0)])
    session, _ = _relay(
        squares, tmp_path / "s", [{"fake:a": first}, {"fake:b": second}],
        rounds=5, candidates=1, patience=2,
    )  # fmt: skip
    session.run()
    assert session.relay.ends == ["no improvement in 2 rounds"]
    assert [r.stage for r in session.records][:3] == [1, 1, 2]
    assert session.steps[0].id == "r3c1" and session.steps[0].optimizer == "fake:b"


def test_a_resumed_relay_goes_on_in_the_stage_it_was_in(squares: Target, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    stages = [{"fake:a": ScriptedOptimizer([_faster(2.0)])}, {"fake:b": ScriptedOptimizer([])}]
    session, _ = _relay(squares, folder, stages, rounds=1, candidates=1)
    session.step()
    assert session.stop_reason() is None and session.relay.current.number == 2
    later = [{"fake:a": ScriptedOptimizer([])}, {"fake:b": ScriptedOptimizer([_faster(3.0)])}]
    resumed = Session.resume(folder, stages=later, validator=None, evaluator=CodeReadingEvaluator())
    assert resumed.relay.current.number == 2 and resumed.relay.marks[1].best == "r1c1"
    resumed.step()
    assert resumed.records[-1].optimizer == "fake:b" and resumed.best == _faster(3.0)


def test_the_bandit_comes_to_prefer_the_optimizer_whose_candidates_are_accepted(
    squares: Target, tmp_path: Path
) -> None:
    good, bad = ScriptedOptimizer([_faster(1.5)] * 40), ScriptedOptimizer([WRONG] * 40)
    chosen = SessionSettings(
        optimizer=["fake:good", "fake:bad"], rounds=12, candidates=2, patience=99, seed=3,
        use_profile=False,
    )  # fmt: skip
    session = Session(
        squares, chosen, tmp_path / "s", stages=[{"fake:good": good, "fake:bad": bad}],
        validator=None, evaluator=CodeReadingEvaluator(),
    )  # fmt: skip
    session.run()
    first, later = session.records[:2], session.records[8:]
    assert {r.optimizer for r in first} == {"fake:good", "fake:bad"}  # each tried at once
    picks = [r.optimizer for r in later]
    assert picks.count("fake:good") >= 3 * picks.count("fake:bad"), picks


def test_round_robin_takes_the_optimizers_in_turn(squares: Target, tmp_path: Path) -> None:
    one, two = ScriptedOptimizer([_faster(1.5)] * 9), ScriptedOptimizer([WRONG] * 9)
    chosen = SessionSettings(
        optimizer=["fake:one", "fake:two"], choose="round-robin", rounds=3, candidates=1,
        patience=9, use_profile=False,
    )  # fmt: skip
    session = Session(
        squares, chosen, tmp_path / "s", stages=[{"fake:one": one, "fake:two": two}],
        validator=None, evaluator=CodeReadingEvaluator(),
    )  # fmt: skip
    session.run()
    assert [r.optimizer for r in session.records] == ["fake:one", "fake:two", "fake:one"]


def test_the_bandit_weighs_gain_against_cost() -> None:
    from harness.loop.choose import CHOOSERS
    from harness.records import CandidateRecord
    from harness.verdict import Check, Verdict

    def judged(optimizer: str, cost: float) -> CandidateRecord:
        checks = [Check("benchmark", True, "2x")]
        call = ModelCall("optimizer", optimizer, "v1", "p", "a", cost_usd=cost)
        verdict = Verdict("t", 0, checks, 2.0, (1.9, 2.1))
        return CandidateRecord(
            "r1c1", 1, "original", "accepted", "", 0, verdict=verdict, calls=(call,),
            optimizer=optimizer,
        )  # fmt: skip

    history = [judged("cheap", 0.01), judged("dear", 0.50)] * 4
    picks = CHOOSERS.get("bandit").choose(["cheap", "dear"], history, 200, "seed")
    assert picks.count("cheap") > 0.8 * len(picks)
