"""Find, read and validate a target folder."""

import ast
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from harness.config_file import read_config
from harness.errors import ConfigError
from harness.targets.config import CHECKER, EquivalenceConfig, TargetConfig
from harness.targets.equivalence import comparators
from harness.targets.layout import RepoLayout
from harness.targets.types import TypeSpec, parse_type


def bundled_root() -> Path:
    """The folder holding `targets/` and `reference_impls/`: inside the installed package (a
    wheel carries them as `harness/_bundled`), else the source checkout (an editable install)."""
    installed = resources.files("harness") / "_bundled"
    if isinstance(installed, Path) and installed.is_dir():
        return installed.resolve()
    return Path(__file__).resolve().parents[2]


# A target's reference is found upward from its folder, so `reference_impls/` sits beside it.
BUNDLED_TARGETS = bundled_root() / "targets"


@dataclass(frozen=True)
class Target:
    """A validated target with its paths resolved."""

    name: str
    folder: Path
    config: TargetConfig
    module: str
    function: str
    reference_file: Path
    reference_function: str
    output_type: TypeSpec
    arity: int
    layout: RepoLayout | None = None  # set for a function inside a repository's package
    checker: tuple[Path, str] | None = None  # file and function of rule `checker`

    @property
    def address(self) -> str:
        """What `load_target` takes to load this target again."""
        return f"{self.folder}::{self.name}" if self.layout is not None else str(self.folder)

    @property
    def replays_calls(self) -> bool:
        """Timed rounds replay the recorded calls (a batch each), not one generated call."""
        return self.layout is not None and self.layout.recorded is not None

    @property
    def entry_file(self) -> Path:
        if self.layout is not None:
            return self.layout.entry
        return self.folder / (self.module.replace(".", "/") + ".py")

    def baseline_source(self) -> str:
        return self.entry_file.read_text(encoding="utf-8")


def bundled_names() -> list[str]:
    if not BUNDLED_TARGETS.is_dir():
        return []
    return sorted(p.parent.name for p in BUNDLED_TARGETS.glob("*/target.toml"))


def resolve_folder(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if (path / "target.toml").is_file():
        return path.resolve()
    if path.is_dir():
        raise ConfigError(f"{path} has no target.toml; see README 'Target format'")
    bundled = BUNDLED_TARGETS / name_or_path
    if re.fullmatch(r"[\w-]+", name_or_path) and (bundled / "target.toml").is_file():
        return bundled
    names = ", ".join(bundled_names()) or "none found"
    raise ConfigError(
        f"unknown target {name_or_path!r}; give a folder with a target.toml or a bundled "
        f"target: {names}"
    )


def load_target(name_or_path: str) -> Target:
    """A bundled target by name, a folder with a target.toml, or a repository with a
    harness.toml (`REPO` or `REPO::NAME`)."""
    from harness.targets import repo  # it builds on this module

    if repo.is_repo_target(name_or_path):
        return repo.load_repo_target(name_or_path)
    folder = resolve_folder(name_or_path)
    toml_path = folder / "target.toml"
    config = _read_config(toml_path)
    module, function = config.entry.split(":")
    reference_path, reference_function = config.reference.rsplit(":", 1)
    target = Target(
        name=folder.name,
        folder=folder,
        config=config,
        module=module,
        function=function,
        reference_file=_find_upward(folder, reference_path, toml_path, "reference"),
        reference_function=reference_function,
        output_type=parse_output_type(config.output_type, toml_path),
        arity=signature_arity(config.signature, toml_path),
        checker=find_checker(config.equivalence, config.editable, toml_path, folder),
    )
    _check_files(target, toml_path)
    return target


def _read_config(toml_path: Path) -> TargetConfig:
    return read_config(toml_path, TargetConfig, "Target format")


def _find_upward(
    folder: Path, relative: str, toml_path: Path, key: str, upward: bool = True
) -> Path:
    for base in (folder, *folder.parents) if upward else (folder,):
        candidate = base / relative
        if candidate.is_file():
            return candidate.resolve()
    above = " or above" if upward else ""
    raise ConfigError(f"{toml_path}: {key} file {relative!r} not found in {folder}{above}")


def find_checker(
    equivalence: EquivalenceConfig,
    editable: list[str],
    toml_path: Path,
    folder: Path,
    upward: bool = True,
) -> tuple[Path, str] | None:
    """The file and function of rule `checker`, found like `reference` (from `folder`, then
    upward unless not `upward`); None for any other rule."""
    key = f"{toml_path}: [equivalence]"
    if (equivalence.rule == CHECKER) != (equivalence.checker is not None):
        if equivalence.checker is None:
            raise ConfigError(f'{key} rule "checker" needs checker = "FILE.py:function"')
        raise ConfigError(
            f'{key} checker is set, so rule must be "checker", not {equivalence.rule!r}'
        )
    if equivalence.checker is None:
        return None
    relative, function = equivalence.checker.rsplit(":", 1)
    path = _find_upward(folder, relative, toml_path, "[equivalence] checker", upward)
    if path in {(folder / name).resolve() for name in editable}:
        raise ConfigError(f"{key} checker {relative!r} is editable; a candidate must not change it")
    if function not in _top_level_names(path, f"{key} checker"):
        raise ConfigError(f"{key} checker: {path} defines no function {function!r}")
    return path, function


def _top_level_names(path: Path, key: str) -> set[str]:
    """The names a module defines at its top level, read without running it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (SyntaxError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{key}: {path} cannot be read as Python: {exc}") from None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def parse_output_type(text: str, toml_path: Path) -> TypeSpec:
    try:
        return parse_type(text)
    except ConfigError as exc:
        raise ConfigError(f"{toml_path}: output_type: {exc}") from None


def signature_arity(signature: str, toml_path: Path) -> int:
    try:
        tree = ast.parse(f"def {signature}: pass")
    except SyntaxError:
        raise ConfigError(
            f"{toml_path}: signature {signature!r} is not `name(arg: type, ...) -> type`"
        ) from None
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef)
    return len(definition.args.posonlyargs) + len(definition.args.args)


def _check_files(target: Target, toml_path: Path) -> None:
    try:
        if target.config.equivalence.rule != CHECKER:
            comparators.get(target.config.equivalence.rule)
    except ConfigError as exc:
        raise ConfigError(f"{toml_path}: [equivalence] rule: {exc}; or {CHECKER!r}") from None
    for relative in [*target.config.editable, target.config.inputs.generator]:
        if not (target.folder / relative).is_file():
            raise ConfigError(f"{toml_path}: file {relative!r} not found in {target.folder}")
    if not target.entry_file.is_file():
        raise ConfigError(f"{toml_path}: entry module file {target.entry_file.name} not found")
    if target.entry_file.relative_to(target.folder).as_posix() not in target.config.editable:
        raise ConfigError(f"{toml_path}: the entry module must be listed in `editable`")
