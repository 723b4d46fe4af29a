"""Prompt templates shipped in the package, each with a version recorded with every call."""

from dataclasses import dataclass
from importlib import resources
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
