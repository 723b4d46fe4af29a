"""Coding agents as optimizers, named `agent:NAME[:MODEL]` or `agent:cmd:COMMAND`.

A recipe says how to run one agent (`harness.agents.recipes`); `AgentOptimizer` runs it in a
box on a scratch copy and takes its edits as the candidate."""

from harness.agents.recipes import AIDER, CLAUDE_CODE, CODEX, MINI_SWE_AGENT, Recipe, command_recipe
from harness.errors import ConfigError
from harness.registry import Registry

AGENTS: Registry[Recipe] = Registry("agent")
for _recipe in (AIDER, CLAUDE_CODE, CODEX, MINI_SWE_AGENT):
    AGENTS.register(_recipe.name)(_recipe)


def parse_agent(spec: str) -> tuple[Recipe, str]:
    """The recipe and model of `agent:NAME:MODEL`, or the command of `agent:cmd:COMMAND`."""
    _, _, rest = spec.partition(":")
    name, _, model = rest.partition(":")
    if name == "cmd":
        if not model.strip():
            raise ConfigError(f'{spec!r} names no command; write agent:cmd:"COMMAND ARGS"')
        return command_recipe(_unquoted(model.strip())), ""
    valid = ", ".join([*AGENTS.names(), "cmd"])
    if name not in AGENTS.names():
        raise ConfigError(f"unknown agent {name!r} in {spec!r}; valid agents: {valid}")
    recipe = AGENTS.get(name)
    if recipe.needs_model and not model:
        raise ConfigError(f"{spec!r} names no model for the agent; write agent:{name}:MODEL")
    return recipe, model


def _unquoted(command: str) -> str:
    """`"COMMAND ARGS"` as written in a settings file or shell, without its outer quotes."""
    if len(command) > 1 and command[0] == command[-1] and command[0] in "\"'":
        return command[1:-1]
    return command


__all__ = ["AGENTS", "Recipe", "parse_agent"]
