"""`AgentOptimizer`: a coding agent proposes a candidate by editing a scratch copy.

The task it gets is the optimizer prompt (contract, profile, history) with an instruction to
edit the files in place and use `./check`; its transcript is recorded as the candidate's model
call, with the tokens and cost it reports."""

import tempfile
from dataclasses import replace
from pathlib import Path

from harness.agents.box import AgentRun
from harness.agents.helpers import HelperService
from harness.agents.runner import Agent
from harness.agents.workspace import CHECK, HIDDEN, Outcome, Workspace, helper_socket
from harness.loop.optimizer import Prompts, Proposal
from harness.loop.prompts import Prompt
from harness.records import ModelCall
from harness.targets.code import Code
from harness.targets.loader import Target

_INSTRUCTION = (
    "You work in a copy of the code: edit these files in place: {files}. Run ./" + CHECK + " "
    "to judge your current files with the same checks and benchmark harness uses (it prints a "
    "verdict table; exit code 0 means accepted); iterate until it accepts them or you run out of "
    "ideas. Leave every other file as it is: changes anywhere else are ignored."
)
_SHOWN_IGNORED = 20  # paths named in the note; the rest are counted


class AgentOptimizer:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.prompts = Prompts(instruction=_INSTRUCTION)

    def propose(
        self, target: Target, current: Code, profile: str, history: str, hint: str = ""
    ) -> Proposal:
        prompt = self.prompts.optimizer(target, current, profile, history, hint)
        return self._run(target, current, prompt)

    def repair(self, target: Target, failed: Code, problem: str, current: Code) -> Proposal:
        return self._run(target, failed, self.prompts.repair(target, failed, problem, current))

    def _run(self, target: Target, start: Code, prompt: Prompt) -> Proposal:
        settings = self.agent.settings
        with tempfile.TemporaryDirectory(prefix="harness-agent-") as tmp:
            workspace = Workspace(Path(tmp) / "work", target, start)
            workspace.prepare(prompt.text, settings.check_budget_seconds)
            hidden = [workspace.tests, workspace.folder / HIDDEN]
            read_only = [path for path in hidden if path.exists()]
            socket = helper_socket(workspace.folder)
            limit = settings.time_limit_seconds
            with HelperService(socket, "check", workspace.folder, limit):
                run, call = self.agent.run(
                    workspace.folder, workspace.editable, read_only, prompt, "optimizer"
                )
            if run is None:
                return Proposal(None, call.error, call)
            outcome = workspace.collect()
        return _proposal(run, call, outcome, settings.time_limit_seconds)


def _proposal(run: AgentRun, call: ModelCall, outcome: Outcome, limit: float) -> Proposal:
    if outcome.ignored:
        shown = outcome.ignored[:_SHOWN_IGNORED]
        more = len(outcome.ignored) - len(shown)
        ignored = ", ".join(shown) + (f" and {more} more" if more else "")
        call = replace(call, note=f"ignored changes outside the editable files: {ignored}")
    problem = _problem(run, outcome, limit)
    if problem is not None:
        return Proposal(None, problem, replace(call, error=problem))
    return Proposal(outcome.code, None, call)


def _problem(run: AgentRun, outcome: Outcome, limit: float) -> str | None:
    if run.timed_out:
        return f"agent killed at its time limit of {limit:g} s"
    if outcome.code is None and run.exit_code != 0:
        tail = run.output.strip().splitlines()[-1:] or ["(no output)"]
        return f"agent exited with code {run.exit_code} and no edit: {tail[0][:200]}"
    if outcome.code is None:
        return "agent left the editable files unchanged"
    return None
