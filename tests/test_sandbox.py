"""The sandbox's runtime layers, exercised directly (the static screen is not in the way here)."""

import json
import math
import socket
import struct
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from harness.sandbox.codec import Instance, decode
from harness.sandbox.limits import Limits
from harness.sandbox.messages import CallResult, SandboxSpec
from harness.sandbox.process import SandboxError, SandboxProcess


@pytest.fixture
def run(tmp_path: Path) -> Iterator[object]:
    processes: list[SandboxProcess] = []

    def run_module(body: str, args: list[object] | None = None, timeout: float = 5) -> CallResult:
        workdir = tmp_path / f"box{len(processes)}"
        (workdir / "src").mkdir(parents=True)
        module = workdir / "src" / "mod.py"
        module.write_text(textwrap.dedent(body))
        spec = SandboxSpec(
            module, "mod", "f", workdir, limits=Limits(cpu_seconds=10, memory_mb=1024)
        )
        process = SandboxProcess(spec)
        processes.append(process)
        return process.call(args if args is not None else [[1, 2]], timeout)

    yield run_module
    for process in processes:
        process.close()


def test_plain_call_round_trips_exact_types(run) -> None:
    result = run("def f(x):\n    return [(1, 'a'), {2: 3.5}, None, True]\n", [[1]])
    assert result.ok and result.output == [(1, "a"), {2: 3.5}, None, True]
    assert type(result.output[0]) is tuple and result.args_after == [[1]]


def test_long_float_lists_travel_bit_exact(run) -> None:
    values = [0.1 * i for i in range(40)] + [-0.0, math.inf, -math.inf, 5e-324, math.nan]
    result = run("def f(x):\n    return [v * 1.0 for v in x]\n", [values])

    def bits(floats: list[float]) -> list[bytes]:
        return [struct.pack("d", v) for v in floats]

    assert result.ok and bits(result.output) == bits(result.args_after[0]) == bits(values)


def test_malformed_packed_floats_are_refused_not_crashed_on() -> None:
    for bad in ["not base64!", "AAAA", 17]:
        with pytest.raises(ValueError):
            decode({"__f64__": bad})


def test_file_deletion_is_refused_and_the_file_survives(run, squares_folder: Path) -> None:
    victim = squares_folder / "squares.py"
    result = run(f"import os\ndef f(x):\n    os.remove({str(victim)!r})\n")
    assert result.kind == "exception" and "not allowed" in result.error
    assert victim.is_file()


def test_writes_outside_the_workdir_are_refused(run, tmp_path: Path) -> None:
    result = run(f"def f(x):\n    open({str(tmp_path / 'out.txt')!r}, 'w').write('x')\n")
    assert result.kind == "exception" and "writing" in result.error
    assert not (tmp_path / "out.txt").exists()


def test_reading_the_reference_is_refused(run, squares_folder: Path) -> None:
    reference = squares_folder.parent.parent / "reference_impls" / "squares.py"
    result = run(f"def f(x):\n    return open({str(reference)!r}).read()\n")
    assert result.kind == "exception" and "reading" in result.error


def test_importing_harness_is_refused(run) -> None:
    result = run("def f(x):\n    import harness.verify.gate\n    return 1\n")
    assert result.kind == "exception" and "importing" in result.error


def test_fork_and_subprocess_are_refused(run) -> None:
    assert "os.fork" in run("import os\ndef f(x):\n    os.fork()\n").error
    result = run("import subprocess\ndef f(x):\n    subprocess.run(['true'])\n")
    assert "subprocess" in result.error


def test_network_is_refused(run) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = run(
            f"import socket\ndef f(x):\n    socket.create_connection(('127.0.0.1', {port}))\n"
        )
    assert result.kind == "exception" and "socket" in result.error


def test_hang_is_killed_at_the_timeout(run) -> None:
    result = run("def f(x):\n    while True:\n        pass\n", timeout=1)
    assert result.kind == "timeout"


def test_segfault_is_reported(run) -> None:
    body = """
        import sys
        def deeper(n):
            return sorted([n], key=lambda x: deeper(x + 1))
        def f(x):
            sys.setrecursionlimit(10**7)
            return deeper(0)
    """
    result = run(body)
    assert result.kind == "crash" and "SIGSEGV" in result.error


def test_memory_bomb_hits_the_limit(run) -> None:
    result = run("def f(x):\n    return [0] * 10**10\n")
    assert result.kind == "exception" and "MemoryError" in result.error


def test_hard_exit_is_a_crash(run) -> None:
    result = run("import os\ndef f(x):\n    os._exit(3)\n")
    assert result.kind == "crash" and "code 3" in result.error


def test_printed_replies_cannot_forge_results(run) -> None:
    forged = json.dumps({"id": 1, "ok": True, "output": [], "args_after": [[1, 2]]})
    result = run(f"def f(x):\n    print({forged!r}, flush=True)\n    return [9]\n")
    assert result.ok and result.output == [9]


def test_objects_come_back_as_data_and_their_methods_never_run_here(run) -> None:
    always_equal = (
        "class E:\n    def __eq__(self, o):\n        return True\ndef f(x):\n    return E()\n"
    )
    result = run(always_equal)
    assert result.ok and type(result.output) is Instance and result.output.path == "mod:E"
    assert result.output != Instance("mod:F", "object", None, {})  # E.__eq__ is not consulted
    array = run("import numpy as np\ndef f(x):\n    return np.zeros(2, dtype=np.int8)\n").output
    assert type(array) is np.ndarray and array.dtype == np.int8
    subclass = run("class L(list):\n    pass\ndef f(x):\n    return L([1])\n").output
    assert (subclass.path, subclass.base, subclass.items) == ("mod:L", "list", [1])


def test_what_the_codec_cannot_carry_is_a_type_error(run) -> None:
    assert run("def f(x):\n    return (i for i in x)\n").kind == "type"
    assert run("def f(x):\n    return lambda: x\n").kind == "type"
    objects = "import numpy as np\ndef f(x):\n    return np.array([None, lambda: 1])\n"
    assert run(objects).kind == "type"  # an object array travels item by item; a lambda cannot


def test_secrets_in_the_environment_do_not_reach_the_child(run, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    result = run("import os\ndef f(x):\n    return sorted(os.environ)\n")
    assert result.ok and "OPENAI_API_KEY" not in result.output


def test_import_failure_is_a_sandbox_error(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    module = tmp_path / "src" / "mod.py"
    module.write_text("raise RuntimeError('boom at import')\n")
    with pytest.raises(SandboxError, match="boom at import"):
        SandboxProcess(SandboxSpec(module, "mod", "f", tmp_path)).start()


def test_the_child_runs_in_its_own_pid_namespace(run) -> None:
    result = run("import os\ndef f(x):\n    return [os.getpid(), os.getppid()]\n")
    assert result.ok and result.output == [2, 1]  # the box's init is 1, the worker is 2


def test_mounts_make_missing_parents_then_mount_parents_before_children() -> None:
    from harness.sandbox.mounts import Mount, mount_args

    scratch = Path("/tmp/harness-x/work")
    args = mount_args(
        [
            Mount(scratch / "src", "ro"),
            Mount(scratch, "tmpfs", size_mb=8),
            Mount(Path("/usr"), "ro"),
            Mount(Path("/usr/lib/python3"), "ro"),  # already visible through /usr
        ]
    )
    text = " ".join(args)
    assert "--perms 0755 --dir /tmp --perms 0755 --dir /tmp/harness-x" in text
    assert text.index("--tmpfs /tmp/harness-x/work") < text.index(
        "--ro-bind /tmp/harness-x/work/src"
    )
    assert f"--size {8 * 1024 * 1024}" in text and "/usr/lib/python3" not in text
    assert "--dir /usr" not in text and "--dir /tmp/harness-x/work " not in text + " "


def test_an_exit_by_signal_is_told_the_same_from_a_box_and_without_one() -> None:
    from harness.sandbox.process import describe_exit

    assert "SIGSEGV" in describe_exit(-11, "") and "SIGSEGV" in describe_exit(128 + 11, "")
    assert "code 3" in describe_exit(3, "")


def test_kernel_errors_name_what_the_candidate_tried() -> None:
    from harness.sandbox.attempts import attempt

    assert attempt("OSError: [Errno 30] Read-only file system: '/x'") == (
        "tried to write outside its folder"
    )
    assert attempt("PermissionError: sandbox: socket.connect ('x',) is not allowed") == (
        "tried to use the network"
    )
    assert attempt("ValueError: bad input") is None
