"""A model call as the session records it."""

import time

from harness.providers.base import Completion
from harness.records import ModelCall


def recorded(role: str, provider: str, version: str, prompt: str, done: Completion) -> ModelCall:
    """The call that gave `done`; made the moment the answer arrives, so its start is now minus
    its duration."""
    return ModelCall(
        role,
        provider,
        version,
        prompt,
        done.text,
        done.input_tokens,
        done.output_tokens,
        done.cost_usd,
        done.seconds,
        started_at=time.time() - done.seconds,
        note=done.note,
    )
