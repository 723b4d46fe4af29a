"""One run of a coding agent in a prepared folder: boxed, time-limited, its transcript and
usage recorded as the role's model call."""

import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from harness.agents.box import AgentRun, Box, argv_in_box, environment, run_agent
from harness.agents.egress import PROXY_PORT, Gate, bridge_argv, destination, proxy_env
from harness.agents.recipes import AgentCall, Recipe
from harness.errors import HarnessError
from harness.loop.prompts import Prompt
from harness.loop.settings import AgentSettings
from harness.paths import harness_home
from harness.providers.pricing import named_cost
from harness.records import ModelCall


class Agent:
    """`agent:NAME:MODEL` as the settings say to run it."""

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

    def run(
        self, folder: Path, files: list[str], read_only: list[Path], prompt: Prompt, role: str
    ) -> tuple[AgentRun | None, ModelCall]:
        """Run in `folder` (its files prepared) on `prompt`; None: it could not start (the
        call's `error` says why). Its own config goes beside `folder`."""
        began = time.time()
        call = self._call(folder, files, prompt.text)
        record = ModelCall(role, self.name, prompt.version, prompt.text, "", started_at=began)
        try:
            run = self._start(call, read_only)
        except (HarnessError, OSError) as exc:
            return None, replace(record, error=f"agent did not start: {exc}")
        usage = self.recipe.usage(call, run.output)
        cost = usage.cost_usd  # as the agent reports it; else its tokens at its model's price
        if cost is None:
            cost = named_cost(self.name, usage.input_tokens, usage.output_tokens, self.prices)
        transcript = usage.transcript or run.output
        return run, replace(
            record,
            answer=transcript,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=cost,
            seconds=run.seconds,
        )

    def _call(self, folder: Path, files: list[str], task: str) -> AgentCall:
        settings = self.settings
        config = folder.parent / "agent-config"
        config.mkdir(exist_ok=True)
        return AgentCall(
            folder,
            files,
            self.model,
            settings.base_url,
            settings.budget_usd,
            config,
            task,
            settings.step_limit,
            settings.tool_calls,
        )

    def _start(self, call: AgentCall, read_only: list[Path]) -> AgentRun:
        executable = find_executable(self.recipe)
        command = [executable, *self.recipe.command(call)[1:]]
        extra = {"PATH": _run_path(executable)} | self.recipe.env(call)
        gate, network = None, self.settings.network
        if network == "api":  # the box gets none; the gate lets the model API's traffic in
            gate, command, extra = self._gate(call, command, extra)
            network = "none"
        box = Box(call.folder, read_only, [call.config], network)
        passed = [*self.recipe.passed, *self.settings.pass_env]
        env = environment(call.folder, call.config, passed, extra)
        try:
            return run_agent(argv_in_box(command, box), env, call.task, self.limit)
        finally:
            if gate is not None:
                gate.close()

    @property
    def limit(self) -> float:
        return self.settings.time_limit_seconds

    def _gate(
        self, call: AgentCall, command: list[str], env: dict[str, str]
    ) -> tuple[Gate | None, list[str], dict[str, str]]:
        allowed = destination(call.base_url, self.recipe.api_provider(self.model))
        if allowed is None:  # no API is known: no network at all
            return None, command, env
        socket_path = call.config / "api.sock"
        gate = Gate(socket_path, allowed, proxy=not allowed.local)
        if allowed.local:  # the same address inside the box, bridged to the host's
            return gate, bridge_argv(allowed.port, socket_path, command), env
        return gate, bridge_argv(PROXY_PORT, socket_path, command), env | proxy_env(PROXY_PORT)


def _run_path(executable: str) -> str:
    """PATH for an agent's run: the host's, then the agent's own folder and the node that
    `make agents` installed where the machine has none (the npm agents start with it)."""
    node = harness_home() / "agents" / "node" / "bin"
    return os.pathsep.join([os.environ.get("PATH", ""), str(Path(executable).parent), str(node)])


def find_executable(recipe: Recipe) -> str:
    """The agent on PATH, or where `make agents` put it."""
    installed = sorted((harness_home() / "agents").glob("*/bin"))
    path = os.pathsep.join([os.environ.get("PATH", ""), *map(str, installed)])
    found = shutil.which(recipe.executable, path=path)
    if found is None:
        raise HarnessError(f"{recipe.executable} is not on PATH; install it: {recipe.install}")
    return found
