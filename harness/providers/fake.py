"""`fake:SCRIPT`: a scripted model for tests and demos, never chosen unless named.

SCRIPT is a JSON file: {"responses": [...]}. Each response is a string (the answer) or an object
{"text": str, "input_tokens": int, "output_tokens": int} or {"error": str} (a failed call). They
are given out in order, one per call; when the script runs out, calls fail with that reason.
"""

import json
import threading
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.providers.base import Completion, Message, ProviderError, ReplyFormat


class FakeProvider:
    kind = "fake"

    def __init__(self, script: str, **_: Any) -> None:
        path = Path(script)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            responses = data["responses"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f'fake script {script}: {exc}; expected a JSON file {{"responses": [...]}}'
            ) from None
        self.responses: list[Any] = list(responses)
        self.name, self.model = f"fake:{path.name}", path.name
        self.calls: list[list[Message]] = []
        self._lock = threading.Lock()

    def complete(
        self,
        messages: list[Message],
        temperature: float | None,
        max_tokens: int,
        reply_format: ReplyFormat | None = None,  # the script is the answer, in any format
    ) -> Completion:
        with self._lock:
            self.calls.append(messages)
            if not self.responses:
                raise ProviderError(f"{self.name}: the script has no responses left")
            response = self.responses.pop(0)
        if isinstance(response, str):
            response = {"text": response}
        if "error" in response:
            raise ProviderError(f"{self.name}: {response['error']}")
        prompt_words = sum(len(m.content.split()) for m in messages)
        return Completion(
            response["text"],
            self.model,
            int(response.get("input_tokens", prompt_words)),
            int(response.get("output_tokens", len(response["text"].split()))),
            0.0,
        )
