"""The seccomp filter every boxed process runs under, compiled with libseccomp (via pyseccomp).

It refuses the system calls a process optimizing code never needs and that widen what it can
reach: tracing or reading other processes, mounting, new namespaces, kernel keyrings, BPF, module
loading, io_uring (whose requests bypass seccomp) and the terminal-injection ioctl. Refused calls
fail with EPERM, so a library that probes for one of them carries on.
"""

import contextlib
import errno
import functools
import os
import tempfile
from typing import Any

from harness.errors import HarnessError, install_line

INSTALL = (
    f"{install_line('pyseccomp==0.1.2')} (and Debian's libseccomp2: apt-get install libseccomp2)"
)
_REFUSED = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsmount",
    "fsconfig",
    "fspick",
    "mount_setattr",
    "unshare",
    "setns",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "open_by_handle_at",
    "name_to_handle_at",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "syslog",
    "quotactl",
    "lookup_dcookie",
    "uselib",
    "vhangup",
)
# CLONE_NEWUSER, NEWPID, NEWNET, NEWIPC, NEWUTS, NEWNS, NEWCGROUP, NEWTIME
_NAMESPACE_FLAGS = (
    0x10000000,
    0x20000000,
    0x40000000,
    0x08000000,
    0x04000000,
    0x00020000,
    0x02000000,
    0x00000080,
)
_TIOCSTI = 0x5412


class SeccompUnavailable(HarnessError):
    """The filter cannot be compiled here; `str()` says why and how to fix it."""


@functools.cache
def program() -> bytes:
    """The filter as a BPF program, the form bubblewrap's `--seccomp FD` loads."""
    try:
        import pyseccomp as seccomp
    except ImportError:
        raise SeccompUnavailable(f"pyseccomp is not installed: {INSTALL}") from None
    except OSError as exc:  # pyseccomp loads libseccomp.so.2 when imported
        raise SeccompUnavailable(f"libseccomp cannot be loaded ({exc}): {INSTALL}") from None
    refuse = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in _REFUSED:
        _add(rules, refuse, name)
    # clone's flags are an argument seccomp can see; clone3 passes them in memory it cannot,
    # so clone3 says "not implemented" and the C library falls back to clone.
    for flag in _NAMESPACE_FLAGS:
        rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    _add(rules, seccomp.ERRNO(errno.ENOSYS), "clone3")
    rules.add_rule(refuse, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, _TIOCSTI))
    return _export(rules)


def _add(rules: Any, action: Any, name: str) -> None:
    with contextlib.suppress(OSError):  # a call this machine's architecture does not have
        rules.add_rule(action, name)


def _export(rules: Any) -> bytes:
    with tempfile.TemporaryFile() as compiled:
        rules.export_bpf(compiled)
        compiled.seek(0)
        return compiled.read()


def program_fd() -> int:
    """A fresh, rewound file descriptor holding the program, for one bubblewrap start; the
    caller closes it once the box has started."""
    fd = os.memfd_create("harness-seccomp", 0)
    os.write(fd, program())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
