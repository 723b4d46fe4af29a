"""Accepted steps land as commits on a new branch; the working tree and HEAD stay as they were."""

import subprocess
from pathlib import Path

from harness.loop.branch import commit_steps


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_steps_become_commits_without_touching_the_working_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    module = repo / "pkg" / "mod.py"
    module.write_text("original\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    module.write_text("user's uncommitted edit\n")
    head = _git(repo, "rev-parse", "HEAD")

    steps = [({"pkg/mod.py": "step one\n"}, "r1c1: 1.5x")]
    steps.append(({"pkg/mod.py": "step two\n", "pkg/util.py": "helper\n"}, "r2c1: 1.2x"))
    branch = commit_steps(repo, "harness/s1", steps)

    assert branch == "harness/s1"
    assert module.read_text() == "user's uncommitted edit\n"
    assert (
        _git(repo, "rev-parse", "HEAD") == head
        and _git(repo, "status", "--porcelain") == "M pkg/mod.py"
    )
    assert _git(repo, "log", "--format=%s", "harness/s1") == "r2c1: 1.2x\nr1c1: 1.5x\ninit"
    assert _git(repo, "show", "harness/s1:pkg/mod.py") == "step two"
    assert _git(repo, "show", "harness/s1~1:pkg/mod.py") == "step one"
    assert _git(repo, "show", "harness/s1:pkg/util.py") == "helper"
    assert "util.py" not in _git(repo, "ls-tree", "-r", "--name-only", "harness/s1~1")


def test_outside_git_there_is_no_branch(tmp_path: Path) -> None:
    module = tmp_path / "mod.py"
    module.write_text("x\n")
    assert commit_steps(tmp_path, "harness/s1", [({"mod.py": "y\n"}, "step")]) is None
