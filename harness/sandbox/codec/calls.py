"""How a target's function is called: the convention both sides of the sandbox keep.

A call is a list of arguments: positional ones, then, when there are any, a `Keywords` of the
keyword arguments. A method's receiver, and a classmethod's class, are its first argument; a
closure's first argument is the list of arguments its factory was called with.
"""

import inspect
from collections.abc import Callable
from types import MethodType
from typing import Any

from .values import Keywords


def split(args: list[Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """A call's positional arguments, and its keyword arguments (a trailing `Keywords`)."""
    if args and type(args[-1]) is Keywords:
        return tuple(args[:-1]), dict(args[-1])
    return tuple(args), {}


def entry(module: Any, qualname: str) -> Callable[..., Any]:
    """The function a target names: `function`; `Class.method` for an instance method or a
    property's getter (the receiver is the first argument), a classmethod (its class is the
    first argument, as it was recorded) or a staticmethod; `factory.<locals>.inner` for a
    closure, rebuilt in every call from the factory's arguments (the first argument), so the
    candidate's factory makes it and its cost is timed too. A generator's items are collected
    inside the call, so their work is timed and they are what is compared."""
    factory_name, _, inner = qualname.partition(".<locals>.")
    function = _attribute(module, factory_name)
    if inner:
        return _closure(function, inner)
    if inspect.isgeneratorfunction(function):
        return _collected(function)
    return function


def _attribute(module: Any, qualname: str) -> Callable[..., Any]:
    """What `qualname` names in `module`; a property's getter for a property (its receiver is
    the first argument, as for a method)."""
    found: Any = module
    for part in qualname.split("."):
        static = inspect.getattr_static(found, part, None)
        found = static.fget if isinstance(static, property) else getattr(found, part)
    if isinstance(found, MethodType) and isinstance(found.__self__, type):
        found = found.__func__
    if not callable(found):
        raise TypeError(f"{qualname} is not callable")
    return found  # type: ignore[no-any-return]


def _collected(generator: Callable[..., Any]) -> Callable[..., Any]:
    def collected(*args: Any, **keywords: Any) -> Any:
        return list(generator(*args, **keywords))

    return collected


def _closure(factory: Callable[..., Any], inner: str) -> Callable[..., Any]:
    def call(factory_args: list[Any], *args: Any, **keywords: Any) -> Any:
        positional, factory_keywords = split(factory_args)
        made = factory(*positional, **factory_keywords)
        if getattr(made, "__name__", None) != inner:
            raise TypeError(f"the factory returned {made!r:.60}, not the function {inner}")
        result = made(*args, **keywords)
        return list(result) if inspect.isgenerator(result) else result

    return call
