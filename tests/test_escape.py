"""The kernel boundary, tried as an attacker would: every attempt both by a raw shell inside a box
and by a candidate whose audit hook is off (the static screen never sees these modules). Each
fails, harness stays up, and the checkout is byte-identical afterwards."""

import errno
import hashlib
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox.boundary import Box, PopenOptions, current
from harness.sandbox.limits import Limits, child_env
from harness.sandbox.messages import CallResult, SandboxSpec
from harness.sandbox.process import SandboxProcess
from harness.verify.gate import Verifier

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "reference_impls" / "levenshtein.py"


def _checkout_digest() -> str:
    """Every file git knows of (tracked, or untracked and not ignored), with its bytes."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    digest = hashlib.sha256()
    for name in sorted(filter(None, listed)):
        path = REPO / name.decode()
        digest.update(name + (path.read_bytes() if path.is_file() else b"<gone>"))
    return digest.hexdigest()


@pytest.fixture(scope="module", autouse=True)
def checkout_unchanged() -> Iterator[None]:
    before = _checkout_digest()
    yield
    assert _checkout_digest() == before


@pytest.fixture
def fake_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret.txt").write_text("sk-planted-secret\n")
    return home


@pytest.fixture
def server() -> Iterator[socket.socket]:
    """A TCP server on 127.0.0.1 that nothing in a box should reach."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        yield listener


def _accepted(listener: socket.socket) -> bool:
    try:
        listener.accept()[0].close()
    except BlockingIOError:
        return False
    return True


def shell(script: str, scratch: Path, **box: Any) -> subprocess.CompletedProcess[bytes]:
    """`script` run by /bin/sh inside a box whose only writable place is `scratch`."""
    options = PopenOptions(
        child_env(scratch),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    running = current().start(Box(scratch, **box), ["/bin/sh", "-c", script], options)
    try:
        output, _ = running.popen.communicate(timeout=60)
    finally:
        running.kill()
    return subprocess.CompletedProcess(script, running.popen.returncode, output)


def _through_proc(path: Path) -> list[Path]:
    """`path` reached through harness's own process: its root and its working directory."""
    me = Path(f"/proc/{os.getpid()}")
    return [me / "root" / path.relative_to("/"), me / "cwd" / os.path.relpath(path)]


def _marked(marker: str) -> list[int]:
    """Host processes whose command line carries `marker`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def _waited(condition: Callable[[], bool], seconds: float = 5) -> bool:
    """Whether `condition` held within `seconds` (processes end, or start, a little later)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.fixture
def candidate(tmp_path: Path) -> Iterator[Any]:
    """Runs a module's `f` in a box with the audit hook off: only the kernel boundary holds."""
    processes: list[SandboxProcess] = []

    def run(body: str, args: list[Any] | None = None, **limits: Any) -> CallResult:
        workdir = tmp_path / f"candidate{len(processes)}"
        (workdir / "src").mkdir(parents=True)
        module = workdir / "src" / "mod.py"
        module.write_text(textwrap.dedent(body))
        spec = SandboxSpec(
            module,
            "mod",
            "f",
            workdir,
            sandboxed=False,
            preload=(),
            limits=Limits(cpu_seconds=20, memory_mb=1024, **limits),
        )
        process = SandboxProcess(spec)
        processes.append(process)
        return process.call(args if args is not None else [0], timeout=30)

    run.processes = processes  # type: ignore[attr-defined]
    yield run
    for process in processes:
        process.close()


def test_the_boundary_is_the_kernel_one_with_a_seccomp_filter() -> None:
    name = current().name
    assert name.startswith("bubblewrap") and "(seccomp" in name, name


def test_a_shell_cannot_write_to_the_host_tmp_or_home(tmp_path: Path) -> None:
    token = f"harness-escape-{os.getpid()}-{time.monotonic_ns()}"
    targets = [Path("/tmp") / token, Path.home() / token, tmp_path / token]
    script = "; ".join(f"echo owned > {target}" for target in targets) + "; true"
    done = shell(script, tmp_path / "scratch")
    assert not any(target.exists() for target in targets)
    assert b"Read-only file system" in done.stdout or b"No such file" in done.stdout


def test_a_shell_writes_only_into_its_scratch_folder(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    done = shell("echo mine > here.txt && cat here.txt && pwd", scratch)
    assert done.returncode == 0 and done.stdout.split() == [b"mine", str(scratch).encode()]
    assert not (scratch / "here.txt").exists()  # the scratch folder vanished with the box


def test_a_shell_cannot_read_secrets_the_reference_or_harness(
    tmp_path: Path, fake_home: Path
) -> None:
    paths = [fake_home / "secret.txt", REFERENCE, REPO / "harness" / "cli.py", REPO / "README.md"]
    paths += _through_proc(REFERENCE)
    done = shell("; ".join(f"cat {path}" for path in paths) + "; true", tmp_path / "scratch")
    assert b"sk-planted-secret" not in done.stdout and b"def " not in done.stdout
    assert done.stdout.count(b"No such file or directory") == len(paths)


def test_a_shell_sees_no_host_process_and_cannot_signal_harness(tmp_path: Path) -> None:
    me = os.getpid()
    script = f"ls /proc | grep -c '^[0-9]'; ls -l /proc/*/cwd; kill -9 {me} {os.getppid()}; true"
    done = shell(script, tmp_path / "scratch")
    visible = int(done.stdout.split()[0])
    assert visible <= 5, done.stdout  # the box's init, the shell, and what the shell ran
    assert str(Path.cwd()).encode() not in done.stdout
    assert b"No such process" in done.stdout


def test_a_daemon_left_by_a_shell_dies_with_the_box(tmp_path: Path) -> None:
    marker = f"harness-daemon-{time.monotonic_ns()}"
    daemon = f"setsid sh -c 'sleep 300; echo {marker}' >/dev/null 2>&1 &"
    done = shell(f"{daemon} sleep 0.2; set -- /proc/[0-9]*; echo $#", tmp_path / "scratch")
    assert int(done.stdout.split()[-1]) >= 4  # init, this shell, the daemon and its sleep
    assert _waited(lambda: not _marked(marker))


def test_a_shell_cannot_reach_a_server_on_localhost(tmp_path: Path, server: socket.socket) -> None:
    port = server.getsockname()[1]
    connect = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=3)"
    done = shell(f'python3 -c "{connect}" 2>&1 | tail -1', tmp_path / "scratch")
    assert b"Connection refused" in done.stdout or b"unreachable" in done.stdout
    assert not _accepted(server)


def test_a_shell_cannot_fill_more_than_its_scratch_cap(tmp_path: Path) -> None:
    script = "dd if=/dev/zero of=big bs=1M count=200 2>&1; du -m big | cut -f1"
    done = shell(script, tmp_path / "scratch", scratch_mb=32)
    assert b"No space left on device" in done.stdout
    assert int(done.stdout.split()[-1]) <= 32


def test_a_shell_cannot_start_more_processes_than_its_limit(tmp_path: Path) -> None:
    # Counted with shell built-ins alone: once the limit is reached, nothing else can start.
    bomb = "sh -c 'for i in $(seq 60); do sleep 3 & done' 2>/dev/null"
    script = f"{bomb}; set -- /proc/[0-9]*; echo $#"
    done = shell(script, tmp_path / "scratch", processes=20)
    running = int(done.stdout.split()[-1])
    assert 10 <= running <= 21, done.stdout  # the limit, plus the box's init


def test_a_shell_has_no_privileges_and_no_new_namespaces(tmp_path: Path) -> None:
    script = "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; unshare --user true"
    done = shell(script, tmp_path / "scratch")
    text = done.stdout.decode()
    assert "CapEff:\t0000000000000000" in text and "NoNewPrivs:\t1" in text
    assert "Seccomp:\t2" in text and "Operation not permitted" in text
    assert done.returncode != 0


def test_a_shell_inherits_no_secret_from_harness(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")
    done = shell("env; cat /proc/1/environ", tmp_path / "scratch")
    assert b"sk-from-the-environment" not in done.stdout


# The same attempts by candidate code, its audit hook switched off.


def test_a_candidate_cannot_write_outside_its_folder(candidate: Any, tmp_path: Path) -> None:
    token = f"harness-escape-{time.monotonic_ns()}"
    for target in [Path("/tmp") / token, Path.home() / token, REPO / token]:
        result = candidate(f"def f(x):\n    open({str(target)!r}, 'w').write('owned')\n")
        assert result.kind == "exception" and not target.exists()
        assert "Read-only file system" in result.error or "No such file" in result.error


def test_a_candidate_cannot_read_secrets_or_the_reference(candidate: Any, fake_home: Path) -> None:
    paths = [fake_home / "secret.txt", REFERENCE, REPO / "harness" / "verify" / "gate.py"]
    for path in paths + _through_proc(REFERENCE):
        result = candidate(f"def f(x):\n    return open({str(path)!r}).read()\n")
        assert result.kind == "exception" and "No such file" in result.error


def test_a_candidate_cannot_find_or_signal_harness(candidate: Any) -> None:
    body = f"""
        import os, signal
        def f(x):
            pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
            try:
                os.kill({os.getpid()}, signal.SIGKILL)
                killed = True
            except ProcessLookupError:
                killed = False
            return [pids, killed, os.path.exists('/proc/{os.getpid()}/cwd')]
    """
    result = candidate(body)
    assert result.ok, result.error
    pids, killed, sees_harness = result.output
    assert not killed and not sees_harness and max(pids) < 100


def test_a_candidate_daemon_is_seen_and_dies_with_its_box(candidate: Any) -> None:
    marker = f"harness-daemon-{time.monotonic_ns()}"
    body = f"""
        import os
        def f(x):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv('/bin/sh', ['sh', '-c', 'sleep 300; echo {marker}'])
                os._exit(0)
            os.wait()
            return x
    """
    assert candidate(body).ok
    process = candidate.processes[-1]
    assert _waited(lambda: bool(_marked(marker))) and process.stray_processes() >= 1
    process.close()
    assert _waited(lambda: not _marked(marker))


def test_a_candidate_cannot_connect_to_localhost(candidate: Any, server: socket.socket) -> None:
    port = server.getsockname()[1]
    body = f"import socket\ndef f(x):\n    socket.create_connection(('127.0.0.1', {port}), 3)\n"
    result = candidate(body)
    assert result.kind == "exception" and "ConnectionRefused" in result.error
    assert not _accepted(server)


def test_a_candidate_cannot_fill_the_disk(candidate: Any) -> None:
    body = """
        import errno
        def f(x):
            written = 0
            try:
                for n in range(20):
                    with open(f'fill{n}', 'wb') as out:
                        out.write(bytes(16 * 1024 * 1024))
                    written += 16
            except OSError as exc:
                return [written, exc.errno]
            return [written, 0]
    """
    result = candidate(body, scratch_mb=64)
    assert result.ok and result.output[1] == errno.ENOSPC and result.output[0] <= 64


def test_a_candidate_cannot_start_many_processes(candidate: Any) -> None:
    body = """
        import os, time
        def f(x):
            started = 0
            try:
                for _ in range(200):
                    if os.fork() == 0:
                        time.sleep(5)
                        os._exit(0)
                    started += 1
            except OSError as exc:
                return [started, exc.errno]
            return [started, 0]
    """
    result = candidate(body, processes=16)
    assert result.ok and result.output[1] == errno.EAGAIN and result.output[0] < 16


def test_a_candidate_cannot_trace_or_make_namespaces(candidate: Any) -> None:
    body = """
        import ctypes, ctypes.util
        def f(x):
            libc = ctypes.CDLL(None, use_errno=True)
            traced = libc.ptrace(16, 1, None, None)  # PTRACE_ATTACH to the box's init
            trace_error = ctypes.get_errno()
            unshared = libc.unshare(0x10000000)  # CLONE_NEWUSER
            return [traced, trace_error, unshared, ctypes.get_errno()]
    """
    result = candidate(body)
    assert result.ok, result.error
    assert result.output == [-1, errno.EPERM, -1, errno.EPERM]


def test_a_candidate_sees_no_secret_in_its_environment(candidate: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret")
    result = candidate("import os\ndef f(x):\n    return sorted(os.environ)\n")
    assert result.ok and not any("KEY" in name or "TOKEN" in name for name in result.output)


# Where the boundary cannot be set up, nothing runs candidate code unless the user says so.


def _harness(*args: str, path: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "harness", *args]
    env = {**os.environ, "PATH": path}
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.parametrize(
    "args",
    [
        ["verify", "squares", "--candidate", "fast.py"],
        ["bench", "squares"],
        ["run", "squares", "--optimizer", "fake:script.json", "--store", "memory"],
        ["tune", "squares", "--trials", "1"],
    ],
)
def test_without_bubblewrap_candidate_code_is_refused_in_one_line(
    args: list[str], tmp_path: Path
) -> None:
    done = _harness(*args, path=str(tmp_path))  # a PATH on which no bwrap is found
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "bwrap" in done.stderr and "apt-get install bubblewrap" in done.stderr
    assert "--unsafe-no-sandbox" in done.stderr


def test_unsafe_no_sandbox_is_loud_and_recorded_in_the_verdict(squares_folder: Path) -> None:
    fast = squares_folder / "examples" / "fast.py"
    args = ["verify", str(squares_folder), "--candidate", str(fast), "--json", "--budget", "3"]
    done = _harness(*args, "--unsafe-no-sandbox", path="/nonexistent")
    assert "WARNING" in done.stderr and "unsafe" in done.stderr
    assert json.loads(done.stdout)["sandbox"] == "none (--unsafe-no-sandbox)"
    boxed = json.loads(_harness(*args, path=os.environ["PATH"]).stdout)
    assert boxed["sandbox"].startswith("bubblewrap")


@pytest.fixture
def layers_off(monkeypatch: Any) -> None:
    """Test-only: verdicts without the static screen and the audit hook, so that only the kernel
    boundary stands between the candidate and the machine."""
    from harness.bench import runner
    from harness.targets.layout import spec
    from harness.verify import differential, gate, stages

    def unhooked(*args: Any, **kwargs: Any) -> SandboxSpec:
        return spec(*args, **{**kwargs, "sandboxed": False})

    for module in (differential, runner):
        monkeypatch.setattr(module, "module_spec", unhooked)
    before = [stages.import_candidate, stages.start_target_tests]
    monkeypatch.setattr(gate, "BEFORE_BENCHMARK", before)


def test_a_correct_candidate_that_runs_a_shell_is_rejected_and_harms_nothing(
    layers_off: None, squares: Any, fake_home: Path, tmp_path: Path
) -> None:
    owned = [Path("/tmp") / f"harness-owned-{os.getpid()}", Path.home() / "harness-owned"]
    script = "; ".join(
        [f"echo owned > {path}" for path in owned]
        + [f"cat {fake_home / 'secret.txt'} > leaked", f"cat {REFERENCE} > copied"]
        + ["sleep 300"]
    )
    body = f"""
        import os
        def squares(xs):
            if os.fork() == 0:
                os.setsid()
                os.execv('/bin/sh', ['sh', '-c', {script!r}])
            return [x * x for x in xs]
    """
    verdict = Verifier(bench=None).evaluate(squares, textwrap.dedent(body), seed=1)
    assert not verdict.accepted and "tried to start" in verdict.reasons[0], verdict.reasons
    assert not any(path.exists() for path in owned)


def test_a_candidate_writing_outside_is_rejected_saying_so(layers_off: None, squares: Any) -> None:
    body = "def squares(xs):\n    open('/tmp/harness-owned', 'w').write('x')\n    return xs\n"
    verdict = Verifier(bench=None).evaluate(squares, body, seed=1)
    assert "tried to write outside its folder" in verdict.reasons[0], verdict.reasons
    assert not Path("/tmp/harness-owned").exists()
