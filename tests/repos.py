"""Small git repositories for the init tests, and `harness init` run on them as a user would."""

import os
import subprocess
import sys
import tarfile
from pathlib import Path


def make_repo(root: Path, files: dict[str, str]) -> Path:
    """`files` (path -> text) committed to a new git repository at `root`."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "init"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    return root


def harness_init(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "harness", "init", *args]
    env = os.environ | {"COLUMNS": "200"}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


def sdist_repo(name: str, version: str, folder: Path) -> Path:
    """A source distribution from PyPI, fetched now, unpacked and committed to a git repository
    of its own under `folder`."""
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    done = subprocess.run([*pip, "-d", str(folder), f"{name}=={version}"], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    [archive] = folder.glob("*.tar.gz")
    with tarfile.open(archive) as opened:
        opened.extractall(folder / "src", filter="data")
    [root] = (folder / "src").iterdir()
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "sdist"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    return root
