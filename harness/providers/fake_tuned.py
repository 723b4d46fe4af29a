"""`fake-tuned:NAME`: a fake model with a known sweet spot, so that `harness tune` has a real
signal to find. Never chosen unless named.

NAME is a built-in answer set, `squares` (the tests' target) or `rolling_median` (a bundled
target), or a JSON file of the same shape:
`{"band": [low, high], "steps": ["faster module", ...], "wrong": "wrong module"}`.

As the optimizer it answers by its temperature (1.0, the hosted APIs' default, when none is given):
- inside the band (built-in sets: 0.3 to 0.9): the step after the one that is the current code
  (the first step for the original; each step is correct and faster than the one before); once
  the last step is in, prose without code (an invalid candidate);
- below the band (too timid): prose without code, an invalid candidate;
- above the band (too wild): `wrong`, which the correctness checks reject;
- asked for a diff (`answer_format = "diff"`), whatever the temperature: a diff that does not
  apply (it cannot write diffs), an invalid candidate.

As the validator (the system message asks for one JSON object) it approves, with no inputs.
Words count as tokens; calls cost $1 / $4 per million input / output tokens unless `[prices]`
names `fake-tuned:NAME` or `NAME`, so more candidates, more rounds and longer prompts (profile,
history) cost more. The same prompt and temperature always give the same answer.
"""

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.errors import ConfigError
from harness.providers.base import Completion, Message, ReplyFormat
from harness.providers.pricing import cost_usd

DEFAULT_PRICE = (1.0, 4.0)  # USD per million input / output tokens
DEFAULT_TEMPERATURE = 1.0
NO_IDEA = "I see no further way to make this faster; the code can stay as it is."
BROKEN_DIFF = (
    "```diff\n--- a/module.py\n+++ b/module.py\n@@ -1,1 +1,1 @@\n-pass  # absent\n+pass\n```"
)
APPROVAL = '{"approve": true, "reasons": ["looks equivalent"], "inputs": []}'


class AnswerSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    band: tuple[float, float] = Field((0.3, 0.9), description="Temperatures that work.")
    steps: list[str] = Field(min_length=1, description="Ever faster correct modules, in order.")
    wrong: str = Field(description="A module that looks right and is wrong.")


def _block(code: str) -> str:
    return f"```python\n{code.strip()}\n```"


BUILT_IN = {
    "squares": AnswerSet(
        steps=["def squares(xs):\n    return [x * x for x in xs]\n"],
        wrong="def squares(xs):\n    return [x * abs(x) for x in xs]\n",
    ),
    "rolling_median": AnswerSet(
        steps=[
            "from bisect import bisect_left, insort\n\n\n"
            "def rolling_median(xs, window):\n"
            "    n = len(xs)\n"
            "    if window < 1 or window > n:\n"
            "        return []\n"
            "    values = sorted(xs[:window])\n"
            "    middle, odd = window // 2, window % 2 == 1\n"
            "    medians = []\n"
            "    for start in range(n - window + 1):\n"
            "        if start:\n"
            "            del values[bisect_left(values, xs[start - 1])]\n"
            "            insort(values, xs[start + window - 1])\n"
            "        if odd:\n"
            "            medians.append(float(values[middle]))\n"
            "        else:\n"
            "            medians.append((values[middle - 1] + values[middle]) / 2)\n"
            "    return medians\n"
        ],
        wrong="def rolling_median(xs, window):\n"
        "    return [sum(xs[i : i + window]) / window for i in range(len(xs) - window + 1)]\n",
    ),
}


def load_answers(name: str) -> AnswerSet:
    if name in BUILT_IN:
        return BUILT_IN[name]
    try:
        return AnswerSet.model_validate(json.loads(Path(name).read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise ConfigError(
            f"fake-tuned:{name}: not a built-in answer set ({', '.join(BUILT_IN)}) nor a JSON "
            f'file {{"band": [low, high], "steps": [...], "wrong": "..."}}: {first}'
        ) from None


class FakeTunedProvider:
    kind = "fake-tuned"

    def __init__(
        self, name: str, prices: dict[str, tuple[float, float]] | None = None, **_: Any
    ) -> None:
        self.answers = load_answers(name)
        self.model, self.name = name, f"fake-tuned:{name}"
        self.prices = dict(prices or {})
        if self.name not in self.prices and name not in self.prices:
            self.prices[self.name] = DEFAULT_PRICE

    def complete(
        self,
        messages: list[Message],
        temperature: float | None,
        max_tokens: int,
        reply_format: ReplyFormat | None = None,  # its validator answer is always valid JSON
    ) -> Completion:
        text = self.answer(messages, DEFAULT_TEMPERATURE if temperature is None else temperature)
        input_tokens = sum(len(m.content.split()) for m in messages)
        output_tokens = len(text.split())
        cost = cost_usd(self.kind, self.model, input_tokens, output_tokens, self.prices)
        return Completion(text, self.model, input_tokens, output_tokens, 0.0, cost or 0.0)

    def answer(self, messages: list[Message], temperature: float) -> str:
        if any(m.role == "system" and "JSON object" in m.content for m in messages):
            return APPROVAL
        prompt = messages[-1].content
        if "unified diff" in prompt:
            return BROKEN_DIFF
        low, high = self.answers.band
        if temperature > high:
            return _block(self.answers.wrong)
        steps = self.answers.steps
        done = max((i + 1 for i, step in enumerate(steps) if step.strip() in prompt), default=0)
        if temperature < low or done == len(steps):
            return NO_IDEA
        return _block(steps[done])
