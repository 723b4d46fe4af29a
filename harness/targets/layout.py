"""Where a target's module lives and how a process imports it.

A bundled target's entry is one file imported by itself. A repository target's entry is a module
inside a package (`pkg.sub.mod`): its process gets a copy of the whole top-level package with the
module under test put in place, so the module's own imports (relative or not) work, and the
package folder's parent is the import root. The reference of a repository target is a frozen copy
of the package as it was when the target was loaded.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.sandbox.messages import SandboxSpec
from harness.targets.code import Code, entry_text, files
from harness.targets.limits import Purpose, process_limits

if TYPE_CHECKING:
    from harness.targets.loader import Target

_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")


@dataclass(frozen=True)
class RepoLayout:
    root: Path  # the repository
    package: Path  # the top-level package folder holding the entry module
    entry: Path  # the entry module's file inside `package`
    snapshot: Path  # a frozen copy of `package`, taken when the target was loaded
    recorded: Path | None  # recorded calls' arguments, one JSON line each


def place(target: "Target", code: Code, folder: Path) -> Path:
    """Write `code` as the target's module (or package) under `folder`, ready to import; returns
    the entry module's file. Import it with `spec(...)`, which knows the import root."""
    folder.mkdir(parents=True, exist_ok=True)
    layout = target.layout
    if layout is None:
        module_file = folder / target.entry_file.name
        module_file.write_text(entry_text(target, code), encoding="utf-8")
        return module_file
    # From the frozen copy: files the candidate may not change stay as they were at the start.
    shutil.copytree(layout.snapshot, folder / layout.package.name, ignore=_SKIP)
    for path, text in files(target, code).items():
        (folder / (layout.root / path).relative_to(layout.package.parent)).write_text(
            text, encoding="utf-8"
        )
    return folder / layout.entry.relative_to(layout.package.parent)


def spec(
    target: "Target",
    module_file: Path,
    workdir: Path,
    purpose: Purpose = "call",
    sandboxed: bool = True,
) -> SandboxSpec:
    """The sandbox spec for a module placed by `place` (or its package copy)."""
    return SandboxSpec(
        module_file,
        target.module,
        target.function,
        workdir,
        sandboxed=sandboxed,
        limits=process_limits(target, purpose),
        import_root=_import_root(target, module_file),
        batch=target.replays_calls,
    )


def _import_root(target: "Target", module_file: Path) -> Path | None:
    """The folder holding the top-level package of a placed module (None: a lone module)."""
    if target.layout is None:
        return None
    depth = len(target.module.split(".")) - (module_file.name != "__init__.py")
    return module_file.parents[depth]


def reference_spec(target: "Target", workdir: Path, purpose: Purpose = "call") -> SandboxSpec:
    """The known-good reference's process: the reference file, or the frozen package."""
    layout = target.layout
    limits = process_limits(target, purpose)
    if layout is None:
        return SandboxSpec(
            target.reference_file,
            f"_reference_{target.name}",
            target.reference_function,
            workdir,
            sandboxed=False,
            limits=limits,
            checker=target.checker,
        )
    module_file = layout.snapshot.parent / layout.entry.relative_to(layout.package.parent)
    return SandboxSpec(
        module_file,
        target.module,
        target.function,
        workdir,
        sandboxed=False,
        limits=limits,
        import_root=layout.snapshot.parent,
        batch=target.replays_calls,
        checker=target.checker,
    )
