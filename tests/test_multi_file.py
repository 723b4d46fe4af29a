"""A repository target with two editable files: candidates are diffs across both, a diff that
touches a test file is refused, a wrong helper change is caught, and the faster change lands on
the branch as one commit of both files while the working tree stays as it was."""

import difflib
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

from harness.toml_text import dumps

GEOMETRY = """def square(side):
    total = 0
    for _ in range(side):
        total += side
    return total
"""
CORE = '''from .geometry import square


def total_area(sides: list[int]) -> int:
    """The total area of squares with these sides."""
    return sum(square(side) for side in sides)
'''
TESTS = """from shapes.core import total_area


def test_total_area():
    for n in range(80):
        assert total_area(list(range(n))) == sum(i * i for i in range(n))
"""
FAST_GEOMETRY = (
    GEOMETRY
    + """

def squares(sides):
    return [side * side for side in sides]
"""
)
FAST_CORE = CORE.replace("import square", "import squares").replace(
    "sum(square(side) for side in sides)", "sum(squares(sides))"
)
WRONG_GEOMETRY = GEOMETRY.replace(
    "    total = 0\n", "    if side > 60:\n        return 0\n    total = 0\n"
)


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return done.stdout.strip()


def _diff(changes: dict[str, tuple[str, str]]) -> str:
    parts = [
        "".join(
            difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{p}", f"b/{p}"
            )
        )
        for p, (old, new) in changes.items()
    ]
    return "```diff\n" + "".join(parts) + "```"


def _repo(root: Path) -> Path:
    (root / "shapes").mkdir(parents=True)
    (root / "shapes" / "__init__.py").write_text("")
    (root / "shapes" / "geometry.py").write_text(GEOMETRY)
    (root / "shapes" / "core.py").write_text(CORE)
    (root / "test_shapes.py").write_text(TESTS)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    return root


def _harness(*args: str, results: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"COLUMNS": "200", "HARNESS_RESULTS": str(results)}
    command = [sys.executable, "-m", "harness", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)


def _edit_total_area(repo: Path, change: Callable[[list[str]], list[str]]) -> None:
    """Change the editable files of the `total_area` target in the harness.toml init wrote."""
    config = tomllib.loads((repo / "harness.toml").read_text())
    [target] = [t for t in config["target"] if t["name"] == "total_area"]
    assert target["editable"] == ["shapes/core.py"]
    target["editable"] = change(target["editable"])
    (repo / "harness.toml").write_text(dumps(config))


def test_diffs_across_editable_files(tmp_path: Path) -> None:
    repo, results = _repo(tmp_path / "shapes-repo"), tmp_path / "results"
    done = _harness("init", str(repo), results=results)
    assert done.returncode == 0, done.stderr
    # The user lets candidates change the helper module too.
    _edit_total_area(repo, lambda editable: [*editable, "shapes/geometry.py"])
    geometry, core = "shapes/geometry.py", "shapes/core.py"
    answers = [
        _diff({core: (CORE, FAST_CORE), "test_shapes.py": (TESTS, TESTS + "\n# skip\n")}),
        _diff({geometry: (GEOMETRY, WRONG_GEOMETRY)}),
        _diff({core: (CORE, FAST_CORE), geometry: (GEOMETRY, FAST_GEOMETRY)}),
    ]
    (tmp_path / "opt.json").write_text(json.dumps({"responses": answers}))
    approve = '{"approve": true, "reasons": [], "inputs": []}'
    (tmp_path / "val.json").write_text(json.dumps({"responses": [approve]}))
    done = _harness(
        "run", f"{repo}::total_area", "--optimizer", f"fake:{tmp_path / 'opt.json'}",
        "--validator", f"fake:{tmp_path / 'val.json'}", "--rounds", "3", "--candidates", "1", "--patience", "3",
        "--store", "memory", "--json", "--seed", "3", results=results,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    folder = results / result["session"]
    journal = (folder / "journal.jsonl").read_text().splitlines()
    candidates = [json.loads(line) for line in journal if '"candidate"' in line]
    assert [c["status"] for c in candidates] == ["invalid", "rejected", "accepted"], [
        c["reason"] for c in candidates
    ]
    assert "the diff touches a/test_shapes.py, which is not editable" in candidates[0]["reason"]
    assert "recorded call" in candidates[1]["reason"]
    assert candidates[2]["source"] == {core: FAST_CORE, geometry: FAST_GEOMETRY}
    branch = result["branch"]
    assert _git(repo, "show", f"{branch}:{core}") == FAST_CORE.strip()
    assert _git(repo, "show", f"{branch}:{geometry}") == FAST_GEOMETRY.strip()
    assert _git(repo, "rev-list", "--count", f"HEAD..{branch}") == "1"
    assert _git(repo, "status", "--porcelain").splitlines() == ["?? harness.toml"]
    assert json.loads((folder / "final.json").read_text()) == candidates[2]["source"]
    patch = (folder / "patch.diff").read_text()
    assert f"+++ b/{core}" in patch and f"+++ b/{geometry}" in patch

    done = _harness("apply", str(folder), results=results)  # only when the user asks
    assert done.returncode == 0, done.stderr
    assert (repo / core).read_text() == FAST_CORE
    assert (repo / geometry).read_text() == FAST_GEOMETRY


def test_editable_files_must_be_modules_of_the_package(tmp_path: Path) -> None:
    repo, results = _repo(tmp_path / "shapes-repo"), tmp_path / "results"
    assert _harness("init", str(repo), results=results).returncode == 0
    _edit_total_area(repo, lambda editable: [*editable, "test_shapes.py"])
    (tmp_path / "core.py").write_text(CORE)
    done = _harness(
        "verify", f"{repo}::total_area", "--candidate", str(tmp_path / "core.py"), results=results
    )
    assert done.returncode == 2
    assert "editable 'test_shapes.py' is not a .py file of package shapes" in done.stderr
    assert "Traceback" not in done.stderr
