"""What a box's file system is made of, as bubblewrap options.

The box's root is an empty tmpfs made read-only once everything is mounted. Host paths are shown
at the same place, so paths harness hands the process (module files, working folders) mean the
same inside and out.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

_SYSTEM_DIRS = ("/usr",)
# On a merged-/usr system these are symlinks into /usr; elsewhere real folders.
_SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
_SYSTEM_FILES = (
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/etc/alternatives",
    "/sys/devices/system/cpu",  # how many cores there are (numpy, os.cpu_count)
)
_SHM_MB = 16


@dataclass(frozen=True)
class Mount:
    """`dest` inside the box: a host path read-only (`ro`) or read-write (`rw`), a size-capped
    tmpfs, or a symlink to `source`; `source` defaults to the same path on the host."""

    dest: Path
    kind: Literal["ro", "rw", "tmpfs", "symlink", "hide"]  # hide: an empty read-only folder
    source: Path | None = None
    size_mb: int = 0
    optional: bool = False  # a host path that may not exist here

    def args(self) -> list[str]:
        source = str(self.source or self.dest)
        if self.kind == "tmpfs":
            size = str(self.size_mb * 1024 * 1024)
            return ["--perms", "1777", "--size", size, "--tmpfs", str(self.dest)]
        if self.kind == "hide":  # made read-only once what is shown inside it is mounted
            return ["--perms", "0755", "--size", str(1024 * 1024), "--tmpfs", str(self.dest)]
        if self.kind == "symlink":
            return ["--symlink", source, str(self.dest)]
        flag = {"ro": "--ro-bind", "rw": "--bind"}[self.kind]
        return [f"{flag}-try" if self.optional else flag, source, str(self.dest)]


def system_mounts(python_roots: Iterable[Path]) -> list[Mount]:
    """System libraries and tools, the Python installation, /proc, /dev and a small /dev/shm."""
    mounts = [Mount(Path(path), "ro") for path in _SYSTEM_DIRS]
    for link in map(Path, _SYSTEM_LINKS):
        if link.is_symlink():
            mounts.append(Mount(link, "symlink", source=link.readlink()))
        elif link.is_dir():
            mounts.append(Mount(link, "ro"))
    mounts += [Mount(Path(path), "ro", optional=True) for path in _SYSTEM_FILES]
    mounts += [Mount(root, "ro") for root in python_roots]
    return [*mounts, Mount(Path("/dev/shm"), "tmpfs", size_mb=_SHM_MB)]


def mount_args(mounts: list[Mount]) -> list[str]:
    """Options for `mounts`, parents first, each missing parent folder created (world-readable,
    so a box running as an unprivileged uid can walk down to what it may see)."""
    args = ["--proc", "/proc", "--dev", "/dev"]
    made: set[Path] = {Path("/"), Path("/proc"), Path("/dev")}
    shown: list[Path] = []  # host folders bound in: what lies below them exists already
    read_only: list[Path] = []
    hidden = [mount.dest for mount in mounts if mount.kind == "hide"]
    for mount in sorted(_unique(mounts), key=lambda m: len(m.dest.parts)):
        visible = _below(mount.dest, read_only) and not _below(mount.dest, hidden)
        if mount.kind == "ro" and mount.source is None and visible:
            continue  # the same host files are visible through a folder above
        for parent in reversed(mount.dest.parents):
            exists = _below(parent, shown, strict=False) and not _below(parent, hidden)
            if parent not in made and not exists:
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        args += mount.args()
        made.add(mount.dest)
        if mount.kind in {"ro", "rw"} and mount.source is None:
            shown.append(mount.dest)
            if mount.kind == "ro":
                read_only.append(mount.dest)
    return args + [arg for dest in hidden for arg in ("--remount-ro", str(dest))]


def _unique(mounts: list[Mount]) -> list[Mount]:
    by_dest: dict[Path, Mount] = {}
    for mount in mounts:
        by_dest.setdefault(mount.dest, mount)
    return list(by_dest.values())


def _below(path: Path, folders: list[Path], strict: bool = True) -> bool:
    return any(path.is_relative_to(folder) and (path != folder or not strict) for folder in folders)
