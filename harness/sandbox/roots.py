"""Where sandboxed code may read: Python's own files and a few system ones, less harness's
bundled targets."""

import os
import sys
import sysconfig
from pathlib import Path

# The child reads these but nothing else outside its working directory.
_SYSTEM_READ_ROOTS = [
    "/usr",
    "/lib",
    "/lib64",
    "/etc/localtime",
    "/etc/ld.so.cache",
    "/dev/null",
    "/dev/urandom",
    "/proc/self",
    "/proc/cpuinfo",
    "/sys/devices/system/cpu",
]


def sandbox_roots() -> tuple[list[str], list[str]]:
    """(where sandboxed code may read, where its import path may point): Python's own files."""
    prefixes = sorted({sys.prefix, sys.base_prefix, sys.exec_prefix, *_site_dirs()})
    path_roots = [os.path.realpath(p) for p in prefixes]
    return [*path_roots, *(os.path.realpath(p) for p in _SYSTEM_READ_ROOTS)], path_roots


def hidden_roots() -> list[str]:
    """Folders inside the Python roots that candidate code must not see: a wheel install ships
    the bundled targets and their known-good references inside the package."""
    bundled = Path(__file__).resolve().parents[1] / "_bundled"
    return [str(bundled)] if bundled.is_dir() else []


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return [paths["stdlib"], paths["platstdlib"], paths["purelib"], paths["platlib"]]
