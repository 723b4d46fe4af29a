"""Encoding: a value (live, or one of harness's stand-ins) to tagged JSON-able data."""

import array
import binascii
import collections
import datetime
import decimal
import enum
import functools
import inspect
import io
import json
import operator
import re
import sys
import threading
import types
from typing import Any

from .values import IMPORT_PATH, Bound, Instance, Keywords, Member, Named, PlainDataError, type_name

_PLAIN_SCALARS = (bool, int, float, str)
_SCALAR_SET = {bool, int, float, str, type(None)}
_FLOAT_SET = {float}
# Lists of this many floats or more travel as the base64 of their IEEE-754 bytes: exact, and far
# quicker to decode than float text.
_PACKED, _PACK_MIN = "__f64__", 16
_array, _a2b_base64, _b2a_base64 = array.array, binascii.a2b_base64, binascii.b2a_base64
MAX_OBJECTS = 10_000  # objects (not builtin data) in one encoded value
_LOCAL = threading.local()  # the objects met in the value being encoded, per thread
_CALLABLE_KINDS = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.ClassMethodDescriptorType,
    type,
)


def encode(value: Any, path: str = "output") -> Any:
    """`value` as tagged data. An object met again within one value (shared, or referring back
    to itself: a token and its parent) travels as a reference to its first occurrence."""
    if value is None or type(value) in _PLAIN_SCALARS:
        return value
    walk = _LOCAL.__dict__
    if walk.get("objects") is not None:  # within an encoding already
        return _encode(value, path)
    walk["objects"], walk["count"] = {}, 0
    try:
        return _encode(value, path)
    finally:
        walk["objects"] = None


def _encode(value: Any, path: str) -> Any:
    kind = type(value)
    if value is None or kind in _PLAIN_SCALARS:
        return value
    if kind is list:
        types_ = set(map(type, value))
        if types_ == _FLOAT_SET and len(value) >= _PACK_MIN:  # parsing float text is slow
            return {_PACKED: _b2a_base64(_array("d", value).tobytes(), newline=False).decode()}
        if types_ <= _SCALAR_SET:  # fast path: a flat list of plain scalars
            return value
        return [_encode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if kind is tuple:
        return {"__tuple__": _items(value, path)}
    if kind is dict:
        return {"__dict__": _pairs(value, path)}
    encoder = _ENCODERS.get(kind)
    if encoder is not None:
        return encoder(value, path)
    return _encode_other(value, kind, path)


def _items(values: Any, path: str) -> list[Any]:
    return [_encode(item, f"{path}[{i}]") for i, item in enumerate(values)]


def _pairs(mapping: Any, path: str) -> list[list[Any]]:
    return [[_encode(k, path), _encode(v, f"{path}[{k!r}]")] for k, v in mapping.items()]


def _b64(raw: bytes) -> str:
    return _b2a_base64(raw, newline=False).decode()


def _set(value: Any, path: str) -> list[Any]:
    # Sets have no order: items sorted by their encoding, so equal sets match.
    items = [_encode(item, f"{path} item") for item in value]
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def _date_like(tag: str) -> Any:
    return lambda value, path: {tag: value.isoformat()}


_ENCODERS: dict[type, Any] = {
    set: lambda v, p: {"__set__": _set(v, p)},
    frozenset: lambda v, p: {"__frozenset__": _set(v, p)},
    bytes: lambda v, p: {"__bytes__": _b64(v)},
    bytearray: lambda v, p: {"__bytearray__": _b64(bytes(v))},
    complex: lambda v, p: {"__complex__": [v.real, v.imag]},
    decimal.Decimal: lambda v, p: {"__decimal__": str(v)},
    datetime.datetime: _date_like("__datetime__"),
    datetime.date: _date_like("__date__"),
    datetime.time: _date_like("__time__"),
    datetime.timedelta: lambda v, p: {"__timedelta__": [v.days, v.seconds, v.microseconds]},
    Keywords: lambda v, p: {"__kwargs__": _pairs(v, p)},
    Bound: lambda v, p: {"__method__": [_encode(v.owner, f"{p}.__self__"), v.name]},
    Named: lambda v, p: {"__named__": v.path},
    Member: lambda v, p: {"__member__": v.path, "name": v.name, "value": _encode(v.value, p)},
    Instance: lambda v, p: _shared(
        v, p, lambda number: _instance(v.path, *_stand_in(v), p, number)
    ),
}


def _stand_in(value: Instance) -> tuple[str, Any, dict[str, Any]]:
    return value.base, value.items, value.state


def _instance(
    path: str, base: str, items: Any, state: dict[str, Any], where: str, number: int | None = None
) -> Any:
    encoded: dict[str, Any] = {"__instance__": path, "base": base}
    if number is not None:
        encoded["id"] = number
    return encoded | {"items": _encode(items, where), "state": _pairs(state, where)}


def _shared(value: Any, path: str, encode_new: Any) -> Any:
    """`{"__ref__": n}` for an object met before in this encoding; else `encode_new(n)`, with
    `n` its number. Object graphs are where size hides: one of too many objects is refused at
    once instead of being walked for ever."""
    walk = _LOCAL.__dict__
    objects: dict[int, tuple[int, Any]] = walk["objects"]
    seen = objects.get(id(value))
    if seen is not None:
        return {"__ref__": seen[0]}
    walk["count"] += 1
    if walk["count"] > MAX_OBJECTS:
        raise PlainDataError(f"{path} holds more than {MAX_OBJECTS} objects")
    number = len(objects)
    objects[id(value)] = (number, value)  # the value is held, so its id is not reused
    return encode_new(number)


def _encode_other(value: Any, kind: type, path: str) -> Any:
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray | numpy.generic):
        return _encode_numpy(numpy, value, kind, path)
    if isinstance(value, enum.Enum):
        return {
            "__member__": _class_path(kind, path),
            "name": value.name,
            "value": _encode(value.value, path),
        }
    if _bound_to_an_object(value):
        return _method(value, path)
    if isinstance(value, _CALLABLE_KINDS):
        return {"__named__": _object_path(value, path)}
    named = _module_level_callable(value)
    if named is not None:  # numpy's ufuncs, a module's curried or wrapped functions
        return {"__named__": named}
    if isinstance(value, types.GeneratorType | types.ModuleType):
        raise PlainDataError(f"{path} is a {type_name(value)}, which the codec cannot carry")
    special = _SPECIAL.get(kind)
    if special is not None:
        base, items, state = special(value)
        where = _IMPORTED_AS.get(kind) or _class_path(kind, path)
        return _instance(where, base, items, state, path)
    return _object(value, kind, path)


def _bound_to_an_object(value: Any) -> bool:
    if not isinstance(value, types.MethodType | types.BuiltinMethodType):
        return False
    return not isinstance(value.__self__, type | types.ModuleType | None)


def _method(value: Any, path: str) -> Any:
    """A bound method as its object and its name, when the object's class defines that name as
    this very function (looked up without running anything); else it cannot be named."""
    owner, name = value.__self__, value.__name__
    defined = inspect.getattr_static(type(owner), name, None)
    function = getattr(value, "__func__", None)
    if defined is None or (function is not None and defined is not function):
        raise PlainDataError(
            f"{path} is a method bound to an object whose class has no {name!r}; pass a function"
        )
    return {"__method__": [_encode(owner, f"{path}.__self__"), name]}


def _object(value: Any, kind: type, path: str) -> Any:
    """An object by its class and attributes."""
    where = _class_path(kind, path)
    return _shared(
        value, path, lambda number: _instance(where, *_parts(value, kind, path), path, number)
    )


def _encode_numpy(numpy: Any, value: Any, kind: type, path: str) -> Any:
    if kind is not numpy.ndarray and not isinstance(value, numpy.generic):
        raise PlainDataError(
            f"{path} is a {type_name(value)} (an ndarray subclass); return a plain ndarray"
        )
    if value.dtype == object and kind is numpy.ndarray:  # `Decimal`s, say: item by item
        items = [_encode(item, f"{path}[{i}]") for i, item in enumerate(value.flat)]
        return {"__objarray__": [list(value.shape), items]}
    if value.dtype.hasobject:
        raise PlainDataError(f"{path} is a numpy record array holding Python objects")
    buffer = io.BytesIO()
    numpy.lib.format.write_array(buffer, numpy.asarray(value), allow_pickle=False)
    tag = "__ndarray__" if kind is numpy.ndarray else "__npscalar__"
    return {tag: _b64(buffer.getvalue())}


def _parts(value: Any, kind: type, path: str) -> tuple[str, Any, dict[str, Any]]:
    """How an object of a user class is carried: (base, items, attributes)."""
    state = _attributes(value, path)
    if isinstance(value, tuple):
        return "tuple", list(value), state
    if isinstance(value, dict):
        return "dict", dict(dict.items(value)), state
    if isinstance(value, list):
        return "list", list(list.__iter__(value)), state
    if isinstance(value, set | frozenset):  # a builtin copy: encoded in a stable order
        return ("set" if isinstance(value, set) else "frozenset"), set(value), state
    if not hasattr(value, "__dict__") and not _slots(kind):
        raise PlainDataError(f"{path} is a {type_name(value)}, which the codec cannot carry")
    return "object", None, state


def _attributes(value: Any, path: str) -> dict[str, Any]:
    state = dict(getattr(value, "__dict__", None) or {})
    for name in _slots(type(value)):
        if hasattr(value, name):
            state[name] = getattr(value, name)
    return state


def _slots(kind: type) -> list[str]:
    names: list[str] = []
    for klass in kind.__mro__:
        declared = klass.__dict__.get("__slots__", ())
        declared = [declared] if isinstance(declared, str) else list(declared)
        names += [n for n in declared if n not in ("__dict__", "__weakref__") and n not in names]
    return names


def _class_path(kind: type, where: str) -> str:
    path = f"{kind.__module__}:{kind.__qualname__}"
    if not IMPORT_PATH.fullmatch(path):
        raise PlainDataError(
            f"{where} is a {kind.__qualname__}, a class that cannot be imported by name"
        )
    return path


def _object_path(value: Any, where: str) -> str:
    owner = getattr(value, "__self__", None)
    if owner is not None and not isinstance(owner, type | types.ModuleType):
        raise PlainDataError(f"{where} is a method bound to an object; pass a function instead")
    module = (
        getattr(value, "__module__", None)
        or getattr(getattr(value, "__objclass__", None), "__module__", None)
        or getattr(owner, "__module__", None)
    )
    path = f"{module}:{getattr(value, '__qualname__', '')}"
    if not IMPORT_PATH.fullmatch(path) or not _named_by(path, value):
        name = getattr(value, "__qualname__", None) or type_name(value)
        raise PlainDataError(f"{where} is {name!r:.60}, which cannot be imported by name")
    return path


def _module_level_callable(value: Any) -> str | None:
    """The import path of a callable object that its module holds under its own name."""
    if not callable(value):
        return None
    path = f"{getattr(value, '__module__', None)}:{getattr(value, '__qualname__', None)}"
    return path if IMPORT_PATH.fullmatch(path) and _named_by(path, value) else None


def _named_by(path: str, value: Any) -> bool:
    """Whether `path` leads to `value` itself in the modules already loaded. A function that a
    decorator replaced under its own name (`merge = curry(merge)`) keeps a name that now leads
    to something else, which would be rebuilt in its place."""
    module, _, qualname = path.partition(":")
    found: Any = sys.modules.get(module)
    try:
        for part in qualname.split("."):
            found = getattr(found, part)
    except Exception:  # a lookup that fails or misbehaves names nothing
        return False
    bound = (types.MethodType, types.BuiltinMethodType)  # made anew on each lookup
    return found is value or (
        isinstance(value, bound) and type(found) is type(value) and found == value
    )


_IMPORTED_AS: dict[type, str] = {  # types whose class is not importable by its own name
    types.MappingProxyType: "types:MappingProxyType",
    re.Pattern: "re:compile",
}
_SPECIAL: dict[type, Any] = {
    re.Pattern: lambda v: ("call", [v.pattern, v.flags], {}),
    functools.partial: lambda v: ("call", [v.func, *v.args], dict(v.keywords)),
    types.MappingProxyType: lambda v: ("call", [dict(v)], {}),
    operator.itemgetter: lambda v: ("call", list(v.__reduce__()[1]), {}),
    operator.attrgetter: lambda v: ("call", list(v.__reduce__()[1]), {}),
    collections.deque: lambda v: ("call", [list(v), v.maxlen], {}),
    collections.defaultdict: lambda v: ("dict", dict(v), {"default_factory": v.default_factory}),
}
