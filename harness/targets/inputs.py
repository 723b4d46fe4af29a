"""Inputs for a target, from the target's own (trusted) generator module.

The generator module defines `generate(rng, size) -> list` (one call's positional arguments),
`edge_cases() -> list[list]` and, optionally, `strategy()` returning a hypothesis strategy of
argument lists.
"""

import importlib.util
import random
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from hypothesis.strategies import SearchStrategy

from harness.errors import ConfigError
from harness.targets.loader import Target


@dataclass(frozen=True)
class Case:
    """One call's positional arguments, with a label saying where they came from."""

    label: str
    args: list[Any]


class InputSource:
    def __init__(self, target: Target) -> None:
        self.target = target
        self._module = _load_module(target)

    def edge_cases(self) -> list[Case]:
        cases = self._function("edge_cases")()
        return [Case(f"edge case #{i}", self._checked(args)) for i, args in enumerate(cases)]

    def random_cases(self, sizes: list[int], seed: int, stage: str) -> list[Case]:
        per_size = self.target.config.inputs.cases_per_size
        return [
            Case(
                f"{stage} size {size} #{i}",
                self.arguments(random.Random(f"{seed}:{stage}:{size}:{i}"), size),
            )
            for size in sizes
            for i in range(per_size)
        ]

    def arguments(self, rng: random.Random, size: int) -> list[Any]:
        """One call's arguments at `size`, drawn from `rng`."""
        return self._checked(self._function("generate")(rng, size))

    def strategy(self) -> SearchStrategy[list[Any]] | None:
        make = getattr(self._module, "strategy", None)
        return None if make is None else make()

    def _function(self, name: str) -> Callable[..., Any]:
        function: Callable[..., Any] | None = getattr(self._module, name, None)
        if function is None or not callable(function):
            path = self.target.folder / self.target.config.inputs.generator
            raise ConfigError(f"{path}: define a function `{name}`; see README 'Target format'")
        return function

    def _checked(self, args: Any) -> list[Any]:
        if type(args) is not list or len(args) != self.target.arity:
            raise ConfigError(
                f"{self.target.name}: the generator must return a list of "
                f"{self.target.arity} argument(s), got {args!r:.80}"
            )
        return args


def _load_module(target: Target) -> ModuleType:
    path = target.folder / target.config.inputs.generator
    name = f"_harness_inputs_{target.name}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
