"""The one reader of harness's TOML files (`target.toml`, `harness.toml`, `run --settings`,
`tune --space`): text to a validated pydantic model, and every error one line naming the file,
the key, its line and, for an unknown key, the keys allowed there."""

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from harness.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)


def read_config(path: Path, model: type[Model], guide: str) -> Model:
    """`path` read as `model`; `guide` names the README section that documents the file."""
    data, text = read_table(path)
    return validate(model, data, guide, path, text)


def read_table(path: Path) -> tuple[dict[str, Any], str]:
    """The file's table and its text (for line numbers in errors)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def validate(
    model: type[Model],
    data: Mapping[str, Any],
    guide: str,
    path: Path | None = None,
    text: str = "",
    overrides: Mapping[str, Any] | None = None,
) -> Model:
    """`data` as `model`; an error names the flag when a flag set the key, else the file."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        location = exc.errors()[0]["loc"]
        from_flag = bool(location) and location[0] in (overrides or {})
        source = "flags" if from_flag or path is None else str(path)
        raise config_error(exc, model, source, "" if from_flag else text, guide) from None


def config_error(
    exc: ValidationError,
    model: type[BaseModel],
    source: str,
    text: str,
    guide: str,
    under: tuple[str, ...] = (),
) -> ConfigError:
    """One line for the first error of validating `model`, whose data sits in the file's table
    `under` (e.g. `[fixed]` of a search space)."""
    error = exc.errors()[0]
    location = [*under, *error["loc"]]
    key = str(location[-1]) if location else ""
    tables = ".".join(str(part) for part in location[:-1] if isinstance(part, str))
    where = f"[{tables}] " if tables else ""
    line = line_of(text, location)
    at = f" (line {line})" if line else ""
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(_fields_at(model, location[len(under) : -1])) or "none"
        return ConfigError(f"{source}: unknown key {where}{key!r}{at}; allowed: {allowed}")
    if error["type"] == "missing":
        return ConfigError(f"{source}: missing key {where}{key!r}; see README '{guide}'")
    message = str(error["msg"]).removeprefix("Value error, ")
    return ConfigError(f"{source}: {where}{key}{at}: {message}" if key else f"{source}: {message}")


def _fields_at(model: type[BaseModel], path: list[Any]) -> list[str]:
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        inner = getattr(annotation, "__args__", (annotation,))  # list[Model] holds Model
        found = [a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)]
        if not found:
            return []
        model = found[0]
    return list(model.model_fields)


def line_of(text: str, location: list[Any]) -> int | None:
    """The line of the key at `location`: found after its table's header (the n-th one, for an
    array of tables), else nowhere."""
    if not text or not location:
        return None
    start = 0
    tables = [str(part) for part in location[:-1] if isinstance(part, str)]
    if tables:
        header = re.compile(rf"^\s*\[\[?\s*{re.escape('.'.join(tables))}\s*\]\]?", re.MULTILINE)
        headers = list(header.finditer(text))
        index = next((part for part in location if isinstance(part, int)), 0)
        if not headers:
            return None
        start = headers[min(index, len(headers) - 1)].end()
    key = re.compile(rf"^\s*{re.escape(str(location[-1]))}\s*=", re.MULTILINE).search(text, start)
    return text.count("\n", 0, key.start()) + 1 if key else None
