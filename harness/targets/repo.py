"""Targets inside a repository, from the `harness.toml` that `harness init` writes.

`REPO` names the repository's only target; `REPO::NAME` picks one. The reference is the entry
module's package frozen when the target is loaded (a copy in a temporary folder, removed at exit),
so the function as it was at the start is what every candidate is compared with.
"""

import atexit
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from harness.config_file import read_config
from harness.errors import ConfigError
from harness.paths import CONFIG_FILE
from harness.targets.config import InputsConfig, TargetConfig
from harness.targets.layout import RepoLayout
from harness.targets.loader import Target, find_checker, parse_output_type, signature_arity
from harness.targets.repo_config import RepoConfig, RepoTarget

SEPARATOR = "::"


def is_repo_target(name_or_path: str) -> bool:
    path = Path(name_or_path.split(SEPARATOR)[0])
    return (path / CONFIG_FILE).is_file() and not (path / "target.toml").is_file()


def load_repo_target(name_or_path: str) -> Target:
    repo_text, _, name = name_or_path.partition(SEPARATOR)
    repo = Path(repo_text).resolve()
    toml_path = repo / CONFIG_FILE
    chosen = _choose(_read(toml_path), name, toml_path)
    layout = _layout(repo, chosen, toml_path)
    module, function = chosen.entry.split(":")
    config = _target_config(chosen, layout)
    return Target(
        name=chosen.name,
        folder=repo,
        config=config,
        module=module,
        function=function,
        reference_file=layout.snapshot.parent / layout.entry.relative_to(layout.package.parent),
        reference_function=function,
        output_type=parse_output_type(chosen.output_type, toml_path),
        arity=signature_arity(chosen.signature, toml_path),
        layout=layout,
        checker=find_checker(chosen.equivalence, chosen.editable, toml_path, repo, upward=False),
    )


def _read(toml_path: Path) -> RepoConfig:
    return read_config(toml_path, RepoConfig, "Repository targets")


def _choose(config: RepoConfig, name: str, toml_path: Path) -> RepoTarget:
    names = [target.name for target in config.target]
    if not name and len(names) == 1:
        return config.target[0]
    for target in config.target:
        if target.name == name:
            return target
    wanted = f"no target {name!r}" if name else "several targets"
    raise ConfigError(f"{toml_path}: {wanted}; pick one as REPO{SEPARATOR}NAME: {', '.join(names)}")


def _layout(repo: Path, target: RepoTarget, toml_path: Path) -> RepoLayout:
    module = target.entry.split(":")[0]
    root = repo / target.import_root
    parts = module.split(".")
    package = root / parts[0]
    entry = root.joinpath(*parts).with_suffix(".py")
    if not entry.is_file():
        entry = root.joinpath(*parts, "__init__.py")
    if not package.is_dir() or not entry.is_file():
        raise ConfigError(
            f"{toml_path}: target {target.name}: module {module} is not a file of a package "
            f"under {root}; fix entry or import_root"
        )
    recorded = repo / target.inputs.recorded if target.inputs.recorded else None
    if recorded is not None and not recorded.is_file():
        raise ConfigError(f"{toml_path}: recorded inputs {recorded} not found; run harness init")
    _check_editable(repo, package, entry, target, toml_path)
    return RepoLayout(repo, package, entry, _snapshot(package), recorded)


def _check_editable(
    repo: Path, package: Path, entry: Path, target: RepoTarget, toml_path: Path
) -> None:
    """Candidates may change only editable files, and a process imports only the package: an
    editable file outside it could never take effect."""
    for relative in target.editable:
        path = (repo / relative).resolve()
        if not path.is_file() or path.suffix != ".py" or not path.is_relative_to(package.resolve()):
            raise ConfigError(
                f"{toml_path}: target {target.name}: editable {relative!r} is not a .py file "
                f"of package {package.relative_to(repo)}; list only its modules"
            )
    if entry.relative_to(repo).as_posix() not in target.editable:
        raise ConfigError(
            f"{toml_path}: target {target.name}: list the entry module "
            f"{entry.relative_to(repo).as_posix()!r} in `editable`"
        )


def _snapshot(package: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="harness-reference-"))
    folder.chmod(0o755)  # a sandbox running as an unprivileged uid reads it (as root)
    atexit.register(shutil.rmtree, folder, True)
    copy = folder / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def keep_reference(target: Target, folder: Path) -> Target:
    """The first call keeps a repository target's frozen package in `folder`; a later call (a
    resumed session) returns the target compared with that kept copy, so the reference is the
    package as it was when the session began, not as the working tree is now."""
    layout = target.layout
    if layout is None:
        return target
    kept = folder / layout.snapshot.name
    if not kept.is_dir():
        shutil.copytree(layout.snapshot, kept)
        return target
    snapshot = _snapshot(kept)  # a fresh copy a sandboxed uid may read
    reference = snapshot / target.reference_file.relative_to(layout.snapshot)
    return replace(target, layout=replace(layout, snapshot=snapshot), reference_file=reference)


def _target_config(target: RepoTarget, layout: RepoLayout) -> TargetConfig:
    data = target.model_dump(exclude={"name", "import_root", "inputs"})
    data["reference"] = f"{layout.entry.relative_to(layout.root)}:{data['entry'].split(':')[1]}"
    generated = target.inputs.generator is not None  # else recorded calls are the inputs
    inputs = InputsConfig(
        generator=target.inputs.generator or "",
        small_sizes=target.inputs.small_sizes if generated else [],
        bench_sizes=target.inputs.bench_sizes if generated else [0],
        property_examples=60,  # without a generator, calls derived from the recorded ones
    )
    return TargetConfig.model_validate(data | {"inputs": inputs.model_dump()})
