"""The validator role: a second model looks for what the tests missed and proposes inputs."""

import json
import re
from dataclasses import replace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from harness.loop.calls import recorded
from harness.loop.prompts import Prompt, render
from harness.providers.base import Message, Provider, ProviderError, ReplyFormat
from harness.records import Code, ModelCall, Review
from harness.targets.loader import Target

_SYSTEM = "You are a strict reviewer of code optimizations. You answer with one JSON object."
_MAX_INPUTS = 5
_MAX_REASONS = 10

# Any JSON values: written out as a bare array, since llama.cpp's grammar builder cannot read
# the empty item schema pydantic gives `list[Any]`.
Arguments = Annotated[list[Any], WithJsonSchema({"type": "array"})]


class ReviewReply(BaseModel):
    """The validator's answer, as the JSON schema providers constrain it to."""

    model_config = ConfigDict(extra="forbid")

    inputs: list[Arguments] = Field(
        max_length=_MAX_INPUTS,
        description="Argument lists chosen to break the candidate: one list of positional "
        "arguments per call.",
    )
    approve: bool = Field(description="False only for a concrete problem, named in reasons.")
    reasons: list[str] = Field(max_length=_MAX_REASONS, description="What was found, briefly.")


REPLY_FORMAT = ReplyFormat("review", ReviewReply.model_json_schema(), "Your review, as JSON.")


class LLMValidator:
    def __init__(self, provider: Provider, temperature: float | None, max_tokens: int) -> None:
        self.provider, self.temperature, self.max_tokens = provider, temperature, max_tokens

    def review(self, target: Target, diff: str, facts: str, candidate: Code) -> Review:
        prompt = validator_prompt(target, diff, facts)
        messages = [Message("system", _SYSTEM), Message("user", prompt.text)]
        name = self.provider.name
        try:
            done = self.provider.complete(messages, self.temperature, self.max_tokens, REPLY_FORMAT)
        except ProviderError as exc:
            call = ModelCall("validator", name, prompt.version, prompt.text, "", error=str(exc))
            return Review(True, [f"no review (model call failed: {exc})"], call=call)
        call = recorded("validator", name, prompt.version, prompt.text, done)
        return replace(parse_review(done.text, target.arity), call=call)


def validator_prompt(target: Target, diff: str, facts: str) -> Prompt:
    """The validator's task for a candidate changed as `diff` shows, with its verdict's facts."""
    return render(
        "validator",
        function=target.function,
        signature=target.config.signature,
        description=target.config.description,
        diff=diff,
        facts=facts,
    )


def parse_review(answer: str, arity: int) -> Review:
    """A reply in the schema, else whatever JSON object the answer holds (models that write
    prose around it, or loose types). An unreadable review is no objection: only an explicit
    rejection vetoes."""
    try:
        reply = ReviewReply.model_validate_json(answer)
    except ValidationError:
        return _lenient_review(answer, arity)
    return _review(reply.approve, reply.reasons, reply.inputs, arity)


def _lenient_review(answer: str, arity: int) -> Review:
    data = _json_object(answer)
    if data is None:
        return Review(True, ["no review (the answer held no JSON object)"])
    raw_reasons = data.get("reasons", [])
    if not isinstance(raw_reasons, list):  # small models often give one string
        raw_reasons = [raw_reasons]
    raw_inputs = data.get("inputs", [])
    inputs = raw_inputs if isinstance(raw_inputs, list) else []
    return _review(data.get("approve", True) is not False, raw_reasons, inputs, arity)


def _review(approve: bool, raw_reasons: list[Any], raw_inputs: list[Any], arity: int) -> Review:
    reasons = [str(r) for r in raw_reasons if str(r).strip()][:_MAX_REASONS]
    inputs = [i for i in raw_inputs if isinstance(i, list) and len(i) == arity][:_MAX_INPUTS]
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
