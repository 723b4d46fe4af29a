"""OS-level limits for child processes: resources, environment, and no network."""

import functools
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 120
    memory_mb: int = 2048
    file_size_mb: int = 64
    open_files: int = 256
    pin_cpu: int | None = None  # run on this core, so every timed process gets the same one
    nice: int = 0  # added niceness, so a process warming up yields to the parent's hand-offs
    scratch_mb: int = 256  # the size of its only writable folder
    processes: int = 64  # processes and threads it may run at once (its own included)


def set_limits(limits: Limits) -> None:
    """Runs in the child between fork and exec."""
    memory = limits.memory_mb * 1024 * 1024
    for which, value in [
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_FSIZE, limits.file_size_mb * 1024 * 1024),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    ]:
        resource.setrlimit(which, (value, value))
    if limits.nice:
        os.nice(limits.nice)
    if limits.pin_cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {limits.pin_cpu})


def child_env(workdir: Path) -> dict[str, str]:
    """A minimal environment: no API keys or tokens reach candidate code."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        # One thread each, so candidate and baseline run under the same settings.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
    }


@functools.cache
def isolation_prefix() -> tuple[str, ...]:
    """`unshare` arguments that give the child an empty network namespace, where allowed.

    Where the kernel refuses (no user namespaces), the child's audit hook still blocks sockets.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for flags in (["--net"], ["--map-root-user", "--net"]):
        command = [unshare, *flags]
        probe = subprocess.run([*command, "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return tuple(command)
    return ()


def measuring_core() -> int | None:
    """The core timed processes run on: the last one this process may use."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    return max(os.sched_getaffinity(0))


def spare_cores(core: int | None) -> set[int]:
    """The cores other than the measuring one (empty when there are none)."""
    if core is None or not hasattr(os, "sched_getaffinity"):
        return set()
    return os.sched_getaffinity(0) - {core}
