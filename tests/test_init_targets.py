"""What `harness init` writes is usable: each target's unchanged original passes the gate, the
test command passed in the sandbox, built extensions come along; its table tells which functions
really became targets, one row per function, names whole."""

import shutil
import subprocess
import sysconfig
import tomllib
from pathlib import Path

import pytest
from repos import harness_init, make_repo
from rich.console import Console

from harness.discover.command import Outcome, hotspot_table
from harness.discover.config import render
from harness.discover.rank import Hotspot, rank
from harness.discover.validate import run_tests
from harness.targets.repo_config import RepoConfig, RepoTarget
from harness.targets.tree import copy_working_tree

TEXT = """def count_vowels(text):
    total = 0
    for ch in text:
        if ch in "aeiouAEIOU":
            total += 1
    return total


def distinct(words):
    return list(set(words))
"""
WORK = """from demo.text import count_vowels, distinct

for i in range(300):
    count_vowels("hello world " * (i % 40 + 1))
    distinct(["apple", "pear", "plum", "fig", "kiwi", "lime", "date"] + [str(i)])
"""


def config_of(repo: Path) -> RepoConfig:
    return RepoConfig.model_validate(tomllib.loads((repo / "harness.toml").read_text()))


def table_statuses(stdout: str) -> dict[str, str]:
    rows = [line.split("│") for line in stdout.splitlines() if line.startswith("│")]
    return {cells[1].strip(): cells[-2].strip() for cells in rows}


def test_a_target_whose_original_fails_verification_is_not_written(tmp_path: Path) -> None:
    """`list(set(words))` is ordered by each process's string hashes: the reference and a
    candidate process disagree on it, however right an unchanged original is."""
    repo = make_repo(
        tmp_path / "demo",
        {"demo/__init__.py": "", "demo/text.py": TEXT, "work.py": WORK},
    )
    done = harness_init(str(repo), "--workload", "python work.py", "--top", "2")
    assert done.returncode == 0, done.stderr
    assert [target.name for target in config_of(repo).target] == ["count_vowels"]
    assert "distinct: not written: its unchanged original fails verification: " in done.stdout
    assert "recorded calls: recorded call #" in done.stdout
    statuses = table_statuses(done.stdout)
    assert statuses["demo.text:count_vowels"] == "yes"
    assert statuses["demo.text:distinct"] == "no: its original fails verification"


def test_a_test_command_that_fails_with_the_original_is_not_written(tmp_path: Path) -> None:
    failing = "from demo.text import count_vowels\n\n\ndef test_it():\n    assert count_vowels('a') == 7\n"
    repo = make_repo(
        tmp_path / "demo",
        {"demo/__init__.py": "", "demo/text.py": TEXT, "work.py": WORK, "test_text.py": failing},
    )
    done = harness_init(str(repo), "--workload", "python work.py", "--top", "1")
    assert done.returncode == 0, done.stderr
    [target] = config_of(repo).target
    assert target.test_command is None
    assert (
        "no test_command written: `python -m pytest -q -p no:cacheprovider` failed" in done.stdout
    )
    assert "E AssertionError: assert 1 == 7" in done.stdout  # the cause, in pytest's words


EXTENSION = """#include <Python.h>
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
"""
FAST_OR_SLOW = """try:
    from demo import _speedups  # built in place, ignored by git
except ImportError:
    _speedups = None


def count_vowels(text):
    assert _speedups is not None, "the slow fallback"
    return sum(ch in "aeiou" for ch in text)
"""


@pytest.mark.skipif(shutil.which("gcc") is None, reason="builds a C extension with gcc")
def test_git_ignored_built_extensions_of_the_package_are_copied(tmp_path: Path) -> None:
    work = "from demo.text import count_vowels\nfor i in range(500): count_vowels('ab' * i)\n"
    files = {
        ".gitignore": "*.so\nbuild/\n",
        "src/demo/__init__.py": "",
        "src/demo/text.py": FAST_OR_SLOW,
        "work.py": work,
    }
    repo = make_repo(tmp_path / "demo", files)
    built = f"src/demo/_speedups{sysconfig.get_config_var('EXT_SUFFIX')}"
    (tmp_path / "speedups.c").write_text(EXTENSION)
    include = sysconfig.get_paths()["include"]
    subprocess.run(
        ["gcc", "-shared", "-fPIC", f"-I{include}", str(tmp_path / "speedups.c"),
         "-o", str(repo / built)],
        check=True,
    )  # fmt: skip
    (repo / "build" / "lib" / "demo").mkdir(parents=True)
    shutil.copy(repo / built, repo / "build" / "lib" / "demo")
    copy = tmp_path / "copy"
    copy_working_tree(repo, copy)
    assert (copy / built).is_file()
    assert not (copy / "build").exists()  # a build folder's copy is not the package
    done = harness_init(str(repo), "--workload", "python work.py")
    assert done.returncode == 0, done.stderr  # the workload met the extension, not the fallback
    assert [target.name for target in config_of(repo).target] == ["count_vowels"]


def test_rows_of_one_function_from_several_processes_are_merged(tmp_path: Path) -> None:
    """Processes report a function under the path they imported it by: absolute, relative to
    the checkout, through a symlink."""
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("")
    (tmp_path / "src" / "pkg" / "mod.py").write_text("def hot():\n    pass\n")
    (tmp_path / "linked").symlink_to(tmp_path / "src")
    paths = [tmp_path / "src/pkg/mod.py", "src/pkg/mod.py", tmp_path / "linked/pkg/mod.py"]
    reports = [
        [{"file": str(path), "line": 1, "name": "hot", "calls": 10, "own": 1.0, "total": 2.0}]
        for path in paths
    ]
    [spot] = rank(reports, tmp_path)
    assert (spot.entry, spot.file, spot.calls, spot.own, spot.total) == (
        "pkg.mod:hot",
        "src/pkg/mod.py",
        30,
        3.0,
        6.0,
    )


def test_the_table_keeps_names_whole_and_says_yes_only_for_written_targets() -> None:
    module = "a_package_with_a_long_name.and_a_submodule_with_a_long_name"
    spots = [
        Hotspot(f"src/{module.replace('.', '/')}.py", 12, name, module, 10, 1.0, 2.0, problem)
        for name, problem in [
            ("count_vowels_in_a_rather_long_function_name", None),
            ("Point.normalise_all_of_the_coordinates", "method or nested"),
            ("distinct_words_of_the_text", None),
        ]
    ]
    outcome = Outcome(top=3, spots=spots, written={spots[0].entry})
    outcome.reasons[spots[2].entry] = "its original fails verification"
    console = Console(width=80, record=True)
    console.print(hotspot_table(spots, outcome))
    text = console.export_text()
    assert "…" not in text
    rows = [line.split("│") for line in text.splitlines() if line.startswith("│")]
    firsts = "".join(cells[1].strip() for cells in rows)  # a name too wide is folded, not cut
    statuses = " ".join(cells[-2].strip() for cells in rows)
    for spot in spots:
        assert spot.entry in firsts
    assert statuses.count("yes") == 1 and "no: method or nested" in statuses
    assert "no: its original fails verification" in " ".join(statuses.split())


def test_the_tests_init_runs_have_the_sandbox_audit_hook(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "demo", {"demo/__init__.py": "", "demo/text.py": TEXT})
    target = RepoTarget(
        name="count_vowels",
        entry="demo.text:count_vowels",
        editable=["demo/text.py"],
        signature="count_vowels(text: str) -> int",
        description="Vowels.",
        output_type="int",
    )
    (repo / "harness.toml").write_text(render(RepoConfig(target=[target])))
    passed = run_tests(repo, "count_vowels", "python -c 'print(2 + 2)'")
    assert passed.passed and passed.detail.endswith("passed: 4"), passed.output
    refused = run_tests(repo, "count_vowels", "python -c 'import reference_impls'")
    assert not refused.passed and "Error in sitecustomize" not in refused.output
    assert "PermissionError: sandbox: importing 'reference_impls' is not allowed" in refused.detail
