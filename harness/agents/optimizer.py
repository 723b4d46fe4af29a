"""`AgentOptimizer`: a coding agent proposes a candidate by editing a scratch copy.

The task it gets is the optimizer prompt (contract, profile, history) with an instruction to
edit the files in place and use `./check`; its transcript is recorded as the candidate's model
call, with the tokens and cost it reports."""

import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from harness.agents.box import AgentRun, Box, argv_in_box, environment, run_agent
from harness.agents.recipes import AgentCall, Recipe, Usage
from harness.agents.workspace import CHECK, Outcome, Workspace
from harness.errors import HarnessError
from harness.loop.optimizer import Prompts, Proposal
from harness.loop.prompts import Prompt
from harness.loop.settings import AgentSettings
from harness.paths import harness_home
from harness.providers.pricing import named_cost
from harness.records import ModelCall
from harness.targets.code import Code
from harness.targets.loader import Target

_INSTRUCTION = (
    "You work in a copy of the code: edit these files in place: {files}. Run ./" + CHECK + " "
    "to judge your current files with the same checks and benchmark harness uses (it prints a "
    "verdict table; exit code 0 means accepted); iterate until it accepts them or you run out of "
    "ideas. Leave every other file as it is: changes anywhere else are ignored."
)


class AgentOptimizer:
    def __init__(
        self,
        name: str,
        recipe: Recipe,
        model: str,
        settings: AgentSettings,
        prices: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        self.name, self.recipe, self.model, self.settings = name, recipe, model, settings
        self.prices = prices
        self.prompts = Prompts(instruction=_INSTRUCTION)

    def propose(
        self, target: Target, current: Code, profile: str, history: str, hint: str = ""
    ) -> Proposal:
        prompt = self.prompts.optimizer(target, current, profile, history, hint)
        return self._run(target, current, prompt)

    def repair(self, target: Target, failed: Code, problem: str, current: Code) -> Proposal:
        return self._run(target, failed, self.prompts.repair(target, failed, problem, current))

    def _run(self, target: Target, start: Code, prompt: Prompt) -> Proposal:
        began = time.time()
        with tempfile.TemporaryDirectory(prefix="harness-agent-") as tmp:
            workspace = Workspace(Path(tmp) / "work", target, start)
            workspace.prepare(prompt.text, self.settings.check_budget_seconds)
            call = AgentCall(
                workspace.folder,
                workspace.editable,
                self.model,
                self.settings.base_url,
                self.settings.budget_usd,
                Path(tmp) / "config",
                prompt.text,
                self.settings.step_limit,
                self.settings.tool_calls,
            )
            call.config.mkdir()
            try:
                run = self._start(workspace, call, prompt.text)
            except (HarnessError, OSError) as exc:
                record = ModelCall("optimizer", self.name, prompt.version, prompt.text, "")
                failed = f"agent did not start: {exc}"
                return Proposal(None, failed, replace(record, error=failed, started_at=began))
            outcome = workspace.collect()
            usage = self.recipe.usage(call, run.output)
            run = replace(run, output=usage.transcript or run.output)
        return self._proposal(prompt, run, outcome, usage, began)

    def _start(self, workspace: Workspace, call: AgentCall, task: str) -> AgentRun:
        executable = find_executable(self.recipe)
        command = self.recipe.command(call)
        read_only = [p for p in (workspace.tests, workspace.folder / ".harness") if p.exists()]
        box = Box(workspace.folder, read_only, [call.config], self.settings.network)
        argv = argv_in_box([executable, *command[1:]], box)
        passed = [*self.recipe.passed, *self.settings.pass_env]
        env = environment(workspace.folder, passed, self.recipe.env(call))
        return run_agent(argv, env, task, self.settings.time_limit_seconds)

    def _proposal(
        self, prompt: Prompt, run: AgentRun, outcome: Outcome, usage: Usage, began: float
    ) -> Proposal:
        notes = [f"ignored changes outside the editable files: {', '.join(outcome.ignored)}"]
        cost = usage.cost_usd  # as the agent reports it; else its tokens at its model's price
        if cost is None:
            cost = named_cost(self.name, usage.input_tokens, usage.output_tokens, self.prices)
        call = ModelCall(
            "optimizer",
            self.name,
            prompt.version,
            prompt.text,
            run.output,
            usage.input_tokens,
            usage.output_tokens,
            cost,
            run.seconds,
            started_at=began,
            note=notes[0] if outcome.ignored else None,
        )
        problem = _problem(run, outcome, self.settings.time_limit_seconds)
        if problem is not None:
            return Proposal(None, problem, replace(call, error=problem))
        return Proposal(outcome.code, None, call)


def find_executable(recipe: Recipe) -> str:
    """The agent on PATH, or where `make agents` put it."""
    installed = sorted((harness_home() / "agents").glob("*/bin"))
    path = os.pathsep.join([os.environ.get("PATH", ""), *map(str, installed)])
    found = shutil.which(recipe.executable, path=path)
    if found is None:
        raise HarnessError(f"{recipe.executable} is not on PATH; install it: {recipe.install}")
    return found


def _problem(run: AgentRun, outcome: Outcome, limit: float) -> str | None:
    if run.timed_out:
        return f"agent killed at its time limit of {limit:g} s"
    if outcome.code is None and run.exit_code != 0:
        tail = run.output.strip().splitlines()[-1:] or ["(no output)"]
        return f"agent exited with code {run.exit_code} and no edit: {tail[0][:200]}"
    if outcome.code is None:
        return "agent left the editable files unchanged"
    return None
