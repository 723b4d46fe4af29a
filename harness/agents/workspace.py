"""The scratch copy an agent works in: the editable files of the current best, the target's
tests (read-only), the task, and a `check` helper judging the agent's current files with
harness's own gate. Afterwards the editable files are the candidate; a change anywhere else is
ignored and reported."""

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from harness.agents.helpers import write_helper
from harness.targets.code import Code, code_root, files, save_code
from harness.targets.loader import Target

TASK_FILE = "TASK.md"
CHECK = "check"
TRY = "try"
HIDDEN = ".harness"  # what the helpers read (the target, the current best, a candidate); read-only
# Written by harness or by the agent's own tools as it works: never a change to report.
_OWN = {
    TASK_FILE,
    CHECK,
    HIDDEN,
    ".home",
    "usage.json",
    ".aider.tags.cache.v4",
    ".aider.chat.history.md",
    ".aider.input.history",
}


def helper_socket(folder: Path) -> Path:
    """Where the service answering `folder`'s helper listens (read-only in the box; a socket
    there can still be connected to)."""
    return folder / HIDDEN / "helper.sock"


@dataclass(frozen=True)
class Outcome:
    """What the agent left: the editable files as a candidate (None: unchanged), and the other
    paths it created, changed or removed (ignored)."""

    code: Code | None
    ignored: list[str]


class Workspace:
    def __init__(self, folder: Path, target: Target, current: Code) -> None:
        self.folder, self.target, self.current = folder, target, current
        self.editable = sorted(files(target, current))
        self.tests = folder / "tests"

    def prepare(self, task: str, check_seconds: float) -> None:
        """Lay out the scratch copy (`folder` must not exist yet)."""
        self.folder.mkdir(parents=True)
        for path, text in files(self.target, self.current).items():
            (self.folder / path).parent.mkdir(parents=True, exist_ok=True)
            (self.folder / path).write_text(text, encoding="utf-8")
        self._copy_tests()
        (self.folder / TASK_FILE).write_text(task, encoding="utf-8")
        hidden = self.folder / HIDDEN
        hidden.mkdir()
        save_code(self.current, hidden, "current")
        settings = {
            "target": self.target.address,
            "files": self.editable,
            "budget_seconds": check_seconds,
        }
        (hidden / "check.json").write_text(json.dumps(settings), encoding="utf-8")
        write_helper(self.folder / CHECK, helper_socket(self.folder))
        self._before = self._fingerprints()

    def _copy_tests(self) -> None:
        """The target's tests, when it has a folder of them beside its code."""
        source = code_root(self.target) / "tests"
        if source.is_dir():
            shutil.copytree(source, self.tests, ignore=shutil.ignore_patterns("__pycache__"))

    def collect(self) -> Outcome:
        after = self._fingerprints()
        changed = sorted(
            path
            for path in self._before.keys() | after.keys()
            if path not in self.editable and self._before.get(path) != after.get(path)
        )
        texts = {}
        for path in self.editable:
            try:
                texts[path] = (self.folder / path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                return Outcome(None, [*changed, f"{path}: {exc}"])
        code: Code = texts if isinstance(self.current, dict) else texts[self.editable[0]]
        return Outcome(None if code == self.current else code, changed)

    def _fingerprints(self) -> dict[str, str]:
        prints = {}
        for path in sorted(self.folder.rglob("*")):
            relative = path.relative_to(self.folder)
            if relative.parts[0] in _OWN or "__pycache__" in relative.parts:
                continue
            if path.is_file() and not path.is_symlink():
                prints[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif path.is_symlink():
                prints[relative.as_posix()] = f"link:{path.readlink()}"
        return prints


def prepare_review(folder: Path, target: Target, candidate: Code, diff: str, task: str) -> Path:
    """A folder for an agent reviewing `candidate`: its files under `candidate/` and the change
    in CHANGE.diff (both read-only to the agent), the task, and `./try` to run an input through
    the candidate (sandboxed) and the reference. Returns what the agent must not change."""
    shown = folder / "candidate"
    shown.mkdir(parents=True)
    for path, text in files(target, candidate).items():
        (shown / path).parent.mkdir(parents=True, exist_ok=True)
        (shown / path).write_text(text, encoding="utf-8")
    (folder / "CHANGE.diff").write_text(diff, encoding="utf-8")
    (folder / TASK_FILE).write_text(task, encoding="utf-8")
    hidden = folder / HIDDEN
    hidden.mkdir()
    save_code(candidate, hidden, "candidate")
    settings = {"target": target.address, "files": sorted(files(target, candidate))}
    (hidden / "check.json").write_text(json.dumps(settings), encoding="utf-8")
    write_helper(folder / TRY, helper_socket(folder))
    return shown
