"""Equivalence rules: is a candidate's output the same as the reference's?

Each rule returns None when the outputs are equivalent, else a short description of the first
difference. Values are decoded plain data; exact types are compared too, so `1` never equals `1.0`.
"""

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from harness.registry import Registry
from harness.targets.config import EquivalenceConfig

Comparator = Callable[[Any, Any, EquivalenceConfig], str | None]
comparators: Registry[Comparator] = Registry("equivalence rule")


def _walk(expected: Any, actual: Any, leaf: Callable[[Any, Any], bool], path: str) -> str | None:
    if type(expected) is not type(actual):
        return f"{path}: expected {type(expected).__name__}, got {type(actual).__name__}"
    if isinstance(expected, list | tuple):
        if len(expected) != len(actual):
            return f"{path}: expected length {len(expected)}, got {len(actual)}"
        if _same_floats(expected, actual, leaf):
            return None
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            difference = _walk(want, got, leaf, f"{path}[{index}]")
            if difference:
                return difference
        return None
    if isinstance(expected, dict):
        if expected.keys() != actual.keys():
            want, got = sorted(map(repr, expected)), sorted(map(repr, actual))
            return f"{path}: expected keys {want}, got {got}"
        for key in expected:
            difference = _walk(expected[key], actual[key], leaf, f"{path}[{key!r}]")
            if difference:
                return difference
        return None
    return None if leaf(expected, actual) else f"{path}: expected {expected!r}, got {actual!r}"


def _same_floats(expected: Any, actual: Any, leaf: Callable[[Any, Any], bool]) -> bool:
    """Fast path for long float vectors: numpy applies `leaf`'s rule; on failure the walk runs."""
    if len(expected) < 64 or not set(map(type, expected)) == set(map(type, actual)) == {float}:
        return False
    rule = getattr(leaf, "vector", None)
    return rule is not None and bool(rule(np.array(expected), np.array(actual)))


def _vector_equal(expected: Any, actual: Any) -> bool:
    return bool(np.array_equal(expected, actual, equal_nan=True))


def _equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return math.isnan(actual)
    return bool(expected == actual)


_equal.vector = _vector_equal  # type: ignore[attr-defined]


@comparators.register("exact")
def exact(expected: Any, actual: Any, config: EquivalenceConfig) -> str | None:
    return _walk(expected, actual, _equal, "output")


@comparators.register("allclose")
def allclose(expected: Any, actual: Any, config: EquivalenceConfig) -> str | None:
    def close(want: Any, got: Any) -> bool:
        if isinstance(want, float) and math.isfinite(want) and math.isfinite(got):
            return bool(abs(got - want) <= config.atol + config.rtol * abs(want))
        return _equal(want, got)

    def close_vector(want: Any, got: Any) -> bool:
        finite = np.isfinite(want) & np.isfinite(got)
        near = np.abs(got - want) <= config.atol + config.rtol * np.abs(want)
        same = (want == got) | (np.isnan(want) & np.isnan(got))
        return bool(np.all(np.where(finite, near, same)))

    close.vector = close_vector  # type: ignore[attr-defined]
    return _walk(expected, actual, close, "output")


@comparators.register("unordered")
def unordered(expected: Any, actual: Any, config: EquivalenceConfig) -> str | None:
    """Lists compared as multisets (for functions whose output order is unspecified)."""
    if type(expected) is list and type(actual) is list:
        expected, actual = sorted(expected, key=repr), sorted(actual, key=repr)
    return _walk(expected, actual, _equal, "output (sorted)")


def compare(expected: Any, actual: Any, config: EquivalenceConfig) -> str | None:
    return comparators.get(config.rule)(expected, actual, config)
