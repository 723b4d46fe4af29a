"""Output type specs such as `list[tuple[str, int]]` or `numpy.ndarray`, checked against exact
types: builtins by name, anything else by its import path (`pkg.mod.Point`, `decimal.Decimal`)."""

import ast
from dataclasses import dataclass
from typing import Any

from harness.errors import ConfigError
from harness.sandbox.codec import type_name

_SCALARS: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
# Checked by name alone (their content is the equivalence rule's business).
_NAMED = {"bytes", "bytearray", "complex", "callable"}
_CONTAINERS = {"list": list, "tuple": tuple, "dict": dict, "set": set, "frozenset": frozenset}


@dataclass(frozen=True)
class TypeSpec:
    """A parsed type: `kind` is a scalar name, `None`, a container (`list`, `tuple`, `dict`, `set`,
    `frozenset`), `union`, `object`, a name in `_NAMED`, or a dotted import path."""

    kind: str
    args: tuple["TypeSpec", ...] = ()
    variadic: bool = False  # tuple[T, ...]

    def __str__(self) -> str:
        if not self.args:
            return self.kind
        if self.kind == "union":
            return " | ".join(map(str, self.args))
        inner = ", ".join(map(str, self.args)) + (", ..." if self.variadic else "")
        return f"{self.kind}[{inner}]"


def parse_type(text: str) -> TypeSpec:
    """Parse a type expression; raise ConfigError naming what is supported."""
    try:
        node = ast.parse(text, mode="eval").body
        return _from_node(node)
    except (SyntaxError, ValueError) as exc:
        raise ConfigError(
            f"unsupported output type {text!r} ({exc}); use int, float, str, bool, None, "
            "bytes, complex, list[T], tuple[T, ...], tuple[A, B], dict[K, V], set[T], A | B, "
            "a class by its import path (numpy.ndarray, pkg.mod.Point) and object (anything)"
        ) from None


def _from_node(node: ast.expr) -> TypeSpec:
    if isinstance(node, ast.Name) and node.id in _SCALARS:
        return TypeSpec(node.id)
    if isinstance(node, ast.Name) and node.id in {"object", *_NAMED}:
        return TypeSpec(node.id)
    if isinstance(node, ast.Attribute):
        return TypeSpec(ast.unparse(node))
    if isinstance(node, ast.Constant) and node.value is None:
        return TypeSpec("None")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return TypeSpec("union", (_from_node(node.left), _from_node(node.right)))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return _generic(node.value.id, node.slice)
    raise ValueError(f"cannot read {ast.unparse(node)!r}")


def _generic(name: str, slice_: ast.expr) -> TypeSpec:
    items = list(slice_.elts) if isinstance(slice_, ast.Tuple) else [slice_]
    if name in ("list", "set", "frozenset") and len(items) == 1:
        return TypeSpec(name, (_from_node(items[0]),))
    if name == "dict" and len(items) == 2:
        return TypeSpec("dict", (_from_node(items[0]), _from_node(items[1])))
    if name == "tuple":
        if len(items) == 2 and isinstance(items[1], ast.Constant) and items[1].value is ...:
            return TypeSpec("tuple", (_from_node(items[0]),), variadic=True)
        return TypeSpec("tuple", tuple(_from_node(item) for item in items))
    raise ValueError(f"cannot read {name}[...] with {len(items)} argument(s)")


def type_errors(value: Any, spec: TypeSpec, path: str = "output") -> str | None:
    """Describe the first place where `value` is not exactly of `spec`, or None."""
    if spec.kind == "union":
        if any(type_errors(value, option) is None for option in spec.args):
            return None
        return f"{path}: expected {spec}, got {_name(value)}"
    if spec.kind == "object":
        return None
    if spec.kind == "None":
        return None if value is None else f"{path}: expected None, got {_name(value)}"
    if spec.kind in _SCALARS:
        ok = type(value) is _SCALARS[spec.kind]
        return None if ok else f"{path}: expected {spec.kind}, got {_name(value)}"
    if spec.kind not in _CONTAINERS:
        ok = _name(value) == spec.kind
        return None if ok else f"{path}: expected {spec.kind}, got {_name(value)}"
    if type(value) is not _CONTAINERS[spec.kind]:
        return f"{path}: expected {spec}, got {_name(value)}"
    return _container_errors(value, spec, path)


def _container_errors(value: Any, spec: TypeSpec, path: str) -> str | None:
    if spec.kind == "dict":
        for key, item in value.items():
            error = type_errors(key, spec.args[0], f"{path} key {key!r}")
            error = error or type_errors(item, spec.args[1], f"{path}[{key!r}]")
            if error:
                return error
        return None
    if spec.kind == "tuple" and not spec.variadic:
        if len(value) != len(spec.args):
            return f"{path}: expected a tuple of {len(spec.args)} items, got {len(value)}"
        pairs = zip(value, spec.args, strict=True)
    else:
        item_spec = spec.args[0]
        if item_spec.kind in _SCALARS and set(map(type, value)) <= {_SCALARS[item_spec.kind]}:
            return None  # fast path: a homogeneous list of the right scalar type
        pairs = zip(value, [item_spec] * len(value), strict=True)
    for index, (item, item_spec) in enumerate(pairs):
        error = type_errors(item, item_spec, f"{path}[{index}]")
        if error:
            return error
    return None


def _name(value: Any) -> str:
    return type_name(value)
