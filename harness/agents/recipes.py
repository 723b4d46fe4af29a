"""How each coding agent is run: its command line, environment and where it reports usage.

Each recipe points its agent at any OpenAI- or Anthropic-compatible base URL; the agent's own
model name is the part after `agent:NAME:` (e.g. `agent:aider:openai/gpt-4.1`)."""

import json
import os
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.agents.workspace import CHECK, TASK_FILE


@dataclass(frozen=True)
class AgentCall:
    """One run of an agent: in `folder` (its scratch copy), on `files`, driving `model`."""

    folder: Path
    files: list[str]
    model: str
    base_url: str | None
    budget_usd: float | None
    config: Path  # outside the scratch copy, writable: config files, transcripts
    task: str
    step_limit: int
    tool_calls: bool  # False: the model writes its commands as text


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None  # None: the agent did not say
    transcript: str | None = None  # None: what it printed is its transcript


@dataclass(frozen=True)
class Recipe:
    name: str
    summary: str
    install: str  # what installs the agent, shown when it is missing
    executable: str
    command: Callable[[AgentCall], list[str]]
    env: Callable[[AgentCall], dict[str, str]]
    usage: Callable[[AgentCall, str], Usage]  # from its files and what it printed
    passed: tuple[str, ...] = ()  # environment variables it needs (API keys)
    needs_model: bool = True
    provider: str | None = None  # whose hosted API it calls without a base URL (None: per model)

    def api_provider(self, model: str) -> str | None:
        """`openai` or `anthropic` when known: the recipe's own, or a litellm model's prefix."""
        return self.provider or (model.partition("/")[0] if "/" in model else None)


def _openai_env(call: AgentCall) -> dict[str, str]:
    url = call.base_url
    return {"OPENAI_BASE_URL": url, "OPENAI_API_BASE": url} if url else {}


def _anthropic_env(call: AgentCall) -> dict[str, str]:
    return {"ANTHROPIC_BASE_URL": call.base_url} if call.base_url else {}


_UNUSED_KEY = "unused-by-local-servers"


def _keys(call: AgentCall, *names: str) -> dict[str, str]:
    """A server at a base URL of the user's may want no key, but the agents refuse to start
    without one: a stand-in for each the environment does not set."""
    if not call.base_url:
        return {}
    return {name: _UNUSED_KEY for name in names if not os.environ.get(name)}


_AIDER_TOKENS = re.compile(
    r"Tokens: ([\d.]+)(k?) sent, ([\d.]+)(k?) received\."
    r"(?: Cost: \$[\d.]+ message, \$([\d.]+) session)?"
)


def _aider_usage(call: AgentCall, output: str) -> Usage:
    """aider prints a line per model reply; its session cost is on the last one."""
    sent = received = 0
    cost = None
    for match in _AIDER_TOKENS.finditer(output):
        scale = [1000 if unit else 1 for unit in (match[2], match[4])]
        sent += int(float(match[1]) * scale[0])
        received += int(float(match[3]) * scale[1])
        cost = float(match[5]) if match[5] else cost
    return Usage(sent, received, cost)


AIDER = Recipe(
    "aider",
    "aider (aider-chat): edits the files, runs ./check after each edit and fixes what fails",
    "pip install aider-chat (in a virtualenv of its own, on PATH)",
    "aider",
    lambda call: [
        "aider",
        "--model",
        call.model,
        "--yes-always",
        "--no-git",
        "--no-auto-commits",
        "--no-check-update",
        "--no-show-model-warnings",
        "--no-pretty",
        "--no-stream",
        "--no-analytics",
        "--test-cmd",
        f"./{CHECK}",
        "--auto-test",
        "--message-file",
        TASK_FILE,
        *call.files,
    ],
    lambda call: (
        _openai_env(call)
        | _anthropic_env(call)
        | _keys(call, "OPENAI_API_KEY", "ANTHROPIC_API_KEY")
    ),
    _aider_usage,
    ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"),
)


def _codex_command(call: AgentCall) -> list[str]:
    argv = ["codex", "exec", "--json", "--skip-git-repo-check", "--ephemeral"]
    argv += ["--dangerously-bypass-approvals-and-sandbox", "--model", call.model]
    if call.base_url:  # a provider of its own: the built-in one ignores OPENAI_BASE_URL
        provider = "model_providers.harness"
        argv += ["-c", 'model_provider="harness"', "-c", f'{provider}.name="harness"']
        argv += ["-c", f'{provider}.base_url="{call.base_url}"']
        argv += ["-c", f'{provider}.env_key="OPENAI_API_KEY"']
    return [*argv, "-"]  # the task from stdin


def _codex_usage(call: AgentCall, output: str) -> Usage:
    """`codex exec --json` prints one event a line; each finished turn carries its usage."""
    sent = received = 0
    for line in output.splitlines():
        event = _json_line(line)
        usage = event.get("usage") if event.get("type") == "turn.completed" else None
        if isinstance(usage, dict):
            sent += int(usage.get("input_tokens", 0))
            received += int(usage.get("output_tokens", 0))
    return Usage(sent, received)


CODEX = Recipe(
    "codex",
    "OpenAI Codex CLI (@openai/codex): `codex exec` with the task on stdin",
    "npm install -g @openai/codex",
    "codex",
    _codex_command,
    lambda call: {"CODEX_HOME": str(call.config)} | _keys(call, "OPENAI_API_KEY"),
    _codex_usage,
    ("OPENAI_API_KEY",),
    provider="openai",
)


def _claude_command(call: AgentCall) -> list[str]:
    argv = ["claude", "-p", "--output-format", "json", "--dangerously-skip-permissions"]
    argv += ["--model", call.model, "--max-turns", str(call.step_limit)]
    return argv + (["--max-budget-usd", str(call.budget_usd)] if call.budget_usd else [])


def _claude_usage(call: AgentCall, output: str) -> Usage:
    """`claude -p --output-format json` ends with one JSON object: its usage and cost, per model
    in `modelUsage` (the top-level usage reads 0 when the budget cut the run short)."""
    for line in reversed(output.splitlines()):
        result = _json_line(line)
        if result.get("type") == "result":
            per_model = [
                u for u in (result.get("modelUsage") or {}).values() if isinstance(u, dict)
            ]
            cost = result.get("total_cost_usd")
            return Usage(
                sum(int(u.get("inputTokens", 0)) for u in per_model),
                sum(int(u.get("outputTokens", 0)) for u in per_model),
                float(cost) if cost is not None else None,
            )
    return Usage()


_CLAUDE_ENV = {
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_TELEMETRY": "1",
    "CLAUDE_CODE_MAX_RETRIES": "3",  # its default retries outlast most time limits
    "IS_SANDBOX": "1",  # it is boxed: skipping its permission prompts is allowed, root or not
}

CLAUDE_CODE = Recipe(
    "claude-code",
    "Anthropic Claude Code (@anthropic-ai/claude-code): `claude -p` with the task on stdin",
    "npm install -g @anthropic-ai/claude-code",
    "claude",
    _claude_command,
    lambda call: _anthropic_env(call) | _CLAUDE_ENV | _keys(call, "ANTHROPIC_API_KEY"),
    _claude_usage,
    ("ANTHROPIC_API_KEY",),
    provider="anthropic",
)


def _mini_command(call: AgentCall) -> list[str]:
    settings = {
        "agent": {
            "agent_class": "default",  # no prompts, no confirmations
            "mode": "yolo",
            "confirm_exit": False,
            "step_limit": call.step_limit,
            "cost_limit": call.budget_usd or 0,
        },
        "model": {
            "model_name": call.model,
            "model_class": "litellm" if call.tool_calls else "litellm_textbased",
            "cost_tracking": "ignore_errors",  # a model without a litellm price is no crash
            "model_kwargs": {"api_base": call.base_url} if call.base_url else {},
        },
        "environment": {"environment_class": "local", "cwd": str(call.folder), "timeout": 300},
    }
    config = call.config / "harness.yaml"  # JSON is YAML
    config.write_text(json.dumps(settings), encoding="utf-8")
    trajectory = call.config / "trajectory.json"
    base = "mini.yaml" if call.tool_calls else "mini_textbased.yaml"  # mini's own configs
    return ["mini", "-c", base, "-c", str(config), "-t", call.task, "-o", str(trajectory)]


def _mini_env(call: AgentCall) -> dict[str, str]:
    return {
        "MSWEA_GLOBAL_CONFIG_DIR": str(call.config),
        "MSWEA_CONFIGURED": "true",  # no first-run wizard
        "MSWEA_SILENT_STARTUP": "1",
        "MSWEA_MODEL_RETRY_STOP_AFTER_ATTEMPT": "3",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no fetch of litellm's price list
    } | _keys(call, "OPENAI_API_KEY")


def _mini_usage(call: AgentCall, output: str) -> Usage:
    """From its trajectory: every reply's usage, the run's cost (0: unknown) and messages."""
    try:
        data = json.loads((call.config / "trajectory.json").read_text(encoding="utf-8"))
        messages = data["messages"]
        cost = float(data["info"]["model_stats"]["instance_cost"])
    except (OSError, ValueError, KeyError, TypeError):
        return Usage()
    usages = [((m.get("extra") or {}).get("response") or {}).get("usage") or {} for m in messages]
    lines = [f"[{m.get('role')}] {_text(m)}" for m in messages]
    status = (data.get("info") or {}).get("exit_status")
    return Usage(
        sum(int(u.get("prompt_tokens") or 0) for u in usages),
        sum(int(u.get("completion_tokens") or 0) for u in usages),
        cost if cost > 0 else None,
        "\n\n".join([*lines, f"[exit status] {status}"]),
    )


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    actions = [a.get("command") for a in (message.get("extra") or {}).get("actions") or []]
    shown = content if isinstance(content, str) else json.dumps(content)
    return shown + "".join(f"\n$ {action}" for action in actions)


MINI_SWE_AGENT = Recipe(
    "mini-swe-agent",
    "mini-swe-agent: a bash-only agent driving any litellm model (openai/NAME for an "
    "OpenAI-compatible base URL)",
    "make agents (a virtualenv of its own with mini-swe-agent==2.4.6)",
    "mini",
    _mini_command,
    _mini_env,
    _mini_usage,
    ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"),
)


def command_recipe(command: str) -> Recipe:
    """`agent:cmd:COMMAND`: any command, run by `sh -c` with the task on stdin (and in TASK.md).
    It may report its usage in `usage.json` ({"input_tokens", "output_tokens", "cost_usd"})."""
    return Recipe(
        "cmd",
        f"the command {command!r}",
        "a command on PATH",
        "sh",
        lambda call: ["sh", "-c", command],
        lambda call: (
            {"HARNESS_FILES": " ".join(map(shlex.quote, call.files))}
            | ({"HARNESS_BASE_URL": call.base_url} if call.base_url else {})
        ),
        _file_usage,
        needs_model=False,
    )


def _file_usage(call: AgentCall, output: str) -> Usage:
    try:
        data = json.loads((call.folder / "usage.json").read_text(encoding="utf-8"))
        cost = data.get("cost_usd")
        return Usage(
            int(data.get("input_tokens", 0)),
            int(data.get("output_tokens", 0)),
            float(cost) if cost is not None else None,
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return Usage()


def _json_line(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
