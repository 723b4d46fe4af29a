"""A candidate's code: the entry module's text, or, for a repository target with several editable
files, every editable file's text by its path relative to the repository.

Single-file targets keep plain strings everywhere (prompts, journals, stores); a multi-file
target's code is always the complete set of its editable files, so any two versions compare file
by file and a change to a helper module is as visible as a change to the entry.
"""

import ast
import difflib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness.records import Code as Code

if TYPE_CHECKING:
    from harness.targets.loader import Target


def is_multi_file(target: "Target") -> bool:
    return target.layout is not None and len(target.config.editable) > 1


def entry_path(target: "Target") -> str:
    """The entry module's key: its path in the repository, or its file name."""
    if target.layout is None:
        return target.entry_file.relative_to(target.folder).as_posix()
    return target.entry_file.relative_to(target.layout.root).as_posix()


def code_root(target: "Target") -> Path:
    """The folder the keys of `files` are relative to."""
    return target.layout.root if target.layout is not None else target.folder


def files(target: "Target", code: Code) -> dict[str, str]:
    """Every file of `code` by its key (see `entry_path`)."""
    return {entry_path(target): code} if isinstance(code, str) else dict(code)


def entry_text(target: "Target", code: Code) -> str:
    return code if isinstance(code, str) else code[entry_path(target)]


def baseline_code(target: "Target") -> Code:
    """The target's code as it is on disk now."""
    if not is_multi_file(target):
        return target.baseline_source()
    assert target.layout is not None
    root = target.layout.root
    return {path: (root / path).read_text(encoding="utf-8") for path in target.config.editable}


def frozen_code(target: "Target") -> Code:
    """The target's code as it was when it was loaded: a repository target's editable files
    from its frozen package (the working tree may have changed since), else as `baseline_code`."""
    layout = target.layout
    if layout is None:
        return baseline_code(target)
    frozen = {
        path: (layout.snapshot / (layout.root / path).relative_to(layout.package)).read_text(
            encoding="utf-8"
        )
        for path in target.config.editable
    }
    return frozen if is_multi_file(target) else frozen[entry_path(target)]


def code_diff(target: "Target", before: Code, after: Code) -> str:
    """A unified diff from `before` to `after`, file by file, `a/` and `b/` prefixed."""
    old, new = files(target, before), files(target, after)
    chunks = []
    for path in sorted(old.keys() | new.keys()):
        lines = difflib.unified_diff(
            old.get(path, "").splitlines(keepends=True),
            new.get(path, "").splitlines(keepends=True),
            f"a/{path}",
            f"b/{path}",
        )
        chunks.append("".join(lines))
    return "".join(chunks)


def write_code(target: "Target", code: Code, root: Path) -> None:
    """Write every file of `code` under `root`: `code_root` itself, or a copy of it."""
    for path, text in files(target, code).items():
        destination = root / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")


def save_code(code: Code, folder: Path, stem: str) -> Path:
    """`stem.py`, or for several files `stem.json` (path -> text); returns the file written."""
    if isinstance(code, str):
        path = folder / f"{stem}.py"
        path.write_text(code, encoding="utf-8")
    else:
        path = folder / f"{stem}.json"
        path.write_text(json.dumps(code, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def load_code(folder: Path, stem: str) -> Code:
    """What `save_code` wrote. Raises OSError or ValueError if it is missing or malformed."""
    several = folder / f"{stem}.json"
    if not several.is_file():
        return (folder / f"{stem}.py").read_text(encoding="utf-8")
    data = json.loads(several.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{several} is not a JSON object of file texts")
    return {str(path): text for path, text in data.items()}


def artifact_files(code: Code | None) -> dict[str, str]:
    """The code as files to store with a candidate: `candidate.py`, or `candidate/PATH` each."""
    if code is None:
        return {}
    if isinstance(code, str):
        return {"candidate.py": code}
    return {f"candidate/{path}": text for path, text in code.items()}


def shown(target: "Target", code: Code) -> str:
    """The code as a prompt shows it: one fenced block per file, named when there are several."""
    if isinstance(code, str):
        return f"```python\n{code.rstrip()}\n```"
    return "\n\n".join(
        f"File {path}:\n```python\n{text.rstrip()}\n```" for path, text in sorted(code.items())
    )


def imports_only_stdlib(texts: list[str]) -> bool:
    """True when every absolute import in these modules is of the standard library (relative
    imports stay inside the package); unreadable code counts as importing anything."""
    for text in texts:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return False
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            if any(name.split(".")[0] not in sys.stdlib_module_names for name in names):
                return False
    return True
