"""`AgentValidator`: a coding agent reviews a winning candidate. It reads the candidate and the
change, may run inputs through the candidate (in harness's sandbox) and the reference with
`./try`, and writes its review to `review.json`: the validator's JSON, read as a model's."""

import tempfile
from dataclasses import replace
from pathlib import Path

from harness.agents.helpers import HelperService
from harness.agents.runner import Agent
from harness.agents.workspace import HIDDEN, TRY, helper_socket, prepare_review
from harness.loop.prompts import Prompt
from harness.loop.validator import parse_review, validator_prompt
from harness.records import Review
from harness.targets.code import Code
from harness.targets.loader import Target

REVIEW_FILE = "review.json"
_INSTRUCTION = (
    "\n\nYou work in a folder holding the candidate's files (candidate/) and the change "
    "(CHANGE.diff). Do not run the candidate yourself: ./" + TRY + " '[ARG, ...]' runs one list "
    "of positional arguments (JSON) through the candidate, in harness's sandbox, and through the "
    "trusted reference, and says whether they agree. Write your review, the JSON object above, "
    "to " + REVIEW_FILE + " in this folder; that file is your answer."
)


class AgentValidator:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def review(self, target: Target, diff: str, facts: str, candidate: Code) -> Review:
        prompt = _prompt(target, diff, facts)
        with tempfile.TemporaryDirectory(prefix="harness-review-") as tmp:
            folder = Path(tmp) / "review"
            shown = prepare_review(folder, target, candidate, diff, prompt.text)
            read_only = [shown, folder / "CHANGE.diff", folder / HIDDEN]
            limit = self.agent.settings.time_limit_seconds
            with HelperService(helper_socket(folder), "try", folder, limit):
                run, call = self.agent.run(folder, [], read_only, prompt, "validator")
            answer = folder / REVIEW_FILE
            written = answer.read_text(encoding="utf-8") if answer.is_file() else None
        if run is None or run.timed_out or written is None:
            why = call.error or ("killed at its time limit" if run and run.timed_out else "")
            reason = f"no review (the agent wrote no {REVIEW_FILE}{': ' + why if why else ''})"
            return Review(True, [reason], call=call)
        return replace(parse_review(written, target.arity), call=call)


def _prompt(target: Target, diff: str, facts: str) -> Prompt:
    prompt = validator_prompt(target, diff, facts)
    return replace(prompt, text=prompt.text + _INSTRUCTION)
