"""Accepted steps as commits on `harness/<session>`, written with git plumbing into a private
index: the user's working tree, index and current branch are never touched."""

import os
import subprocess
import tempfile
from pathlib import Path

_FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "harness",
    "GIT_AUTHOR_EMAIL": "harness@localhost",
    "GIT_COMMITTER_NAME": "harness",
    "GIT_COMMITTER_EMAIL": "harness@localhost",
}


def _git(
    root: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout.strip()


def repo_root(path: Path) -> Path | None:
    try:
        root = Path(_git(path, "rev-parse", "--show-toplevel"))
        _git(root, "rev-parse", "--verify", "HEAD")
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    return root


def commit_steps(base: Path, branch: str, steps: list[tuple[dict[str, str], str]]) -> str | None:
    """Commit each (files, message) in turn on top of HEAD as `branch`; None outside git.
    `files`: each changed file's text by its path relative to `base`."""
    root = repo_root(base)
    if root is None or not steps:
        return None
    with tempfile.TemporaryDirectory(prefix="harness-index-") as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if not _has_identity(root):
            env.update(_FALLBACK_IDENTITY)
        parent = _git(root, "rev-parse", "HEAD")
        _git(root, "read-tree", parent, env=env)
        for changed, message in steps:
            for path, text in changed.items():
                relative = (base / path).resolve().relative_to(root).as_posix()
                blob = _git(root, "hash-object", "-w", "--stdin", stdin=text)
                info = f"100644,{blob},{relative}"
                _git(root, "update-index", "--add", "--cacheinfo", info, env=env)
            tree = _git(root, "write-tree", env=env)
            parent = _git(root, "commit-tree", tree, "-p", parent, "-m", message, env=env)
        _git(root, "update-ref", f"refs/heads/{branch}", parent)
    return branch


def _has_identity(root: Path) -> bool:
    try:
        return bool(_git(root, "config", "user.email")) and bool(_git(root, "config", "user.name"))
    except subprocess.CalledProcessError:
        return False
