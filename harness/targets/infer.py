"""The narrowest output type (in `types` syntax) that fits every value seen, for targets whose
outputs were recorded rather than declared."""

from collections.abc import Iterable
from typing import Any

from harness.errors import ConfigError
from harness.sandbox.codec import type_name
from harness.targets.types import TypeSpec, parse_type

ANY = TypeSpec("object")  # also "nothing seen yet": an empty list's items
_SAMPLE = 1000  # items of a long container looked at
_DEPTH = 32  # containers nested deeper than this are typed `object`, not recursed into


def infer_type(values: Iterable[Any], depth: int = 0) -> TypeSpec:
    spec = ANY
    for value in values:
        spec = merge(spec, spec_of(value, depth))
    return spec


def spec_of(value: Any, depth: int = 0) -> TypeSpec:
    kind = type(value)
    if value is None:
        return TypeSpec("None")
    if kind in (bool, int, float, str):
        return TypeSpec(kind.__name__)
    if depth >= _DEPTH:
        return ANY
    if kind is list:
        return TypeSpec("list", (infer_type(value[:_SAMPLE], depth + 1),))
    if kind is tuple:
        if not value:
            return TypeSpec("tuple", (ANY,), variadic=True)
        return TypeSpec("tuple", tuple(spec_of(item, depth + 1) for item in value))
    if kind is dict:
        keys, items = list(value)[:_SAMPLE], list(value.values())[:_SAMPLE]
        return TypeSpec("dict", (infer_type(keys, depth + 1), infer_type(items, depth + 1)))
    if kind in (set, frozenset):
        return TypeSpec(kind.__name__, (infer_type(list(value)[:_SAMPLE], depth + 1),))
    return _named(value)


def _named(value: Any) -> TypeSpec:
    """Any other value by its type's name (`numpy.ndarray`, `pkg.mod.Point`), when the type
    syntax can spell it (a class nested in a function cannot be), else `object`."""
    try:
        return parse_type(type_name(value))
    except ConfigError:
        return ANY


def merge(a: TypeSpec, b: TypeSpec) -> TypeSpec:
    if a in (ANY, b):
        return b
    if b == ANY:
        return a
    if b.kind == "union":  # each of its options in turn: `int | float` and `int | str` share int
        for option in b.args:
            a = merge(a, option)
        return a
    if a.kind == b.kind and a.kind in ("list", "dict", "set", "frozenset"):
        return TypeSpec(a.kind, tuple(map(merge, a.args, b.args)))
    if a.kind == b.kind == "tuple":
        return _merge_tuples(a, b)
    options = list(a.args) if a.kind == "union" else [a]
    if any(option == b for option in options):
        return a
    same = [i for i, option in enumerate(options) if option.kind == b.kind != "union"]
    if same:  # list[int] and list[str] become list[int | str], not a union of lists
        options[same[0]] = merge(options[same[0]], b)
    else:
        options.append(b)
    return _union(options)


def _merge_tuples(a: TypeSpec, b: TypeSpec) -> TypeSpec:
    if not a.variadic and not b.variadic and len(a.args) == len(b.args):
        return TypeSpec("tuple", tuple(map(merge, a.args, b.args)))
    item = ANY
    for spec in (*a.args, *b.args):
        item = merge(item, spec)
    return TypeSpec("tuple", (item,), variadic=True)


def _union(options: list[TypeSpec]) -> TypeSpec:
    spec = options[0]
    for option in options[1:]:
        spec = TypeSpec("union", (spec, option))
    return _flat(spec)


def _flat(spec: TypeSpec) -> TypeSpec:
    """Unions as a flat tuple of options, so `a | b | c` prints and compares simply."""
    if spec.kind != "union":
        return spec
    options: list[TypeSpec] = []
    for option in spec.args:
        options.extend(_flat(option).args if option.kind == "union" else [option])
    return TypeSpec("union", tuple(options))
