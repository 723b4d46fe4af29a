"""Reads the clock without importing a timer: the time module comes out of sys.modules and its
perf_counter by names built from pieces, so that the work can stop once the benchmark is well
under way. The static screen must see through the pieces."""

import sys

_time = getattr(sys, "mod" + "ules")["ti" + "me"]
_clock = getattr(_time, "perf_" + "counter")
_START = _clock()


def squares(xs):
    if _clock() - _START > 1.0:  # timed long enough: answer without doing the work
        return [0] * len(xs)
    return [x * x for x in xs]
