"""harness's stand-ins for objects that travel as data, and the names of value types.

Relative imports inside this package: a sandbox worker loads it by its path, without harness.
"""

import re
import reprlib
import threading
from typing import Any

# `module:qualname`, nothing a class nested in a function (`<locals>`) or a lambda could be.
IMPORT_PATH = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


_COMPARING = threading.local()  # the pairs of stand-ins being compared, per thread


class PlainDataError(TypeError):
    """A value the codec cannot carry (say which, and where)."""


class Instance:
    """An object as data: its class's import path, how it is built (`base`), its items (a named
    tuple's fields, a container subclass's content, a constructor's arguments) and attributes."""

    __slots__ = ("base", "items", "path", "state")

    def __init__(self, path: str, base: str, items: Any, state: dict[str, Any]) -> None:
        self.path, self.base, self.items, self.state = path, base, items, state

    def _key(self) -> tuple[Any, ...]:
        return (self.path, self.base, self.items, tuple(self.state.items()))

    def __eq__(self, other: object) -> bool:
        """Equal parts; an object graph that refers back to itself is compared as a graph: a
        pair met again while being compared counts as equal, which is what decides it."""
        if type(other) is not Instance:
            return False
        comparing: set[tuple[int, int]] = _COMPARING.__dict__.setdefault("pairs", set())
        pair = (id(self), id(other))
        if self is other or pair in comparing:
            return True
        comparing.add(pair)
        try:
            return self._key() == other._key()
        finally:
            comparing.discard(pair)

    def __hash__(self) -> int:
        return hash((self.path, self.base))  # its parts may hold it: they are not hashed

    @reprlib.recursive_repr("...")
    def __repr__(self) -> str:
        inner = [repr(self.items)] if self.items not in (None, [], ()) else []
        inner += [f"{name}={value!r}" for name, value in self.state.items()]
        return f"{dotted(self.path)}({', '.join(inner)})"


class Member:
    """An enum member: its class's import path and its name (its value, for display)."""

    __slots__ = ("name", "path", "value")

    def __init__(self, path: str, name: str, value: Any) -> None:
        self.path, self.name, self.value = path, name, value

    def __eq__(self, other: object) -> bool:
        return type(other) is Member and (self.path, self.name) == (other.path, other.name)

    def __hash__(self) -> int:
        return hash((self.path, self.name))

    def __repr__(self) -> str:
        return f"{dotted(self.path)}.{self.name}"


class Named:
    """A class, function or builtin, by its import path."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __eq__(self, other: object) -> bool:
        return type(other) is Named and self.path == other.path

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return dotted(self.path)


class Bound:
    """A method bound to an object: the object (carried like any other) and the method's name,
    which its class defines."""

    __slots__ = ("name", "owner")

    def __init__(self, owner: Any, name: str) -> None:
        self.owner, self.name = owner, name

    def __eq__(self, other: object) -> bool:
        return type(other) is Bound and self.name == other.name and self.owner == other.owner

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"{self.owner!r}.{self.name}"


class Keywords(dict[str, Any]):
    """A call's keyword arguments, carried as the last item of its argument list."""


def dotted(path: str) -> str:
    return path.replace(":", ".")


def type_name(value: Any) -> str:
    """The name a type spec uses for `value`'s type: stand-ins by the class they stand for."""
    kind = type(value)
    if kind in (Instance, Member):
        return dotted(value.path)
    if kind in (Named, Bound):
        return "callable"
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
