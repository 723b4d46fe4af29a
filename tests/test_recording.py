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
