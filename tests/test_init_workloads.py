"""`harness init`'s workloads on repositories as they come: pytest `addopts` naming plugins that
are not installed, pytest-benchmark benchmarks under the profiler, and failures that show their
cause."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from repos import harness_init, make_repo

from harness.discover.workload import without_missing_plugins
from harness.targets.repo_config import RepoConfig

TEXT = """def count_vowels(text):
    total = 0
    for ch in text:
        if ch in "aeiouAEIOU":
            total += 1
    return total
"""
TESTS = """from demo.text import count_vowels


def test_vowels():
    assert count_vowels("hello world") == 3
"""
BENCHMARKS = """from demo.text import count_vowels


def test_vowels_speed(benchmark):
    assert benchmark(count_vowels, "hello world " * 20) == 60
"""
# What real sdists carry: coverage and xdist options for plugins this interpreter lacks.
PYPROJECT = """[tool.pytest.ini_options]
addopts = "-p xdist -n auto --cov=demo --cov-report term-missing --strict-markers -ra"
pythonpath = ["src"]
"""


def test_addopts_of_missing_plugins_are_left_out_and_benchmarks_are_profiled(
    tmp_path: Path,
) -> None:
    files = {
        "pyproject.toml": PYPROJECT,
        "src/demo/__init__.py": "",
        "src/demo/text.py": TEXT,
        "tests/test_text.py": TESTS,
        "tests/test_bench.py": BENCHMARKS,
    }
    repo = make_repo(tmp_path / "demo", files)
    done = harness_init(str(repo))
    assert done.returncode == 0, done.stderr
    assert "pytest's addopts ask for plugins that are not installed; left out" in done.stdout
    for option in ("-p xdist", "-n auto", "--cov=demo", "--cov-report term-missing"):
        assert option in done.stdout
    config = RepoConfig.model_validate(tomllib.loads((repo / "harness.toml").read_text()))
    kept = "'addopts=--strict-markers -ra'"
    assert config.workload is not None and kept in config.workload
    assert "--benchmark-only tests/test_bench.py" in config.workload
    [target] = config.target
    assert target.entry == "demo.text:count_vowels"
    # The test command init writes is one it ran and saw pass, benchmarks checked once each.
    assert target.test_command is not None and kept in target.test_command
    assert "--benchmark-disable" in target.test_command
    assert f"test_command: `{target.test_command}` passed: 2 passed" in done.stdout


def test_pytest_benchmark_runs_under_the_profiler_and_the_recorder(tmp_path: Path) -> None:
    """pytest-benchmark pauses the profiler it finds while it measures: on 3.11 it put
    cProfile's object back as a profile function ('Profile' object is not callable), and the
    measured calls, the workload itself, went unseen."""
    repo = make_repo(
        tmp_path / "demo",
        {"demo/__init__.py": "", "demo/text.py": TEXT, "test_bench.py": BENCHMARKS},
    )
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text("from harness.discover import hook\nhook.install()\n")
    code = count_vowels_code(repo)
    wanted = [{"file": code[0], "line": code[1], "name": code[2]}]
    modes = {
        "profile": {"HARNESS_PROBE_PROFILE": str(tmp_path / "profile")},
        "record": {
            "HARNESS_PROBE_RECORD": str(tmp_path / "record"),
            "HARNESS_PROBE_TARGETS": json.dumps(wanted),
        },
    }
    for mode, variables in modes.items():
        (tmp_path / mode).mkdir()
        paths = os.pathsep.join([str(hook), str(Path(__file__).parents[1]), str(repo)])
        env = os.environ | variables | {"PYTHONPATH": paths}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        done = subprocess.run(
            [*command, "--benchmark-only", "--benchmark-max-time=0.2", "test_bench.py"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    [profile] = [json.loads(p.read_text()) for p in (tmp_path / "profile").glob("*.json")]
    [row] = [row for row in profile if row["name"] == "count_vowels"]
    assert row["calls"] > 1000  # the benchmark's measured rounds, not only its first call
    [recorded] = [json.loads(p.read_text()) for p in (tmp_path / "record").glob("*.json")]
    [calls] = recorded["calls"].values()
    assert [call["args"] for call in calls] == [["hello world " * 20]]


def count_vowels_code(repo: Path) -> tuple[str, int, str]:
    return (os.path.realpath(repo / "demo" / "text.py"), 1, "count_vowels")


def test_a_failing_workload_shows_its_first_error_lines(tmp_path: Path) -> None:
    failing = TESTS.replace(
        'assert count_vowels("hello world") == 3', "assert count_vowels('xyz') == 99"
    )
    repo = make_repo(
        tmp_path / "demo",
        {"src/demo/__init__.py": "", "src/demo/text.py": TEXT, "tests/test_text.py": failing,
         "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n'},
    )  # fmt: skip
    done = harness_init(str(repo))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "failed with exit code 1: " in done.stderr
    assert "E AssertionError: assert 0 == 99" in done.stderr  # not only "1 failed in 0.1s"
    assert "1 failed" in done.stderr


def test_only_the_options_pytest_refused_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[tool:pytest]\naddopts = --cov pkg -m 'not slow' -n 2\n")
    refused = "python -m pytest: error: unrecognized arguments: --cov -n\n  inifile: setup.cfg\n"
    command, dropped = without_missing_plugins(tmp_path, "python -m pytest -q", refused)
    assert dropped == ["--cov pkg", "-n 2"]
    assert command == "python -m pytest -o 'addopts=-m '\"'\"'not slow'\"'\"'' -q"
    again, more = without_missing_plugins(tmp_path, command, 'Error importing plugin "x": no')
    assert (again, more) == (command, [])  # nothing of the kind left to leave out
    unrelated = without_missing_plugins(tmp_path, "python -m pytest -q", "1 failed in 0.2s")
    assert unrelated == ("python -m pytest -q", [])


def test_a_module_imported_under_two_names_is_profiled_as_one_function(tmp_path: Path) -> None:
    """Two code objects with one label (file, line, name): pstats' table kept only one."""
    repo = make_repo(tmp_path / "demo", {"demo/__init__.py": "", "demo/text.py": TEXT})
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text("from harness.discover import hook\nhook.install()\n")
    (tmp_path / "profile").mkdir()
    script = (
        "import demo.text, text\nfor f in (demo.text.count_vowels, text.count_vowels) * 50: f('ab')"
    )
    paths = [str(hook), str(Path(__file__).parents[1]), str(repo), str(repo / "demo")]
    env = os.environ | {
        "HARNESS_PROBE_PROFILE": str(tmp_path / "profile"),
        "PYTHONPATH": os.pathsep.join(paths),
    }
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    [profile] = [json.loads(p.read_text()) for p in (tmp_path / "profile").glob("*.json")]
    assert [row["calls"] for row in profile if row["name"] == "count_vowels"] == [100]


def test_a_test_command_leaves_out_what_fails_with_the_original_and_only_that() -> None:
    from harness.discover.workload import MAX_LEFT_OUT, without_failing

    output = (
        "=== short test summary info ===\n"
        "\x1b[31mFAILED\x1b[0m tests/test_a.py::test_net[ipv6] - OSError: network is unreachable\n"
        "ERROR tests/test_b.py - FileNotFoundError: fixtures/cldr.json\n"
        "1 failed, 1 error, 300 passed\n"
    )
    command, left_out = without_failing("python -m pytest -q", output)
    assert left_out == ["tests/test_a.py::test_net[ipv6]", "tests/test_b.py"]
    assert command == (
        "python -m pytest -q --deselect 'tests/test_a.py::test_net[ipv6]' --ignore tests/test_b.py"
    )
    assert without_failing(command, output) == (command, [])  # nothing new: give up
    many = "".join(f"FAILED t.py::test_{i}\n" for i in range(MAX_LEFT_OUT + 1))
    assert without_failing("python -m pytest", many) == ("python -m pytest", [])
    nothing_passed = output.replace("300 passed", "0 passed")
    assert without_failing("python -m pytest -q", nothing_passed) == ("python -m pytest -q", [])


def test_unittest_style_tests_py_is_the_workload_and_is_not_ranked(tmp_path: Path) -> None:
    """titlecase ships its tests as `titlecase/tests.py`, which pytest does not collect unasked."""
    unittest_tests = (
        "import unittest\nfrom demo.text import count_vowels\n\n\n"
        "class TestVowels(unittest.TestCase):\n"
        "    def test_vowels(self):\n"
        "        for word in ('hello world', 'aeiou' * 40, 'xyz' * 50):\n"
        "            self.assertGreaterEqual(count_vowels(word), 0)\n"
    )
    repo = make_repo(
        tmp_path / "demo",
        {"demo/__init__.py": "", "demo/text.py": TEXT, "demo/tests.py": unittest_tests},
    )
    done = harness_init(str(repo))
    assert done.returncode == 0, done.stdout + done.stderr
    config = RepoConfig.model_validate(tomllib.loads((repo / "harness.toml").read_text()))
    assert config.workload == "python -m pytest -q -p no:cacheprovider demo/tests.py"
    assert [target.entry for target in config.target] == ["demo.text:count_vowels"]
    assert config.target[0].test_command == config.workload
