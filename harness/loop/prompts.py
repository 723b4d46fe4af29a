"""Prompt templates shipped in the package, each with a version recorded with every call."""

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    text: str


def render(name: str, **values: object) -> Prompt:
    """Fill template `name` (`optimizer` or `validator`); every placeholder must be given."""
    raw = resources.files("harness.loop.templates").joinpath(f"{name}.md").read_text("utf-8")
    header, _, body = raw.partition("\n")
    version = header.removeprefix("version:").strip()
    return Prompt(name, version, Template(body).substitute({k: str(v) for k, v in values.items()}))


def compact_profile(text: str, folder: Path) -> str:
    """cProfile's table without what costs a small model prompt tokens and says nothing: blank
    lines, the sort note, the profiler's own row and the temporary folder in every path."""
    noise = ("Ordered by", "_lsprof.Profiler")
    lines = [
        line.replace(f"{folder}/", "")
        for line in text.splitlines()
        if line.strip() and not any(mark in line for mark in noise)
    ]
    return "\n".join(lines)
