"""Implementations selected by short name; an unknown name lists the valid ones."""

from collections.abc import Callable
from typing import Generic, TypeVar

from harness.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """A name -> implementation table for one role."""

    def __init__(self, role: str) -> None:
        self.role = role
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def add(item: T) -> T:
            self._entries[name] = item
            return item

        return add

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            valid = ", ".join(sorted(self._entries))
            raise ConfigError(f"unknown {self.role} {name!r}; valid names: {valid}") from None

    def names(self) -> list[str]:
        return sorted(self._entries)
