"""TOML text for the files harness writes (`harness.toml`, tuned settings); tomllib only reads."""

from typing import Any

import tomli_w


def dumps(document: dict[str, Any], comment: str = "") -> str:
    """`document` as TOML: nested dicts become tables, lists of dicts arrays of tables, and None
    values are left out (TOML has no null). `comment`'s lines head the text as `# ...`."""
    head = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    body = tomli_w.dumps(_without_none(document))
    return f"{head}\n{body}" if head and body else head + body


def _without_none(value: Any) -> Any:
    """`value` with every None dict entry dropped, at any depth (lists keep their items)."""
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_without_none(item) for item in value]
    return value
