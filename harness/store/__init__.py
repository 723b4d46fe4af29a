"""The experiment store role's implementations, chosen by short name: `mlflow` (the default,
embedded SQLite under results/ or any `--tracking-uri`) and `memory`."""

import os
from collections.abc import Callable
from pathlib import Path

from harness.paths import results_dir
from harness.registry import Registry
from harness.store.base import Store

STORES: Registry[Callable[[str | None], Store]] = Registry("store")


def resolve_tracking_uri(tracking_uri: str | None) -> tuple[str, Path | None]:
    """(the URI, where artifacts go): `--tracking-uri`, else $MLFLOW_TRACKING_URI (artifacts
    where that store says), else the embedded SQLite store under results/."""
    uri = tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")
    if uri:
        return uri, None
    results = results_dir().resolve()
    results.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{results / 'mlflow.db'}", results / "mlartifacts"


@STORES.register("mlflow")
def _mlflow(tracking_uri: str | None) -> Store:
    from harness.store.mlflow_store import MLflowStore

    return MLflowStore(*resolve_tracking_uri(tracking_uri))


@STORES.register("memory")
def _memory(tracking_uri: str | None) -> Store:
    from harness.store.memory import MemoryStore

    return MemoryStore()


def make_store(name: str = "mlflow", tracking_uri: str | None = None) -> Store:
    return STORES.get(name)(tracking_uri)
