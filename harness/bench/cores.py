"""Where the benchmark's parent runs while its children are measured, and how quickly its
threads hand the GIL over."""

import contextlib
import os
import sys
from collections.abc import Iterator

from harness.sandbox.limits import spare_cores

_SWITCH_INTERVAL_SECONDS = 0.0005


@contextlib.contextmanager
def parent_off_core(core: int | None) -> Iterator[None]:
    """Keep this process (input generation, checks) off the core the measured processes use."""
    spare = spare_cores(core)
    if not spare:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, spare)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


@contextlib.contextmanager
def quick_handoffs() -> Iterator[None]:
    """Helper threads (inputs, process start-up) must not hold the GIL for the default 5 ms while
    a measured process waits for this thread to answer its handshake."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(_SWITCH_INTERVAL_SECONDS)
    try:
        yield
    finally:
        sys.setswitchinterval(before)
