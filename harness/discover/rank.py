"""Rank the repository's own functions by where a profiled workload spent its time.

Tests, vendored code, benchmarks and third-party packages are left out; every function that is
kept but cannot become a target says why.
"""

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.targets.tree import import_roots

_NOT_OURS = {
    "tests",
    "test",
    "testing",
    "benchmarks",
    "vendor",
    "_vendor",
    "vendored",
    "third_party",
    "site-packages",
    ".venv",
    "venv",
    "build",
    "dist",
    "docs",
    "tools",
    "scripts",
    "examples",
}


@dataclass(frozen=True)
class Hotspot:
    file: str  # relative to the repository root
    line: int
    name: str  # the qualified name inside its module
    module: str | None  # the dotted module, if the file is importable as one
    calls: int
    own: float  # seconds inside the function itself
    total: float  # seconds including what it called
    problem: str | None  # why it cannot be a target, or None
    processes: int = 1  # how many of the workload's processes called it

    @property
    def calls_per_process(self) -> int:
        return max(1, round(self.calls / max(self.processes, 1)))

    @property
    def entry(self) -> str:
        return f"{self.module}:{self.name}"


@dataclass(frozen=True)
class _Definition:
    qualname: str  # as Python names it: `f`, `Class.method`, `factory.<locals>.inner`
    kind: str  # "function", "generator", "async function" or "property"


def rank(reports: Iterable[list[dict[str, Any]]], copy: Path) -> list[Hotspot]:
    """Every profiled function of the repository, the most own time first; one row per
    function, however many processes ran it and under whichever path they imported it."""
    rows: dict[tuple[str, int, str], list[float]] = {}
    for report in reports:  # one per process
        for row in report:
            key = (row["file"], int(row["line"]), row["name"])
            sums = rows.setdefault(key, [0, 0.0, 0.0, 0])
            for index, field in enumerate(("calls", "own", "total")):
                sums[index] += row[field]
            sums[3] += 1
    merged: dict[tuple[str, str], Hotspot] = {}
    for key, sums in rows.items():
        if (spot := _hotspot(key, sums, copy)) is not None:
            same = merged.get((spot.file, spot.name))
            merged[(spot.file, spot.name)] = spot if same is None else _added(same, spot)
    return sorted(merged.values(), key=lambda spot: spot.own, reverse=True)


def _added(first: Hotspot, second: Hotspot) -> Hotspot:
    return replace(
        first,
        calls=first.calls + second.calls,
        processes=first.processes + second.processes,
        own=first.own + second.own,
        total=first.total + second.total,
    )


def _hotspot(key: tuple[str, int, str], sums: list[float], copy: Path) -> Hotspot | None:
    file, line, name = key
    relative = _ours(file, copy)
    if relative is None or name.startswith("<"):
        return None
    definition = _definitions(str(copy / relative)).get(line)
    if definition is None:
        return None
    module = _module_name(copy, copy / relative)
    problem = _problem(definition, module)
    if module is not None and "." not in module and relative.name != "__init__.py":
        problem = problem or "a module outside any package (targets live in packages)"
    calls, own, total, processes = int(sums[0]), sums[1], sums[2], int(sums[3])
    return Hotspot(
        relative.as_posix(),
        line,
        definition.qualname,
        module,
        calls,
        own,
        total,
        problem,
        processes,
    )


def _ours(file: str, copy: Path) -> Path | None:
    """The path inside the repository, if the file is the repository's own non-test code (a
    relative name is relative to the copy, where the workload ran)."""
    try:
        relative = (copy / file).resolve().relative_to(copy.resolve())
    except (ValueError, OSError):
        return None
    name = relative.name
    if _NOT_OURS & set(relative.parts[:-1]) or name in ("conftest.py", "tests.py", "test.py"):
        return None
    if name.startswith("test_") or name.endswith("_test.py") or name == "setup.py":
        return None
    return relative


def _problem(definition: _Definition, module: str | None) -> str | None:
    """Why this function cannot be a target, or None. Functions, generators, methods (of a
    class at any depth: instance, class and static ones) and closures made by one of those can
    be, and a property's getter; async functions, other properties and closures made by
    closures cannot."""
    if module is None:
        return "not importable"
    if definition.kind in ("async function", "property"):
        return definition.kind
    inner = definition.qualname.partition(".<locals>.")[2]
    if ".<locals>." in inner:
        return "a closure made by a closure"
    if "." in inner:
        return "a method of a class defined in a function"
    return None


def _module_name(copy: Path, file: Path) -> str | None:
    for root in import_roots(copy):
        try:
            parts = list(file.relative_to(root).with_suffix("").parts)
        except ValueError:
            continue
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            return ".".join(parts)
    return None


@functools.lru_cache(maxsize=256)
def _definitions(path: str) -> dict[int, _Definition]:
    """Function definitions by every line cProfile may name them by (def and decorator)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    found: dict[int, _Definition] = {}
    _walk(tree, "", found)
    return found


def _walk(node: ast.AST, prefix: str, found: dict[int, _Definition]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            definition = _Definition(prefix + child.name, _kind(child))
            for line in [child.lineno, *(d.lineno for d in child.decorator_list)]:
                found[line] = definition
            _walk(child, f"{prefix}{child.name}.<locals>.", found)
        elif isinstance(child, ast.ClassDef):
            _walk(child, f"{prefix}{child.name}.", found)
        else:
            _walk(child, prefix, found)


def _kind(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    if isinstance(node, ast.AsyncFunctionDef):
        return "async function"
    # A plain property's getter is a target (called with its receiver); the others are not
    # found under their own name: a cached_property is no property, a setter shares a name.
    decorators = {ast.unparse(d).rsplit(".", 1)[-1] for d in node.decorator_list}
    if decorators & {"cached_property", "setter", "getter", "deleter"}:
        return "property"
    own = [n for n in ast.walk(node) if isinstance(n, ast.Yield | ast.YieldFrom)]
    return "generator" if own else "function"
