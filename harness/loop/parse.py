"""Turn a model's answer into a whole module: a fenced code block, or a unified diff applied to
the current code. Small models wrap code in prose and several fences; both are handled."""

import ast
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Parsed:
    """The module source, or the reason there is none."""

    source: str | None
    problem: str | None = None


def parse_answer(answer: str, current: str, filename: str, function: str) -> Parsed:
    if not answer.strip():
        return Parsed(None, "empty answer")
    blocks = [(lang.lower(), body) for lang, body in _FENCE.findall(answer)]
    diffs = [body for lang, body in blocks if lang in {"diff", "patch"} or _looks_like_diff(body)]
    if diffs:
        return apply_diff(current, diffs[-1], filename)
    if not blocks and _looks_like_diff(answer):
        return apply_diff(current, answer, filename)
    candidates = [body for _, body in blocks] or [answer]
    return _pick_module(candidates, function)


def _looks_like_diff(text: str) -> bool:
    return bool(re.search(r"^--- .*\n\+\+\+ .*\n@@", text, re.MULTILINE))


def _pick_module(bodies: list[str], function: str) -> Parsed:
    """The last block that parses and defines the entry function."""
    defining = re.compile(rf"^(async\s+)?def\s+{re.escape(function)}\s*\(", re.MULTILINE)
    for body in reversed(bodies):
        if defining.search(body) and _parses(body):
            return Parsed(body.strip() + "\n")
    if any(defining.search(body) for body in bodies):
        return Parsed(None, f"the code defining `{function}` does not parse")
    return Parsed(None, f"no code block defines `{function}`")


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def apply_diff(current: str, diff: str, filename: str) -> Parsed:
    """Apply a unified diff to the one editable file with `git apply`.

    The file names in the diff's headers are set to `filename` (models name files loosely); a
    diff that still does not apply is the problem reported.
    """
    diff = re.sub(r"^--- .*$", f"--- a/{filename}", diff, flags=re.MULTILINE)
    diff = re.sub(r"^\+\+\+ .*$", f"+++ b/{filename}", diff, flags=re.MULTILINE)
    with tempfile.TemporaryDirectory(prefix="harness-diff-") as tmp:
        folder = Path(tmp)
        (folder / filename).write_text(current, encoding="utf-8")
        (folder / "change.diff").write_text(diff if diff.endswith("\n") else diff + "\n")
        done = subprocess.run(
            ["git", "apply", "--recount", "change.diff"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["git apply failed"])[0]
            return Parsed(None, f"the diff does not apply: {reason}")
        return Parsed((folder / filename).read_text(encoding="utf-8"))
