"""The optimizer role: a model proposes a faster module for the target."""

import threading
from dataclasses import dataclass

from harness.loop.calls import recorded
from harness.loop.examples import examples
from harness.loop.parse import parse_answer
from harness.loop.prompts import Prompt, render
from harness.providers.base import Message, Provider, ProviderError
from harness.records import ModelCall
from harness.targets.code import Code, baseline_code, entry_path, files, is_multi_file, shown
from harness.targets.loader import Target

_SYSTEM = "You are a careful Python performance engineer. You answer with code only."


@dataclass(frozen=True)
class Proposal:
    source: Code | None
    problem: str | None
    call: ModelCall
    repair_of: str | None = None  # the failed candidate this one fixes
    optimizer: str = ""  # the name it was proposed under (`PROVIDER:MODEL`, `agent:NAME`)


_ANSWER = {
    "module": "Answer with the complete new module in a single ```python code block and nothing "
    "else.",
    "diff": "Answer with a unified diff against the current code (lines starting with ---, +++, "
    "@@, space, - and +) in a single ```diff code block and nothing else.",
}
_MULTI_FILE_ANSWER = (
    "Answer with a unified diff in a single ```diff code block and nothing else. Name each file "
    "in its --- a/PATH and +++ b/PATH headers exactly as above. Change only these files: {files}."
)

# Several samples of one prompt from a small model tend to repeat one idea; giving each sample a
# different general direction spreads them over the kinds of speedup that exist.
HINTS = (
    "Try this direction: a better algorithm or data structure that does less work (for example "
    "a sieve, a heap, bisect on a sorted list, a dict or set lookup, counting instead of sorting).",
    "Try this direction: vectorize the whole computation with numpy (no Python loop over "
    "elements), then convert the result back to plain Python types. Useful tools: broadcasting, "
    "np.cumsum, np.sort or np.median along an axis, np.unique with return_counts, and "
    "numpy.lib.stride_tricks.sliding_window_view(arr, k) with an int k, which gives an array of "
    "shape (len(arr) - k + 1, k) when len(arr) >= k. Return early for empty inputs: np.array([]) "
    "has shape (0,).",
    "Try this direction: cut interpreter overhead in the hot loop: iterate over items (for j, y "
    "in enumerate(ys, 1)) instead of indexing with range(len(...)); read what the inner loop "
    "does not change (such as a[i - 1], or a row of a table) into a local name before it; keep "
    "only the data still needed (for example the previous and the current row instead of a "
    "whole table); use builtins such as min, sum, zip, map and comprehensions.",
)


def hint_for(index: int) -> str:
    """The direction for the `index`-th sample of a session, cycling through HINTS."""
    return HINTS[index % len(HINTS)]


class Prompts:
    """The optimizer's prompts for a target: what to do, the contract, the code, the profile,
    the history, and how to answer (`instruction`: None, a model's answer in `answer_format`)."""

    def __init__(self, answer_format: str = "module", instruction: str | None = None) -> None:
        self.answer_format, self.instruction = answer_format, instruction
        self._examples: dict[str, str] = {}  # per target, worked out once
        self._examples_lock = threading.Lock()

    def examples(self, target: Target) -> str:
        with self._examples_lock:
            if target.address not in self._examples:
                self._examples[target.address] = examples(target)
            return self._examples[target.address]

    def answer_instruction(self, target: Target) -> str:
        if self.instruction is not None:
            return self.instruction.format(files=", ".join(files(target, baseline_code(target))))
        if is_multi_file(target):
            return _MULTI_FILE_ANSWER.format(files=", ".join(target.config.editable))
        return _ANSWER[self.answer_format]

    def optimizer(
        self, target: Target, current: Code, profile: str, history: str, hint: str = ""
    ) -> Prompt:
        return render(
            "optimizer",
            function=target.function,
            contract=self.contract(target),
            code=shown(target, current),
            profile=profile or "(not available)",
            history=history or "(none yet)",
            hint=f"{hint}\n\n" if hint else "",
            answer_instruction=self.answer_instruction(target),
        )

    def repair(self, target: Target, failed: Code, problem: str, current: Code) -> Prompt:
        return render(
            "repair",
            function=target.function,
            contract=self.contract(target),
            failed=shown(target, failed),
            problem=problem,
            code=shown(target, current),
            answer_instruction=self.answer_instruction(target),
        )

    def contract(self, target: Target) -> str:
        """What every answer must satisfy: signature, types, equivalence, rules, examples."""
        return render(
            "contract",
            signature=target.config.signature,
            description=target.config.description,
            output_type=target.config.output_type,
            equivalence=_equivalence(target),
            bench_sizes=target.config.inputs.bench_sizes,
            calls_per_process=target.config.calls_per_process,
            examples=self.examples(target),
        ).text


class LLMOptimizer:
    def __init__(
        self,
        provider: Provider,
        temperature: float | None,
        max_tokens: int,
        answer_format: str = "module",
    ) -> None:
        self.provider, self.temperature, self.max_tokens = provider, temperature, max_tokens
        self.prompts = Prompts(answer_format)

    def propose(
        self, target: Target, current: Code, profile: str, history: str, hint: str = ""
    ) -> Proposal:
        prompt = self.prompts.optimizer(target, current, profile, history, hint)
        return self._ask(target, prompt, current)

    def repair(self, target: Target, failed: Code, problem: str, current: Code) -> Proposal:
        prompt = self.prompts.repair(target, failed, problem, current)
        return self._ask(target, prompt, failed)

    def _ask(self, target: Target, prompt: Prompt, base: Code) -> Proposal:
        """One model call; a diff in the answer applies to `base`."""
        name = self.provider.name
        messages = [Message("system", _SYSTEM), Message("user", prompt.text)]
        try:
            done = self.provider.complete(messages, self.temperature, self.max_tokens)
        except ProviderError as exc:
            call = ModelCall("optimizer", name, prompt.version, prompt.text, "", error=str(exc))
            return Proposal(None, f"model call failed: {exc}", call)
        call = recorded("optimizer", name, prompt.version, prompt.text, done)
        parsed = parse_answer(done.text, base, entry_path(target), target.function)
        return Proposal(parsed.source, parsed.problem, call)


def _equivalence(target: Target) -> str:
    rule = target.config.equivalence
    if rule.rule == "allclose":
        return (
            f"floats within rtol={rule.rtol:g}, atol={rule.atol:g}; everything else exactly equal"
        )
    if rule.rule == "unordered":
        return "the same items in any order"
    if rule.rule == "checker":
        return (
            "any valid answer: a checker judges the output against the reference's (valid "
            "outputs are not unique here), with the same types"
        )
    return "exactly equal, with the same types"
