"""A repository's working tree as git sees it: its files, a copy of them, its import roots."""

import shutil
import subprocess
from pathlib import Path

from harness.errors import HarnessError


def tracked_files(repo: Path) -> list[str]:
    done = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        if reason and "not a git repository" not in reason[0]:  # e.g. git's "dubious ownership"
            raise HarnessError(
                f"git refuses {repo}: {reason[0].removeprefix('fatal: ')}{_hint(reason)}"
            )
        raise HarnessError(f"{repo} is not a git repository; run `git init` there first")
    return [name for name in done.stdout.decode().split("\0") if name]


def _hint(lines: list[str]) -> str:
    """git's own suggested command, if it gave one (indented on a later line)."""
    commands = [line.strip() for line in lines[1:] if line.strip().startswith("git ")]
    return f"; {commands[0]}" if commands else ""


def copy_working_tree(repo: Path, copy: Path) -> None:
    """The files git tracks, and untracked ones it does not ignore, as they are on disk; and the
    built extension modules git ignores inside the package folders (a package without them runs
    its slow pure-Python fallback, or does not import)."""
    names = tracked_files(repo)
    for name in [*names, *built_extensions(repo, names)]:
        source = repo / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)


def built_extensions(repo: Path, names: list[str]) -> list[str]:
    """Git-ignored `*.so`/`*.pyd` files in a folder of `names` that is an import root or holds
    an `__init__.py` (not those of build/, a virtualenv or site-packages inside the checkout)."""
    done = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--others", "--ignored", "--exclude-standard",
         "--directory", "--no-empty-directory"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    ignored = [name for name in done.stdout.decode().split("\0") if name.endswith((".so", ".pyd"))]
    packages = {str(Path(name).parent) for name in names if Path(name).name == "__init__.py"}
    roots = {str(root.relative_to(repo)) for root in import_roots(repo)}
    return [name for name in ignored if str(Path(name).parent) in packages | roots]


def import_roots(root: Path) -> list[Path]:
    """Where the repository's top-level packages live: `src/` when it has one, and the root."""
    return [root / "src", root] if (root / "src").is_dir() else [root]
