"""What a candidate tried, told from the error the sandbox gave it.

The kernel boundary answers an attempt to leave the box with an ordinary error (a read-only file
system, a missing file, a refused connection), and the audit hook with its own message; a
rejection should say in plain words what the candidate was caught trying.
"""

_ATTEMPTS = (
    ("sandbox: writing", "tried to write outside its folder"),
    ("sandbox: reading", "tried to read outside its folder"),
    ("sandbox: os.remove", "tried to delete files"),
    ("sandbox: os.fork", "tried to start a process"),
    ("sandbox: os.exec", "tried to start a program"),
    ("sandbox: os.posix_spawn", "tried to start a program"),
    ("sandbox: os.system", "tried to start a program"),
    ("sandbox: subprocess", "tried to start a program"),
    ("sandbox: os.kill", "tried to signal a process"),
    ("sandbox: socket", "tried to use the network"),
    ("sandbox: ctypes", "tried to call C code directly (ctypes)"),
    ("sandbox: importing", "tried to import harness or the reference"),
    ("Read-only file system", "tried to write outside its folder"),
    ("No space left on device", "filled its scratch folder"),
    ("ConnectionRefusedError", "tried to use the network"),
    ("Network is unreachable", "tried to use the network"),
    ("BlockingIOError: [Errno 11]", "tried to start more processes than it may"),
    ("Operation not permitted", "tried something the sandbox forbids"),
)


def attempt(error: str) -> str | None:
    """The attempt `error` (a failed call's reason) gives away, if any."""
    return next((words for marker, words in _ATTEMPTS if marker in error), None)
