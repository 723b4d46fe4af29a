"""The kernel boundary: bubblewrap namespaces, read-only binds, a size-capped scratch tmpfs, a
seccomp filter and a process limit.

Every box gets new user (or, as root, a throwaway uid), mount, pid, network, IPC, UTS and cgroup
namespaces, no capabilities, no_new_privs, and its own session. It sees the system's libraries
and the Python installation read-only, the paths its `Box` names, and nothing else: not the home
directory, the checkout, `reference_impls/`, harness's source, `results/` or the MLflow store.
Its init process dies with harness, and the kernel ends every process of the box with it.

As root the box cannot rely on a user namespace (root is exempt from the process limit), so the
box's processes run as a random unused uid with no capabilities: bubblewrap mounts as root, then
`setpriv` drops to that uid before anything untrusted runs.
"""

import functools
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from harness.sandbox.boundary import Box, PopenOptions, Running, SandboxUnavailable
from harness.sandbox.mounts import Mount, mount_args, system_mounts
from harness.sandbox.running import BoxedProcess
from harness.sandbox.seccomp import SeccompUnavailable, program, program_fd

_SEED = Path("/run/harness-seed")
# The scratch folder starts as a copy of the seed; `exec` keeps the command's pid.
_COPY_SEED = f'cp -R {_SEED}/. . && exec "$@"'
_NAMESPACES = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
_ROOT_CAPS = ["--cap-drop", "ALL"] + [
    arg for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP") for arg in ("--cap-add", cap)
]
_NO_USERNS_HINT = (
    "user namespaces look disabled: enable them (sysctl -w kernel.unprivileged_userns_clone=1, "
    "or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0) or run harness as root"
)
_UNSAFE_HINT = "or pass --unsafe-no-sandbox to run with the audit hook and static screen only"


class Bubblewrap:
    def __init__(self, tools: dict[str, str], version: str, seccomp: bool, as_root: bool) -> None:
        self.tools, self.seccomp, self.as_root = tools, seccomp, as_root
        filtered = "seccomp" if seccomp else "no seccomp filter"
        self.name = f"bubblewrap {version} ({filtered}{', root: throwaway uid' if as_root else ''})"

    def start(self, box: Box, argv: list[str], options: PopenOptions) -> Running:
        if self.as_root:
            _check_readable([*box.read_only, *([box.seed] if box.seed else [])])
        info_read, info_write = os.pipe()
        filter_fd = program_fd() if self.seccomp else None
        passed = [fd for fd in (info_write, filter_fd) if fd is not None]
        try:
            command = self.command(box, argv, info_write, filter_fd)
            popen = options.popen(command, pass_fds=passed)
        except BaseException:
            os.close(info_read)
            raise
        finally:
            for fd in passed:
                os.close(fd)
        return BoxedProcess(popen, info_read)

    def command(
        self, box: Box, argv: list[str], info_fd: int, filter_fd: int | None = None
    ) -> list[str]:
        """The whole command line: bubblewrap's options, then what runs inside the box."""
        args = [self.tools["bwrap"], "--die-with-parent", "--new-session", *_NAMESPACES]
        args += ["--unshare-cgroup-try"]
        args += _ROOT_CAPS if self.as_root else ["--unshare-user", "--disable-userns"]
        args += [*mount_args(_mounts(box)), "--info-fd", str(info_fd)]
        if filter_fd is not None:
            args += ["--seccomp", str(filter_fd)]
        args += ["--chdir", str(box.scratch), "--remount-ro", "/dev", "--remount-ro", "/", "--"]
        return args + self._inside(box, argv)

    def _inside(self, box: Box, argv: list[str]) -> list[str]:
        command = [self.tools["prlimit"], f"--nproc={box.processes}", "--"]
        if box.seed is not None:
            command += ["/bin/sh", "-c", _COPY_SEED, "harness-seed"]
        if not self.as_root:
            return command + argv
        uid = str(2**30 + secrets.randbelow(2**30))  # its own uid: its own process count
        drop = [self.tools["setpriv"], "--reuid", uid, "--regid", uid, "--clear-groups"]
        return [*drop, "--inh-caps=-all", "--bounding-set=-all", "--", *command, *argv]


def _check_readable(paths: list[Path]) -> None:
    """As root, the box's processes run as an unrelated uid: what they are shown must be
    readable by others, or they would fail later with a bare 'Permission denied'."""
    for path in paths:
        needed = 0o005 if path.is_dir() else 0o004
        if path.exists() and path.stat().st_mode & needed != needed:
            raise SandboxUnavailable(
                f"the sandbox runs candidate code as an unprivileged user, which cannot read "
                f"{path}: make it readable (chmod o+rX {path})"
            )


def _mounts(box: Box) -> list[Mount]:
    if box.scratch in box.read_only:
        raise ValueError(f"{box.scratch} cannot be both the scratch folder and read-only")
    seed_mb = _folder_mb(box.seed) if box.seed is not None else 0
    scratch = Mount(box.scratch, "tmpfs", size_mb=box.scratch_mb + seed_mb)
    own = [Mount(path, "ro") for path in box.read_only] + [scratch]
    own += [Mount(path, "rw") for path in box.writable]
    if box.seed is not None:
        own.append(Mount(_SEED, "ro", source=box.seed))
    from harness.sandbox.roots import hidden_roots

    hidden = [Mount(Path(path), "hide") for path in hidden_roots()]
    return system_mounts(_python_roots()) + hidden + own


def _folder_mb(folder: Path) -> int:
    """The size of the files under `folder`, in whole megabytes (rounded up)."""
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    return -(-size // (1024 * 1024))


@functools.cache
def _python_roots() -> tuple[Path, ...]:
    """The interpreter's installation and every site-packages folder it imports from."""
    from harness.sandbox.roots import sandbox_roots

    return tuple(Path(root) for root in sandbox_roots()[1])


@functools.cache
def kernel_boundary() -> Bubblewrap:
    """Bubblewrap as this machine allows it, tried once with a real interpreter start;
    SandboxUnavailable says what is missing and how to fix it."""
    as_root = os.geteuid() == 0
    tools = _tools(["bwrap", "prlimit", *(["setpriv"] if as_root else [])])
    version = _version(tools["bwrap"])
    try:
        program()
        seccomp = True
    except SeccompUnavailable:
        seccomp = False
    boundary = Bubblewrap(tools, version, seccomp, as_root)
    _try(boundary)
    return boundary


def _tools(names: list[str]) -> dict[str, str]:
    found = {name: shutil.which(name) for name in names}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        packages = "bubblewrap" if "bwrap" in missing else "util-linux"
        raise SandboxUnavailable(
            f"the sandbox needs {', '.join(missing)}, which is not installed: install it "
            f"(apt-get install {packages}; `make setup` does this as root), {_UNSAFE_HINT}"
        )
    return {name: path for name, path in found.items() if path is not None}


def _version(bwrap: str) -> str:
    done = subprocess.run([bwrap, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.split()[-1] if done.returncode == 0 and done.stdout.split() else "?"


def _try(boundary: Bubblewrap) -> None:
    """Start Python in a box once: namespaces, mounts, the filter and the uid drop all work."""
    scratch = Path("/run/harness-probe")
    argv = [sys.executable, "-I", "-c", "pass"]
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    options = PopenOptions(
        env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    running = boundary.start(Box(scratch), argv, options)
    try:
        _, error = running.popen.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        running.kill()
        raise SandboxUnavailable(f"the sandbox did not start within 60 s; {_UNSAFE_HINT}") from None
    if running.popen.returncode != 0:
        raise SandboxUnavailable(_failure(running.popen.returncode, error, boundary.as_root))


def _failure(code: int, error: bytes | None, as_root: bool) -> str:
    lines = (error or b"").decode(errors="replace").strip().splitlines()
    reason = lines[0] if lines else f"exit code {code}"
    hint = "" if as_root else f"{_NO_USERNS_HINT}, "
    return f"the sandbox (bubblewrap) cannot start here: {reason}; {hint}{_UNSAFE_HINT}"
