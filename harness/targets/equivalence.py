"""Equivalence rules: is a candidate's output the same as the reference's?

Each rule returns None when the outputs are equivalent, else a short description of the first
difference. Values are decoded data (`harness.sandbox.codec`): exact types are compared too, so `1`
never equals `1.0`; an array's dtype and shape must match exactly and its values by the rule; an
object's class and attributes are compared as data, never with its own `__eq__`.
"""

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from harness.registry import Registry
from harness.sandbox.codec import Instance, dotted, type_name
from harness.targets.config import EquivalenceConfig

Comparator = Callable[[Any, Any, EquivalenceConfig], str | None]
comparators: Registry[Comparator] = Registry("equivalence rule")


Leaf = Callable[[Any, Any], bool]


class _Objects:
    """Where each object of the expected graph was first met, and the actual object it was
    paired with there: a graph that refers back to itself is compared once per object, and a
    shared object must be shared alike in both."""

    def __init__(self) -> None:
        self.expected: dict[int, tuple[Instance, str]] = {}  # id -> paired actual, path
        self.actual: dict[int, str] = {}  # id -> path

    def pair(self, expected: Instance, actual: Instance, path: str) -> str | None:
        """None for a new pair; else "" when met before as this pair, or the difference."""
        met = self.expected.get(id(expected))
        if met is not None:
            same = met[0] is actual
            return "" if same else f"{path}: expected the object at {met[1]}, got another"
        if id(actual) in self.actual:
            return f"{path}: expected a new object, got the one at {self.actual[id(actual)]}"
        self.expected[id(expected)], self.actual[id(actual)] = (actual, path), path
        return None


def _walk(
    expected: Any, actual: Any, leaf: Leaf, path: str, objects: _Objects | None = None
) -> str | None:
    objects = objects or _Objects()
    if type(expected) is not type(actual):
        return f"{path}: expected {type_name(expected)}, got {type_name(actual)}"
    if type(expected) is np.ndarray:
        return _arrays(expected, actual, leaf, path)
    if type(expected) is Instance:
        return _instances(expected, actual, leaf, path, objects)
    if isinstance(expected, set | frozenset):
        return None if expected == actual else f"{path}: expected {expected!r}, got {actual!r}"
    if isinstance(expected, list | tuple):
        if len(expected) != len(actual):
            return f"{path}: expected length {len(expected)}, got {len(actual)}"
        if _same_floats(expected, actual, leaf):
            return None
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            difference = _walk(want, got, leaf, f"{path}[{index}]", objects)
            if difference:
                return difference
        return None
    if isinstance(expected, dict):
        if expected.keys() != actual.keys():
            want, got = sorted(map(repr, expected)), sorted(map(repr, actual))
            return f"{path}: expected keys {want}, got {got}"
        for key in expected:
            difference = _walk(expected[key], actual[key], leaf, f"{path}[{key!r}]", objects)
            if difference:
                return difference
        return None
    return None if leaf(expected, actual) else f"{path}: expected {expected!r}, got {actual!r}"


def _arrays(expected: Any, actual: Any, leaf: Leaf, path: str) -> str | None:
    if expected.dtype != actual.dtype:
        return f"{path}: expected dtype {expected.dtype}, got {actual.dtype}"
    if expected.shape != actual.shape:
        return f"{path}: expected shape {expected.shape}, got {actual.shape}"
    if expected.dtype == object:  # Python objects: compared as values, exact types and all
        return _walk(list(expected.flat), list(actual.flat), leaf, f"{path} (flat)")
    rule = getattr(leaf, "vector", _vector_equal) if expected.dtype.kind in "fc" else _array_equal
    same = np.asarray(rule(expected, actual))
    if same.all():
        return None
    where = tuple(int(i) for i in np.argwhere(~same)[0]) if same.ndim else ()
    return (
        f"{path}: {int((~same).sum())} of {expected.size} values differ, first at {list(where)}: "
        f"expected {expected[where]!r}, got {actual[where]!r}"
    )


def _array_equal(expected: Any, actual: Any) -> Any:
    if expected.dtype.names:  # structured: whole records compared
        return expected == actual
    return np.asarray(expected == actual)


def _instances(
    expected: Instance, actual: Instance, leaf: Leaf, path: str, objects: _Objects
) -> str | None:
    if (expected.path, expected.base) != (actual.path, actual.base):
        return f"{path}: expected a {dotted(expected.path)}, got a {dotted(actual.path)}"
    met = objects.pair(expected, actual, path)
    if met is not None:
        return met or None
    if expected.state.keys() != actual.state.keys():
        want, got = sorted(expected.state), sorted(actual.state)
        return f"{path}: expected attributes {want}, got {got}"
    difference = _walk(expected.items, actual.items, leaf, path, objects)
    for name in expected.state:
        difference = difference or _walk(
            expected.state[name], actual.state[name], leaf, f"{path}.{name}", objects
        )
    return difference


def _same_floats(expected: Any, actual: Any, leaf: Leaf) -> bool:
    """Fast path for long float vectors: numpy applies `leaf`'s rule; on failure the walk runs."""
    if len(expected) < 64 or not set(map(type, expected)) == set(map(type, actual)) == {float}:
        return False
    rule = getattr(leaf, "vector", None)
    return rule is not None and bool(np.all(rule(np.array(expected), np.array(actual))))


def _vector_equal(expected: Any, actual: Any) -> Any:
    """Elementwise: equal, or both NaN."""
    return (expected == actual) | (np.isnan(expected) & np.isnan(actual))


def _equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float | np.floating) and math.isnan(expected):
        return bool(math.isnan(actual))
    return bool(expected == actual)


_equal.vector = _vector_equal  # type: ignore[attr-defined]


@comparators.register("exact")
def exact(expected: Any, actual: Any, config: EquivalenceConfig) -> str | None:
    return _walk(expected, actual, _equal, "output")


@comparators.register("allclose")
def allclose(expected: Any, actual: Any, config: EquivalenceConfig) -> str | None:
    def close(want: Any, got: Any) -> bool:
        if isinstance(want, float | np.floating) and math.isfinite(want) and math.isfinite(got):
            return bool(abs(got - want) <= config.atol + config.rtol * abs(float(want)))
        return _equal(want, got)

    def close_vector(want: Any, got: Any) -> Any:
        finite = np.isfinite(want) & np.isfinite(got)
        with np.errstate(over="ignore", invalid="ignore"):
            near = np.abs(got - want) <= config.atol + config.rtol * np.abs(want)
        return np.where(finite, near, _vector_equal(want, got))

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
