"""`local:MODEL`: a GGUF model run in this process by llama-cpp-python, offline.

MODEL is a catalogue name (see `harness models list`; pulled with `harness models pull`) or the
path of any .gguf file. The model is loaded once per process and shared by every provider that
names it, so llama.cpp's prompt cache can skip repeated prefixes; calls take turns on it.
"""

import atexit
import os
import threading
import time
from pathlib import Path
from typing import Any

from harness.errors import ConfigError, missing
from harness.providers.base import Completion, Message, ProviderError, ReplyFormat
from harness.providers.models import resolve

LLAMA_VERSION = "0.3.36"
# llama.cpp is built from source: portable (not for this CPU only), as `make setup` builds it.
BUILD = "CMAKE_ARGS=-DGGML_NATIVE=OFF"
CONTEXT_TOKENS = (
    8192  # the optimizer's prompt with a profile and history fits; the default does not
)
_MODELS: dict[Path, Any] = {}
_LOADING = threading.Lock()


def not_installed(user: str, extra: str = "") -> ConfigError:
    """llama-cpp-python (with `extra`, e.g. "[server]") is missing: how to build and install it."""
    requirement = f"llama-cpp-python{extra}=={LLAMA_VERSION}"
    return missing(user, requirement, env=BUILD, instead="make setup")


def threads() -> int:
    """Every core this process may use: the library's default is half of them."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load(path: Path) -> Any:
    with _LOADING:
        if path not in _MODELS:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise not_installed("the local model") from None
            if not _MODELS:
                # Closed while the interpreter is whole: Llama's own finalizer fails at exit.
                atexit.register(_close_all)
            _MODELS[path] = Llama(
                model_path=str(path),
                n_ctx=CONTEXT_TOKENS,
                n_threads=threads(),
                n_threads_batch=threads(),
                verbose=False,
            )
        return _MODELS[path]


def _close_all() -> None:
    for llm in _MODELS.values():
        llm.close()
    _MODELS.clear()


class LocalProvider:
    kind = "local"
    _turns = threading.Lock()

    def __init__(self, model: str, **_: Any) -> None:
        self.path = resolve(model)
        self.name, self.model = f"local:{model}", self.path.name

    def complete(
        self,
        messages: list[Message],
        temperature: float | None,
        max_tokens: int,
        reply_format: ReplyFormat | None = None,
    ) -> Completion:
        llm = load(self.path)
        started = time.monotonic()
        with self._turns:  # one llama.cpp context: calls take turns
            try:
                reply = llm.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    max_tokens=max_tokens,
                    **_options(temperature, reply_format),
                )
            except (ValueError, RuntimeError) as exc:  # e.g. a prompt longer than the context
                raise ProviderError(f"{self.name}: {exc}") from None
        usage = reply.get("usage") or {}
        return Completion(
            reply["choices"][0]["message"]["content"] or "",
            self.model,
            int(usage.get("prompt_tokens", 0)),
            int(usage.get("completion_tokens", 0)),
            time.monotonic() - started,
        )


def _options(temperature: float | None, reply_format: ReplyFormat | None) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if temperature is not None:
        options["temperature"] = temperature
    if reply_format is not None:
        # llama-cpp-python turns the schema into a grammar: the model cannot write anything else.
        options["response_format"] = {"type": "json_object", "schema": reply_format.schema}
    return options
