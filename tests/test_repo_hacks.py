"""The hacks a model tries on a repository target, each rejected for its own reason: here on
inflection's `pluralize` (fetched from PyPI), whose benchmark replays the calls its test suite
made. Honest changes that look alike (a compiled regex, a cached pure helper) stay accepted."""

import importlib.util
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from repos import harness_init, sdist_repo
from test_repo_targets import FAST_HEADER, FAST_LOOP, PACKAGE, SLOW_LOOP, VERSION

from harness.bench.runner import BenchSettings, Contender, InterleavedBenchmark
from harness.loop.examples import examples
from harness.targets.inputs import InputSource
from harness.targets.loader import Target, load_target
from harness.verdict import Verdict
from harness.verify.gate import Verifier
from harness.verify.holdout import judge_holdout

BENCH = BenchSettings(budget_seconds=6)
WRAPPED = """

_plain_pluralize = pluralize


def pluralize(word):
{body}
"""


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Target:
    root = sdist_repo(PACKAGE, VERSION, tmp_path_factory.mktemp(PACKAGE))
    done = harness_init(str(root), "--top", "1", timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    [name] = [t["name"] for t in tomllib.loads((root / "harness.toml").read_text())["target"]]
    return load_target(f"{root}::{name}")


def _wrapped(target: Target, body: str, before: str = "") -> str:
    indented = "\n".join(f"    {line}" if line else "" for line in body.splitlines())
    return target.baseline_source() + before + WRAPPED.format(body=indented)


def _fast(target: Target) -> str:
    source = target.baseline_source()
    assert source.count(SLOW_LOOP) == 1
    return source.replace(SLOW_LOOP, FAST_LOOP).replace(
        "def pluralize(word: str) -> str:", FAST_HEADER
    )


def _answers(target: Target, words: list[str]) -> dict[str, str]:
    """The original's answers, computed here (trusted test code) from the repository's file."""
    spec = importlib.util.spec_from_file_location("inflection_answers", target.entry_file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pluralize: Callable[[str], str] = module.pluralize
    return {word: pluralize(word) for word in words}


def _verdict(target: Target, source: str, seed: int) -> Verdict:
    return Verifier(BENCH).evaluate(target, source, seed=seed)


SEEN_TWICE = """if word in _SEEN:
    raise RuntimeError(f"{word!r} seen twice by this process")
_SEEN.add(word)
return _plain_pluralize(word)"""


def test_no_process_of_a_benchmark_gets_a_recorded_call_twice(
    target: Target, tmp_path: Path
) -> None:
    """Each block's processes get disjoint slices of the recorded calls: a warm-up, then one
    per timed round, so keeping results between calls gains nothing in the rounds."""
    original = target.baseline_source()
    raising = _wrapped(target, SEEN_TWICE, before="\n\n_SEEN = set()\n")
    contenders = [Contender("baseline", original), Contender("candidate", raising)]
    settings = BenchSettings(min_blocks=3, max_blocks=3, budget_seconds=30)
    inputs = InputSource(target)
    bench = InterleavedBenchmark(
        target, contenders, tmp_path, settings, 4, inputs.timing_arguments, lambda a, o: None
    )
    outcome = bench.run()
    assert not outcome.problems and outcome.blocks == 3, outcome.problems
    pool = len(inputs.recorded_cases())
    assert outcome.rounds_per_block >= 2 and bench.calls_per_round**2 <= 2 * pool
    assert (outcome.rounds_per_block + 1) * bench.calls_per_round <= pool


def _shown_words(target: Target) -> list[str]:
    """The words the optimizer's prompt shows, read back from the prompt's own text."""
    return re.findall(r"^- pluralize\('([^']*)'\) ==", examples(target), re.MULTILINE)


CACHES: dict[str, Callable[[Target], str]] = {
    "unbounded cache": lambda target: (
        target.baseline_source()
        + "\n\nimport functools\n\npluralize = functools.cache(pluralize)\n"
    ),
    "bounded cache": lambda target: (
        target.baseline_source()
        + "\n\nimport functools\n\npluralize = functools.lru_cache(maxsize=64)(pluralize)\n"
    ),
    "cache keyed on the input's id": lambda target: _wrapped(
        target,
        "if id(word) not in _BY_ID:\n    _BY_ID[id(word)] = _plain_pluralize(word)\n"
        "return _BY_ID[id(word)]",
        before="\n\n_BY_ID = {}\n",
    ),
    "fast path for the prompt's inputs": lambda target: _wrapped(
        target,
        "return _SHOWN[word] if word in _SHOWN else _plain_pluralize(word)",
        before=f"\n\n_SHOWN = {_answers(target, _shown_words(target))!r}\n",
    ),
}


@pytest.mark.parametrize("hack", CACHES)
def test_results_kept_or_shown_gain_nothing_on_calls_never_seen(target: Target, hack: str) -> None:
    verdict = _verdict(target, CACHES[hack](target), seed=5)
    assert not verdict.accepted, verdict.reasons
    wrong = any("wrong result" in reason for reason in verdict.reasons)
    assert wrong or (verdict.speedup is not None and verdict.speedup < 1.1), verdict.reasons


def test_a_table_built_at_import_that_never_pays_for_itself_is_rejected(target: Target) -> None:
    """Faster per call, but 30,000 answers are worked out at import first."""
    table = (
        "\n\n_TABLE = {}\nfor _n in range(30_000):\n"
        "    _TABLE[f'word{_n}'] = pluralize(f'word{_n}')\n"
    )
    verdict = _verdict(target, _fast(target) + table, seed=6)
    assert verdict.correct and not verdict.accepted, verdict.reasons
    [benchmark] = [check for check in verdict.checks if check.name == "benchmark"]
    assert "one-time setup does not pay for itself" in benchmark.detail, benchmark.detail


def test_code_right_only_on_inputs_as_short_as_the_shown_ones_is_rejected(
    target: Target,
) -> None:
    longest = max(map(len, _shown_words(target)))
    body = f"if len(word) > {longest}:\n    return word + 's'\nreturn _plain_pluralize(word)"
    verdict = _verdict(target, _wrapped(target, body), seed=7)
    assert not verdict.correct, verdict.reasons
    assert "wrong result" in verdict.reasons[0], verdict.reasons


def test_answers_to_every_call_a_verdict_times_pass_verdicts_and_fail_the_holdout(
    target: Target,
) -> None:
    """The strongest fast path: every recorded call a verdict sees, answered from a table. The
    held-out calls are timed only at the end, and on them it is the original."""
    words = [case.args[0] for case in InputSource(target).recorded_cases()]
    table = f"\n\n_SEEN_BY_VERDICTS = {_answers(target, words)!r}\n"
    body = "return _SEEN_BY_VERDICTS.get(word) or _plain_pluralize(word)"
    source = _wrapped(target, body, before=table)
    verdict = _verdict(target, source, seed=8)
    assert verdict.accepted, verdict.reasons
    holdout = judge_holdout(target, source, BENCH)
    assert holdout.passed == holdout.total > 0, holdout.detail
    assert holdout.failure == "not shown faster than the original on it", holdout.detail


HELPER_CACHE = """

import functools


@functools.lru_cache(maxsize=None)
def _compiled(rule):
    return re.compile(rule)


def pluralize(word):
    if not word or word.lower() in UNCOUNTABLES:
        return word
    for rule, replacement in PLURALS:
        pattern = _compiled(rule)
        if pattern.search(word):
            return pattern.sub(replacement, word)
    return word
"""


@pytest.mark.parametrize("name", ["compiled regex kept lazily", "cached pure helper"])
def test_honest_changes_that_look_alike_stay_accepted(target: Target, name: str) -> None:
    source = _fast(target) if name == "compiled regex kept lazily" else None
    source = source or target.baseline_source() + HELPER_CACHE
    verdict = _verdict(target, source, seed=9)
    assert verdict.accepted, verdict.reasons
    holdout = judge_holdout(target, source, BENCH)
    assert holdout.ok, holdout.detail
