"""Imports point down the layers, never up: a module may import from its own layer or one below.

Bottom to top: values and paths, the sandbox, targets, timing, the gate, repository discovery,
model providers, the experiment store, the loop, the tuner, and the command line. `roles.py` and
the package's `__init__` sit at the top: they only re-export."""

import ast
from pathlib import Path

import harness

LAYERS = [
    {"errors", "registry", "config_file", "toml_text", "paths", "verdict", "records"},
    {"sandbox"},
    {"targets"},
    {"bench"},
    {"verify"},
    {"discover"},
    {"providers"},
    {"store"},
    {"loop", "agents"},
    {"tune"},
    {"cli", "commands", "roles", "__init__", "__main__"},
]
PACKAGE = Path(harness.__file__).parent


def _layer(part: str) -> int:
    return next(index for index, names in enumerate(LAYERS) if part in names)


def _imports(path: Path) -> list[tuple[str, int]]:
    """(`harness.x...` module, line) for every import of harness in `path`, lazy ones included."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, [base, node.module or ""]))
            found.append((module, node.lineno))
    return [(name, line) for name, line in found if name.startswith("harness.")]


def _part(module: str) -> str:
    return module.split(".")[1]


def test_every_module_belongs_to_a_layer() -> None:
    known = set().union(*LAYERS)
    parts = {path.relative_to(PACKAGE).with_suffix("").parts[0] for path in PACKAGE.rglob("*.py")}
    assert parts <= known, f"add {sorted(parts - known)} to LAYERS"


def test_no_module_imports_from_a_layer_above_it() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = path.relative_to(PACKAGE).with_suffix("").parts[0]
        for module, line in _imports(path):
            if _layer(_part(module)) > _layer(here):
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert upward == []


def test_the_store_loads_without_the_gate_or_property_testing() -> None:
    """A notebook reading results must not pay for scipy and hypothesis."""
    import subprocess
    import sys

    probe = "import sys, harness.store; print(sorted({'scipy', 'hypothesis'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr
