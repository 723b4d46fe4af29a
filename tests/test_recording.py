"""What `harness init` records of a workload's calls: a sample of the whole run, not its start."""

import json
import os
import sys
from pathlib import Path

from harness.discover.hook import MAX_CALLS_PER_FUNCTION, Recorder


def watched(text: str) -> str:
    return text.upper()


def test_calls_are_sampled_across_the_whole_workload_not_its_first_hundred(
    tmp_path: Path,
) -> None:
    """A suite that walks its inputs in order (code points, sizes) must not leave only its
    first inputs on record."""
    code = watched.__code__
    where = (os.path.realpath(code.co_filename), code.co_firstlineno, code.co_name)
    recorder = Recorder(tmp_path, {where})
    sys.setprofile(recorder.event)
    try:
        for number in range(2000):
            watched(chr(ord("a") + number % 26) * (1 + number // 26))  # longer as it goes
    finally:
        sys.setprofile(None)
    recorder.write()
    [report] = [json.loads(path.read_text()) for path in tmp_path.glob("*.json")]
    [calls] = report["calls"].values()
    lengths = sorted(len(call["args"][0]) for call in calls)
    assert len(calls) == MAX_CALLS_PER_FUNCTION
    assert lengths[0] <= 10 and lengths[-1] >= 70  # from the start and the end of the run
    assert sum(length > 40 for length in lengths) >= 30  # the second half is well represented


def test_the_processes_samples_are_merged_into_one_even_sample() -> None:
    from harness.discover.record import _sample

    pooled = [{"args": [index]} for index in range(5 * MAX_CALLS_PER_FUNCTION)]
    kept = [call["args"][0] for call in _sample(pooled)]
    assert len(kept) == MAX_CALLS_PER_FUNCTION and kept == sorted(kept)
    assert min(kept) < MAX_CALLS_PER_FUNCTION and max(kept) >= 4 * MAX_CALLS_PER_FUNCTION


class Account:
    def __init__(self, balance: int) -> None:
        self.balance = balance

    def deposit(self, amount: int, *, fee: int = 0) -> int:
        self.balance += amount - fee
        return self.balance

    @classmethod
    def opened_with(cls, balance: int) -> "Account":
        return cls(balance)


def squares(n: int, *extra: int):  # type: ignore[no-untyped-def]
    for i in range(n):
        yield i * i + sum(extra)


def make_scaler(factor: int, *, offset: int = 0):  # type: ignore[no-untyped-def]
    def scale(values: list[int]) -> list[int]:
        return [value * factor + offset for value in values]

    return scale


def _record(tmp_path: Path, functions: list[object], run: object) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    codes = [getattr(f, "__func__", f).__code__ for f in functions]  # type: ignore[attr-defined]
    wanted = {(os.path.realpath(c.co_filename), c.co_firstlineno, c.co_name) for c in codes}
    recorder = Recorder(tmp_path, wanted)
    sys.setprofile(recorder.event)
    try:
        run()  # type: ignore[operator]
    finally:
        sys.setprofile(None)
    recorder.write()
    [report] = [json.loads(path.read_text()) for path in tmp_path.glob("*.json")]
    assert report["problems"] == {}
    return {key.rsplit(":", 1)[1]: calls for key, calls in report["calls"].items()}


def test_methods_keywords_generators_and_closures_are_recorded_as_calls(tmp_path: Path) -> None:
    inner = make_scaler(1).__code__

    def run() -> None:
        Account(10).deposit(5, fee=1)
        Account.opened_with(7)
        list(squares(3, 10))
        make_scaler(3, offset=1)([1, 2])  # made while the workload runs, as closures are

    calls = _record(tmp_path, [Account.deposit, Account.opened_with, squares, make_scaler(1)], run)
    deposit = calls[str(Account.deposit.__code__.co_firstlineno)][0]
    assert deposit["args"][0]["__instance__"].endswith(":Account")  # the receiver, with its state
    assert deposit["args"][0]["state"] == [["balance", 10]] and deposit["mutates"]
    assert deposit["args"][2] == {"__kwargs__": [["fee", 1]]} and deposit["output"] == 14
    opened = calls[str(Account.opened_with.__func__.__code__.co_firstlineno)][0]
    assert opened["args"][0]["__named__"].endswith(":Account") and opened["args"][1] == 7
    assert [call["args"] for call in calls[str(squares.__code__.co_firstlineno)]] == [[3, 10]]
    [made] = calls[str(inner.co_firstlineno)]
    assert made["args"] == [[3, {"__kwargs__": [["offset", 1]]}], [1, 2]] and made["output"] == [
        4,
        7,
    ]


def test_a_function_called_with_few_distinct_arguments_is_not_encoded_on_every_call(
    tmp_path: Path,
) -> None:
    """Its slots never fill, so before, every one of a million calls was encoded."""
    recorder = Recorder(tmp_path, set())
    first = [recorder._victim([], seen) for seen in range(1, 1001)]
    assert first == [""] * 1000  # the first calls are all tried
    later = [recorder._victim([], seen) for seen in range(1001, 101_001)]
    tried = sum(victim == "" for victim in later)
    assert 2_000 < tried < 10_000  # about 1000 * ln(100): a few per thousand calls, not all
