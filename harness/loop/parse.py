"""Turn a model's answer into whole code: a fenced code block, or a unified diff applied to the
current code. Small models wrap code in prose and several fences; both are handled.

For a target with several editable files the code is every file's text by path: a diff may touch
any of them and nothing else, and a bare code block replaces the entry module.
"""

import ast
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.loop.carry import carry_over
from harness.targets.code import Code

_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Parsed:
    """The new code, or the reason there is none."""

    source: Code | None
    problem: str | None = None


def parse_answer(answer: str, current: Code, entry: str, function: str) -> Parsed:
    """`entry`: the entry module's file name, or its key in `current` if that holds several."""
    if not answer.strip():
        return Parsed(None, "empty answer")
    blocks = [(lang.lower(), body) for lang, body in _FENCE.findall(answer)]
    diffs = [body for lang, body in blocks if lang in {"diff", "patch"} or _looks_like_diff(body)]
    if not diffs and not blocks and _looks_like_diff(answer):
        diffs = [answer]
    if diffs:
        if isinstance(current, dict):
            return apply_multi_file_diff(current, diffs[-1])
        return apply_diff(current, diffs[-1], entry)
    module = _pick_module([body for _, body in blocks] or [answer], function)
    if not isinstance(module.source, str):
        return module
    if isinstance(current, dict):
        return Parsed(current | {entry: carry_over(module.source, current[entry])})
    return Parsed(carry_over(module.source, current))


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

    The file names in the diff's headers are set to `filename` (models name files loosely), except
    that a diff naming a file that is plainly something else (a test, a benchmark, configuration,
    a new or deleted file) is refused; a diff that still does not apply is the problem reported.
    """
    for header in _HEADER.finditer(diff):
        named = _named(header)
        if named == "/dev/null" or _NOT_EDITABLE.search(_bare(named)):
            return Parsed(None, f"the diff touches {named}, which is not editable ({filename})")
    diff = _HEADER.sub(lambda header: _header(header.group(1), filename), diff)
    applied = _git_apply({filename: current}, diff)
    return Parsed(applied[filename]) if isinstance(applied, dict) else Parsed(None, applied)


def apply_multi_file_diff(current: dict[str, str], diff: str) -> Parsed:
    """Apply a diff over several editable files. Every header must name one of them (a path may
    drop leading folders if it stays unambiguous); a diff touching any other file is refused."""
    headers = {}
    for header in _HEADER.finditer(diff):
        path = _editable_path(_named(header), current)
        if path is None:
            editable = ", ".join(sorted(current))
            problem = f"the diff touches {_named(header)}, which is not editable ({editable})"
            return Parsed(None, problem)
        headers[header.group(0)] = _header(header.group(1), path)
    if not headers:
        return Parsed(None, "the diff names no file")
    files = dict(current)
    # One file at a time: `--recount` would count the next file's `--- ` header as a removal.
    for part in _FILE_START.split(_HEADER.sub(lambda header: headers[header.group(0)], diff)):
        if part.strip():
            applied = _git_apply(files, part)
            if isinstance(applied, str):
                return Parsed(None, applied)
            files = applied
    return Parsed(files)


_HEADER = re.compile(r"^(---|\+\+\+) (.*)$", re.MULTILINE)
# Names that are never the module being optimized: tests, benchmarks, configuration, docs.
_NOT_EDITABLE = re.compile(
    r"(^|/)(tests?/|benchmarks?/|test_[^/]*$|[^/]*_test\.py$|conftest\.py$)"
    r"|\.(toml|cfg|ini|json|ya?ml|txt|md|rst|lock)$"
)
_FILE_START = re.compile(r"^(?=--- .*\n\+\+\+ )", re.MULTILINE)


def _named(header: re.Match[str]) -> str:
    """The file a `---`/`+++` header names, without the timestamp some tools add."""
    return header.group(2).split("\t")[0].strip()


def _bare(named: str) -> str:
    return re.sub(r"^[ab]/", "", named)


def _header(marker: str, path: str) -> str:
    return f"{marker} {'a' if marker == '---' else 'b'}/{path}"


def _editable_path(named: str, editable: dict[str, str]) -> str | None:
    if named == "/dev/null":
        return None  # creating or deleting a file: not an edit of an editable one
    bare = _bare(named)
    if bare in editable:
        return bare
    endings = [path for path in editable if path.endswith("/" + bare)]
    return endings[0] if len(endings) == 1 else None


def _git_apply(current: dict[str, str], diff: str) -> dict[str, str] | str:
    """The files after `git apply`, or why the diff does not apply."""
    with tempfile.TemporaryDirectory(prefix="harness-diff-") as tmp:
        folder = Path(tmp)
        for path, text in current.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
        (folder / ".change.diff").write_text(diff if diff.endswith("\n") else diff + "\n")
        done = subprocess.run(
            ["git", "apply", "--recount", ".change.diff"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["git apply failed"])[0]
            return f"the diff does not apply: {reason}"
        return {path: (folder / path).read_text(encoding="utf-8") for path in current}
