"""Decoding: tagged data to values, as stand-ins (`decode`) or live objects (`rebuild`)."""

import collections
import datetime
import decimal
import enum
import functools
import importlib
import inspect
import math
import operator
import re
import sys
import types
from typing import Any

from .binary import b64_bytes, load_npy, unpack
from .values import IMPORT_PATH, Bound, Instance, Keywords, Member, Named, dotted

_SCALAR_SET = {bool, int, float, str, type(None)}
_PACKED = "__f64__"


def decode(value: Any) -> Any:
    """Data from anywhere, candidates included, to values; nothing it names is imported."""
    return _Decoder(live=False).value(value)


def rebuild(value: Any, untrusted: bool = False) -> Any:
    """In a worker: data to live values, classes imported from the code this process runs.

    `untrusted` (another process's output, e.g. a candidate's in the reference's process): a
    name resolves only in a module this process has imported already, found without running
    any attribute hook; an object is made by a builtin `__new__` and its attributes are set
    without property setters, on a class without a finalizer (`__del__`); only the `call`
    allowlist is ever called. Anything else raises ValueError. (Methods of the classes rebuilt
    still run when whoever receives the objects uses them: hashing a set's items, say.)
    """
    return _Decoder(live=True, untrusted=untrusted).value(value)


def _timedelta(parts: Any) -> datetime.timedelta:
    days, seconds, micro = (int(part) for part in _list(parts))
    return datetime.timedelta(days, seconds, micro)


def _complex(parts: Any) -> complex:
    real, imag = (float(part) for part in _list(parts))
    return complex(real, imag)


# Tags whose payload is read without the decoder: tag -> reader of the payload.
_LEAVES: dict[str, Any] = {
    _PACKED: unpack,
    "__bytes__": b64_bytes,
    "__bytearray__": lambda data: bytearray(b64_bytes(data)),
    "__complex__": _complex,
    "__decimal__": lambda data: decimal.Decimal(_text(data)),
    "__datetime__": lambda data: datetime.datetime.fromisoformat(_text(data)),
    "__date__": lambda data: datetime.date.fromisoformat(_text(data)),
    "__time__": lambda data: datetime.time.fromisoformat(_text(data)),
    "__timedelta__": _timedelta,
    "__ndarray__": load_npy,
    "__npscalar__": lambda data: load_npy(data, scalar=True),
}


_NUMPY_TAGS = {"__ndarray__", "__npscalar__"}


class _Decoder:
    def __init__(self, live: bool, untrusted: bool = False) -> None:
        self.live, self.untrusted = live, untrusted
        self.objects: dict[int, Any] = {}  # by the number the encoder gave each object

    def value(self, value: Any) -> Any:
        kind = type(value)
        if kind is list:
            if set(map(type, value)) <= _SCALAR_SET:
                return value
            return [self.value(item) for item in value]
        if kind is not dict:
            return value
        tag = next(iter(value), "")
        if tag in _LEAVES:
            if self.untrusted and tag in _NUMPY_TAGS and "numpy" not in sys.modules:
                raise ValueError("an array, but numpy is not imported here")
            return _LEAVES[tag](value[tag])
        if tag == "__dict__" and len(value) == 1:
            return {self.value(k): self.value(v) for k, v in _pair_list(value[tag])}
        if tag == "__tuple__":
            return tuple(self.value(item) for item in _list(value[tag]))
        if tag in ("__set__", "__frozenset__"):
            items = (self.value(item) for item in _list(value[tag]))
            return set(items) if tag == "__set__" else frozenset(items)
        if tag == "__kwargs__":
            return self.keywords(value[tag])
        if tag == "__objarray__":
            return self.object_array(value[tag])
        if tag == "__method__":
            return self.method(value[tag])
        if tag in ("__named__", "__member__", "__instance__", "__ref__"):
            return getattr(self, tag.strip("_"))(value)
        raise ValueError(f"unknown tag {tag!r:.40} in encoded data")

    def keywords(self, pairs: Any) -> Keywords:
        decoded = [(self.value(k), self.value(v)) for k, v in _pair_list(pairs)]
        if not all(type(name) is str for name, _ in decoded):
            raise ValueError("keyword argument names must be strings")
        return Keywords(decoded)

    def named(self, data: dict[str, Any]) -> Any:
        path = _checked_path(data["__named__"])
        return _resolve(path, self.untrusted) if self.live else Named(path)

    def member(self, data: dict[str, Any]) -> Any:
        path, name = _checked_path(data["__member__"]), _text(data["name"])
        if not self.live:
            return Member(path, name, self.value(data.get("value")))
        cls = _resolve(path, self.untrusted)
        if not self.untrusted:
            return cls[name]
        members = _static(cls, "_member_map_") if issubclass(type(cls), enum.EnumMeta) else None
        if type(members) is not dict or name not in members:
            raise ValueError(f"{dotted(path)} has no enum member {name!r:.40}")
        return members[name]

    def object_array(self, data: Any) -> Any:
        """An array of Python objects, element by element: its shape must hold exactly the
        items given, so nothing is allocated beyond what arrived."""
        if self.untrusted and "numpy" not in sys.modules:
            raise ValueError("an array, but numpy is not imported here")
        import numpy

        shape, items = _list(data) if len(_list(data)) == 2 else ([], None)
        dims = _list(shape)
        if not all(type(d) is int and d >= 0 for d in dims) or math.prod(dims) != len(_list(items)):
            raise ValueError(f"an object array of shape {dims!r:.60} cannot hold its items")
        made = numpy.empty(len(items), dtype=object)
        for index, item in enumerate(items):  # one by one: a list item must stay one element
            made[index] = self.value(item)
        return made.reshape(dims)

    def method(self, data: Any) -> Any:
        """A bound method: its object, and a function its class defines (looked up without
        running anything), bound to it."""
        owner, name = _list(data) if len(_list(data)) == 2 else (None, None)
        owner, name = self.value(owner), _text(name)
        if not self.live:
            return Bound(owner, name)
        function = _static(type(owner), name)
        if type(function) not in (types.FunctionType, types.MethodDescriptorType):
            raise ValueError(f"a {type(owner).__name__} has no method {name!r:.40}")
        return function.__get__(owner, type(owner))

    def ref(self, data: dict[str, Any]) -> Any:
        number = data["__ref__"]
        if type(number) is not int or number not in self.objects:
            raise ValueError(f"a reference to object {number!r:.20}, which is not made yet")
        return self.objects[number]

    def instance(self, data: dict[str, Any]) -> Any:
        """An object is registered under its number before its attributes are decoded, so
        attributes that refer back to it find it; a container is registered before its items
        too. One built from its items (a tuple or frozenset subclass) is registered once made,
        so an item referring back to it is refused; so is anything in a call's arguments."""
        path, base = _checked_path(data["__instance__"]), _text(data["base"])
        if base not in _BASES:
            raise ValueError(f"unknown instance base {base!r:.20}")
        number = data.get("id")
        if number is not None and (type(number) is not int or number in self.objects):
            raise ValueError(f"object number {number!r:.20} is not new")
        if not self.live:
            made = Instance(path, base, None, {})
            if base not in _FILLED:
                made.items = self._items(data)
            self._register(number, made)
            if base in _FILLED:
                made.items = self._items(data)
            made.state = self._state(data)
            return made
        return self._live_instance(path, base, number, data)

    def _live_instance(self, path: str, base: str, number: int | None, data: Any) -> Any:
        cls, name = _resolve(path, self.untrusted), dotted(path)
        if base == "call":  # the callable is checked against the allowlist, by identity
            return self._register(number, _call(cls, self._items(data), self._state(data)))
        if not issubclass(type(cls), type):  # not `isinstance`: that would ask for `__class__`
            raise ValueError(f"{name} is not a class")
        if base in _FILLED:
            made = self._register(number, _empty(cls, name, base, self.untrusted))
            items = self._items(data)
        else:
            items = self._items(data)
            made = self._register(number, _from_items(cls, name, base, items, self.untrusted))
        _fill(made, name, base, (items, self._state(data)), self.untrusted)
        return made

    def _items(self, data: dict[str, Any]) -> Any:
        return self.value(data.get("items"))

    def _state(self, data: dict[str, Any]) -> dict[str, Any]:
        return {_text(self.value(k)): self.value(v) for k, v in _pair_list(data["state"])}

    def _register(self, number: int | None, made: Any) -> Any:
        if number is not None:
            self.objects[number] = made
        return made


# How each base carries its items (see the encoder's `_parts` and `_SPECIAL`).
_SEQUENCES, _SETS = (list, tuple), (set, frozenset)
_ITEM_TYPES = {
    "object": (type(None),),
    "tuple": _SEQUENCES,
    "list": _SEQUENCES,
    "dict": (dict,),
    "set": _SETS,
    "frozenset": _SETS,
    "call": _SEQUENCES,
}
_BASES = set(_ITEM_TYPES)
# The only classes a rebuild calls (with the recorded arguments): none of them runs its
# arguments when made.
_CALLABLE = (
    re.compile,  # a compiled pattern, from its pattern and flags
    functools.partial,
    operator.itemgetter,
    operator.attrgetter,
    collections.deque,
    types.MappingProxyType,
)


def _call(cls: Any, items: Any, state: dict[str, Any]) -> Any:
    if not any(cls is allowed for allowed in _CALLABLE):  # `is`: a metaclass's `==` may run
        names = ", ".join(f"{c.__module__}.{c.__qualname__}" for c in _CALLABLE)
        raise ValueError(f"{cls!r:.60} is not called to rebuild a value; only {names} are")
    return cls(*items, **state)


_FILLED = {"object", "list", "set", "dict"}  # made empty, then filled: parts may refer back
_FILL: dict[str, Any] = {"list": list.extend, "set": set.update, "dict": dict.update}


def _empty(cls: Any, name: str, base: str, untrusted: bool) -> Any:
    """An empty object of `cls` (called `name`), without its `__init__`: a constructor may
    validate or compute; the recorded state is what the object was. From untrusted data no
    Python-level `__new__` runs."""
    if not untrusted:
        return cls.__new__(cls)
    _refuse_finalizer(cls, name)
    try:
        return _builtin_new(cls, name, base, ())
    except TypeError as exc:
        raise ValueError(f"cannot rebuild a {name}: {exc}"[:200]) from None


def _from_items(cls: Any, name: str, base: str, items: Any, untrusted: bool) -> Any:
    """A tuple or frozenset subclass made from its items (its attributes are filled after)."""
    if untrusted and not any(type(items) is kind for kind in _ITEM_TYPES[base]):
        raise ValueError(f"the items of a {base!r} instance cannot be a {type(items)}")
    if not untrusted and base == "tuple" and hasattr(cls, "_fields"):
        return cls(*items)
    if untrusted:
        _refuse_finalizer(cls, name)
    return _builtin_new(cls, name, base, items)


def _fill(
    made: Any, name: str, base: str, parts: tuple[Any, dict[str, Any]], untrusted: bool
) -> None:
    """Items and attributes into an object; from untrusted data no container method or property
    setter of its class runs."""
    items, state = parts
    if untrusted and not any(type(items) is kind for kind in _ITEM_TYPES[base]):
        raise ValueError(f"the items of a {base!r} instance cannot be a {type(items)}")
    try:
        fill = _FILL.get(base)
        if fill is not None and untrusted:  # the builtin's own method, never an override
            fill(made, items)
        elif fill is not None:
            getattr(made, fill.__name__)(items)
        for attribute, value in state.items():
            if untrusted:
                _check_attribute(type(made), name, attribute)
            object.__setattr__(made, attribute, value)
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"cannot rebuild a {name}: {exc}"[:200]) from None


def _refuse_finalizer(cls: Any, name: str) -> None:
    if _static(cls, "__del__") is not None:
        raise ValueError(f"{name} has a finalizer (__del__); it is not rebuilt")


# A class's MRO and namespace, read without its metaclass's `__getattribute__`.
_MRO, _NAMESPACE = type.__dict__["__mro__"], type.__dict__["__dict__"]


def _builtin_new(cls: Any, name: str, base: str, items: Any) -> Any:
    if base in ("tuple", "frozenset"):
        builtin: Any = tuple if base == "tuple" else frozenset
        return builtin.__new__(cls, items)
    for klass in _MRO.__get__(cls):  # the `__new__` a call of `cls` would use
        new = _NAMESPACE.__get__(klass).get("__new__")
        if isinstance(new, types.BuiltinFunctionType):
            return new(cls)
        if new is not None:
            break
    raise ValueError(f"{name} has its own __new__; it is not rebuilt")


def _check_attribute(cls: type, name: str, attribute: str) -> None:
    """An attribute set from untrusted data: never a dunder, never through a descriptor that
    runs code (a slot's member descriptor is plain storage)."""
    kind = type(_static(cls, attribute))
    runs = kind is not types.MemberDescriptorType and any(
        _static(kind, method) is not None for method in ("__set__", "__delete__")
    )
    if attribute.startswith("__") or runs:
        raise ValueError(f"attribute {attribute!r:.40} of a {name} is not set from data")


def _static(owner: Any, name: str) -> Any:
    """`owner.name` found without running a `__getattr__`, a property or a descriptor."""
    return inspect.getattr_static(owner, name, None)


def _resolve(path: str, untrusted: bool = False) -> Any:
    """What `path` names; `untrusted`: only in a module imported already, looked up without
    running a module's `__getattr__` or a descriptor."""
    module_name, _, qualname = path.partition(":")
    if not untrusted:
        found: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            found = getattr(found, part)
        return found
    found = sys.modules.get(module_name)
    if found is None:
        raise ValueError(f"module {module_name} is not imported here; data does not import it")
    for part in qualname.split("."):
        found = inspect.getattr_static(found, part, _MISSING)
        if found is _MISSING:
            raise ValueError(f"{dotted(path)} is not defined here")
    return found


_MISSING = object()


def _checked_path(path: Any) -> str:
    if type(path) is not str or not IMPORT_PATH.fullmatch(path):
        raise ValueError(f"{path!r:.60} is not an import path (module:name)")
    return path


def _text(value: Any) -> str:
    if type(value) is not str:
        raise ValueError(f"expected a string in encoded data, got {type(value).__name__}")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise ValueError(f"expected a list in encoded data, got {type(value).__name__}")
    return value


def _pair_list(value: Any) -> list[Any]:
    pairs = _list(value)
    if not all(type(pair) is list and len(pair) == 2 for pair in pairs):
        raise ValueError("expected a list of [key, value] pairs in encoded data")
    return pairs
