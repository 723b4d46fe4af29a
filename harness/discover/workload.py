"""What to run to see where a repository spends its time: the user's command, else its
pytest-benchmark benchmarks, else its test suite, each run as the repository's pytest
configuration says; and the same command without the `addopts` options whose pytest plugin is not
installed, when that is why it failed."""

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

from iniconfig import IniConfig, ParseError

from harness.discover.probe import Workload
from harness.errors import HarnessError
from harness.targets.tree import tracked_files

PYTEST = "python -m pytest -q -p no:cacheprovider"
_BENCHMARK_TEST = re.compile(r"^\s*def test\w*\([^)]*\bbenchmark\b", re.MULTILINE)
_UNITTEST_MODULES = {"tests.py", "test.py"}
_SKIPPED_PARTS = {".venv", "venv", "site-packages", "node_modules", ".tox", ".nox", "build", "dist"}
_UNRECOGNIZED = re.compile(r"error: unrecognized arguments: (.+)")
_PLUGIN = re.compile(r"Error importing plugin \"([^\"]+)\"")
# Where pytest looks for its configuration, in its order, and the section it reads in each.
_CONFIG_FILES = {
    "pytest.toml": "pytest",
    ".pytest.toml": "pytest",
    "pytest.ini": "pytest",
    ".pytest.ini": "pytest",
    "pyproject.toml": "tool.pytest",
    "tox.ini": "pytest",
    "setup.cfg": "tool:pytest",
}


def test_files(repo: Path) -> list[str]:
    """Python test files: those pytest collects by default (test_*.py, *_test.py), and
    unittest-style modules named `tests.py` or `test.py` (titlecase ships its tests so)."""
    found = []
    for name in tracked_files(repo):
        path = Path(name)
        if path.suffix != ".py" or _SKIPPED_PARTS & set(path.parts):
            continue
        if _collected_by_default(path) or path.name in _UNITTEST_MODULES:
            found.append(name)
    return found


def _collected_by_default(path: Path) -> bool:
    return path.name.startswith("test_") or path.stem.endswith("_test")


def suite_command(repo: Path) -> str | None:
    """pytest over the repository's tests as its configuration says; when pytest would find
    none by itself, naming the unittest-style modules it does not collect unasked."""
    files = test_files(repo)
    if any(_collected_by_default(Path(name)) for name in files) or not files:
        return PYTEST if files else None
    return f"{PYTEST} {' '.join(shlex.quote(name) for name in files)}"


def benchmark_files(repo: Path) -> list[str]:
    """Test files with a pytest-benchmark benchmark (a test taking the `benchmark` fixture)."""
    return [name for name in test_files(repo) if _BENCHMARK_TEST.search(_read(repo / name))]


def choose_workload(repo: Path, given: str | None) -> Workload:
    if given:
        return Workload(given, "the command given with --workload")
    if benchmarks := benchmark_files(repo):
        files = " ".join(benchmarks)
        return Workload(
            f"{PYTEST} --benchmark-only {files}", "the repository's pytest-benchmark benchmarks"
        )
    if command := suite_command(repo):
        count = len(test_files(repo))
        return Workload(command, f"the repository's test suite ({count} test files)")
    raise HarnessError(
        f"no tests or pytest-benchmark benchmarks found in {repo}; give a workload that "
        "exercises the code: harness init REPO --workload 'python examples/run.py'"
    )


def without_missing_plugins(root: Path, command: str, output: str) -> tuple[str, list[str]]:
    """`command` (a pytest run at `root` that failed with `output`) with the configuration's
    `addopts` minus the options of plugins that are not installed, and the options left out;
    no options when that is not why it failed."""
    argv = shlex.split(command)
    at = _pytest_at(argv)
    addopts = _given_addopts(argv, at) if at is not None else None
    if at is None or (addopts is None and (addopts := _config_addopts(root)) is None):
        return command, []
    kept, dropped = _drop(addopts, _unknown(output))
    if not dropped:
        return command, []
    argv = [*argv[: at + 1], "-o", f"addopts={shlex.join(kept)}", *_without_override(argv, at)]
    return shlex.join(argv), dropped


def _pytest_at(argv: list[str]) -> int | None:
    """The index of the word `pytest` (the program, or `python -m pytest`), if it runs pytest."""
    if argv and Path(argv[0]).name in {"pytest", "py.test"}:
        return 0
    for index in range(len(argv) - 1):
        if argv[index] == "-m" and argv[index + 1] == "pytest":
            return index + 1
    return None


def _given_addopts(argv: list[str], at: int) -> list[str] | None:
    """The options of an `-o addopts=...` the command already gives (an earlier retry)."""
    for word, value in zip(argv[at + 1 :], argv[at + 2 :], strict=False):
        if word == "-o" and value.startswith("addopts="):
            return shlex.split(value.removeprefix("addopts="))
    return None


def _without_override(argv: list[str], at: int) -> list[str]:
    rest, index = argv[at + 1 :], 0
    while index < len(rest) - 1:
        if rest[index] == "-o" and rest[index + 1].startswith("addopts="):
            return rest[:index] + rest[index + 2 :]
        index += 1
    return rest


def _config_addopts(root: Path) -> list[str] | None:
    """The `addopts` of the configuration file pytest would read at `root` (None: no file)."""
    for name, section in _CONFIG_FILES.items():
        path = root / name
        if not path.is_file():
            continue
        try:
            found = _toml_section(path, section) if name.endswith(".toml") else _ini(path, section)
        except (OSError, ValueError, ParseError):
            return None
        if found is not None or name.startswith(("pytest", ".pytest")):
            value = (found or {}).get("addopts", [])
            return shlex.split(value) if isinstance(value, str) else list(map(str, value))
    return None


def _toml_section(path: Path, section: str) -> dict[str, Any] | None:
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in section.split("."):
        document = document.get(key, {}) if isinstance(document, dict) else {}
    if section == "tool.pytest" and isinstance(document, dict) and "ini_options" in document:
        document = document["ini_options"]
    return document if isinstance(document, dict) and document else None


def _ini(path: Path, section: str) -> dict[str, Any] | None:
    config = IniConfig(str(path))
    return dict(config[section].items()) if section in config else None


def _unknown(output: str) -> list[str]:
    """The options pytest refused, and the `-p` plugins it could not import."""
    words = [word for match in _UNRECOGNIZED.finditer(output) for word in match[1].split()]
    return words + [f"-p{name}" for name in _PLUGIN.findall(output)]


def _drop(addopts: list[str], unknown: list[str]) -> tuple[list[str], list[str]]:
    """`addopts` without the `unknown` options (with their values), and those left out."""
    kept: list[str] = []
    dropped: list[str] = []
    index = 0
    while index < len(addopts):
        if width := _width(addopts, index, unknown):
            dropped.append(" ".join(addopts[index : index + width]))
        else:
            kept.append(addopts[index])
        index += max(width, 1)
    return kept, dropped


def _width(words: list[str], index: int, unknown: list[str]) -> int:
    """How many words the refused option at `index` spans: 0 if it is not refused, 2 for
    `-p NAME` or an option followed by its value (`--cov pkg`, `-n auto`)."""
    word = words[index]
    following = words[index + 1] if index + 1 < len(words) else None
    if word == "-p" and following is not None:
        return 2 if f"-p{following}" in unknown else 0
    if word not in unknown:
        return 0
    takes_value = "=" not in word and following is not None and not following.startswith("-")
    return 2 if word.startswith("-") and takes_value else 1


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


MAX_LEFT_OUT = 50  # tests a written test command may leave out; more, and it is no test suite
_SOME_PASSED = re.compile(r"\b[1-9]\d* passed\b")
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
_REPORTED = re.compile(r"^(FAILED|ERROR) (\S+?)(?: - .*)?$", re.MULTILINE)


def without_failing(command: str, output: str) -> tuple[str, list[str]]:
    """`command` leaving out the tests pytest reported failing, or erroring at collection (a
    test needing the network, a subprocess or a file the sdist lacks), and what it left out;
    nothing when there are too many to call what remains the repository's tests."""
    plain = _COLOURS.sub("", output)  # a suite may force colours on
    reported = [(kind, nodeid) for kind, nodeid in _REPORTED.findall(plain)]
    left = [nodeid for _, nodeid in reported if shlex.quote(nodeid) not in command]
    if not left or len(left) > MAX_LEFT_OUT or not _SOME_PASSED.search(plain):
        return command, []  # nothing new, too much, or nothing would be left
    options = [
        f"--deselect {shlex.quote(nodeid)}" if "::" in nodeid else f"--ignore {shlex.quote(nodeid)}"
        for nodeid in dict.fromkeys(left)
    ]
    return f"{command} {' '.join(options)}", list(dict.fromkeys(left))
