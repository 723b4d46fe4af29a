"""Inputs derived from a repository target's recorded calls, for functions without a generator.

Recorded calls are what the workload happened to pass; a candidate tuned to them (a per-character
cache, a fast path for the lengths seen) must meet inputs the workload never made. Each argument
position gets a hypothesis strategy built from the values recorded there: the same types and
the same value ranges, plus the error modes that real data brings (strings with combining
characters and other scripts, longer and empty sequences, joined and reordered ones, arrays of
other shapes). Values harness cannot vary (objects, callables) are drawn from those recorded.
A generated call on which the original itself fails is discarded by the gate, not blamed on the
candidate.
"""

import itertools
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from harness.sandbox.codec import Keywords

Strategy = st.SearchStrategy[Any]
# Text that breaks naive string code: a decomposed letter (NFC would compose it), combining marks
# alone, joiners, letters whose case mapping changes length or differs from casefold ("İ", "ß",
# "Σ", "ﬁ"), another script, an emoji, whitespace.
_ODD_PIECES = (
    "e\u0301",
    "\u0301",
    "\u0308",
    "\u200d",
    "\ufe0f",
    "\u00e9",
    "\u0130",
    "\u00df",
    "\u03a3",
    "\ufb01",
    "\u4e2d",
    "\U0001f600",
    " ",
    "\t",
    "\n",
)
_ODD_TEXT = "".join(sorted(set("".join(_ODD_PIECES))))
_UNUSUAL_BASES = 3  # recorded calls each odd piece is put into, per string argument
_LONGER = 4  # generated sequences reach this many times the longest one recorded


def unusual_calls(calls: list[list[Any]]) -> list[list[Any]]:
    """Each odd piece of text put once into the middle of a string argument of a few recorded
    calls: a fixed pass, so a candidate wrong on one character (casefold for lower, a dropped NFC
    step) is met for certain, not only when a random draw happens to hold that character."""
    made: list[list[Any]] = []
    for position in _string_positions(calls):
        bases = [call for call in calls if _text_at(call, position)][:_UNUSUAL_BASES]
        for call, piece in itertools.product(bases, _ODD_PIECES):
            text = call[position]
            middle = len(text) // 2
            edited = text[:middle] + piece + text[middle:]
            made.append([*call[:position], edited, *call[position + 1 :]])
    return made


def _text_at(call: list[Any], position: int) -> bool:
    return position < len(call) and type(call[position]) is str and call[position] != ""


def _string_positions(calls: list[list[Any]]) -> list[int]:
    """Positional argument indexes at which some recorded call passes a string."""
    positions = {i for call in calls for i, value in enumerate(call) if type(value) is str}
    return sorted(positions)


def call_strategy(calls: list[list[Any]]) -> Strategy | None:
    """Argument lists like the recorded ones; None when there is nothing to vary."""
    if not calls:
        return None
    groups: dict[int, list[list[Any]]] = {}
    for call in calls:  # calls of one shape vary together: same count, keywords alike
        positional = call[:-1] if call and type(call[-1]) is Keywords else call
        groups.setdefault(len(positional), []).append(call)
    return st.one_of(*(_same_shape(group) for group in groups.values()))


def _same_shape(calls: list[list[Any]]) -> Strategy:
    keywords = [call[-1] for call in calls if call and type(call[-1]) is Keywords]
    width = len(calls[0]) - (1 if keywords else 0)
    columns = [[call[i] for call in calls] for i in range(width)]
    positional = st.tuples(*(value_strategy(column) for column in columns))
    if not keywords:
        return positional.map(list)
    return st.tuples(positional, st.sampled_from(keywords)).map(lambda pair: [*pair[0], pair[1]])


def value_strategy(values: list[Any]) -> Strategy:
    """Values like `values`, which were recorded at one argument position."""
    kinds = {type(value) for value in values}
    recorded = st.sampled_from(values)
    if len(kinds) != 1:
        return recorded
    build = _BUILDERS.get(kinds.pop())
    return recorded if build is None else st.one_of(recorded, build(values))


def _ints(values: list[int]) -> Strategy:
    """Within the recorded range: outside it (a negative count, a size far past any seen) the
    original's behaviour is seldom a contract, and a faithful candidate may differ there."""
    return st.integers(min(values), max(values))


def _floats(values: list[float]) -> Strategy:
    finite = [v for v in values if np.isfinite(v)] or [0.0]
    low, high = min(finite), max(finite)
    return (
        st.floats(low, high, allow_nan=False, allow_infinity=False) if low < high else st.just(low)
    )


def _strings(values: list[str]) -> Strategy:
    """Recorded strings edited: joined, cut, reordered and sprinkled with characters that break
    naive code (combining marks, other scripts, emoji, whitespace)."""
    alphabet = sorted(set("".join(values)) | set(_ODD_TEXT))
    longest = max(map(len, values))
    pieces = st.lists(st.sampled_from(values), min_size=1, max_size=_LONGER).map("".join)
    fresh = st.text(st.sampled_from(alphabet), max_size=_LONGER * longest + 1)
    return st.one_of(pieces, fresh, _edited(st.sampled_from(values), st.sampled_from(_ODD_PIECES)))


def _edited(texts: Strategy, extra: Strategy) -> Strategy:
    def edit(text: str, char: str, where: int) -> str:
        cut = where % (len(text) + 1)
        return text[:cut] + char + text[cut:]

    return st.builds(edit, texts, extra, st.integers(0, 1 << 16))


def _lists(values: list[list[Any]]) -> Strategy:
    """Lists of the recorded items: reordered, cut, repeated and joined into longer ones."""
    items = [item for value in values for item in value]
    if not items:
        return st.just([])
    longest = max(map(len, values))
    return st.lists(value_strategy(items[:1000]), max_size=_LONGER * longest + 1)


def _tuples(values: list[tuple[Any, ...]]) -> Strategy:
    widths = {len(value) for value in values}
    if len(widths) != 1:
        return st.sampled_from(values)
    columns = [[value[i] for value in values] for i in range(widths.pop())]
    return st.tuples(*(value_strategy(column) for column in columns))


def _arrays(values: list[Any]) -> Strategy:
    """Arrays of a recorded dtype with recorded or other shapes of the same rank, values within
    the recorded range."""
    recorded_shapes = [value.shape for value in values]
    dtypes = sorted({value.dtype.str for value in values})
    rank = len(recorded_shapes[0])
    if any(len(shape) != rank for shape in recorded_shapes) or values[0].dtype.kind not in "biuf":
        return st.sampled_from(values)
    biggest = max(max(shape, default=1) for shape in recorded_shapes)
    shapes = st.one_of(
        st.sampled_from(recorded_shapes),
        hnp.array_shapes(min_dims=rank, max_dims=rank, min_side=0, max_side=2 * biggest + 1),
    )
    return st.sampled_from(dtypes).flatmap(lambda dtype: _array_of(values, np.dtype(dtype), shapes))


def _array_of(values: list[Any], dtype: Any, shapes: Strategy) -> Strategy:
    sizes = [value for value in values if value.size]
    low = min((float(value.min()) for value in sizes), default=0.0)
    high = max((float(value.max()) for value in sizes), default=1.0)
    if dtype.kind == "b":
        elements: Strategy = st.booleans()
    elif dtype.kind in "iu":
        elements = st.integers(int(low), int(high))
    else:
        width: Literal[16, 32, 64] = (
            16 if dtype.itemsize == 2 else 32 if dtype.itemsize == 4 else 64
        )
        elements = (
            st.floats(low, high, width=width, allow_nan=False) if low < high else st.just(low)
        )
    return hnp.arrays(dtype, shapes, elements=elements)


_BUILDERS: dict[type, Callable[[list[Any]], Strategy]] = {
    bool: lambda values: st.booleans(),
    int: _ints,
    float: _floats,
    str: _strings,
    list: _lists,
    tuple: _tuples,
    np.ndarray: _arrays,
}
