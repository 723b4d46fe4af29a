"""TOML text for the files harness writes (`harness.toml`, tuned settings); tomllib only reads."""

import json
import re
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def assignments(table: dict[str, Any]) -> list[str]:
    """One `key = value` line per entry; None is left out (TOML has no null). JSON strings,
    numbers, booleans and arrays are valid TOML values as they are."""
    return [
        f"{key if _BARE_KEY.fullmatch(key) else json.dumps(key)} = "
        f"{json.dumps(value, ensure_ascii=False)}"
        for key, value in table.items()
        if value is not None
    ]
