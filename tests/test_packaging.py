"""Packaging: the TOML harness writes loads back, and harness installed from a wheel (not the
checkout) finds its bundled targets and references and verifies a candidate in the sandbox."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from harness.loop.settings import SessionSettings
from harness.toml_text import dumps

REPO = Path(__file__).resolve().parents[1]


def test_nested_tables_round_trip_through_tomllib() -> None:
    document = {
        "name": "x",
        "unset": None,
        "prices": {"openai:gpt-5": [1.25, 10.0]},
        "bench": {"outer": {"inner": {"depth": 3, "unset": None}}, "rounds": 5},
        "target": [{"name": "a", "limits": {"seconds": 1.5}}],
    }
    text = dumps(document, "written by a test\nsecond line")
    assert text.startswith("# written by a test\n# second line\n")
    expected = {key: value for key, value in document.items() if key != "unset"}
    expected["bench"] = {"outer": {"inner": {"depth": 3}}, "rounds": 5}
    assert tomllib.loads(text) == expected


def test_best_settings_file_loads_back() -> None:
    optuna = pytest.importorskip("optuna")
    from harness.tune.show import best_toml

    settings = SessionSettings(
        optimizer="openai:gpt-5", budget_usd=2.0, prices={"openai:gpt-5": (1.25, 10.0)}
    )
    attrs = {"settings": settings.model_dump(mode="json")}
    trial = optuna.trial.create_trial(value=1.5, user_attrs=attrs)
    text = best_toml(trial, "study 'one'")
    assert text.startswith("# Best settings of study")
    assert SessionSettings.model_validate(tomllib.loads(text)) == settings


def _link_or_copy(source: str, destination: str) -> None:
    """Hard links are instant and share no writes that matter (Python replaces files whole);
    another file system gets a copy."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _share_dependencies(site_packages: Path) -> None:
    """Give the fresh venv this venv's installed packages, all but harness's own (editable)
    install: a real folder of the venv, so the sandbox shows it as it shows any site-packages."""
    own = metadata.distribution("harness").files or []
    skip = {Path(str(path)).parts[0] for path in own}
    source = Path(sysconfig.get_paths()["purelib"])
    for entry in source.iterdir():
        if entry.name in skip or entry.name == "__pycache__":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, site_packages / entry.name, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(site_packages / entry.name))


def _wheel_venv(tmp_path: Path) -> Path:
    """A fresh venv with harness installed from a wheel built from this checkout."""
    dist, venv = tmp_path / "dist", tmp_path / "venv"
    build = ["wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)]
    subprocess.run([sys.executable, "-m", "pip", *build], check=True, timeout=300)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_paths()["purelib"]).relative_to(sys.prefix)
    _share_dependencies(venv / purelib)
    (wheel,) = dist.glob("harness-*.whl")
    install = ["install", "--no-deps", "--no-index", "-q", str(wheel)]
    subprocess.run([venv / "bin" / "python", "-m", "pip", *install], check=True, timeout=300)
    return venv


_WHERE = """
import harness, harness.targets.loader as loader
print(harness.__file__, loader.BUNDLED_TARGETS, loader.load_target("pairwise_distances").reference_file)
"""


def _run(venv: Path, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`argv` with the venv's own programs, from `cwd`, as a user's shell would run it."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    command = [str(venv / "bin" / argv[0]), *argv[1:]]
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_wheel_install_verifies_a_bundled_target(tmp_path: Path) -> None:
    venv = _wheel_venv(tmp_path)
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    found = _run(venv, ["python", "-c", _WHERE], elsewhere)
    assert found.returncode == 0, found.stderr
    paths = [Path(text) for text in found.stdout.split()]
    assert all(path.is_relative_to(venv) for path in paths), paths  # the wheel's copy, not ours
    candidate = paths[1] / "pairwise_distances" / "examples" / "fast.py"
    argv = ["harness", "verify", "pairwise_distances", "--candidate", str(candidate), "--json"]
    result = _run(venv, [*argv, "--seed", "5"], elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["accepted"] is verdict["correct"] is True
    assert verdict["sandbox"].startswith("bubblewrap")


_LOOK_INSIDE = """
import sys, tempfile
from pathlib import Path
from harness.sandbox.boundary import Box, choose, run_boxed
from harness.targets.loader import BUNDLED_TARGETS
bundled = BUNDLED_TARGETS.parent
look = "import os, sys; print(sorted(os.listdir(sys.argv[1])))"
with tempfile.TemporaryDirectory() as scratch:
    done = run_boxed(Box(Path(scratch)), [sys.executable, "-c", look, str(bundled)], {}, 60)
print(done.returncode, done.stdout.decode().strip(), sorted(p.name for p in bundled.iterdir()))
"""


@pytest.mark.slow
def test_a_box_sees_no_bundled_reference_of_a_wheel_install(tmp_path: Path) -> None:
    """Installed from a wheel, the known-good references live in site-packages, which every box
    shows read-only: the box must show their folder empty."""
    venv = _wheel_venv(tmp_path)
    done = _run(venv, ["python", "-c", _LOOK_INSIDE], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(" ", 2) == ["0", "[]", "['reference_impls', 'targets']\n"]
