"""The validator role: a second model looks for what the tests missed and proposes inputs."""

import json
import re
from dataclasses import dataclass, field
from typing import Any

from harness.loop.prompts import render
from harness.loop.records import ModelCall
from harness.providers.base import Message, ProviderError
from harness.roles import Provider
from harness.targets.loader import Target

_SYSTEM = "You are a strict reviewer of code optimizations. You answer with one JSON object."
_MAX_INPUTS = 5


@dataclass
class Review:
    approve: bool
    reasons: list[str]
    inputs: list[list[Any]] = field(default_factory=list)
    call: ModelCall | None = None

    def to_json(self) -> dict[str, Any]:
        return {"approve": self.approve, "reasons": self.reasons, "inputs": self.inputs}


class LLMValidator:
    def __init__(self, provider: Provider, temperature: float, max_tokens: int) -> None:
        self.provider, self.temperature, self.max_tokens = provider, temperature, max_tokens

    def review(self, target: Target, diff: str, facts: str) -> Review:
        prompt = render(
            "validator",
            function=target.function,
            signature=target.config.signature,
            description=target.config.description,
            diff=diff,
            facts=facts,
        )
        messages = [Message("system", _SYSTEM), Message("user", prompt.text)]
        name = self.provider.name
        try:
            done = self.provider.complete(messages, self.temperature, self.max_tokens)
        except ProviderError as exc:
            call = ModelCall("validator", name, prompt.version, prompt.text, "", error=str(exc))
            return Review(True, [f"no review (model call failed: {exc})"], call=call)
        review = parse_review(done.text, target.arity)
        review.call = ModelCall.of("validator", name, prompt.version, prompt.text, done)
        return review


def parse_review(answer: str, arity: int) -> Review:
    """An unreadable review is no objection: only an explicit rejection vetoes."""
    data = _json_object(answer)
    if data is None:
        return Review(True, ["no review (the answer held no JSON object)"])
    approve = data.get("approve", True) is not False
    raw_reasons = data.get("reasons", [])
    if not isinstance(raw_reasons, list):  # small models often give one string
        raw_reasons = [raw_reasons]
    reasons = [str(r) for r in raw_reasons if str(r).strip()][:10]
    raw_inputs = data.get("inputs", [])
    inputs = (
        [i for i in raw_inputs if isinstance(i, list) and len(i) == arity][:_MAX_INPUTS]
        if isinstance(raw_inputs, list)
        else []
    )
    return Review(
        approve, reasons or (["approved"] if approve else ["rejected, no reason"]), inputs
    )


def _json_object(answer: str) -> dict[str, Any] | None:
    fenced = re.findall(r"```(?:json)?\s*\n(.*?)```", answer, re.DOTALL)
    for text in [*fenced, answer[answer.find("{") : answer.rfind("}") + 1]]:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return None
